"""Names: the source's Latin-script names all in the English, and no invented names.

* **Kept**: every Latin-script word of the source (ESA, LiteBIRD, ADRAS-J, ispace) must occur
  in the English as a whole word (case aside: an engine may capitalise a name that opens a
  sentence). A Latin word inside a glossary term whose English differs is the glossary's
  business, not this check's. Missing: an error; the fix writes the name into the model's
  input as it stands and tells an LLM to keep it.
* **Invented**: a run of two or more capitalised English words that nothing in the source
  supports — not a Latin word of the source, not a glossary hint's English, not a plausible
  transliteration of an Arabic word or word pair (same consonant skeleton: هاكامادا ~
  Hakamada, محمد ~ Mohammed), not a title, month or common capitalised word, not a country
  (the country check judges those). The rule is ``tarjama.text.quality.invented_names``,
  the one the embedded engine's own retry uses. A single capitalised word is not judged:
  English capitalises too many ordinary words for that. A *warning*: on the human references
  of ntrex-dev the rule fires on 34 of 659 sentences, mostly descriptive names a translator
  rightly capitalises (Red Cross for الصليب الأحمر, Presiding Officer), too often to ask for a
  repair. Its fix (used when a repair happens for another finding) tells an LLM to add no
  names and asks every engine to avoid the invented words.
"""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.checks.base import Check, Fix, Flag, inside
from tarjama.checks.countries import english_country_spans
from tarjama.text.arabic import LATIN_NAME_RE
from tarjama.text.quality import invented_names
from tarjama.text.terms import phrase_pattern
from tarjama.types import ERROR, WARNING, Finding, TermHint


class NameCheck(Check):
    name = "names"
    description = "Latin-script names of the source kept; no names the source does not support"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
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
        countries = english_country_spans(target)
        for run in invented_names(source, target, [h.target for h in hints]):
            at = target.find(run)
            span = (at, at + len(run))
            if at < 0 or any(a < span[1] and span[0] < b for a, b in countries):
                continue
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"possible invention: name {run} is not in the source",
                        target=span,
                        severity=WARNING,
                    ),
                    Fix(
                        note=f"The Arabic names no {run}: add no names, places or facts it does not have.",
                        avoid=tuple(w for w in run.split() if len(w) > 2),
                    ),
                )
            )
        return flags
