"""Inline target injection: glossary terms written into the source in English.

When an engine's output misses a glossary term, the pipeline asks again with
``strict_terms`` set. Engines then translate a copy of the source in which each located
term is replaced by its required English form: Marian models and small LLMs copy
Latin-script words through far more reliably than they follow hints. The original source
is what is recorded and scored; only the model's input changes, and only on that retry.
"""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.document import inline
from tarjama.text.arabic import TATWEEL, is_arabic_letter
from tarjama.types import TermHint, TranslationRequest


def inject_terms(source: str, hints: Sequence[TermHint]) -> str:
    """``source`` with each located glossary term replaced by its English target.

    Used only for a retry after the model ignored the glossary: small models copy Latin-script
    words far more reliably than they follow a hint list. An attached Arabic clitic stays,
    joined with a tatweel (وJapan → وـJapan) as Arabic news writes Latin names.
    """
    out: list[str] = []
    pos = 0
    for h in sorted((h for h in hints if 0 <= h.start < h.end), key=lambda h: h.start):
        if h.start < pos or source[h.start : h.end] != h.source:
            continue  # overlapping or stale offsets: leave that span as it is
        out.append(source[pos : h.start])
        if h.start > 0 and is_arabic_letter(source[h.start - 1]):
            out.append(TATWEEL)
        out.append(h.target)
        pos = h.end
    out.append(source[pos:])
    return "".join(out)


def model_input(request: TranslationRequest) -> str:
    """The text a sequence-to-sequence engine should translate for ``request``.

    On a markup retry (``strict_markup``) every placeholder stands apart with a space on each
    side, so that a subword model reads it as whole pieces to copy; the spaces are taken out
    of the answer again (``inline.normalize``).
    """
    source = inject_terms(request.source, request.hints) if request.strict_terms else request.source
    return inline.spaced(source) if request.strict_markup else source
