"""Names: the source's Latin-script names all in the English, and no name the source does not have.

* **Kept**: every Latin-script word of the source (ESA, LiteBIRD, ADRAS-J, ispace) must occur
  in the English as a whole word (case aside: an engine may capitalise a name that opens a
  sentence). A Latin word inside a glossary term whose English differs is the glossary's
  business, not this check's. Missing: an error; the fix writes the name into the model's
  input as it stands and tells an LLM to keep it.
* **Accounted for**: every name-like word of the English (a capitalised word that is not an
  English word, a title, a month or a country — ``tarjama.text.names.english_name_tokens``)
  must come from the source: a Latin word of it, a glossary hint's English, or a transliteration
  of an Arabic word (same consonant skeleton, or close to a candidate of the
  ``arabic-name-romanizer`` package) — ``tarjama.text.names.align_names``. A name with no
  source is an error ("possible invented or garbled name"): with the Arabic word closest to it
  as evidence when there is one, and that word's most likely spelling as the finding's
  ``suggestion`` (the review page shows it as "suggested spelling"). The fix writes the
  suggestion into the model's input in place of the Arabic word (as a glossary hint is) and
  asks every engine to avoid the garbled word; with no close Arabic word, it tells an LLM to
  add no names and asks to avoid the word.

What it gets right and wrong on real text is measured in ``docs/checks.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.checks.base import Check, Fix, Flag, inside
from tarjama.checks.countries import english_country_spans
from tarjama.text.arabic import LATIN_NAME_RE
from tarjama.text.names import NameMatch, align_names
from tarjama.text.terms import phrase_pattern
from tarjama.types import ERROR, Finding, TermHint


class NameCheck(Check):
    name = "names"
    description = "Latin-script names of the source kept; no name the source does not account for"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        return self.kept(source, target, hints) + self.accounted(source, target, hints)

    def kept(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        """Latin-script words of the (Arabic) source missing from the translation."""
        flags: list[Flag] = []
        glossary_spans = [(h.start, h.end) for h in hints if h.start >= 0 and h.source != h.target]
        seen: set[str] = set()
        for m in LATIN_NAME_RE.finditer(source):
            name = m.group()
            if name in seen or len(name) < 2 or inside(m.span(), glossary_spans):
                continue
            seen.add(name)
            if phrase_pattern(name, ignore_case=True).search(target):
                continue
            flags.append(
                Flag(
                    Finding(
                        self.name, f"name {name} is missing from the English", source=m.span(), severity=ERROR
                    ),
                    Fix(
                        note=f"Keep the name {name} exactly as written.",
                        hint=TermHint(name, name, "name", m.start(), m.end()),
                    ),
                )
            )
        return flags

    def accounted(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        """Names of the (English) translation that nothing in the (Arabic) source accounts for."""
        matches = align_names(source, target, [h.target for h in hints], english_country_spans(target))
        flags: list[Flag] = []
        reported: set[str] = set()
        for m in matches:
            if m.supported or m.token.text in reported:
                continue
            reported.add(m.token.text)
            flags.append(_unsupported(self.name, source, m))
        return flags


def _unsupported(check: str, source: str, m: NameMatch) -> Flag:
    word = m.token.text
    span = (m.token.start, m.token.end)
    if m.source is None or not m.suggestion:
        message = f"possible invented or garbled name: {word} (nothing in the source)"
        note = f"The Arabic names no {word}: add no names, places or facts it does not have."
        return Flag(Finding(check, message, None, span, ERROR), Fix(note=note, avoid=(word,)))
    arabic = source[m.source[0] : m.source[1]]
    return Flag(
        Finding(
            check,
            f"possible invented or garbled name: {word} (closest in the source: {arabic})",
            m.source,
            span,
            ERROR,
            suggestion=m.suggestion,
        ),
        Fix(
            note=f"The Arabic name {arabic} is not {word}: write it as {m.suggestion} or its usual spelling.",
            hint=TermHint(arabic, m.suggestion, "name", m.source[0], m.source[1]),
            avoid=(word,),
        ),
    )
