"""TEST SUPPORT ONLY: runs a shared record script with its test-time training turned into
the cheat "adapt on each chunk BEFORE scoring it", patched at run time (the script file is
only read): ``python -m referee_autotrace cheat_entry.py VARIANT SCRIPT [args]``.

VARIANT
- ``lora``  (2026-03-17_LoRA_TTT): ``GPT.forward`` called with a LoRA and grad enabled first
  takes one step of the LoRA's own Adam optimizer on the whole window's loss (the chunk about
  to be scored included), then returns the forward the script scores and trains on.
- ``legal`` (2026-03-23_LeakyReLU_LegalTTT_ParallelMuon, TTT_ENABLED=1): inside
  ``eval_val_sliding_ttt``, ``GPT.forward_logits`` first takes an SGD step (TTT_LR) on the
  next-token loss of the window it is about to score, then returns the logits.
Both must fail ``causal.score-before-update`` under autotrace.

The same patches apply inside ``referee run --autotrace`` without this entry point:
``REFEREE_AUTOTRACE_TEST_PATCH=cheat_entry:patch_lora`` (or ``patch_legal``,
``patch_autotrace_ttt``) with this folder on PYTHONPATH makes the autotrace hook call the
function on the script's globals when its ``main`` starts (python/referee_autotrace/main.py).
"""
import importlib.util
import os
import sys

import torch
import torch.nn.functional as F


def load(path):
    spec = importlib.util.spec_from_file_location("train_gpt", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["train_gpt"] = mod
    spec.loader.exec_module(mod)
    return mod


def patch_lora(mod):
    opts = {}
    build = mod._build_ttt_optimizer

    def build_and_remember(lora, args):
        opt = build(lora, args)
        opts[id(lora)] = opt
        return opt
    mod._build_ttt_optimizer = build_and_remember
    forward = mod.GPT.forward

    def cheating_forward(self, input_ids, target_ids, lora=None):
        if lora is not None and torch.is_grad_enabled() and id(lora) in opts:
            opt = opts[id(lora)]
            opt.zero_grad()
            forward(self, input_ids, target_ids, lora=lora).mean().backward()
            opt.step()
        return forward(self, input_ids, target_ids, lora=lora)
    mod.GPT.forward = cheating_forward


def patch_legal(mod):
    state = {"on": False, "opt": None}
    ttt = mod.eval_val_sliding_ttt

    def flagged(*a, **k):
        state["on"] = True
        try:
            return ttt(*a, **k)
        finally:
            state["on"] = False
    mod.eval_val_sliding_ttt = flagged
    forward_logits = mod.GPT.forward_logits

    def cheating_forward_logits(self, input_ids):
        if state["on"]:
            with torch.inference_mode(False), torch.enable_grad():
                params = [p for p in self.parameters() if p.requires_grad]
                if state["opt"] is None:
                    state["opt"] = torch.optim.SGD(params, lr=float(os.environ.get("TTT_LR", "0.002")))
                x = input_ids.clone()
                state["opt"].zero_grad(set_to_none=True)
                logits = forward_logits(self, x)
                F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)).float(), x[:, 1:].reshape(-1)).backward()
                state["opt"].step()
        return forward_logits(self, input_ids)
    mod.GPT.forward_logits = cheating_forward_logits


def patch_autotrace_ttt(mod):
    """submissions/autotrace_ttt: the flag its cheating twin sets in the file."""
    mod.ADAPT_BEFORE_SCORE = True


def main():
    variant, script = sys.argv[1], sys.argv[2]
    sys.argv = [script] + sys.argv[3:]
    mod = load(script)
    {"lora": patch_lora, "legal": patch_legal}[variant](mod)
    mod.main()


if __name__ == "__main__":
    main()
