"""Untranslated text into Arabic: English words left in the Arabic.

A Latin-script word of the Arabic is left untranslated unless Arabic news writes it that way:
an acronym or code (ESA, COVID-19, G20, CX-4: capitals or digits), a brand written with inner
capitals (LiteBIRD, iPhone), a web address, or a word of a glossary hint's Arabic (the
glossary keeps Gateway and Athena in Latin script). Neighbouring words are one stretch, one
error with its span, and with the source span where the same words stand when they are found
there. The fix tells an LLM to translate every English word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tarjama.checks.base import Check, Fix, Flag
from tarjama.types import ERROR, Finding, TermHint

_LATIN_WORD = re.compile(r"(?<![\w@/.])[A-Za-z][A-Za-z'’-]*[A-Za-z0-9]?(?![\w@/]|\.\w)")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")


def kept_as_is(word: str) -> bool:
    """A Latin word Arabic news writes as it is: an acronym, a code, a brand with inner capitals."""
    letters = re.sub(r"[^A-Za-z]", "", word)
    return (
        any(ch.isdigit() for ch in word)
        or (len(letters) >= 2 and letters.isupper())
        or any(ch.isupper() for ch in letters[1:])
    )


def english_runs(target: str, allowed: Sequence[str] = ()) -> list[tuple[int, int]]:
    """Spans of the English words left in Arabic ``target`` (module docstring), neighbours joined."""
    allowed_words = {w.casefold() for term in allowed for w in re.findall(r"[A-Za-z][\w'’-]*", term)}
    urls = [m.span() for m in _URL.finditer(target)]
    runs: list[tuple[int, int]] = []
    for m in _LATIN_WORD.finditer(target):
        word = m.group()
        if len(re.sub(r"[^A-Za-z]", "", word)) < 2 or kept_as_is(word) or word.casefold() in allowed_words:
            continue
        if any(a <= m.start() < b for a, b in urls):
            continue
        if runs and not re.sub(r"[\s,;:'’\"-]", "", target[runs[-1][1] : m.start()]):
            runs[-1] = (runs[-1][0], m.end())
        else:
            runs.append(m.span())
    return runs


class UntranslatedCheckEnAr(Check):
    name = "untranslated"
    description = "no English words left in the Arabic (acronyms and glossary names excepted)"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        flags = []
        for start, end in english_runs(target, [h.target for h in hints]):
            words = target[start:end]
            at = source.find(words)
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"English left untranslated: {words}",
                        source=(at, at + len(words)) if at >= 0 else None,
                        target=(start, end),
                        severity=ERROR,
                    ),
                    Fix(note=f"Translate every English word into Arabic, including {words}."),
                )
            )
        return flags
