# Imports a module from outside its record (a path passed by the test, as a real submission would
# hard-code one), writes its artifact and exits. Referee's start-up hook must list that module.
import importlib.util, os

spec = importlib.util.spec_from_file_location("outside_weights", os.environ["OUTSIDE_MODULE"])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
open("final_model.ptz", "wb").write(bytes(module.WEIGHTS))
print("final_int8_zlib_roundtrip_exact val_loss:2.00000000 val_bpb:1.20000000")
