"""TEST SUPPORT ONLY: runs a real record's test-time-training EVALUATION, its own function on
the CPU, with a small seed-fixed model of the record's own classes (no training, no GPU), so that
autotrace can be tested on the records' evaluator code in CI:

    python -m referee_autotrace records_cpu.py baseline|legal|lora SCRIPT [cheat]

``baseline``: the baseline's ``eval_val`` (mean loss under ``torch.inference_mode()``).
``legal``: 2026-03-23_LeakyReLU_LegalTTT_ParallelMuon's ``eval_val`` (mean loss under
``torch.inference_mode()``), then its ``eval_val_sliding_ttt`` (sliding windows scored under
inference mode, then SGD on the scored chunk), as the record's ``main`` runs them. ``lora``:
2026-03-17_LoRA_TTT's ``eval_val`` then ``eval_val_ttt_lora`` (per-document chunks scored and
trained on from the same forward pass, one Adam step on a batched LoRA per chunk). ``cheat`` applies
``cheat_entry.patch_legal`` (an SGD step on each window before scoring it). The script file is only
read (``lora``'s cheat: ``cheat_entry.patch_lora``). Small dimensions come from the record's own variables (set here unless given); torch 1.13
(Debian's, CPU) lacks ``F.rms_norm`` and ``F.scaled_dot_product_attention``, which
``torch_compat`` supplies when missing, and uint16 tensors (the shard reader's tokens are made
int32). Prints the record's ``legal_ttt_exact`` line and the same
numbers as ``final_int8_zlib_roundtrip_exact`` (the line the test oracle reads).
"""
import os
import sys

SMALL = {"NUM_LAYERS": "2", "MODEL_DIM": "32", "NUM_HEADS": "2", "NUM_KV_HEADS": "1", "MLP_MULT": "2",
         "TRAIN_SEQ_LEN": "128", "EVAL_SEQ_LEN": "128", "EVAL_STRIDE": "64", "BIGRAM_VOCAB_SIZE": "256",
         "BIGRAM_DIM": "16", "VE_DIM": "16", "VE_LAYERS": "1", "XSA_LAST_N": "1", "ROPE_DIMS": "8",
         "TTT_ENABLED": "1", "TTT_CHUNK_TOKENS": "8192", "TTT_EPOCHS": "1", "TTT_BATCH_SEQS": "16",
         "TTT_FREEZE_BLOCKS": "1", "TTT_LR": "0.01", "SEED": "1337",
         "TTT_CHUNK_SIZE": "64", "TTT_EVAL_SEQ_LEN": "128", "TTT_BATCH_SIZE": "16", "TTT_LORA_RANK": "4"}


def _load(script):
    """The record as a module (cheat_entry.load), its shard reader giving int32 tokens: torch
    1.13 has no uint16 tensors."""
    import numpy as np
    import torch
    import cheat_entry
    mod = cheat_entry.load(script)
    shard = mod.load_data_shard

    def load_data_shard(file):
        np_from = torch.from_numpy
        torch.from_numpy = lambda a: np_from(a.astype(np.int32) if a.dtype == np.uint16 else a)
        try:
            return shard(file)
        finally:
            torch.from_numpy = np_from
    mod.load_data_shard = load_data_shard
    return mod


def _randomize(model):
    """The untrained init leaves some matrices at zero: a seed-fixed random model instead."""
    import torch
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.02)


