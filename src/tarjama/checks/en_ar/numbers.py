"""Numbers and dates into Arabic: every number, decade and month of the English in the Arabic, and no other.

The rule of ``tarjama.checks.numbers`` with the sides swapped: the English source is read by
``english_quantities``, the Arabic translation by ``arabic_quantities`` (Western and
Arabic-Indic digits, the Arabic decimal and thousands separators ٫ ٬, Arabic number words and
their compounds, percentages, decades, the months of both Arabic series — يناير and كانون
الثاني — and the Hijri months). A glossary hint's Arabic counts as source evidence.

The fix of a missing item writes its Arabic (``arabic``: digits as the source has them, the
scale words مليون مليار تريليون, the month of the Egyptian/Gulf series, the decade in words)
into the model's input in place of the English, and tells an LLM what the English says.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from tarjama.checks.base import Check, Fix, Flag
from tarjama.text.numbers import Quantity, arabic_quantities, compare, english_quantities
from tarjama.types import ERROR, Finding, TermHint

ARABIC_MONTHS = {
    1: "يناير", 2: "فبراير", 3: "مارس", 4: "أبريل", 5: "مايو", 6: "يونيو", 7: "يوليو", 8: "أغسطس",
    9: "سبتمبر", 10: "أكتوبر", 11: "نوفمبر", 12: "ديسمبر", 101: "محرم", 102: "صفر", 103: "ربيع الأول",
    104: "ربيع الآخر", 105: "جمادى الأولى", 106: "جمادى الآخرة", 107: "رجب", 108: "شعبان", 109: "رمضان",
    110: "شوال", 111: "ذو القعدة", 112: "ذو الحجة",
}  # fmt: skip
_DECADES = {
    10: "العقد الثاني", 20: "العشرينيات", 30: "الثلاثينيات", 40: "الأربعينيات", 50: "الخمسينيات",
    60: "الستينيات", 70: "السبعينيات", 80: "الثمانينيات", 90: "التسعينيات",
}  # fmt: skip
_CENTURIES = {19: "القرن العشرين", 20: "القرن الحادي والعشرين"}


def arabic(q: Quantity) -> str:
    """How the item is written in Arabic news: "2.5 مليار", "نوفمبر", "الثلاثينيات من القرن العشرين"."""
    if q.kind == "month":
        return ARABIC_MONTHS[int(q.value)]
    if q.kind == "decade":
        value = int(q.value)
        words = _DECADES.get(value % 100)
        if words is None:
            return f"{value}s"
        century = _CENTURIES.get(value // 100) if q.century_known else None
        return f"{words} من {century}" if century else words
    return _number(q.value)


def _number(value: Fraction) -> str:
    for scale, word in ((10**12, "تريليون"), (10**9, "مليار"), (10**6, "مليون")):
        if abs(value) >= scale:
            return f"{_decimal(value / scale)} {word}"
    return _decimal(value)


def _decimal(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    if (10**6 * value).denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


class NumberCheckEnAr(Check):
    name = "numbers"
    description = "numbers, years, decades and months of the English in the Arabic, and none it does not have"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        src = english_quantities(source)
        for h in hints:
            src += arabic_quantities(h.target)
        tgt = arabic_quantities(target)
        missing, extra = compare(src, tgt)
        # The glossary Arabic of a hint has no span in the source: never report it missing.
        missing = [q for q in missing if source[q.start : q.end] == q.text]
        flags: list[Flag] = []
        for q in missing:
            instead = [x for x in extra if x.kind == q.kind]
            note = f"The English says {q.text} ({arabic(q)})"
            note += f", not {', '.join(x.text for x in instead)}." if instead else "."
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"{_what(q)} {q.text} ({arabic(q)}) is missing from the Arabic",
                        source=(q.start, q.end),
                        severity=ERROR,
                    ),
                    Fix(note=note, hint=TermHint(q.text, arabic(q), "number", q.start, q.end)),
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
                    Fix(note=f"The English does not say {q.text}; write only the numbers and dates it gives"
                        "."),
                )
            )
        return flags


def _what(q: Quantity) -> str:
    return {"decade": "decade", "month": "month"}.get(q.kind, "number")
