# Hanging fake submission: prints a step line, then sleeps forever.
import time
print("step:1/100 train_loss:3.0000 train_time:10ms step_avg:10.00ms", flush=True)
while True:
    time.sleep(1)
