"""Finding glossary terms in Arabic text: Aho–Corasick over the normalised view, clitic-aware.

Every source form becomes one automaton key in the normalised view (``tarjama.text.arabic``), with a
leading article ال split off. One pass of the automaton yields every key occurrence; each is
then checked at its edges:

* right edge: the next view character must not be a letter or digit (no Arabic suffixes, no
  match inside a longer word);
* left edge: the letters between the previous non-letter and the key must be an allowed
  proclitic sequence (``tarjama.text.arabic.PROCLITICS``) — conjunction و/ف, then preposition
  ب/ل/ك, then the article ال, or the contracted لل (ل + ال). A form stored with ال
  *requires* the article (so "القمر" matches "للقمر" but not the bare "قمر"); a bare form
  allows it ("مريخ" matches "والمريخ"); a Latin-script form allows only و ف ب ل ك (so "لـESA"
  and "وJAXA" match, "xESA" does not).
  A space after the clitic ("لـ ESA") is an ordinary word boundary.

Overlapping candidates are resolved longest first (ties: leftmost, then file order). The
returned span covers the term, plus the article when it is written as ال; attached
conjunctions and prepositions are reported separately as ``prefix``. Cost: linear in the
text plus the number of key occurrences; the glossary size only affects build time and memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import ahocorasick

from tarjama.glossary.entry import GlossaryEntry
from tarjama.text.arabic import (
    PROCLITICS,
    TRAILING_RE,
    form_rule,
    normalize,
    normalize_with_offsets,
    split_article_form,
    word_run_start,
)


def match_key(form: str) -> tuple[str, bool]:
    """The automaton key of a glossary form and whether the form carries the article ال.

    The article is split off so one key serves "المريخ", "والمريخ" and "للمريخ" (where the
    article's alef disappears after ل); the matcher then requires the article in the text.
    """
    return split_article_form(normalize(form))


@dataclass(frozen=True)
class TermMatch:
    """A glossary term in the original text: ``text[start:end] == surface``.

    ``prefix`` is the attached clitic just before ``start`` (e.g. "و", "لـ", "لل"), kept
    out of the span so the span can stand for the term itself.
    """

    start: int
    end: int
    surface: str
    entry: GlossaryEntry
    prefix: str = ""


@dataclass(frozen=True)
class Candidate:
    """A checked key occurrence in the view: prefix start, surface start, end, entry index."""

    prefix_start: int
    start: int
    end: int
    entry: int


class Matcher:
    """An Aho–Corasick automaton over all forms of ``entries``."""

    def __init__(self, entries: Sequence[GlossaryEntry]) -> None:
        self.entries = list(entries)
        keys: dict[str, list[tuple[int, str]]] = {}
        for index, entry in enumerate(self.entries):
            for form in entry.ar_forms:
                key, article = match_key(form)
                if not key:
                    continue
                rule = form_rule(key, article)
                targets = keys.setdefault(key, [])
                if all(t != (index, rule) for t in targets):
                    targets.append((index, rule))
        self._automaton = ahocorasick.Automaton()
        for key, targets in keys.items():
            # A form that demands the article is the more specific reading when the article
            # is there, so it is tried first; otherwise file order decides.
            targets.sort(key=lambda t: t[1] != "article")
            self._automaton.add_word(key, (len(key), tuple(targets)))
        self._empty = not keys
        if keys:
            self._automaton.make_automaton()

    def candidates(self, view: str) -> Iterator[Candidate]:
        """Every key occurrence in ``view`` whose edges pass the word and clitic rules."""
        if self._empty:
            return
        for last, (length, targets) in self._automaton.iter(view):
            end = last + 1
            key_start = end - length
            run_start = word_run_start(view, key_start, end)
            if run_start is None:
                continue
            run = view[run_start:key_start]
            for index, rule in targets:
                if PROCLITICS[rule].fullmatch(run):
                    has_article = rule != "latin" and run.endswith("ال")
                    yield Candidate(run_start, key_start - 2 if has_article else key_start, end, index)
                    break

    def match(self, text: str) -> list[TermMatch]:
        view, offsets = normalize_with_offsets(text)
        found = sorted(self.candidates(view), key=lambda c: (c.start - c.end, c.start, c.entry))
        taken = bytearray(len(view))
        chosen: list[Candidate] = []
        for c in found:
            if taken.find(1, c.prefix_start, c.end) == -1:
                taken[c.prefix_start : c.end] = b"\x01" * (c.end - c.prefix_start)
                chosen.append(c)
        chosen.sort(key=lambda c: c.start)
        matches = []
        for c in chosen:
            start = offsets[c.start]
            # Diacritics (and tatweel) on the last letter belong to the word, so to the span.
            end = TRAILING_RE.match(text, offsets[c.end - 1] + 1).end()
            prefix_start = offsets[c.prefix_start]
            entry = self.entries[c.entry]
            matches.append(TermMatch(start, end, text[start:end], entry, text[prefix_start:start]))
        return matches
