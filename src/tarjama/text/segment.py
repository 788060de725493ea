"""Sentence splitting: Arabic by the rules below, English by pysbd.

``split_sentences`` splits each text by its own language (``tarjama.text.language``: the
script most of its letters are in), so an English paragraph of an Arabic document, or an
Arabic quotation in English news, is split by the rules of its language.

**English** (and any Latin-script text) is split by pysbd (Python Sentence Boundary
Disambiguation, rule-based: abbreviations, initials, decimals, quotations and ellipses),
within each line: a line break still ends a sentence. pysbd is not used for Arabic: it
splits Arabic at "،" and ":".

**Arabic** splits at ``.`` ``!`` ``?`` ``؟`` (and runs of them, and the ellipsis ``…``) and at line
breaks. Never splits at ``،`` ``؛`` or ``:``, inside numbers (2.5, 1,000), after dotted
abbreviations (د. م. U.S. Dr.), Latin acronyms or initials. Closing quotes and brackets
stay with the sentence they close. The result is a list of (start, end) spans that
partition the input exactly: whitespace after a sentence belongs to that sentence.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from tarjama.text.arabic import TATWEEL, WORD_CHAR_RE
from tarjama.text.language import detect_language

_TERMINALS = ".!?؟…"
# Characters that close a sentence-final quotation or parenthesis.
_CLOSERS = "\"'”’»)]}›』」"

# Arabic abbreviations written with a dot: doctor, engineer, AD/BC, page, part, professor …
_ARABIC_ABBREVIATIONS = {"د", "م", "ق", "ص", "ج", "هـ", "ه", "ت", "ب", "أ", "أد", "ق.م", "ش", "ط", "س"}
_LATIN_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "inc", "ltd", "co", "corp",
    "no", "fig", "gen", "gov", "sen", "rep", "dept", "univ", "approx", "e.g", "i.e", "u.s", "u.k",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft",
}  # fmt: skip


def _word_before(text: str, i: int) -> str:
    """The token (letters, digits, inner dots, tatweel) that ends just before position ``i``."""
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "." + TATWEEL):
        j -= 1
    return text[j:i]


def _is_abbreviation_dot(text: str, i: int) -> bool:
    """True if the '.' at ``i`` ends an abbreviation, an initial or an acronym like U.S."""
    word = _word_before(text, i).strip(".")
    if not word:
        return False
    lowered = word.lower()
    if lowered in _LATIN_ABBREVIATIONS or word.replace(TATWEEL, "") in _ARABIC_ABBREVIATIONS:
        return True
    letters = word.replace(".", "")
    # Initials and dotted acronyms: J. / U.S. / U.S.A. / د.م.
    if "." in word and all(len(p) <= 2 for p in word.split(".")):
        return True
    return bool(len(letters) == 1 and letters.isalpha())


def _splits_at(text: str, i: int) -> int | None:
    """If a sentence ends with the terminal character at ``i``, return its end (exclusive)."""
    ch = text[i]
    n = len(text)
    if ch == ".":
        prev = text[i - 1] if i > 0 else ""
        nxt = text[i + 1] if i + 1 < n else ""
        if prev.isdigit() and nxt.isdigit():
            return None  # decimal number: 2.5
        if nxt.isalnum() and not WORD_CHAR_RE.match(nxt):
            return None  # example.com, U.S (inner dot)
        if _is_abbreviation_dot(text, i):
            return None
    end = i + 1
    # Runs of terminals (?!, ..., .") and the closers that belong to this sentence.
    while end < n and text[end] in _TERMINALS:
        end += 1
    while end < n and (text[end] in _CLOSERS or unicodedata.category(text[end]) == "Pf"):
        end += 1
    # Arabic typists often omit the space after a full stop; split only between Arabic letters.
    glued_arabic = end < n and WORD_CHAR_RE.match(text[end]) and i > 0 and WORD_CHAR_RE.match(text[i - 1])
    if end < n and not text[end].isspace() and not glued_arabic:
        return None
    return end


def split_sentences(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Spans (start, end) that partition ``text`` into sentences (with trailing whitespace).

    ``language`` (``ar`` or ``en``) chooses the rules; None: the language of ``text``'s script.
    """
    if (language or detect_language(text)) == "en":
        return _english_spans(text)
    return _arabic_spans(text)


@functools.lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


# pysbd leaves a sentence that ends in the ellipsis character joined to the next one.
_AFTER_ELLIPSIS = re.compile(r"(?<=…)\s+(?=[\"“‘']?[A-Z])")


def _pieces(sentences: list[str]) -> list[str]:
    return [piece for s in sentences for piece in _AFTER_ELLIPSIS.split(s)]


def _english_spans(text: str) -> list[tuple[int, int]]:
    """pysbd's sentences, line by line, as spans that partition ``text`` (whitespace trailing)."""
    cuts: list[int] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            at = pos
            for sentence in _pieces(_segmenter().segment(body)):
                piece = sentence.strip()
                found = text.find(piece, at, pos + len(body)) if piece else -1
                if found < 0:
                    continue  # pysbd never rewrites with clean=False; keep the text whole if it did
                at = found + len(piece)
                cuts.append(at)
        pos += len(line)
        if cuts and body.strip():
            cuts[-1] = pos  # the line break ends the line's last sentence
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in cuts:
        end = cut
        while end < len(text) and text[end].isspace() and text[end] not in "\n":
            end += 1
        if end < len(text) and text[end] == "\n":
            end += 1
        while end < len(text) and text[end].isspace():
            end += 1
        if end > start and text[start:end].strip():
            if spans and not any(c.isalnum() for c in text[start:end]):
                spans[-1] = (spans[-1][0], end)  # a piece without words stays with its sentence
            else:
                spans.append((start, end))
            start = end
    if start < len(text):
        if spans and not text[start:].strip():
            spans[-1] = (spans[-1][0], len(text))
        else:
            spans.append((start, len(text)))
    return spans


def _arabic_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        end: int | None = None
        if ch == "\n":
            end = i
        elif ch in _TERMINALS:
            end = _splits_at(text, i)
        if end is None:
            i += 1
            continue
        # Whitespace (including the line break itself) belongs to the sentence it follows.
        while end < n and text[end].isspace():
            end += 1
        if text[start:end].strip():
            spans.append((start, end))
            start = end
        i = max(end, i + 1)
    if start < n:
        if spans and not text[start:].strip():
            spans[-1] = (spans[-1][0], n)
        else:
            spans.append((start, n))
    return spans
