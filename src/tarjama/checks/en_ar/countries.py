"""Countries and nationalities into Arabic: each one in the Arabic has its English counterpart, and back.

The rule of ``tarjama.checks.countries`` with the sides swapped, on the same lexicon (CLDR
names from Babel in both languages, the Arabic nisba adjectives derived from them, English
demonyms): an Arabic country or nationality word (الصين, صيني, للصينيين …, clitics allowed)
whose country the English source does not name is an invention; an English one ("Chinese",
"Kuwait") whose country the Arabic does not name is an omission. Both are errors. Words inside
a glossary hint's Arabic count as the glossary's.

The fix of an omission writes the country's Arabic into the model's input: the CLDR Arabic
name, or for a nationality word its nisba (صيني).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from tarjama.checks.base import Check, Fix, Flag, inside
from tarjama.checks.countries import ALIASES, Mention, arabic_mentions, english_mentions, lexicon, nisbas
from tarjama.types import ERROR, Finding, TermHint


@functools.lru_cache(maxsize=1)
def arabic_names() -> dict[str, str]:
    """Country code → the Arabic name a translation writes (CLDR's, or the alias news uses)."""
    from babel import Locale

    names = {code: re.sub(r"\s*\(.*\)\s*$", "", name) for code, name in Locale("ar").territories.items()}
    for code, (_english, arabic) in ALIASES.items():
        if arabic and code in ("US", "GB", "SA", "AE"):
            names[code] = arabic[0] if code != "US" else "الولايات المتحدة"
    return names


def arabic_for(mention: Mention) -> str:
    """The Arabic for an English country or nationality word (``Chinese`` → صيني, ``China`` → الصين)."""
    code = sorted(mention.codes)[0]
    name = arabic_names().get(code, mention.text)
    _country, demonym = lexicon().names.get(code, ("", ""))
    if demonym and mention.text in (demonym, demonym + "s"):
        forms = nisbas(name)
        return forms[0] if forms else name
    return name


class CountryCheckEnAr(Check):
    name = "countries"
    description = "countries and nationalities of the Arabic named in the English source, and back"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        src = english_mentions(source)
        src_codes = set().union(*(m.codes for m in src)) if src else set()
        hint_codes: set[str] = set()
        glossary_spans: list[tuple[int, int]] = []
        for h in hints:
            for m in arabic_mentions(h.target):
                hint_codes |= m.codes
            at = target.find(h.target)
            while at >= 0:
                glossary_spans.append((at, at + len(h.target)))
                at = target.find(h.target, at + 1)
        all_tgt = arabic_mentions(target)
        tgt = [m for m in all_tgt if not inside((m.start, m.end), glossary_spans)]
        tgt_codes = set().union(*(m.codes for m in all_tgt)) if all_tgt else set()
        flags: list[Flag] = []
        reported: set[frozenset[str]] = set()
        for m in tgt:
            if m.codes & (src_codes | hint_codes) or m.codes in reported:
                continue
            reported.add(m.codes)
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"{m.text}: the source names no such country or nationality",
                        target=(m.start, m.end),
                        severity=ERROR,
                    ),
                    Fix(note=f"The English does not say {m.text}: do not add a country or nationality.",
                        avoid=(m.text,)),
                )
            )
        for m in src:
            if m.codes & tgt_codes or m.codes in reported:
                continue
            reported.add(m.codes)
            arabic = arabic_for(m)
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"{m.text} ({arabic}) is missing from the Arabic",
                        source=(m.start, m.end),
                        severity=ERROR,
                    ),
                    Fix(note=f"The English says {m.text} ({arabic}).",
                        hint=TermHint(m.text, arabic, "place", m.start, m.end)),
                )
            )
        return flags
