"""A document's segments as engine requests: the words, the earlier sentences, the glossary's hints.

``build_requests`` is the one place a document becomes requests, whoever translates it (a run,
a batch, a summary) or looks its translations up (the review workbench, a TMX import keying a
unit as a run would). The glossary reads a sentence's words without its markup
(``Segment.plain``); a match's offsets are mapped into the request text, placeholders included.
A request's ``key()`` is what the journal and the translation memory key on.

A segment's context is bounded: at most ``CONTEXT_SENTENCES`` earlier sentences of its
paragraph, nearest first, and at most ``CONTEXT_CHARS`` characters (whole sentences; a nearest
sentence longer than that contributes its last ``CONTEXT_CHARS`` characters). So preparing a
paragraph takes time and memory linear in its length, and a news paragraph (a few sentences)
gets all of its earlier sentences, as before.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tarjama.document.model import Document, Paragraph
from tarjama.types import AR_EN, Direction, TermHint, TranslationRequest

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

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


# The context window: earlier sentences of the same paragraph an engine may read.
CONTEXT_SENTENCES = 5
CONTEXT_CHARS = 1500


def bounded_context(earlier: Sequence[str]) -> str:
    """The context for a sentence from its paragraph's earlier sentences (oldest first).

    The nearest ``CONTEXT_SENTENCES`` sentences, dropping the oldest until the joined text
    fits ``CONTEXT_CHARS``; a nearest sentence alone longer than that gives its last
    ``CONTEXT_CHARS`` characters.
    """
    kept: list[str] = []
    size = 0
    for sentence in reversed(earlier[-CONTEXT_SENTENCES:]):
        extra = len(sentence) + (1 if kept else 0)
        if size + extra > CONTEXT_CHARS:
            if not kept:
                kept.append(sentence[-CONTEXT_CHARS:])
            break
        kept.append(sentence)
        size += extra
    return " ".join(reversed(kept))


def build_requests(
    document: Document, glossary: Glossary | None, direction: Direction = AR_EN, *,
    context: bool = True,
) -> list[PreparedSegment]:
    """Engine requests for every translatable segment, in document order, with term hints.

    The glossary reads a sentence's words without its markup (``Segment.plain``); a match's
    offsets are mapped into the request text, placeholders included. Each request's context
    is the bounded window of earlier sentences of its paragraph (``bounded_context``), or
    empty with ``context=False`` (for an engine that does not read it: a long paragraph then
    holds no context string per sentence).
    """
    return list(iter_requests(document, glossary, direction, context=context))


def iter_requests(
    document: Document, glossary: Glossary | None, direction: Direction = AR_EN, *,
    context: bool = True,
) -> Iterator[PreparedSegment]:
    """``build_requests`` one segment at a time: a caller that keeps only what it needs of each
    (``batch.runner.plan`` keeps its key) holds no request, context or hint list per segment."""
    for para in document.paragraphs:
        earlier: deque[str] = deque(maxlen=CONTEXT_SENTENCES)
        for seg in para.segments:
            if not seg.translatable:
                continue
            window = bounded_context(list(earlier)) if context else ""
            request, expected = segment_request(seg.content, glossary, window, seg.inline, direction)
            yield PreparedSegment(para, seg, request, expected)
            earlier.append(seg.plain)
