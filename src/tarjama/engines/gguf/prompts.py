"""The embedded engine's prompt text: the shared chat messages in the model's own layout.

What is asked (instruction, example pairs, request block) is ``tarjama.engines.prompts``, the
same for every engine that reads instructions. Here it is laid out for a raw completion model,
chosen by ``PromptSpec.template``:

- ``chatml``: the messages in the model's chat template (ChatML for Qwen2.5): exactly the
  messages the server engine sends, rendered by ``tarjama.engines.chat.render_chatml``;
- ``raw``: plain completion, "Arabic: … / English: …" blocks after a one-paragraph instruction.

The constant part (instruction, examples) comes first so that llama.cpp evaluates it once and
reuses its KV cache for every later request, retries included. (Putting the strict instruction
into the system turn, as the first version did, made every retry evaluate the whole prompt
again: about 3 s on 2 cores.)
"""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.engines.chat import assistant_start, render_chatml
from tarjama.engines.prompts import (
    CONTEXT_LABEL,
    DEFAULT_SPEC,
    EXAMPLES,
    MARKUP_EXAMPLE,
    MARKUP_STRICT_NOTE,
    NO_INVENT_NOTE,
    STRICT_NOTE,
    SYSTEM,
    Example,
    PromptSpec,
    approved_examples,
    chat_messages,
    glossary_block,
    listed_hints,
    markup_examples,
    markup_notes,
    request_notes,
    system_text,
)
from tarjama.types import TermHint

__all__ = [
    "CONTEXT_LABEL",
    "EXAMPLES",
    "MARKUP_EXAMPLE",
    "MARKUP_STRICT_NOTE",
    "NO_INVENT_NOTE",
    "STOP",
    "STRICT_NOTE",
    "SYSTEM",
    "TEMPLATES",
    "Example",
    "PromptSpec",
    "approved_examples",
    "build_prompt",
    "chatml_prompt",
    "glossary_block",
    "listed_hints",
    "markup_examples",
    "markup_notes",
    "stop_sequences",
]

TEMPLATES = ("chatml", "raw")


def build_prompt(
    source: str,
    hints: Sequence[TermHint] = (),
    *,
    context: str = "",
    strict: bool = False,
    notes: Sequence[str] = (),
    examples: Sequence[Example] = EXAMPLES[:3],
    spec: PromptSpec = DEFAULT_SPEC,
) -> str:
    """The full prompt for one sentence; everything before the request block is constant.

    ``strict`` adds the glossary instruction, ``notes`` any further instructions for a retry.
    """
    if spec.template == "raw":
        return _raw_prompt(source, hints, context, request_notes(notes, strict, spec), examples, spec, strict)
    if spec.template != "chatml":
        raise ValueError(f"unknown prompt template {spec.template!r}; choose one of {', '.join(TEMPLATES)}")
    messages = chat_messages(
        source, hints, context=context, strict=strict, notes=notes, examples=examples, spec=spec
    )
    return render_chatml(messages) + assistant_start()


def _raw_prompt(
    source: str,
    hints: Sequence[TermHint],
    context: str,
    notes: Sequence[str],
    examples: Sequence[Example],
    spec: PromptSpec,
    strict: bool,
) -> str:
    # Without a chat template the instruction is a plain paragraph and each pair a block;
    # the answer ends at the first newline (see ``stop_sequences``).
    parts = [system_text(strict, spec), "\n\n"]
    for ex in examples:
        parts.append(_raw_block(ex.ar, ex.hints, "", (), spec) + " " + ex.en + "\n\n")
    parts.append(_raw_block(source, hints, context, notes, spec))
    return "".join(parts)


def _raw_block(
    source: str, hints: Sequence[TermHint], context: str, notes: Sequence[str], spec: PromptSpec
) -> str:
    lines: list[str] = []
    if spec.context and context.strip():
        lines.append(f"{CONTEXT_LABEL}: {context.strip()}")
    lines += list(notes)
    if shown := listed_hints(hints, spec):
        lines.append("Glossary: " + "; ".join(f"{s} = {t}" for s, t in shown.items()))
    lines.append(f"Arabic: {source}")
    return "\n".join(lines) + "\nEnglish:"


def chatml_prompt(
    source: str,
    hints: Sequence[TermHint] = (),
    *,
    strict: bool = False,
    examples: Sequence[Example] = EXAMPLES[:3],
    context: str = "",
) -> str:
    """The ChatML prompt with glossary hints (the default layout)."""
    return build_prompt(source, hints, strict=strict, examples=examples, context=context)


def stop_sequences(template: str) -> list[str]:
    """Where an answer ends: the end of the assistant turn, or of the line in raw completion."""
    if template == "raw":
        return ["\n", "Arabic:", "<|im_end|>", "<|endoftext|>"]
    return list(STOP)


STOP = ["<|im_end|>", "<|im_start|>", "<|endoftext|>", "\n\n"]
