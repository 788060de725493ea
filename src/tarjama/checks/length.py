"""Omission and addition: a translation far shorter or longer than its source.

Length is counted in letters and digits (any script; spaces and punctuation left out), which
varies far less between Arabic and English than word counts do (Arabic attaches clitics and
pronouns to words, and some sources run words together). On the 640 ntrex-dev sentences of
four or more Arabic words, English references have 0.58–1.76 times the letters and digits of
their source (0.5th and 99.5th percentiles; median 1.08; ``python scripts/bench_fidelity.py
--length-band`` recomputes them). A translation outside that band is an error: below it
something was probably dropped, above it something added. Sources under four words are not
judged. The fix tells an LLM to translate everything and add nothing; no engine can be
told more than that.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tarjama.checks.base import Check, Fix, Flag
from tarjama.types import ERROR, Finding, TermHint

LOW, HIGH = 0.58, 1.76
MIN_SOURCE_WORDS = 4
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def size(text: str) -> int:
    """Letters and digits of ``text``, any script."""
    return len(_LETTER_OR_DIGIT.findall(text))


class LengthCheck(Check):
    name = "length"
    description = f"length within the band of human translations ({LOW}–{HIGH}× the source's letters)"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        if len(source.split()) < MIN_SOURCE_WORDS or not target.strip():
            return []
        ratio = size(target) / max(1, size(source))
        if ratio < LOW:
            return [
                Flag(
                    Finding(
                        self.name,
                        f"possible omission: the English has {ratio:.2f}× the source's letters "
                        f"(human translations: {LOW}–{HIGH}×)",
                        severity=ERROR,
                    ),
                    Fix(note="Translate every part of the Arabic sentence; leave nothing out."),
                )
            ]
        if ratio > HIGH:
            return [
                Flag(
                    Finding(
                        self.name,
                        f"possible addition: the English has {ratio:.2f}× the source's letters "
                        f"(human translations: {LOW}–{HIGH}×)",
                        severity=ERROR,
                    ),
                    Fix(note="Translate only what the Arabic says; add no explanation or detail."),
                )
            ]
        return []
