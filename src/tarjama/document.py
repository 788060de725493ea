"""Document model: text → paragraphs → segments, and back.

A document is kept as an exact partition of its source text: separators (the blank lines
between paragraphs, and leading/trailing whitespace) and paragraphs alternate, so joining
them reproduces the file byte for byte. Each paragraph is in turn partitioned into
segments (sentences, or Markdown markup that is copied verbatim). Reassembly replaces the
text of each translatable segment and keeps everything else, so the output always has
exactly as many paragraphs as the input, in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tarjama.segment import split_sentences
from tarjama.textio import read_text

_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
# Markdown line markers that are structure, not prose: headings, list bullets, numbers, quotes.
_MD_MARKER = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|[-*+][ \t]+|\d{1,9}[.)][ \t]+|>[ \t]?)+")


@dataclass(frozen=True)
class Segment:
    """A span of a paragraph: ``paragraph.text[start:end] == text``.

    ``kind`` is ``"sentence"`` for text to translate or ``"markup"`` for characters that are
    copied unchanged (Markdown markers, fenced code).
    """

    index: int
    start: int
    end: int
    text: str
    kind: str = "sentence"

    @property
    def translatable(self) -> bool:
        return self.kind == "sentence" and bool(self.text.strip())

    @property
    def content(self) -> str:
        """The text sent to an engine: the span without surrounding whitespace."""
        return self.text.strip()

    @property
    def joiner(self) -> str:
        """Whitespace to put after this segment's translation when reassembling."""
        trail = self.text[len(self.text.rstrip()) :]
        if "\n" in trail:
            return "\n"
        return " " if trail else ""


@dataclass
class Paragraph:
    index: int
    start: int
    text: str
    segments: list[Segment] = field(default_factory=list)
    verbatim: bool = False

    @property
    def sentences(self) -> list[Segment]:
        return [s for s in self.segments if s.translatable]


@dataclass
class Document:
    """A source document. ``parts`` alternates separator, paragraph text, …, separator."""

    text: str
    paragraphs: list[Paragraph]
    separators: list[str]
    format: str = "txt"
    path: str | None = None

    def sentences(self) -> list[tuple[Paragraph, Segment]]:
        return [(p, s) for p in self.paragraphs for s in p.sentences]

    def reassemble(self, paragraph_texts: Sequence[str]) -> str:
        """Join translated paragraph texts with the original separators."""
        if len(paragraph_texts) != len(self.paragraphs):
            raise ValueError(f"expected {len(self.paragraphs)} paragraphs, got {len(paragraph_texts)}")
        out = [self.separators[0]]
        for text, sep in zip(paragraph_texts, self.separators[1:], strict=True):
            out.append(text)
            out.append(sep)
        return "".join(out)


def rebuild_paragraph(paragraph: Paragraph, translate: Callable[[Segment], str]) -> str:
    """Paragraph text with each translatable segment replaced by ``translate(segment)``.

    Markup is copied; sentence joins follow the source (line break stays a line break).
    """
    if paragraph.verbatim:
        return paragraph.text
    out: list[str] = []
    for seg in paragraph.segments:
        if seg.kind == "markup":
            out.append(seg.text)
        elif seg.translatable:
            out.append(translate(seg) + seg.joiner)
        else:
            out.append(seg.text)
    return "".join(out).rstrip()


def parse_text(text: str, fmt: str = "txt", path: str | None = None) -> Document:
    """Parse plain text (``txt``) or Markdown (``md``) into a Document."""
    spans = _paragraph_spans(text, markdown=(fmt == "md"))
    paragraphs: list[Paragraph] = []
    separators: list[str] = []
    pos = 0
    for i, (start, end, verbatim) in enumerate(spans):
        separators.append(text[pos:start])
        ptext = text[start:end]
        para = Paragraph(index=i, start=start, text=ptext, verbatim=verbatim)
        para.segments = _segment_paragraph(ptext, markdown=(fmt == "md"), verbatim=verbatim)
        paragraphs.append(para)
        pos = end
    separators.append(text[pos:])
    return Document(text=text, paragraphs=paragraphs, separators=separators, format=fmt, path=path)


def _paragraph_spans(text: str, markdown: bool) -> list[tuple[int, int, bool]]:
    """(start, end, verbatim) of each paragraph; blank lines inside a code fence do not split."""
    spans: list[tuple[int, int, bool]] = []
    lines = text.splitlines(keepends=True)
    offset = 0
    block_start: int | None = None
    block_end = 0
    fence: str | None = None
    fence_start = 0
    for line in lines:
        line_start, offset = offset, offset + len(line)
        body = line.rstrip("\r\n")
        if markdown and fence is None and (m := _FENCE.match(body)):
            if block_start is not None:
                spans.append((block_start, block_end, False))
                block_start = None
            fence, fence_start = m.group(1)[0] * 3, line_start
            continue
        if fence is not None:
            if body.strip().startswith(fence):
                spans.append((fence_start, line_start + len(body), True))
                fence = None
            continue
        if not body.strip():
            if block_start is not None:
                spans.append((block_start, block_end, False))
                block_start = None
            continue
        lead = len(body) - len(body.lstrip())
        if block_start is None:
            block_start = line_start + lead
        block_end = line_start + len(body.rstrip())
    if fence is not None:
        # Unclosed fence: keep it verbatim up to the end rather than translating code.
        spans.append((fence_start, len(text.rstrip()), True))
    elif block_start is not None:
        spans.append((block_start, block_end, False))
    return spans


def _segment_paragraph(ptext: str, markdown: bool, verbatim: bool) -> list[Segment]:
    if verbatim:
        return [Segment(0, 0, len(ptext), ptext, "markup")]
    pieces: list[tuple[int, int, str]] = []
    if markdown:
        pos = 0
        for line in ptext.splitlines(keepends=True):
            m = _MD_MARKER.match(line)
            if m and m.end() > 0:
                pieces.append((pos, pos + m.end(), "markup"))
                rest_start = pos + m.end()
            else:
                rest_start = pos
            if rest_start < pos + len(line):
                pieces.append((rest_start, pos + len(line), "text"))
            pos += len(line)
        pieces = _merge_text_pieces(pieces)
    else:
        pieces = [(0, len(ptext), "text")]
    segments: list[Segment] = []
    for start, end, kind in pieces:
        if kind == "markup":
            segments.append(Segment(len(segments), start, end, ptext[start:end], "markup"))
            continue
        for s, e in split_sentences(ptext[start:end]):
            segments.append(Segment(len(segments), start + s, start + e, ptext[start + s : start + e]))
    return segments


def _merge_text_pieces(pieces: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged: list[tuple[int, int, str]] = []
    for piece in pieces:
        if merged and merged[-1][2] == "text" and piece[2] == "text" and merged[-1][1] == piece[0]:
            merged[-1] = (merged[-1][0], piece[1], "text")
        else:
            merged.append(piece)
    return merged


def detect_format(path: str | Path) -> str:
    return "md" if Path(path).suffix.lower() in {".md", ".markdown"} else "txt"


def read_document(path: str | Path, fmt: str | None = None) -> Document:
    """Read a UTF-8 text or Markdown file into a Document (errors are TarjamaError)."""
    text = read_text(path)
    return parse_text(text, fmt or detect_format(path), path=str(path))
