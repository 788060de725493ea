"""Document model: text → paragraphs → segments, and back.

A document is kept as an exact partition of its source text: separators (the blank lines
between paragraphs, and leading/trailing whitespace) and paragraphs alternate, so joining
them reproduces the file byte for byte. Each paragraph is in turn partitioned into
segments (sentences, or markup that is copied verbatim). Reassembly replaces the text of
each translatable segment and keeps everything else, so the output always has exactly as
many paragraphs as the input, in the same order.

In Markdown only prose is translated. Copied byte for byte: YAML front matter at the top,
fenced code, line markers (headings, bullets, numbers, quotes), reference-link definitions,
table pipes (each cell is translated alone), and pieces without a letter or digit (rules,
table borders, lone punctuation). Inline markup inside prose (``tarjama.document.markdown``: emphasis,
links, images, code, URLs, HTML tags, footnote references) travels with its sentence as
numbered placeholders (``tarjama.document.inline``): a sentence with a link is translated whole, and
link targets, code and URLs never reach an engine.

Formats with markup of their own (HTML, DOCX, XLIFF: ``tarjama.formats``) hand over their
paragraphs as pieces of *tagged text* (``document_from_pieces``); such a document is not a
partition of a file, and its paragraphs are joined with blank lines.

A sentence with no word character of the source language — the document's script
(``text.language.source_language``) unless the caller names it; ``text.arabic.has_source_letters``:
an English quotation in an Arabic article, a Bengali caption, a table's single Latin letter,
a code) is an ``untouched`` segment: copied as it is, never sent to an engine, and counted
(``Document.untouched``, with the paragraphs or attributes a format left out for the same
reason in ``Document.passed``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tarjama.document import inline, markdown
from tarjama.document.inline import Inline, Piece, text_piece
from tarjama.text.arabic import has_source_letters
from tarjama.text.language import source_language
from tarjama.text.segment import split_sentences
from tarjama.text.textio import read_text

# The kind of a segment copied as it is for having no word character of the source language.
UNTOUCHED = "untouched"

_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
# Markdown line markers that are structure, not prose: headings, list bullets, numbers, quotes.
_MD_MARKER = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|[-*+][ \t]+|\d{1,9}[.)][ \t]+|>[ \t]?)+")
# YAML front matter: a '---' first line up to the next '---' or '...' line.
_FRONT_MATTER_OPEN = re.compile(r"^---[ \t]*$")
_FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
# A reference-link definition line: [id]: target "title".
_MD_LINK_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\S")
@dataclass(frozen=True, slots=True)  # slots: a long document holds one per sentence
class Segment:
    """A span of a paragraph: ``paragraph.text[start:end] == text``.

    ``kind`` is ``"sentence"`` for text to translate or ``"markup"`` for characters that are
    copied unchanged (Markdown markers, fenced code). A sentence with inline markup (or in
    tagged text) has an ``inline``: the placeholder text an engine gets, and how to write the
    English back.
    """

    index: int
    start: int
    end: int
    text: str
    kind: str = "sentence"
    inline: Inline | None = None

    @property
    def translatable(self) -> bool:
        return self.kind == "sentence" and bool(self.text.strip())

    @property
    def content(self) -> str:
        """The sentence as the source has it, without surrounding whitespace."""
        return self.text.strip()

    @property
    def request_text(self) -> str:
        """What an engine translates: the content, or its placeholder text when it has markup."""
        return self.inline.text if self.inline is not None else self.content

    @property
    def plain(self) -> str:
        """The words alone (no markup): what the glossary reads and context shows."""
        return self.inline.plain if self.inline is not None else self.content

    def render(self, translation: str) -> str:
        """An engine's translation of ``request_text`` written in the paragraph's syntax."""
        return self.inline.render(translation) if self.inline is not None else translation

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
    passed: int = 0  # paragraphs a format left out for having no source-language word character

    def sentences(self) -> list[tuple[Paragraph, Segment]]:
        return [(p, s) for p in self.paragraphs for s in p.sentences]

    @property
    def untouched(self) -> int:
        """Segments (and whole paragraphs a format left out) passed through for having no
        word character of the source language (module docstring)."""
        return self.passed + sum(1 for p in self.paragraphs for s in p.segments if s.kind == UNTOUCHED)

    def plain_text(self) -> str:
        """The document's words without markup — its sentences and what was left untouched for
        having none of the source language's letters: what tells the document's language."""
        kinds = ("sentence", UNTOUCHED)
        return " ".join(s.plain for p in self.paragraphs for s in p.segments if s.kind in kinds)

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
    after_markup = False
    for seg in paragraph.segments:
        if seg.kind == "markup":
            out.append(seg.text)
        elif seg.translatable:
            # After inline markup (`code`, a link) the space before the prose is part of the layout.
            lead = seg.text[: len(seg.text) - len(seg.text.lstrip())] if after_markup else ""
            out.append(lead + translate(seg) + seg.joiner)
        else:
            out.append(seg.text)
        after_markup = seg.kind == "markup"
    return "".join(out).rstrip()


def parse_text(
    text: str, fmt: str = "txt", path: str | None = None, source: str | None = None
) -> Document:
    """Parse plain text (``txt``) or Markdown (``md``) into a Document.

    ``source`` is the language translated out of (None: the text's script, ``source_language``).
    """
    source = source or source_language(text)
    spans = _paragraph_spans(text, md=(fmt == "md"))
    paragraphs: list[Paragraph] = []
    separators: list[str] = []
    pos = 0
    for i, (start, end, verbatim) in enumerate(spans):
        separators.append(text[pos:start])
        ptext = text[start:end]
        para = Paragraph(index=i, start=start, text=ptext, verbatim=verbatim)
        para.segments = _segment_paragraph(ptext, fmt == "md", verbatim, source)
        paragraphs.append(para)
        pos = end
    separators.append(text[pos:])
    return Document(text=text, paragraphs=paragraphs, separators=separators, format=fmt, path=path)


def _paragraph_spans(text: str, md: bool) -> list[tuple[int, int, bool]]:
    """(start, end, verbatim) of each paragraph; blank lines inside a code fence do not split."""
    spans: list[tuple[int, int, bool]] = []
    lines = text.splitlines(keepends=True)
    offset = 0
    if md and lines and _FRONT_MATTER_OPEN.match(lines[0].rstrip("\r\n")):
        closing = next(
            (j for j in range(1, len(lines)) if _FRONT_MATTER_CLOSE.match(lines[j].rstrip("\r\n"))), None
        )
        if closing is not None:
            # Front matter is metadata, not prose: one verbatim block even across blank lines.
            end = sum(len(line) for line in lines[:closing]) + len(lines[closing].rstrip("\r\n"))
            spans.append((0, end, True))
            offset = sum(len(line) for line in lines[: closing + 1])
            lines = lines[closing + 1 :]
    block_start: int | None = None
    block_end = 0
    fence: str | None = None
    fence_start = 0
    for line in lines:
        line_start, offset = offset, offset + len(line)
        body = line.rstrip("\r\n")
        if md and fence is None and (m := _FENCE.match(body)):
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


def _segment_paragraph(
    ptext: str, markdown_syntax: bool, verbatim: bool, source: str = "ar"
) -> list[Segment]:
    if verbatim:
        return [Segment(0, 0, len(ptext), ptext, "markup")]
    if not markdown_syntax:
        return [
            Segment(k, s, e, ptext[s:e], "sentence" if has_source_letters(ptext[s:e], source) else UNTOUCHED)
            for k, (s, e) in enumerate(split_sentences(ptext, source))
        ]
    pieces: list[tuple[int, int, str]] = []
    lines = ptext.splitlines(keepends=True)
    table = markdown.is_table(lines)
    pos = 0
    for number, line in enumerate(lines):
        if _MD_LINK_DEFINITION.match(line):
            pieces.append((pos, pos + len(line), "markup"))
        elif table:
            if number == 1:  # the delimiter row
                pieces.append((pos, pos + len(line), "markup"))
            else:
                body = line.rstrip("\r\n")
                for s, e, cell in markdown.table_cells(body):
                    pieces.append((pos + s, pos + e, "text" if cell else "markup"))
                if len(body) < len(line):
                    pieces.append((pos + len(body), pos + len(line), "markup"))
        else:
            m = _MD_MARKER.match(line)
            rest_start = pos + m.end() if m and m.end() > 0 else pos
            if rest_start > pos:
                pieces.append((pos, rest_start, "markup"))
            if rest_start < pos + len(line):
                pieces.append((rest_start, pos + len(line), "text"))
        pos += len(line)
    segments: list[Segment] = []
    for start, end, kind in _merge_text_pieces(pieces):
        if kind == "markup":
            segments.append(Segment(len(segments), start, end, ptext[start:end], "markup"))
            continue
        offset = start
        for sentence in inline.split_pieces(markdown.inline_pieces(ptext[start:end])):
            segments.append(_segment(len(segments), offset, sentence, "", source=source))
            offset += sum(len(p.raw) for p in sentence)
    return segments


def _segment(index: int, start: int, pieces: Sequence[Piece], escape: str, collapse: bool = False,
             source: str = "ar") -> Segment:
    """One sentence of pieces: translatable when it has words of the source language; an Inline
    when it has markup."""
    raw = "".join(p.raw for p in pieces)
    if not inline.has_words(pieces):
        # A piece with no letter or digit (a rule, a table border, the full stop after a link)
        # is layout; an engine would only garble it.
        return Segment(index, start, start + len(raw), raw, "markup")
    if not has_source_letters("".join(p.text for p in pieces if p.role == "text"), source):
        return Segment(index, start, start + len(raw), raw, UNTOUCHED)
    plain = not escape and inline.is_plain(pieces)
    return Segment(index, start, start + len(raw), raw, "sentence",
                   None if plain else inline.build(pieces, escape, collapse))


def document_from_pieces(
    paragraphs: Sequence[Sequence[Piece]], fmt: str, path: str | None = None, *, collapse: bool = False,
    source: str | None = None, passed: int = 0,
) -> Document:
    """A document of tagged-text paragraphs (``tarjama.document.inline``), as HTML, DOCX and XLIFF give them.

    Every sentence gets an ``Inline`` that writes its English back as tagged text; ``collapse``
    makes runs of whitespace one space in what engines read (HTML). ``source`` is the source
    language (sentences without its word characters are untouched); ``passed`` counts what
    the format left out for that reason. None: the language of the pieces' text
    (``tarjama.text.language.source_language``).
    """
    if source is None:
        source = source_language(" ".join(p.text for ps in paragraphs for p in ps if p.role == "text"))
    out: list[Paragraph] = []
    start = 0
    for i, pieces in enumerate(paragraphs):
        text = "".join(p.raw for p in pieces)
        para = Paragraph(index=i, start=start, text=text)
        offset = 0
        for sentence in inline.split_pieces(list(pieces)):
            para.segments.append(_segment(len(para.segments), offset, sentence, "xml", collapse, source))
            offset += sum(len(p.raw) for p in sentence)
        out.append(para)
        start += len(text) + 2
    separators = [""] + ["\n\n"] * max(0, len(out) - 1) + ([""] if out else [])
    return Document(text="\n\n".join(p.text for p in out), paragraphs=out, separators=separators or [""],
                    format=fmt, path=path, passed=passed)


def _merge_text_pieces(pieces: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged: list[tuple[int, int, str]] = []
    for piece in pieces:
        if merged and merged[-1][2] == "text" and piece[2] == "text" and merged[-1][1] == piece[0]:
            merged[-1] = (merged[-1][0], piece[1], "text")
        else:
            merged.append(piece)
    return merged


def plain_pieces(text: str) -> list[Piece]:
    """Plain text as tagged-text pieces (one text piece, XML-escaped)."""
    return inline.tagged_pieces(inline.xml_text(text)) if text else [text_piece("")]


def detect_format(path: str | Path) -> str:
    return "md" if Path(path).suffix.lower() in {".md", ".markdown"} else "txt"


def read_document(path: str | Path, fmt: str | None = None) -> Document:
    """Read a UTF-8 text or Markdown file into a Document (errors are TarjamaError)."""
    text = read_text(path)
    return parse_text(text, fmt or detect_format(path), path=str(path))
