"""TEST SUPPORT ONLY: what the records' model code calls and Debian's torch 1.13 (CPU) lacks,
installed only where it is missing: ``F.rms_norm`` (torch >= 2.4) and
``F.scaled_dot_product_attention`` (torch >= 2.0), written from their documented definitions;
and, without CUDA, an answer to 1.13's ``autocast(device_type="cuda")`` bfloat16 question.
Numerically close to torch's own kernels, not bit-identical."""
import math

import torch
import torch.nn.functional as F


def rms_norm(input, normalized_shape, weight=None, eps=None):
    dims = tuple(range(-len(normalized_shape), 0))
    if eps is None:
        eps = torch.finfo(input.dtype).eps
    out = input * torch.rsqrt(input.pow(2).mean(dim=dims, keepdim=True) + eps)
    return out * weight if weight is not None else out


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False,
                                 scale=None, enable_gqa=False):
    scale = 1.0 / math.sqrt(query.size(-1)) if scale is None else scale
    if enable_gqa and key.size(-3) != query.size(-3):
        rep = query.size(-3) // key.size(-3)
        key, value = key.repeat_interleave(rep, dim=-3), value.repeat_interleave(rep, dim=-3)
    scores = query @ key.transpose(-2, -1) * scale
    if is_causal:
        L, S = query.size(-2), key.size(-2)
        keep = torch.ones(L, S, dtype=torch.bool, device=query.device).tril(diagonal=S - L)
        scores = scores.masked_fill(~keep, float("-inf"))
    if attn_mask is not None:
        scores = scores.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else scores + attn_mask
    weights = torch.softmax(scores, dim=-1)
    if dropout_p:
        weights = F.dropout(weights, p=dropout_p)
    return weights @ value


def install():
    if not torch.cuda.is_available():
        # autocast(device_type="cuda") is disabled without CUDA (with a warning), but 1.13 still
        # asks the absent device whether it supports bfloat16, and fails
        torch.cuda.is_bf16_supported = lambda: True
    if not hasattr(F, "rms_norm"):
        F.rms_norm = rms_norm
    if not hasattr(F, "scaled_dot_product_attention"):
        F.scaled_dot_product_attention = scaled_dot_product_attention
