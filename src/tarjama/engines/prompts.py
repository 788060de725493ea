"""The translation prompt of every engine that reads instructions, as chat messages.

One sentence per request: a system instruction, example pairs as user/assistant turns, then
one user turn with the request block (earlier sentences as context, the notes of a retry or
repair, the glossary hints, the sentence). The embedded engine renders these messages in its
model's chat template (``tarjama.engines.gguf.prompts``, ChatML for Qwen2.5); the server engine
(``tarjama.engines.server``) sends them as they are to an OpenAI-compatible server, whose own
template renders them. Both engines therefore ask the same thing in the same words.

Everything that is the same for every sentence (instruction, examples) comes first and
everything that changes (the example pair with markup placeholders for a sentence that has
some, context, notes, hints, the sentence) comes last, so that a server or llama.cpp evaluates
the long common prefix once and reuses it (its KV cache) for every later request, retries
included. Example pairs are per call (``examples``): the fixed ones by default, or pairs the
caller chose for this sentence.

The fixed example pairs are written for tarjama (not taken from any evaluation set). They
avoid personal names, because a small model tends to copy names from examples into outputs.
English into Arabic mirrors the instruction and reverses the pairs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from tarjama.document import inline
from tarjama.types import AR_EN, EN_AR, Direction, TermHint, TranslationRequest

SYSTEM = (
    "You are a professional Arabic-to-English news translator. Translate the Arabic sentence "
    "into fluent, faithful English. Keep every name, number and date. Names written in Latin "
    "letters stay exactly as written. Do not add, explain or omit anything. "
    "Output only the English translation."
)
STRICT_NOTE = "Use each glossary term exactly as given, with the same spelling and capitalisation."
# Added on a retry after the first attempt named people or places the source does not have.
NO_INVENT_NOTE = "Translate only what the Arabic says: add no names, places or facts."
CONTEXT_LABEL = "Earlier in the paragraph (do not translate)"
# On the retry after a first attempt lost or misplaced tags.
MARKUP_STRICT_NOTE = "Keep every tag of the Arabic exactly once: {tags}"
# Words a repair forbids, for a server that cannot ban them by logit bias.
AVOID_NOTE = "Do not use these words: {words}."


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
    # Three more in the register of general news (crime, politics, markets): used by the
    # variants with more than three examples.
    Example(
        "وأضاف المتحدث أن الشرطة اعتقلت رجلين يبلغان من العمر 25 و31 عامًا للاشتباه في ارتكابهما سرقات.",
        "The spokesman added that police had arrested two men, aged 25 and 31, on suspicion of theft.",
    ),
    Example(
        "ولم تعلق الحكومة على التقرير حتى الآن، لكن مسؤولين قالوا إنهم يدرسون الخيارات المتاحة.",
        "The government has not yet commented on the report, but officials said they were studying "
        "the options available.",
    ),
    Example(
        "وارتفعت أسعار النفط بأكثر من 3% يوم الاثنين، مسجلة أعلى مستوى لها منذ ستة أشهر.",
        "Oil prices rose by more than 3% on Monday, reaching their highest level in six months.",
    ),
)


# A sentence with inline markup as placeholders (``tarjama.document.inline``) gets one more example pair,
# showing the tags kept, after the fixed examples: the shared prefix stays the same for every
# request. (An instruction line alone was measured worse: the small model kept the tags of
# only half of the sentences on the first attempt, and sometimes translated the instruction.)
MARKUP_EXAMPLE = Example(
    "وقالت <g1>الوزارة</g1> إن البرنامج <x2/> سيبدأ <g3>الأسبوع المقبل</g3> في ثلاث مدن.",
    "The <g1>ministry</g1> said that the <x2/> programme would start <g3>next week</g3> in three cities.",
)

# English into Arabic: an instruction and example pairs of its own, also written for tarjama:
# Modern Standard Arabic news style, Western digits (as Arabic news agencies write them), Arabic
# punctuation. An ``Example``'s ``ar`` and ``en`` stay what they are, whichever side is the source.
SYSTEM_EN_AR = (
    "You are a professional English-to-Arabic news translator. Translate the English sentence "
    "into fluent, faithful Modern Standard Arabic. Keep every name, number and date; write numbers "
    "with Western digits. Use Arabic punctuation (، ؛ ؟). Do not add, explain or omit anything. "
    "Output only the Arabic translation."
)
NO_INVENT_NOTE_EN_AR = "Translate only what the English says: add no names, places or facts."
MARKUP_STRICT_NOTE_EN_AR = "Keep every tag of the English exactly once: {tags}"

EXAMPLES_EN_AR: tuple[Example, ...] = (
    Example(
        "أعلنت وزارة الصحة يوم الثلاثاء أن أربع عيادات جديدة ستفتتح في المنطقة الجنوبية الشهر المقبل.",
        "The Ministry of Health announced on Tuesday that four new clinics would open in the southern "
        "region next month.",
    ),
    Example(
        "وقالت وكالة الفضاء الأسترالية في بيان إن المسبار KX-7 سيطلق في أواخر عام 2028، بعد تأخير دام "
        "ثمانية عشر شهرًا.",
        "The Australian Space Agency said in a statement that the KX-7 probe would be launched in late "
        "2028, after an eighteen-month delay.",
        (TermHint("Australian Space Agency", "وكالة الفضاء الأسترالية"),),
    ),
    Example(
        "ويهدف المشروع، الذي تبلغ تكلفته 2.5 مليار دولار، إلى مضاعفة قدرة البلاد على إنتاج الطاقة "
        "الشمسية بحلول عام 2032.",
        "The project, which costs $2.5 billion, aims to double the country's solar power capacity by 2032.",
    ),
    # Three more (crime, a question, markets): used by the variants with more than three examples.
    Example(
        "وقالت الشرطة إنها اعتقلت ثلاثة رجال تبلغ أعمارهم 19 و22 و40 عامًا للاشتباه في ارتكابهم عمليات "
        "احتيال.",
        "Police said they had arrested three men, aged 19, 22 and 40, on suspicion of fraud.",
    ),
    Example(
        "لماذا أجلت اللجنة تصويتها على الميزانية حتى شهر مارس؟",
        "Why did the committee postpone its vote on the budget until March?",
    ),
    Example(
        "وانخفضت أسعار النفط بنحو 4% يوم الأربعاء، مسجلة أكبر تراجع يومي لها منذ ثلاثة أشهر.",
        "Oil prices fell by almost 4% on Wednesday, their biggest daily drop in three months.",
    ),
)
MARKUP_EXAMPLE_EN_AR = MARKUP_EXAMPLE


@dataclass(frozen=True)
class Language:
    """What a prompt says for one direction: the instruction, the examples, the labels."""

    system: str
    examples: tuple[Example, ...]
    markup_example: Example
    markup_strict_note: str
    no_invent_note: str
    source_label: str  # the raw template's labels
    target_label: str

    def pair(self, example: Example) -> tuple[str, str]:
        """An example as (source, translation) in this direction."""
        return (example.ar, example.en) if self.source_label == "Arabic" else (example.en, example.ar)


PROMPTS = {
    AR_EN: Language(
        SYSTEM, EXAMPLES, MARKUP_EXAMPLE, MARKUP_STRICT_NOTE, NO_INVENT_NOTE, "Arabic", "English"
    ),
    EN_AR: Language(
        SYSTEM_EN_AR, EXAMPLES_EN_AR, MARKUP_EXAMPLE_EN_AR, MARKUP_STRICT_NOTE_EN_AR, NO_INVENT_NOTE_EN_AR,
        "English", "Arabic",
    ),
}


@dataclass(frozen=True)
class PromptSpec:
    """How a prompt is laid out; the embedded engine's variant configuration fills it."""

    template: str = "chatml"  # the embedded engine's layout: "chatml" or "raw"
    hints: bool = True  # glossary hints in the request
    context: bool = False  # earlier sentences of the paragraph in the request
    # The first version's layout: the strict instruction in the system turn (kept only so that
    # the measured "legacy" variant can be reproduced; it defeats the prefix cache on retries).
    strict_in_system: bool = False
    # Also list terms whose source form already is the target (Latin-script names such as
    # "ESA"). Leaving them out saves tokens, but the model then drops more names (measured:
    # variant "lean-hints" in references/embedded-variants.md).
    same_hints: bool = True


