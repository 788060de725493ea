"""Pins: English that a tag's Arabic fixes in any translation (a glossary target, a Latin name, a number).

When a tag's place in a translation is not known — the model dropped it, or its words could not
be aligned — the words inside it in the source may still say where it goes: a glossary hint's
English, a Latin-script name, or a number, when that English occurs exactly once in the
translation. ``pins`` lists them for a span of the source, ``word_pins`` for one source word, and
``locate`` finds the span of a translation they cover (placeholders in it never match).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tarjama.document import inline
from tarjama.text.arabic import latin_names, western_digits
from tarjama.text.terms import phrase_pattern
from tarjama.types import TermHint

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


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
    return min(s for s, _ in spans), max(e for _, e in spans), list(dict.fromkeys(used))
