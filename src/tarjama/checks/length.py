"""Omission and addition: a translation far shorter or longer than its source.

The rule is ``tarjama.text.quality.length_verdict`` with the band of human translations
(letters and digits, English ÷ Arabic, 0.58–1.76: the 0.5th and 99.5th percentiles of the 640
ntrex-dev sentences of four or more Arabic words; ``python scripts/bench_fidelity.py
--length-band`` recomputes them) — the one length rule, whose far wider band is what the
embedded engine retries as degenerate output. A translation outside the band is an error:
below it something was probably dropped, above it something added. Sources under four words
are not judged. The fix tells an LLM to translate everything and add nothing; no engine can be
told more than that.
"""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.checks.base import Check, Fix, Flag
from tarjama.text.quality import HIGH, LOW, MIN_SOURCE_WORDS, length_verdict, size
from tarjama.types import ERROR, Finding, TermHint

__all__ = ["HIGH", "LOW", "MIN_SOURCE_WORDS", "LengthCheck", "size"]


class LengthCheck(Check):
    name = "length"
    description = f"length within the band of human translations ({LOW}–{HIGH}× the source's letters)"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        verdict, ratio = length_verdict(source, target, (LOW, HIGH))
        if not verdict:
            return []
        what, note = {
            "short": ("omission", "Translate every part of the Arabic sentence; leave nothing out."),
            "long": ("addition", "Translate only what the Arabic says; add no explanation or detail."),
        }[verdict]
        message = f"possible {what}: the English has {ratio:.2f}× the source's letters"
        message += f" (human translations: {LOW}–{HIGH}×)"
        return [Flag(Finding(self.name, message, severity=ERROR), Fix(note=note))]