DEFAULT_SPEC = PromptSpec()


@dataclass(frozen=True)
class Message:
    """One chat message: ``role`` is ``system``, ``user`` or ``assistant``."""

    role: str
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


def listed_hints(hints: Sequence[TermHint], spec: PromptSpec) -> dict[str, str]:
    """The hints the prompt shows, source → target, each source once (none when hints are off)."""
    shown: dict[str, str] = {}
    if spec.hints:
        for h in hints:
            if spec.same_hints or h.source != h.target:
                shown.setdefault(h.source, h.target)
    return shown


def approved_examples(request: TranslationRequest) -> tuple[Example, ...]:
    """The request's own examples (approved pairs from the memory, the closest last) as prompt pairs.

    They come after the fixed pairs, right before the sentence: there copying a name is the
    point, since an approved pair shows how the newsroom writes it.
    """
    if request.direction == EN_AR:  # the source is English, the approved target Arabic
        return tuple(Example(e.target, e.source) for e in request.examples)
    return tuple(Example(e.source, e.target) for e in request.examples)


def markup_examples(source: str, direction: Direction = AR_EN) -> tuple[Example, ...]:
    """The example pair added for a sentence with placeholders (none for one without)."""
    return (PROMPTS[direction].markup_example,) if inline.has_placeholders(source) else ()


