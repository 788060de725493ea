"""Markdown inline markup as pieces (``tarjama.document.inline``): what is text and what is markup.

The rules, following CommonMark (and GitHub's strikethrough and footnotes) where it matters
for translation:

* *standalone* marks (``atom``), copied byte for byte and never sent to an engine: code spans
  (any backtick run), HTML comments, autolinks ``<https://…>`` and e-mail autolinks, bare
  URLs (``https://…``, ``www.…``, without their final punctuation), HTML void or unpaired
  tags; footnote references ``[^1]`` stay with the word before them (``trail``);
* *pairs* around text that is translated: emphasis and strong emphasis (``*``/``_`` delimiter
  runs, with CommonMark's flanking rules, its rule of three and intraword ``_``), ``~~``
  strikethrough, links and images (``[`` … ``](target "title")`` or ``][ref]``: the target
  and title are part of the closing mark, the link or image text is translated), and HTML
  inline elements opened and closed in the same text run (``<span …>`` … ``</span>``);
* delimiters that pair with nothing, and backslash escapes, are text.

Emphasis never pairs across a link's brackets. Markdown table rows are cut into cells
(``table_cells``), so each cell is translated alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tarjama.document.inline import Piece, text_piece

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
         "track", "wbr"}  # fmt: skip
_SCAN = re.compile(
    r"""
    (?P<escape>\\[!-/:-@\[-`{-~])                                 # backslash escape: text
    | (?P<code>(?P<tick>`+)(?s:.+?)(?<!`)(?P=tick)(?!`))          # code span
    | (?P<comment><!--(?s:.*?)-->)
    | (?P<autolink><[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>)
    | (?P<email><[^<>\s@]+@[^<>\s]+>)
    | (?P<tag></?(?P<name>[A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>)
    | (?P<footnote>\[\^[^\]\s]+\](?!:))
    | (?P<lopen>!?\[(?=[^\]\n]*\][(\[]))
    | (?P<lclose>\](?:\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)|\[[^\]\n]*\]))
    | (?P<url>(?:https?|ftp)://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'"،؛؟*_~])
    | (?P<www>www\.[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'"،؛؟*_~])
    | (?P<delims>\*+|_+|~~)
    """,
    re.VERBOSE,
)
_KINDS = ("escape", "code", "comment", "autolink", "email", "tag", "footnote")
_KINDS += ("lopen", "lclose", "url", "www", "delims")
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


@dataclass
class _Mark:
    start: int
    end: int
    role: str
    pair: int = -1
    label: str = ""


@dataclass
class _Delim:
    start: int  # where the unused run begins now (closers are used from the left)
    count: int
    char: str
    original: int
    can_open: bool
    can_close: bool
    level: int  # which link text it is in (emphasis never pairs across brackets)
    end: int = 0  # where the unused run ends (openers are used from the right)


def _is_punct(ch: str) -> bool:
    return bool(ch) and unicodedata.category(ch)[0] in "PS"


def _flanking(text: str, start: int, end: int) -> tuple[bool, bool]:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    left = not after.isspace() and (not _is_punct(after) or before.isspace() or _is_punct(before))
    right = not before.isspace() and (not _is_punct(before) or after.isspace() or _is_punct(after))
    return left, right


def inline_pieces(text: str) -> list[Piece]:
    """The pieces of one run of Markdown prose (no line markers in it)."""
    marks: list[_Mark] = []
    delims: list[_Delim] = []
    links: list[int] = []  # open link brackets: index in marks
    html: list[tuple[str, int]] = []  # open HTML inline elements: (name, index in marks)
    pairs = 0
    level = 0
    levels = [0]
    for m in _SCAN.finditer(text):
        kind = next(k for k in _KINDS if m.group(k) is not None)
        start, end = m.span()
        if kind == "escape":
            continue
        if kind == "code":
            marks.append(_Mark(start, end, "atom", label=f"code {m.group(0)}"))
        elif kind in ("comment", "autolink", "email", "url", "www"):
            marks.append(_Mark(start, end, "atom", label=m.group(0)))
        elif kind == "footnote":
            marks.append(_Mark(start, end, "trail", label=f"footnote {m.group(0)}"))
        elif kind == "tag":
            name = m.group("name").lower()
            raw = m.group(0)
            if raw.startswith("</"):
                opened = next((k for k in range(len(html) - 1, -1, -1) if html[k][0] == name), None)
                if opened is None:
                    marks.append(_Mark(start, end, "atom", label=raw))
                    continue
                for _n, index in html[opened + 1 :]:
                    marks[index].role = "atom"  # unclosed inside: standalone
                open_index = html[opened][1]
                del html[opened:]
                marks[open_index].role = "open"
                marks.append(_Mark(start, end, "close", marks[open_index].pair, marks[open_index].label))
            elif name in _VOID or raw.endswith("/>"):
                marks.append(_Mark(start, end, "atom", label=raw))
            else:
                pairs += 1
                marks.append(_Mark(start, end, "atom", pairs, f"HTML <{name}>"))
                html.append((name, len(marks) - 1))
        elif kind == "lopen":
            pairs += 1
            image = m.group(0).startswith("!")
            marks.append(_Mark(start, end, "atom", pairs, "image" if image else "link"))
            links.append(len(marks) - 1)
            level = len(levels)
            levels.append(level)
        elif kind == "lclose":
            if not links:
                marks.append(_Mark(start, end, "atom", label=m.group(0)))
                continue
            index = links.pop()
            opener = marks[index]
            opener.role = "open"
            target = m.group(0)[1:].strip("()[]")
            opener.label = f"{opener.label} {target}".strip()
            marks.append(_Mark(start, end, "close", opener.pair, opener.label))
            levels.pop()
            level = levels[-1]
        else:  # a delimiter run
            left, right = _flanking(text, start, end)
            char = m.group(0)[0]
            if char == "_":
                before = text[start - 1] if start > 0 else " "
                after = text[end] if end < len(text) else " "
                can_open = left and (not right or _is_punct(before))
                can_close = right and (not left or _is_punct(after))
            else:
                can_open, can_close = left, right
            delims.append(_Delim(start, end - start, char, end - start, can_open, can_close, level, end))
    for _name, index in html:
        marks[index].role = "atom"  # never closed: standalone
    for index in links:
        marks[index].role = "text-bracket"  # "[" with no link after all: plain text
    marks = [mk for mk in marks if mk.role != "text-bracket"]
    for char, open_end, close_start, use in _pair_emphasis(delims):
        pairs += 1
        label = "strikethrough" if char == "~" else "strong emphasis" if use == 2 else "emphasis"
        marks.append(_Mark(open_end - use, open_end, "open", pairs, label))
        marks.append(_Mark(close_start, close_start + use, "close", pairs, label))
    marks.sort(key=lambda mk: (mk.start, mk.end))
    pieces: list[Piece] = []
    pos = 0
    for mk in marks:
        if mk.start < pos:
            continue  # inside an earlier mark (cannot happen with the scanner's order)
        if mk.start > pos:
            pieces.append(text_piece(text[pos : mk.start]))
        pieces.append(Piece(text[mk.start : mk.end], mk.role, pair=mk.pair, label=mk.label))
        pos = mk.end
    if pos < len(text):
        pieces.append(text_piece(text[pos:]))
    return pieces


def _pair_emphasis(delims: list[_Delim]) -> list[tuple[str, int, int, int]]:
    """CommonMark's "process emphasis": (character, opener's end, closer's start, characters used).

    The opener gives its ``use`` rightmost characters, the closer its ``use`` leftmost.
    """
    found: list[tuple[str, int, int, int]] = []
    for c, closer in enumerate(delims):
        if not closer.can_close:
            continue
        while closer.count > 0:
            opener_index = None
            for o in range(c - 1, -1, -1):
                opener = delims[o]
                if opener.count == 0 or not opener.can_open or opener.char != closer.char:
                    continue
                if opener.level != closer.level:
                    continue
                if opener.char == "~" and (opener.count < 2 or closer.count < 2):
                    continue
                both = opener.can_close or closer.can_open
                if (
                    both
                    and (opener.original + closer.original) % 3 == 0
                    and not (opener.original % 3 == 0 and closer.original % 3 == 0)
                ):
                    continue  # the rule of three
                opener_index = o
                break
            if opener_index is None:
                break
            opener = delims[opener_index]
            use = 2 if opener.count >= 2 and closer.count >= 2 else 1
            found.append((opener.char, opener.end, closer.start, use))
            opener.count -= use
            opener.end -= use
            closer.count -= use
            closer.start += use
            for between in delims[opener_index + 1 : c]:
                between.count = 0  # delimiters between a pair can no longer pair
    return found


def table_cells(line: str) -> list[tuple[int, int, bool]]:
    """A table row as (start, end, is_cell) spans: cells, and the pipes with their spaces.

    A pipe inside a code span or escaped with a backslash belongs to its cell.
    """
    spans: list[tuple[int, int, bool]] = []
    pipes: list[tuple[int, int]] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            run = len(line[i:]) - len(line[i:].lstrip("`"))
            close = line.find("`" * run, i + run)
            i = close + run if close >= 0 else i + run
            continue
        if ch == "|":
            start, end = i, i + 1
            while start > 0 and line[start - 1] in " \t":
                start -= 1
            while end < len(line) and line[end] in " \t":
                end += 1
            pipes.append((start, end))
        i += 1
    pos = 0
    for start, end in pipes:
        start = max(start, pos)
        if start > pos:
            spans.append((pos, start, True))
        spans.append((start, end, False))
        pos = end
    if pos < len(line):
        spans.append((pos, len(line), True))
    return spans


def is_table(lines: list[str]) -> bool:
    """A GitHub table: a header row with a pipe, then a delimiter row (``|---|:--:|``)."""
    return len(lines) >= 2 and "|" in lines[0] and bool(_TABLE_DELIMITER.match(lines[1].rstrip("\r\n")))
