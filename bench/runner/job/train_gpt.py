"""Fixed-work job for the runner overhead benchmark (not a real submission).

Does STEPS steps of fixed work (a CUDA matmul chain when torch and a GPU are present, else a
numpy matmul, else pure Python), printing one Parameter-Golf-shaped line per step (LINES_EVERY),
then an artifact line and a final score line. Its own in-loop timer (`train_time`) shows whether
anything was added inside the timed window; the wall time of the whole process shows the runner's
overhead. Under torchrun every rank works, rank 0 prints.
"""
import os
import time

STEPS = int(os.environ.get("STEPS", "3000"))
SIZE = int(os.environ.get("SIZE", "2048"))
LINES_EVERY = int(os.environ.get("LINES_EVERY", "1"))
rank = int(os.environ.get("RANK", "0"))

try:
    import torch
    dev = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if torch.cuda.is_available() else "cpu"
    a = torch.randn(SIZE, SIZE, device=dev)
    def work():
        global a
        a = torch.tanh(a @ a / SIZE)
    def sync():
        if dev.startswith("cuda"):
            torch.cuda.synchronize()
    kind = f"torch-{dev}"
except ImportError:
    try:
        import numpy as np
        n = min(SIZE, 256)
        a = np.random.default_rng(0).standard_normal((n, n))
        def work():
            global a
            a = np.tanh(a @ a / n)
        kind = "numpy"
    except ImportError:
        acc = [0.0]
        def work():
            s = 0.0
            for i in range(20000):
                s += i * 0.5
            acc[0] = s
        kind = "python"
    def sync():
        pass

if rank == 0:
    print(f"bench job: steps:{STEPS} size:{SIZE} kind:{kind}", flush=True)
sync()
t0 = time.perf_counter()
for step in range(1, STEPS + 1):
    work()
    if rank == 0 and step % LINES_EVERY == 0:
        sync()
        ms = (time.perf_counter() - t0) * 1000
        print(f"step:{step}/{STEPS} train_loss:1.0000 train_time:{ms:.0f}ms step_avg:{ms / step:.2f}ms", flush=True)
sync()
train_ms = (time.perf_counter() - t0) * 1000
if rank == 0:
    print(f"stopping_early: done train_time:{train_ms:.0f}ms step:{STEPS}/{STEPS}", flush=True)
    with open("final_model.int8.ptz", "wb") as f:
        f.write(b"\0" * 1000)
    print("Serialized model int8+zlib: 1000 bytes", flush=True)
    print("Total submission size int8+zlib: 1000 bytes", flush=True)
    print("final_int8_zlib_roundtrip_exact val_loss:1.00000000 val_bpb:1.00000000", flush=True)
    print(f"bench_train_ms:{train_ms:.1f}", flush=True)
