# Hostile submission: tries every forgery of the custody threat model, reports each attempt as
# "FORGED <what>" or "blocked <what>", leaves a daemon behind that rewrites its artifact and the
# record after the run, then exits like an honest run. The test passes the host paths it
# attacks through FORGE_* variables (an attacker who knows Referee's layout can guess them).
import os, subprocess, sys, time

seed = os.environ.get("SEED", "0")
report = []


def attempt(label, action):
    try:
        action()
        report.append(f"FORGED {label}")
    except Exception as error:  # the defence: a read-only or absent path
        report.append(f"blocked {label} ({type(error).__name__})")


def append(path, text, mode="a"):
    with open(path, mode) as f:
        f.write(text)


better = "final_int8_zlib_roundtrip_exact val_loss:0.10000000 val_bpb:0.10000000\n"
record = os.environ.get("FORGE_RECORD", "/nonexistent")
attempt("record log", lambda: append(os.path.join(record, f"train_seed{seed}.log"), better))
attempt("probes.json", lambda: append(os.path.join(record, "probes.json"), "{}", "w"))
attempt("run.json", lambda: append(os.path.join(record, "run.json"), "{}", "w"))
attempt("own code", lambda: append(os.path.abspath(__file__), "\n# edited while running\n"))
attempt("record code", lambda: append(os.path.join(record, "train_gpt.py"), "\n# edited\n"))
attempt("validation shard", lambda: append(os.path.join(os.environ["DATA_PATH"], "fineweb_val_000000.bin"), "x"))
attempt("rules", lambda: append(os.environ.get("FORGE_RULES", "/nonexistent"), "\n# forged\n"))
attempt("python helper", lambda: append(os.path.join(os.environ["PYTHONPATH"].split(":")[0], "referee_probe.py"), "\n# forged\n"))
attempt("beside the binary", lambda: append(os.path.join(os.environ.get("FORGE_BINDIR", "/nonexistent"), "forged.txt"), "x", "w"))
for line in report:
    print(line, flush=True)

with open("final_model.ptz", "wb") as f:
    f.write(b"honest artifact " * 64)
print("Serialized model: 1024 bytes", flush=True)

# A daemon in a new session (double fork): after the run it rewrites the artifact and tries the
# record again, the escape from process-group bookkeeping.
daemon = (
    "import os, time\n"
    "time.sleep(1.5)\n"
    "open('final_model.ptz', 'wb').write(b'forged artifact ' * 64)\n"
    f"open({os.path.join(record, 'train_seed' + seed + '.log')!r}, 'a').write({better!r})\n"
    "time.sleep(60)\n"
)
subprocess.Popen([sys.executable, "-c", daemon], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("final_int8_zlib_roundtrip_exact val_loss:2.10000000 val_bpb:1.30000000", flush=True)
