"""Numbers and dates: every number, decade and month of the source in the English, and no other.

Both sides are read by ``tarjama.text.numbers`` (digits of every script, Arabic and English number
words, percentages, years and decades, the Gregorian months of both Arabic series and the
Hijri months). A hard item of the source with no compatible item in the English is
"missing"; a hard item of the English with none in the source is "not in the source". Both
are errors. A glossary hint's English counts as source evidence (a glossary may translate a
name that holds a number).

Where one item of a kind is missing and the English has exactly one other of that kind (the
1970s for the 2030s, February for January), the fix also carries the deterministic rewrite
(``Fix.rewrite``): that item replaced by the source's own value, with no engine call.

The fix of a missing item writes its English ("2030s", "November", "1.2 billion") into the
model's input in place of the Arabic words, and tells an LLM what the Arabic says; when the
English put another item of the same kind in its place, the note names both ("The Arabic says
2030s, not 1970s").
"""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.checks.base import Check, Fix, Flag
from tarjama.text.numbers import Quantity, arabic_quantities, compare, english_quantities
from tarjama.types import ERROR, Finding, TermHint


class NumberCheck(Check):
    name = "numbers"
    description = "numbers, years, decades and months of the source, and none it does not have"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        src = arabic_quantities(source)
        for h in hints:
            src += english_quantities(h.target)
        tgt = english_quantities(target)
        missing, extra = _joined(*compare(src, tgt))
        # The glossary English of a hint has no span in the source: never report it missing.
        missing = [q for q in missing if source[q.start : q.end] == q.text]
        flags: list[Flag] = []
        for q in missing:
            instead = [x for x in extra if x.kind == q.kind]
            note = f"The Arabic says {q.english()} ({q.text})"
            note += f", not {', '.join(x.text for x in instead)}." if instead else "."
            rewrite = _rewrite(q, missing, instead)
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"{_what(q)} {q.english()} ({q.text}) is missing from the English",
                        source=(q.start, q.end),
                        severity=ERROR,
                    ),
                    Fix(
                        note=note,
                        hint=TermHint(q.text, q.english(), "number", q.start, q.end),
                        rewrite=rewrite,
                    ),
                )
            )
        for q in extra:
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"{_what(q)} {q.text} is not in the source",
                        target=(q.start, q.end),
                        severity=ERROR,
                    ),
                    Fix(note=f"The Arabic does not say {q.text}; write only the numbers and dates it gives."),
                )
            )
        return flags


def _rewrite(
    q: Quantity, missing: Sequence[Quantity], instead: Sequence[Quantity]
) -> tuple[tuple[int, int], str] | None:
    """The deterministic repair of ``q``: when it is the only item of its kind missing and the
    English has exactly one item of that kind the source lacks, that item is replaced by ``q``'s
    English — a decade, a month, or a number the English wrote in digits (a number in words may
    be part of a phrase a rewrite would break)."""
    if len(instead) != 1 or sum(m.kind == q.kind for m in missing) != 1:
        return None
    (x,) = instead
    if q.kind == "number" and not any(ch.isdigit() for ch in x.text):
        return None
    english = q.english()
    if q.kind == "decade" and x.text.lower().startswith("the ") and english.startswith("the "):
        english = english[4:]
    return (x.start, x.end), english


def _joined(missing: list[Quantity], extra: list[Quantity]) -> tuple[list[Quantity], list[Quantity]]:
    """A long digit string written in groups on one side ("116 123", a phone number) and joined on
    the other ("116123") is one number: those items are matched, not reported."""
    for side, other in ((missing, extra), (extra, missing)):
        for q in list(side):
            digits = q.text.replace(" ", "")
            if q not in side or not digits.isdigit() or len(digits) < 5:
                continue
            parts = sorted((x for x in other if x.text.isdigit()), key=lambda x: x.start)
            for i in range(len(parts)):
                joined = ""
                for j in range(i, len(parts)):
                    joined += parts[j].text
                    if joined == digits and j > i:
                        side.remove(q)
                        for x in parts[i : j + 1]:
                            other.remove(x)
                        break
                    if not digits.startswith(joined):
                        break
                if q not in side:
                    break
    return missing, extra


def _what(q: Quantity) -> str:
    return {"decade": "decade", "month": "month"}.get(q.kind, "number")
