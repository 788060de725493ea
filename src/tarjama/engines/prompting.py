"""Prompts for instruction-tuned LLM engines (the embedded GGUF model).

One sentence per request, in the model's chat template (ChatML for Qwen2.5), with a fixed
system instruction and a few fixed example pairs, so the long common prefix is evaluated
once and reused by llama.cpp's prefix cache for every sentence. Glossary hints and the
sentence itself come last because they change from request to request.

The example pairs are written for tarjama (not taken from any evaluation set). They avoid
personal names, because a small model tends to copy names from examples into outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tarjama.engines.base import TermHint

SYSTEM = (
    "You are a professional Arabic-to-English news translator. Translate the Arabic sentence "
    "into fluent, faithful English. Keep every name, number and date. Names written in Latin "
    "letters stay exactly as written. Do not add, explain or omit anything. "
    "Output only the English translation."
)

STRICT_SUFFIX = " Use each glossary term exactly as given, with the same spelling and capitalisation."


@dataclass(frozen=True)
class Example:
    ar: str
    en: str
    hints: tuple[TermHint, ...] = ()


EXAMPLES: tuple[Example, ...] = (
    Example(
        "أعلنت وزارة الصحة يوم الثلاثاء عن افتتاح ثلاثة مستشفيات جديدة في المنطقة الشمالية.",
        "The Ministry of Health announced on Tuesday the opening of three new hospitals "
        "in the northern region.",
    ),
    Example(
        "وقالت وكالة الفضاء الكندية في بيان إن القمر الصناعي CX-4 سيُطلق في أوائل عام 2027، "
        "بعد تأخير دام عامين.",
        "The Canadian Space Agency said in a statement that the CX-4 satellite would be launched in "
        "early 2027, after a two-year delay.",
        (TermHint("وكالة الفضاء الكندية", "Canadian Space Agency"),),
    ),
    Example(
        "ويهدف البرنامج، الذي تبلغ تكلفته 1.2 مليار دولار، إلى خفض الانبعاثات بنسبة 40% بحلول عام 2035.",
        "The programme, which costs $1.2 billion, aims to cut emissions by 40% by 2035.",
    ),
)


def _turn(role: str, text: str) -> str:
    return f"<|im_start|>{role}\n{text}<|im_end|>\n"


def glossary_block(hints: Sequence[TermHint]) -> str:
    seen: dict[str, str] = {}
    for h in hints:
        seen.setdefault(h.source, h.target)
    lines = [f"- {src} = {tgt}" for src, tgt in seen.items()]
    return "Glossary:\n" + "\n".join(lines) + "\n\n"


def chatml_prompt(
    source: str,
    hints: Sequence[TermHint] = (),
    *,
    strict: bool = False,
    examples: Sequence[Example] = EXAMPLES,
) -> str:
    """The full prompt for one sentence; everything before the last user turn is constant."""
    system = SYSTEM + (STRICT_SUFFIX if strict else "")
    parts = [_turn("system", system)]
    for ex in examples:
        parts.append(_turn("user", (glossary_block(ex.hints) if ex.hints else "") + ex.ar))
        parts.append(_turn("assistant", ex.en))
    user = (glossary_block(hints) if hints else "") + source
    parts.append(_turn("user", user))
    parts.append("<|im_start|>assistant\n")
    return "".join(parts)


STOP = ["<|im_end|>", "<|im_start|>", "<|endoftext|>", "\n\n"]
