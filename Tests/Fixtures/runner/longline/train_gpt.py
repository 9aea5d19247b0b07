# Prints one 300 000-byte line between two short ones, in several writes.
import sys
print("before", flush=True)
for _ in range(30):
    sys.stdout.write("x" * 10000)
    sys.stdout.flush()
sys.stdout.write("\n")
print("after", flush=True)
