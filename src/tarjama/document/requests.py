"""A document's segments as engine requests: the words, the earlier sentences, the glossary's hints.

``build_requests`` is the one place a document becomes requests, whoever translates it (a run,
a batch, a summary) or looks its translations up (the review workbench, a TMX import keying a
unit as a run would). The glossary reads a sentence's words without its markup
(``Segment.plain``); a match's offsets are mapped into the request text, placeholders included.
A request's ``key()`` is what the journal and the translation memory key on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tarjama.document.model import Document, Paragraph
from tarjama.types import AR_EN, Direction, TermHint, TranslationRequest

if TYPE_CHECKING:
    from tarjama.document.inline import Inline
    from tarjama.document.model import Segment
    from tarjama.glossary import Glossary, GlossaryEntry
    from tarjama.text.terms import ArabicTerm


@dataclass(frozen=True)
class PreparedSegment:
    """One translatable segment of a document, ready for an engine."""

    paragraph: Paragraph
    segment: Segment
    request: TranslationRequest
    # Glossary entries matched in the source: the terms the translation must contain (into
    # Arabic, each entry's ``ArabicTerm``: see ``GlossaryEntry.towards``).
    expected: list[GlossaryEntry | ArabicTerm]


def segment_request(
    text: str,
    glossary: Glossary | None,
    context: str = "",
    inline: Inline | None = None,
    direction: Direction = AR_EN,
) -> tuple[TranslationRequest, list[GlossaryEntry | ArabicTerm]]:
    """The engine request for one segment (with its term hints) and the entries it expects.

    ``text`` is the segment's words; with ``inline`` markup, the glossary reads the words
    without markup (``inline.plain``), the request carries the placeholder text and a match's
    offsets are mapped into it.
    """
    plain = inline.plain if inline is not None else text
    matches = glossary.match(plain, direction.source) if glossary else []
    hints = []
    for m in matches:
        start, end = inline.to_text(m.start, m.end) if inline is not None else (m.start, m.end)
        hints.append(TermHint(m.surface, m.entry.target(direction), m.entry.kind, start, end))
    request_text = inline.text if inline is not None else text
    request = TranslationRequest(request_text, tuple(hints), context, direction=direction)
    return request, [m.entry.towards(direction) for m in matches]


def build_requests(
    document: Document, glossary: Glossary | None, direction: Direction = AR_EN
) -> list[PreparedSegment]:
    """Engine requests for every translatable segment, in document order, with term hints.

    The glossary reads a sentence's words without its markup (``Segment.plain``); a match's
    offsets are mapped into the request text, placeholders included.
    """
    prepared: list[PreparedSegment] = []
    for para, seg in document.sentences():
        context = " ".join(s.plain for s in para.sentences if s.index < seg.index)
        request, expected = segment_request(seg.content, glossary, context, seg.inline, direction)
        prepared.append(PreparedSegment(para, seg, request, expected))
    return prepared
