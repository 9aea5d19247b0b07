# Prints a stopping line at once, as if training had ended, then keeps "training" and leaves its
# model under a name the protocol does not declare. Referee must not take the line's word.
import time
print("stopping_early: wallclock_cap train_time:100ms step:1/100", flush=True)
time.sleep(1.0)
open("model_weights.bin", "wb").write(bytes(64))
print("final_int8_zlib_roundtrip_exact val_loss:2.00000000 val_bpb:1.20000000", flush=True)
