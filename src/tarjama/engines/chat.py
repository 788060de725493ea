"""Chat prompts any instruction-tuned model reads: the ChatML layout (Qwen2.5 and many others).

The embedded engine's prompts (``tarjama.engines.gguf.prompts``: the shared chat messages of
``tarjama.engines.prompts`` rendered with ``render_chatml``) and the generated summary
(``tarjama.summary.abstractive``) both write ChatML turns with ``chatml_turn``; ``STOP`` are the
strings that end a ChatML reply.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tarjama.engines.prompts import Message

STOP = ("<|im_end|>", "<|im_start|>", "<|endoftext|>")


def chatml_turn(role: str, text: str) -> str:
    """One ChatML turn (Qwen2.5's chat template)."""
    return f"<|im_start|>{role}\n{text}<|im_end|>\n"


def assistant_start() -> str:
    """Where the model's reply begins."""
    return "<|im_start|>assistant\n"


def render_chatml(messages: Iterable[Message]) -> str:
    """Chat messages (``tarjama.engines.prompts.Message``) as ChatML turns, without the reply's start."""
    return "".join(chatml_turn(m.role, m.content) for m in messages)
