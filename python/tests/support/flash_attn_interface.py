"""TEST SUPPORT ONLY (never part of a record): a stand-in for FlashAttention 3's
``flash_attn_interface`` on machines without it, built on
``torch.nn.functional.scaled_dot_product_attention``. Layout as FA3: q (B, T, Hq, D),
k / v (B, T, Hkv, D) with Hq a multiple of Hkv (grouped-query attention); returns (B, T, Hq, D).
Numerically close to FA3, not bit-identical; speed differs."""
import torch
import torch.nn.functional as F


def flash_attn_func(q, k, v, softmax_scale=None, causal=False, **_ignored):
    hq, hk = q.shape[2], k.shape[2]
    qt, kt, vt = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
    if hk != hq:
        kt = kt.repeat_interleave(hq // hk, dim=1)
        vt = vt.repeat_interleave(hq // hk, dim=1)
    kw = {} if softmax_scale is None else {"scale": softmax_scale}
    return F.scaled_dot_product_attention(qt, kt, vt, is_causal=causal, **kw).transpose(1, 2)
