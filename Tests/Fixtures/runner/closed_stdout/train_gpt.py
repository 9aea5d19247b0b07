# Prints one line, closes stdout and stderr, then works on for a while and exits 0.
import os, time
print("step:1/2 train_loss:3.0000 train_time:10ms step_avg:10.00ms", flush=True)
os.close(1)
os.close(2)
time.sleep(2)