def markup_notes(source: str, strict: bool = False, direction: Direction = AR_EN) -> list[str]:
    """The instruction line of a markup retry, naming the sentence's tags (none otherwise)."""
    if not strict or not inline.has_placeholders(source):
        return []
    tags = []
    for kind, value in inline.tokens(source):
        if kind == "open":
            tags.append(f"<g{value}></g{value}>")
        elif kind == "atom":
            tags.append(f"<x{value}/>")
    return [PROMPTS[direction].markup_strict_note.format(tags=" ".join(tags))]


def glossary_block(shown: dict[str, str]) -> str:
    lines = [f"- {src} = {tgt}" for src, tgt in shown.items()]
    return "Glossary:\n" + "\n".join(lines) + "\n\n"


def request_block(
    source: str, hints: Sequence[TermHint], context: str, notes: Sequence[str], spec: PromptSpec
) -> str:
    """The variable part of a request: context, notes, glossary, then the sentence."""
    parts: list[str] = []
    if spec.context and context.strip():
        parts.append(f"{CONTEXT_LABEL}: {context.strip()}\n\n")
    parts += [f"{n}\n" for n in notes]
    if notes:
        parts.append("\n")
    if shown := listed_hints(hints, spec):
        parts.append(glossary_block(shown))
    parts.append(source)
    return "".join(parts)


def request_notes(notes: Sequence[str], strict: bool, spec: PromptSpec) -> list[str]:
    """The notes of the request block: the glossary instruction of a strict request first."""
    return ([STRICT_NOTE] if strict and not spec.strict_in_system else []) + list(notes)


def system_text(strict: bool, spec: PromptSpec, direction: Direction = AR_EN) -> str:
    """The instruction (with the glossary instruction in the first version's layout)."""
    return PROMPTS[direction].system + (" " + STRICT_NOTE if strict and spec.strict_in_system else "")


def example_turns(example: Example, spec: PromptSpec, direction: Direction = AR_EN) -> list[Message]:
    """One example pair as a user turn (its request block) and an assistant turn (the answer)."""
    source, target = PROMPTS[direction].pair(example)
    return [Message("user", request_block(source, example.hints, "", (), spec)), Message("assistant", target)]


def chat_messages(
    source: str,
    hints: Sequence[TermHint] = (),
    *,
    context: str = "",
    strict: bool = False,
    notes: Sequence[str] = (),
    examples: Sequence[Example] = EXAMPLES[:3],
    spec: PromptSpec = DEFAULT_SPEC,
    direction: Direction = AR_EN,
) -> list[Message]:
    """The messages for one sentence; everything before the last user turn is constant.

    ``strict`` adds the glossary instruction, ``notes`` any further instructions for a retry
    or repair; ``examples`` are the pairs shown before the sentence (per call).
    """
    messages = [Message("system", system_text(strict, spec, direction))]
    for ex in examples:
        messages += example_turns(ex, spec, direction)
    block = request_block(source, hints, context, request_notes(notes, strict, spec), spec)
    messages.append(Message("user", block))
    return messages


def output_budget(source: str, per_word: float = 4.0, extra: int = 24, cap: int = 512) -> int:
    """The most tokens an answer may take: ``per_word`` × source words + ``extra`` (+5 per tag), capped.

    English needs about 2 tokens per word and ≤1.6 words per Arabic word; the default (4 per
    word + 24) leaves room, a tighter bound cuts rambling short.
    """
    words = len(inline.strip(source).split())
    tags = len(inline.PLACEHOLDER.findall(source))  # about 4 tokens each: "<", "g", "1", ">"
    return min(cap, int(per_word * words) + extra + 5 * tags)


def prompt_digest(examples: Sequence[Example], spec: PromptSpec) -> str:
    """Short hash of the fixed prompt (instructions, examples, layout): part of an engine identity."""
    digest = hashlib.sha256(f"{SYSTEM}\x00{SYSTEM_EN_AR}".encode())
    for ex in (*examples, MARKUP_EXAMPLE, *EXAMPLES_EN_AR):
        digest.update(f"\x00{ex.ar}\x00{ex.en}\x00{ex.hints}".encode())
    digest.update(json.dumps(asdict(spec), sort_keys=True).encode())
    return digest.hexdigest()[:12]
