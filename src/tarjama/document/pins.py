"""Pins: English that a tag's Arabic fixes in any translation (a glossary target, a Latin name, a number).

When a tag's place in a translation is not known — the model dropped it, or its words could not
be aligned — the words inside it in the source may still say where it goes: a glossary hint's
English, a Latin-script name, or a number, when that English occurs exactly once in the
translation. ``pins`` lists them for a span of the source, ``word_pins`` for one source word,
``quoted`` the English of a quotation a tag wraps whole (the k-th quotation of the source is the
k-th of the translation, when both have as many), and
``locate`` finds the span of a translation they cover (placeholders in it never match), taking
in a bracket or quotation mark the span opens or closes when its partner stands right beside
it: "European Space Agency (ESA" pinned by the glossary and the name ESA is "European Space
Agency (ESA)", so a tag never opens a bracket it does not close.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tarjama.document import inline
from tarjama.text.arabic import latin_names, western_digits
from tarjama.text.terms import phrase_pattern
from tarjama.types import TermHint

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A quotation: straight, guillemets or curly quotes, on one line.
_QUOTED = re.compile(r'"([^"\n]+)"|«([^»\n]+)»|“([^”\n]+)”')
_PAIRS = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”", "‘": "’"}


def pins(source: str, hints: Sequence[TermHint], start: int, end: int) -> list[tuple[str, str]]:
    """English that must translate ``source[start:end]``: (text, what pins it)."""
    found: list[tuple[str, str]] = []
    for h in hints:
        if start <= h.start and h.end <= end and h.target:
            found.append((h.target, "the glossary"))
    words = inline.strip(source[start:end])
    for name in latin_names(words):
        found.append((name, "a Latin-script name"))
    for number in NUMBER.findall(western_digits(words)):
        found.append((number, "a number"))
    return list(dict.fromkeys(found))


def quoted(source: str, start: int, end: int, translation: str) -> list[tuple[str, str]]:
    """The English of the quotation whose words are exactly ``source[start:end]``'s (a tag
    around a whole quotation: ``"<g1>…</g1>"``): the quotation in the same place among the
    translation's, when source and translation have as many quotations."""
    words = inline.strip(source[start:end]).strip()
    if not words:
        return []
    source_quotes = [inline.strip(next(g for g in m.groups() if g)).strip() for m in _QUOTED.finditer(source)]
    english = [next(g for g in m.groups() if g).strip() for m in _QUOTED.finditer(_visible(translation))]
    if words not in source_quotes or source_quotes.count(words) > 1 or len(english) != len(source_quotes):
        return []
    text = english[source_quotes.index(words)]
    return [(text, "its quotation marks")] if text and "\x00" not in text else []


def word_pins(hints: Sequence[TermHint], word: str) -> list[tuple[str, str]]:
    """English that must translate the source word ``word``."""
    found: list[tuple[str, str]] = []
    for h in hints:
        if word in h.source.split() and h.target:
            found.append((h.target, "the glossary"))
    found += [(name, "a Latin-script name") for name in latin_names(word)]
    found += [(number, "a number") for number in NUMBER.findall(western_digits(word))]
    return found


def _visible(text: str) -> str:
    """``text`` with placeholders blanked out (same length), so no pin matches across one."""
    return inline.PLACEHOLDER.sub(lambda m: "\x00" * len(m.group(0)), text)


def locate(text: str, found: Sequence[tuple[str, str]]) -> tuple[int, int, list[str]] | None:
    """The span of ``text`` covering every pin that occurs exactly once in it (None: none do)."""
    visible = _visible(text)
    spans: list[tuple[int, int]] = []
    used: list[str] = []
    for pin, why in found:
        matches = list(phrase_pattern(pin).finditer(visible))
        if len(matches) == 1:
            spans.append(matches[0].span())
            used.append(why)
    if not spans:
        return None
    start, end = _balanced(visible, min(s for s, _ in spans), max(e for _, e in spans))
    return start, end, list(dict.fromkeys(used))


def _balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` grown by the bracket or quotation mark right after (or before) it
    that closes (or opens) one left unpaired inside it."""
    for opening, closing in _PAIRS.items():
        inside = text[start:end]
        missing = inside.count(opening) - inside.count(closing)
        while missing > 0 and text[end : end + 1] == closing:
            end, missing = end + 1, missing - 1
        while missing < 0 and start > 0 and text[start - 1] == opening:
            start, missing = start - 1, missing + 1
    return start, end
