# Spawns a grandchild that ignores SIGTERM, writes its pid to grandchild.pid, then both hang.
import os, signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c",
    "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('grandchild up', flush=True)\nwhile True: time.sleep(1)"])
with open("grandchild.pid", "w") as f:
    f.write(str(child.pid))
print(f"spawned grandchild {child.pid}", flush=True)
while True:
    time.sleep(1)