def _setup(script, patch=None, model_args=lambda args: {}):
    """The record loaded (``patch``: a cheat_entry patch applied to it), its hyperparameters,
    a seed-fixed random float32 model of its GPT (the common arguments plus
    ``model_args(args)``),
    the validation tokens and byte lookup tables, on the CPU."""
    import torch
    import sentencepiece as spm
    mod = _load(script)
    if patch is not None:
        patch(mod)
    args = mod.Hyperparameters()
    torch.manual_seed(args.seed)
    model = mod.GPT(
        vocab_size=args.vocab_size, num_layers=args.num_layers, model_dim=args.model_dim,
        num_heads=args.num_heads, num_kv_heads=args.num_kv_heads, mlp_mult=args.mlp_mult,
        tie_embeddings=args.tie_embeddings, tied_embed_init_std=args.tied_embed_init_std,
        logit_softcap=args.logit_softcap, rope_base=args.rope_base, qk_gain_init=args.qk_gain_init,
        **model_args(args),
    ).float()
    _randomize(model)
    device = torch.device("cpu")
    val = mod.load_validation_tokens(args.val_files, args.train_seq_len)
    luts = mod.build_sentencepiece_luts(spm.SentencePieceProcessor(model_file=args.tokenizer_path),
                                        args.vocab_size, device)
    return mod, args, model, device, val, luts


def _score(name, loss, bpb):
    print("%s val_loss:%.8f val_bpb:%.8f" % (name, loss, bpb))


def legal(script, cheat):
    import torch
    import cheat_entry
    mod, args, model, device, val, luts = _setup(script, cheat_entry.patch_legal if cheat else None, lambda args: dict(
        mtp_num_heads=0, mtp_loss_weight=0.0, bigram_vocab_size=args.bigram_vocab_size,
        bigram_dim=args.bigram_dim, xsa_last_n=args.xsa_last_n, rope_dims=args.rope_dims,
        ln_scale=args.ln_scale, dtg=args.dtg_enabled, ve_enabled=args.ve_enabled, ve_dim=args.ve_dim,
        ve_layers=args.ve_layers, gated_attention=args.gated_attention, value_residual=args.value_residual))
    # On GPUs autocast's bf16 casts hand training fresh copies of the rotary cache that scoring
    # fills under inference mode; in float32 it would be the cached inference tensor itself,
    # which autograd refuses: fill the cache outside inference mode first
    with torch.no_grad():
        model.forward_logits(torch.zeros(1, args.train_seq_len, dtype=torch.int64))
    # the record's main evaluates the round-tripped model first (mean loss under inference mode),
    # then with score-first TTT (the pass autotrace keeps)
    _score("final_int6_roundtrip_exact", *mod.eval_val(args, model, 0, 1, device, 8, val, *luts))
    loss, bpb = mod.eval_val_sliding_ttt(args, model, 0, 1, device, val, *luts, stride=args.eval_stride)
    _score("legal_ttt_exact", loss, bpb)
    _score("final_int8_zlib_roundtrip_exact", loss, bpb)


def lora(script, cheat):
    import torch
    import cheat_entry
    mod, args, model, device, val, luts = _setup(script, cheat_entry.patch_lora if cheat else None)
    ids = torch.zeros(1, args.train_seq_len, dtype=torch.int64)
    with torch.no_grad():  # the rotary cache, outside inference mode (see legal)
        model(ids, ids)
    _score("final_int8_zlib_roundtrip_exact", *mod.eval_val(args, model, 0, 1, device, 8, val, *luts))
    loss, bpb = mod.eval_val_ttt_lora(args, model, 0, 1, device, *luts)
    print("final_int8_ttt_lora val_loss:%.4f val_bpb:%.4f" % (loss, bpb))
    _score("final_int8_zlib_roundtrip_exact", loss, bpb)


def baseline(script, cheat):
    if cheat:
        raise SystemExit("records_cpu: the baseline has no test-time training to cheat with")
    mod, args, model, device, val, luts = _setup(script)
    _score("final_int8_zlib_roundtrip_exact", *mod.eval_val(args, model, 0, 1, device, 8, val, *luts))


def main():
    variant, script = sys.argv[1], sys.argv[2]
    cheat = sys.argv[3:] == ["cheat"]
    for k, v in SMALL.items():
        os.environ.setdefault(k, v)
    import torch_compat
    torch_compat.install()
    {"baseline": baseline, "legal": legal, "lora": lora}[variant](script, cheat)


if __name__ == "__main__":
    main()
