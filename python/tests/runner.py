"""Runs a submission script the way Referee's runner does (fresh working dir, env, PYTHONPATH)."""
import os
import subprocess
import sys

from conftest import PYTHON_DIR, REPO

DATA = os.path.join(REPO, "data", "sp1024_synth")
REFERENCE = os.path.join(REPO, "submissions", "reference_cpu", "train_gpt.py")


def cheater(name):
    return os.path.join(REPO, "submissions", "cheaters", name, "train_gpt.py")


def run(script, workdir, trace=True, **env_extra):
    """Runs ``script`` in ``workdir``; returns (stdout, CompletedProcess). Raises on failure."""
    os.makedirs(workdir, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFEREE_")}
    env.update({"PYTHONPATH": PYTHON_DIR, "DATA_PATH": os.path.join(DATA, "dataset"),
                "TOKENIZER_PATH": os.path.join(DATA, "tokenizer", "synth_1024_bpe.model"),
                "PYTHONUNBUFFERED": "1"})
    if trace:
        env["REFEREE_TRACE_DIR"] = os.path.join(workdir, "trace")
    env.update({k: str(v) for k, v in env_extra.items()})
    proc = subprocess.run([sys.executable, script], cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s" % (script, proc.returncode, proc.stderr[-3000:]))
    return proc.stdout
