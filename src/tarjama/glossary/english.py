"""Finding glossary terms in English text (English→Arabic runs): the English column, read as a source.

Every entry's canonical English and its ``en_variants`` are keys of one Aho–Corasick automaton
over a case-folded view of the text (whitespace runs as one space, offsets kept). A key
occurrence is a match when:

* **whole words**: no letter, digit or underscore right before it or after it (a hyphen and
  an apostrophe are boundaries: "ESA-led", "ESA's" and "JAXA’s" contain ESA and JAXA);
* **case as ``tarjama.text.terms`` rules it**: the canonical form as written ("ispace" stays
  lower case, "SLIM" never matches "slim"), a ``concept`` or any term starting in lower case
  may start with a capital (it may open a sentence); listed variants match in any case, as
  ``rewrite_variants`` reads them;
* **simple plurals** of common nouns: a term whose canonical English ends in a lower-case word
  ("low Earth orbit", "ministerial meeting") also matches with -s or -es ("low Earth orbits");
  names never do ("JAXAs" is not JAXA), nor do their lower-case variants ("moons" is not the
  Moon, whose variant "moon" is listed for the body).

Overlaps are resolved as the Arabic matcher resolves them: longest first, then leftmost,
then file order. Matches are ``TermMatch`` values, as ``Glossary.match`` returns for Arabic.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import ahocorasick

from tarjama.glossary.entry import GlossaryEntry
from tarjama.glossary.matcher import TermMatch

_PLURAL_ENDINGS = ("es", "s")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _view(text: str) -> tuple[str, array]:
    """``text`` case-folded one character for one, whitespace runs as one space; view → text offsets."""
    out: list[str] = []
    offsets = array("l")
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if space:
                continue
            space = True
            out.append(" ")
        else:
            space = False
            low = ch.lower()
            out.append(low if len(low) == 1 else ch)
        offsets.append(i)
    return "".join(out), offsets


def _key(phrase: str) -> str:
    return " ".join(phrase.split()).lower()


def plural_allowed(phrase: str) -> bool:
    """Whether a term may also stand in the plural: its last word is a lower-case common noun."""
    last = phrase.split()[-1] if phrase.split() else ""
    return last[:1].islower() and last.isalpha()


class EnglishMatcher:
    """An Aho–Corasick automaton over the English forms (canonical and variants) of ``entries``."""

    def __init__(self, entries: Sequence[GlossaryEntry]) -> None:
        self.entries = list(entries)
        keys: dict[str, list[tuple[int, str, bool]]] = {}  # key -> (entry, form, is variant)
        for index, entry in enumerate(self.entries):
            for form, variant in [(entry.en, False), *((v, True) for v in entry.en_variants)]:
                key = _key(form)
                if key and (index, form, variant) not in keys.setdefault(key, []):
                    keys[key].append((index, " ".join(form.split()), variant))
        self._automaton = ahocorasick.Automaton()
        for key, targets in keys.items():
            self._automaton.add_word(key, (len(key), tuple(targets)))
        self._empty = not keys
        if keys:
            self._automaton.make_automaton()

    def match(self, text: str) -> list[TermMatch]:
        """Non-overlapping term occurrences in English ``text``, sorted by position."""
        if self._empty or not text:
            return []
        view, offsets = _view(text)
        found: list[tuple[int, int, int]] = []  # (view start, view end, entry)
        for last, (length, targets) in self._automaton.iter(view):
            start, end = last + 1 - length, last + 1
            if start > 0 and _is_word(view[start - 1]):
                continue
            for index, form, variant in targets:
                stop = self._end(view, end, self.entries[index].en)
                if stop is None:
                    continue
                surface = text[offsets[start] : offsets[end - 1] + 1]
                if variant or _case_ok(surface, form, self.entries[index].kind):
                    found.append((start, stop, index))
                    break
        found.sort(key=lambda f: (f[0] - f[1], f[0], f[2]))
        taken = bytearray(len(view))
        chosen = []
        for start, end, index in found:
            if taken.find(1, start, end) == -1:
                taken[start:end] = b"\x01" * (end - start)
                chosen.append((start, end, index))
        matches = []
        for start, end, index in sorted(chosen):
            a, b = offsets[start], offsets[end - 1] + 1
            matches.append(TermMatch(a, b, text[a:b], self.entries[index]))
        return matches

    @staticmethod
    def _end(view: str, end: int, form: str) -> int | None:
        """Where the occurrence ends (after a plural ending when one is allowed), or None."""
        if end >= len(view) or not _is_word(view[end]):
            return end
        if plural_allowed(form):
            for ending in _PLURAL_ENDINGS:
                stop = end + len(ending)
                if view.startswith(ending, end) and (stop >= len(view) or not _is_word(view[stop])):
                    return stop
        return None


def _case_ok(surface: str, form: str, kind: str) -> bool:
    """The canonical form's case as written; a concept's lower-case start may be a capital."""
    surface = " ".join(surface.split())
    if surface == form:
        return True
    capitalised = surface[:1] == form[:1].upper() and surface[1:] == form[1:]
    return kind == "concept" and form[:1].islower() and capitalised
