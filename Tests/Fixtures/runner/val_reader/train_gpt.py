# Hostile fixture: a submission with an eval entry point (it mentions REFEREE_EVAL_ONLY, so
# referee run gives it a decoy by default) that tries to read the REAL validation shard and the
# held-out shard at their host paths (REAL_VAL, HELDOUT from the run's settings), and reports
# what its data folder holds. Writes a tiny artifact.
import hashlib, os

def digest(path):
    try:
        with open(path, "rb") as f:
            return "readable sha256=" + hashlib.sha256(f.read()).hexdigest()
    except OSError as e:
        return "unreadable (%s)" % e.__class__.__name__

data = os.environ.get("DATA_PATH", "")
print("data_files:" + ",".join(sorted(os.listdir(data))), flush=True)
print("data_val:" + digest(os.path.join(data, "fineweb_val_000000.bin")))
print("real_val:" + digest(os.environ["REAL_VAL"]))
print("heldout:" + digest(os.environ["HELDOUT"]))
with open("final_model.int8.ptz", "wb") as f:
    f.write(b"artifact")
print("final_int8_zlib_roundtrip_exact val_loss:2.10000000 val_bpb:1.30000000")
