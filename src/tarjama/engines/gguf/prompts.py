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

English into Arabic (``Direction`` ``en-ar``) has an instruction and example pairs of its own
(``tarjama.engines.prompts.PROMPTS``), in the layout above with "English:" and "Arabic:"
swapped in the raw template. ``build_prompt`` chooses by ``direction``.
"""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.engines.chat import assistant_start, render_chatml
from tarjama.engines.prompts import (
    CONTEXT_LABEL,
    DEFAULT_SPEC,
    EXAMPLES,
    EXAMPLES_EN_AR,
    MARKUP_EXAMPLE,
    MARKUP_STRICT_NOTE,
    NO_INVENT_NOTE,
    PROMPTS,
    STRICT_NOTE,
    SYSTEM,
    Example,
    Language,
    PromptSpec,
    approved_examples,
    chat_messages,
    glossary_block,
    listed_hints,
    markup_examples,
    markup_notes,
    request_notes,
)
from tarjama.types import AR_EN, Direction, TermHint

__all__ = [
    "CONTEXT_LABEL",
    "EXAMPLES",
    "EXAMPLES_EN_AR",
    "MARKUP_EXAMPLE",
    "MARKUP_STRICT_NOTE",
    "NO_INVENT_NOTE",
    "PROMPTS",
    "STOP",
    "STRICT_NOTE",
    "SYSTEM",
    "TEMPLATES",
    "Example",
    "Language",
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
    direction: Direction = AR_EN,
) -> str:
    """The full prompt for one sentence; everything before the request block is constant.

    ``strict`` adds the glossary instruction, ``notes`` any further instructions for a retry;
    ``direction`` chooses the instruction (``PROMPTS``); ``examples`` are shown in it.
    """
    language = PROMPTS[direction]
    if spec.template == "raw":
        return _raw_prompt(source, hints, context, request_notes(notes, strict, spec), examples, spec, strict,
                           language)
    if spec.template != "chatml":
        raise ValueError(f"unknown prompt template {spec.template!r}; choose one of {', '.join(TEMPLATES)}")
    messages = chat_messages(
        source, hints, context=context, strict=strict, notes=notes, examples=examples, spec=spec,
        direction=direction,
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
    language: Language = PROMPTS[AR_EN],
) -> str:
    # Without a chat template the instruction is a plain paragraph and each pair a block;
    # the answer ends at the first newline (see ``stop_sequences``).
    parts = [language.system + (" " + STRICT_NOTE if strict and spec.strict_in_system else ""), "\n\n"]
    for ex in examples:
        src, tgt = language.pair(ex)
        parts.append(_raw_block(src, ex.hints, "", (), spec, language) + " " + tgt + "\n\n")
    parts.append(_raw_block(source, hints, context, notes, spec, language))
    return "".join(parts)


def _raw_block(
    source: str,
    hints: Sequence[TermHint],
    context: str,
    notes: Sequence[str],
    spec: PromptSpec,
    language: Language = PROMPTS[AR_EN],
) -> str:
    lines: list[str] = []
    if spec.context and context.strip():
        lines.append(f"{CONTEXT_LABEL}: {context.strip()}")
    lines += list(notes)
    if shown := listed_hints(hints, spec):
        lines.append("Glossary: " + "; ".join(f"{s} = {t}" for s, t in shown.items()))
    lines.append(f"{language.source_label}: {source}")
    return "\n".join(lines) + f"\n{language.target_label}:"


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


def stop_sequences(template: str, direction: Direction = AR_EN) -> list[str]:
    """Where an answer ends: the end of the assistant turn, or of the line in raw completion."""
    if template == "raw":
        return ["\n", f"{PROMPTS[direction].source_label}:", "<|im_end|>", "<|endoftext|>"]
    return list(STOP)


STOP = ["<|im_end|>", "<|im_start|>", "<|endoftext|>", "\n\n"]
