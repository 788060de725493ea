"""Untranslated text: Arabic words left in the English.

The rule is ``tarjama.text.arabic.has_arabic_word`` (a run of two or more Arabic letters), the one
the embedded engine's optional retry check uses; here it runs on every engine's output. Each
run left in the English is an error with its span, and with the source span where the same
word stands when it can be found there. The fix tells an LLM to translate every Arabic word.
"""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.checks.base import Check, Fix, Flag, span_of
from tarjama.text.arabic import arabic_word_spans
from tarjama.types import ERROR, Finding, TermHint


class UntranslatedCheck(Check):
    name = "untranslated"
    description = "no Arabic words left in the English"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        # Neighbouring words (separated by spaces only) are one stretch of untranslated text.
        runs: list[tuple[int, int]] = []
        for start, end in arabic_word_spans(target):
            if runs and not target[runs[-1][1] : start].strip():
                runs[-1] = (runs[-1][0], end)
            else:
                runs.append((start, end))
        flags = []
        for start, end in runs:
            words = target[start:end]
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"Arabic left untranslated: {words}",
                        source=span_of(source, words.split()[0]),
                        target=(start, end),
                        severity=ERROR,
                    ),
                    Fix(note=f"Translate every Arabic word into English, including {words}."),
                )
            )
        return flags
