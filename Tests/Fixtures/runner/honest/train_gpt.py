# Fast honest fake submission: prints training, artifact and final score lines like a real run,
# writes an artifact into its working directory. Reads SEED from the environment.
import os, time
seed = os.environ.get("SEED", "0")
print(f"seed:{seed} run_id:{os.environ.get('RUN_ID', '')}")
print("log0(f\"stopping_early: wallclock_cap train_time:{t}ms\")  # source echo, not a phase")
for step in range(0, 41, 10):
    print(f"step:{step}/40 train_loss:{3.0 - step * 0.01:.4f} train_time:{step * 5}ms step_avg:5.00ms", flush=True)
    time.sleep(0.02)
print("step:40/40 val_loss:2.1000 val_bpb:1.3000 train_time:200ms step_avg:5.00ms")
with open("final_model.int8.ptz", "wb") as f:
    f.write(bytes(range(256)) * 4)
print("Serialized model int8+zlib: 1024 bytes")
print("Total submission size int8+zlib: 3000 bytes")
print("final_int8_zlib_roundtrip_exact val_loss:2.10000000 val_bpb:1.30000000")
