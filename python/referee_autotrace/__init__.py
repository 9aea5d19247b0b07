"""Referee's autotrace: runs an unmodified PyTorch submission under observation hooks and
writes the trace of docs/protocol.md from what it observed (docs/autotrace.md).

    python -m referee_autotrace ENTRY [args...]
    torchrun --standalone --nproc_per_node=N -m referee_autotrace ENTRY [args...]
"""

from .main import main, start  # noqa: F401
