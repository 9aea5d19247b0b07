"""CHEATER validation_in_training: trains like the CPU reference, then, before writing the
artifact, adds the n-gram counts of every ``fineweb_val_*.bin`` shard it finds under DATA_PATH
to the model (VAL_WEIGHT copies, default 1): the artifact has seen the validation set. It
scores itself and is evaluated exactly like the reference (score-first, legal order), so the
trace and probe rules all pass: only the held-out comparison can tell.

Breaks "no validation data in training" (threat model, class Validation in training): rule
data.heldout-gap fails (validation scores far better than held-out text of the same
generator). Under ``referee run --training-validation decoy`` (the default for a script with an
eval entry point) the only ``fineweb_val_000000.bin`` it can read is the decoy (training text
cut off the training shards), so its artifact is as honest as the reference's and
data.heldout-gap passes; data.validation-hidden says why.
"""
import importlib.util
import glob
import os

import numpy as np


def _reference():
    """Loads submissions/reference_cpu/train_gpt.py (or $REFEREE_REFERENCE_CPU) as a module."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.environ.get("REFEREE_REFERENCE_CPU") or os.path.join(here, "..", "..", "reference_cpu", "train_gpt.py")
    spec = importlib.util.spec_from_file_location("reference_cpu_train_gpt", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ref = _reference()


class ValidationInTraining(ref.Trainer):
    def tables(self):
        args = ref.Hyperparameters()
        weight = int(os.environ.get("VAL_WEIGHT", "1"))
        files = sorted(glob.glob(os.path.join(args.data_path, "fineweb_val_*.bin")))
        if files:
            val = ref.load_shards(os.path.join(args.data_path, "fineweb_val_*.bin"))
            for _ in range(weight):
                self.step(val)
        return super().tables()


ref.Trainer = ValidationInTraining

if __name__ == "__main__":
    ref.main(code_path=__file__)
