"""Omission and addition into Arabic: a translation far shorter or longer than its English source.

The rule of ``tarjama.checks.length`` (letters and digits of any script; sources under four
words not judged) with the band of human English→Arabic translations: on the 648 ntrex-dev
sentences of four or more English words, the Arabic references have 0.52–1.68 times the
letters and digits of their English (0.5th and 99.5th percentiles; median 0.92;
``python scripts/bench_direction.py --length-band`` recomputes them).
"""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.checks.base import Check, Fix, Flag
from tarjama.checks.length import MIN_SOURCE_WORDS, size
from tarjama.types import ERROR, Finding, TermHint

LOW, HIGH = 0.52, 1.68


class LengthCheckEnAr(Check):
    name = "length"
    description = f"length within the band of human English→Arabic translations ({LOW}–{HIGH}× the letters)"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        if len(source.split()) < MIN_SOURCE_WORDS or not target.strip():
            return []
        ratio = size(target) / max(1, size(source))
        if LOW <= ratio <= HIGH:
            return []
        what, note = (
            ("possible omission", "Translate every part of the English sentence; leave nothing out.")
            if ratio < LOW
            else ("possible addition", "Translate only what the English says; add no explanation or detail.")
        )
        return [
            Flag(
                Finding(
                    self.name,
                    f"{what}: the Arabic has {ratio:.2f}× the source's letters "
                    f"(human translations: {LOW}–{HIGH}×)",
                    severity=ERROR,
                ),
                Fix(note=note),
            )
        ]
