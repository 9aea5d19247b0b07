# Crashing fake submission: a few lines, a partial line, then an uncaught exception.
import sys
print("step:1/100 train_loss:3.0000 train_time:10ms step_avg:10.00ms", flush=True)
sys.stdout.write("partial line without newline")
sys.stdout.flush()
raise RuntimeError("boom")
