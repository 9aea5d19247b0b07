#!/usr/bin/env python3
"""Python reference for the audit benchmark: one process that does, over many files, the
extraction `referee audit` starts from. Each log (*.log, *.txt) goes through
bench/logs/extract.py's regex extraction (runs, seeds, steps, evals, sizes, score; one JSON line
per run); each submission*.json is parsed with json.load; every file is also hashed with
SHA-256, as the auditor hashes each log to find copies. It applies no rules.

    python3 bench/audit/extract_all.py FILE...
"""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "logs"))
import extract  # noqa: E402  (bench/logs/extract.py)


def main(paths):
    for path in paths:
        with open(path, "rb") as f:
            digest = hashlib.sha256()
            for chunk in iter(lambda: f.read(1 << 22), b""):
                digest.update(chunk)
        print(json.dumps({"file": path, "sha256": digest.hexdigest()}))
        if path.endswith(".json"):
            with open(path, encoding="utf-8") as f:
                print(json.dumps(json.load(f), sort_keys=True))
        else:
            extract.main(path)


if __name__ == "__main__":
    main(sys.argv[1:])
