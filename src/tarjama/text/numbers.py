"""Numbers, decades and months in Arabic and English text: what each states, and where.

The one rule for "do these two texts state the same numbers", used by the fidelity check on a
source and its translation (``tarjama.checks.numbers``) and by the benchmark that compares a
translation with its reference. Every reader returns ``Quantity`` items with their span in the
original text (Arabic is read on the normalised view of ``tarjama.text.arabic`` and mapped back).

What is read
------------

* **Digits**: Western, Arabic-Indic (٠–٩) and extended/Persian (۰–۹); thousands separators
  (``,`` ``٬`` before exactly three digits), decimal points (``.`` ``٫``, and ``,`` before other
  than three digits); a digit run inside a name counts too (COVID-19, G20, CX-4).
* **Scales** after a number or alone: hundred/thousand/million/billion/trillion and bn/tn
  (and m after a currency sign: "$3m"); مئة/مائة, ألف/آلاف, مليون/ملايين, مليار/مليارات,
  بليون, تريليون, with their duals (ألفان, مليونين …). A plural scale without a count
  (آلاف, "thousands of") is vague and not a number.
* **Arabic number words** (with the proclitics و ف ب ل ك and the article): cardinals 1–10,
  teens (ثلاثة عشر), tens (عشرون/عشرين), hundreds as one word (ثلاثمائة) or two (ثلاث مئة),
  compounds joined by و the Arabic way (خمسة وعشرون = 25, مائة وخمسون = 150, ألف وخمسمائة,
  مليون ونصف = 1.5 million); ordinals (الثالث, الحادي والعشرين = 21, الثالث عشر = 13);
  fractions نصف ربع ثلث ثلثا. **English number words**: one–nineteen, tens with or without a
  hyphen, "and" inside a number, scales, "a million", "half a million", "two and a half",
  ordinals (third, twenty-first, 21st), fractions (half, a quarter, two-thirds).
* **Percentages** are their number (40%, ٪40, 40 في المئة, 40 per cent are all 40); the words of
  "في المئة"/"بالمئة" are not read as 100. A percentage below 100 also reads as its fraction
  (``Quantity.alt``): "50 percent" states النصف, 25 في المئة states "a quarter".
* **Decades**: ثلاثينيات/الثلاثينات with an optional century (القرن الحادي والعشرين → the
  2030s; القرن الماضي is taken as the 20th, القرن الحالي/الجاري as the 21st, as written by news
  of this century); "the 2030s", "1970's", "'70s", "the seventies". A decade without a century
  matches any decade with the same tens.
* **Months**: Gregorian in the Egyptian/Gulf series (يناير … ديسمبر), the Levantine series
  (كانون الثاني, شباط, آذار … كانون الأول) and the Maghreb series (جانفي, فيفري …), and the
  Hijri months (محرم … ذو الحجة); in English the month names and their abbreviations (Jan.,
  Sept.), and the Hijri months in common spellings (Ramadan/Ramadhan, Dhu al-Hijjah …).
  Words that are also something else count as months only next to a number or after a word
  that introduces a date: مارس ("practised"), آب ("father"), نيسان (Nissan), صفر ("zero"),
  رجب, ماي, أوت; English "May" and "March".

Hard and soft
-------------

Some items are only *soft*: they may support an item of the other text but are never required
to have a counterpart, because translations legitimately drop or add them: the number one as
a word (one, a, first, واحد, أحد, الأول — "one of" is rarely a number), "second"/الثاني,
half/quarter in English ("the second half" of a match), "twice", "tripled", and Arabic duals of counted
nouns (عامين "two years": the number is in the ending). Digits are always hard.

``compare(a, b)`` says which hard items of ``a`` have no compatible item in ``b`` and which hard
items of ``b`` have none in ``a``: the same numbers (exactly, as fractions: 1.2 billion =
1,200,000,000), the same decade, or the same month.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from tarjama.text.arabic import LETTERS, normalize_with_offsets, proclitic_readings, western_digits

# --- the items -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A number, decade or month stated in a text, with its span there.

    ``kind`` is ``number`` (``value`` a Fraction), ``decade`` (``value`` the first year, e.g.
    2030, or the tens 0–90 when the century is not stated: ``century_known`` False) or
    ``month`` (``value`` 1–12, or 101–112 for the Hijri months Muharram … Dhu al-Hijjah).
    """

    kind: str
    value: Fraction
    start: int
    end: int
    text: str
    hard: bool = True
    century_known: bool = True
    # Another reading of the same words: 150.000 is 150 or 150,000; "his 40s" is also 40.
    alt: Fraction | None = None

    def key(self) -> tuple[str, Fraction, bool]:
        return (self.kind, self.value, self.century_known)

    def english(self) -> str:
        """How the item is written in English ("2030s", "November", "1.2 billion")."""
        if self.kind == "decade":
            value = int(self.value)
            return f"{value}s" if self.century_known else f"the '{value:02d}s"
        if self.kind == "month":
            return MONTH_NAMES[int(self.value)]
        return format_number(self.value)


def format_number(value: Fraction) -> str:
    """A number as English writes it: 2029, 1.2 billion, 0.5, 2/3."""
    if value.denominator != 1 and (10**6 * value).denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    for scale, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if abs(value) >= scale:
            return f"{_decimal(value / scale)} {word}"
    return _decimal(value)


def _decimal(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def compatible(a: Quantity, b: Quantity) -> bool:
    """Whether ``a`` and ``b`` state the same thing (a decade without century matches its tens)."""
    if a.kind != b.kind:
        # "in his 40s" ~ "بسن الأربعين": a decade without century also reads as its number.
        pair = {a.kind, b.kind}
        if pair == {"decade", "number"}:
            decade, number = (a, b) if a.kind == "decade" else (b, a)
            return not decade.century_known and decade.value in (number.value, number.alt)
        return False
    values_a = {a.value, a.alt} - {None}
    values_b = {b.value, b.alt} - {None}
    if a.kind != "decade" or a.century_known == b.century_known:
        return bool(values_a & values_b)
    return int(a.value) % 100 == int(b.value) % 100


def compare(a: Sequence[Quantity], b: Sequence[Quantity]) -> tuple[list[Quantity], list[Quantity]]:
    """(hard items of ``a`` that ``b`` lacks, hard items of ``b`` that ``a`` lacks), each once."""
    return _unmatched(a, b), _unmatched(b, a)


def _unmatched(a: Sequence[Quantity], b: Sequence[Quantity]) -> list[Quantity]:
    out: list[Quantity] = []
    seen: set[tuple[str, Fraction, bool]] = set()
    for q in a:
        if q.hard and q.key() not in seen and not any(compatible(q, other) for other in b):
            out.append(q)
        seen.add(q.key())
    return out


def hard_keys(items: Iterable[Quantity]) -> set[tuple[str, Fraction, bool]]:
    """The normalised set of what a text states (hard items only)."""
    return {q.key() for q in items if q.hard}


MONTH_NAMES = {
    1: "January", 2: "February", 3: "March", 4: "April", 5: "May", 6: "June", 7: "July",
    8: "August", 9: "September", 10: "October", 11: "November", 12: "December",
    101: "Muharram", 102: "Safar", 103: "Rabi al-Awwal", 104: "Rabi al-Thani", 105: "Jumada al-Ula",
    106: "Jumada al-Akhirah", 107: "Rajab", 108: "Shaban", 109: "Ramadan", 110: "Shawwal",
    111: "Dhu al-Qadah", 112: "Dhu al-Hijjah",
}  # fmt: skip


# --- digits, shared by both languages ------------------------------------------------------

# A digit run with thousands groups or a decimal part; ٬ and ٫ are Arabic's own separators.
_DIGITS = re.compile(r"\d+(?:[,٬]\d{3}(?!\d))+(?:[.٫]\d+)?|\d+(?:[.٫,]\d+)?")


def _digit_alt(text: str) -> Fraction | None:
    """150.000 and 1.500: a dot before exactly three digits may group thousands (European style)."""
    text = western_digits(text)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        return Fraction(text.replace(".", ""))
    return None


def _digit_value(text: str) -> Fraction:
    text = western_digits(text).replace("٬", ",").replace("٫", ".")
    if re.fullmatch(r"\d+(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")  # 1,5: a decimal comma
    return Fraction(text)


# --- English --------------------------------------------------------------------------------

_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90, "hundredth": 100, "thousandth": 1000,
}  # fmt: skip
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_SHORT_SCALES = {"bn": 10**9, "tn": 10**12}
_EN_DECADES = {
    "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70,
    "eighties": 80, "nineties": 90,
}  # fmt: skip
_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
# Hijri months as English news spells them (apostrophes, hyphens and spaces vary).
_EN_HIJRI = [
    (101, r"muharram"), (102, r"safar"), (103, r"rabi\W*(?:al|ul)?\W*awwal|rabi\W*i\b"),
    (104, r"rabi\W*(?:al|ul|as)?\W*(?:thani|akhir)|rabi\W*ii\b"),
    (105, r"jumad[ae]\W*(?:al|ul)?\W*(?:ula|oula|awwal)|jumad[ae]\W*i\b"),
    (106, r"jumad[ae]\W*(?:al|ul|as)?\W*(?:thani|thaniya|akhira|akhirah)|jumad[ae]\W*ii\b"),
    (107, r"rajab"), (108, r"sha\W?ban"), (109, r"ramad[h]?an"), (110, r"shaw+al"),
    (111, r"dhu\W*(?:al|l)?\W*q[ai]\W*dah?|dhul\W*q[ai]\W*dah?|zul\W*qa\W*dah?"),
    (112, r"dhu\W*(?:al|l)?\W*hij+ah?|dhul\W*hij+ah?|zul\W*hij+ah?"),
]  # fmt: skip
_EN_HIJRI_RE = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(f"(?P<h{m}>{p})" for m, p in _EN_HIJRI) + r")(?![A-Za-z])", re.IGNORECASE
)
# Words after which a capitalised May or March is a month.
_EN_DATE_CUES = {
    "in",
    "of",
    "since",
    "until",
    "till",
    "by",
    "from",
    "early",
    "late",
    "mid",
    "last",
    "next",
    "on",
    "during",
    "before",
    "after",
    "this",
    "through",
    "between",
    "and",
    "to",
}
_EN_TOKEN = re.compile(
    r"(?P<num>\d+(?:,\d{3}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:(?P<suffix>st|nd|rd|th|'?s|bn|tn|m)(?![A-Za-z])|(?=[A-Za-z])|(?![A-Za-z]))"
    r"|(?P<abbr>'(?P<yy>\d0)s)"
    r"|(?P<word>[A-Za-z]+)"
    r"|(?P<pct>%)"
    r"|(?P<cur>[$£€¥])"
    r"|(?P<hyphen>-)"
)


@dataclass
class _Tok:
    kind: str  # num, word, abbr, pct, cur, hyphen
    text: str
    start: int
    end: int
    value: Fraction | None = None
    suffix: str = ""


def _english_tokens(text: str) -> list[_Tok]:
    out = []
    for m in _EN_TOKEN.finditer(text):
        if m.group("num"):
            out.append(
                _Tok(
                    "num",
                    m.group(0),
                    m.start(),
                    m.end(),
                    _digit_value(m.group("num")),
                    (m.group("suffix") or "").lower(),
                )
            )
        elif m.group("abbr"):
            out.append(_Tok("abbr", m.group(0), m.start(), m.end(), Fraction(int(m.group("yy")))))
        elif m.group("word"):
            out.append(_Tok("word", m.group(0), m.start(), m.end()))
        else:
            kind = next(k for k in ("pct", "cur", "hyphen") if m.group(k))
            out.append(_Tok(kind, m.group(0), m.start(), m.end()))
    return out


def english_quantities(text: str) -> list[Quantity]:
    """The numbers, decades and months stated in English ``text``, in order (module docstring)."""
    text = western_digits(text)
    items: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in _EN_HIJRI_RE.finditer(text):
        month = next(int(k[1:]) for k, v in m.groupdict().items() if v)
        items.append(Quantity("month", Fraction(month), m.start(), m.end(), m.group(0)))
        taken.append(m.span())
    toks = [t for t in _english_tokens(text) if not any(a <= t.start < b for a, b in taken)]
    _expand_ranges_and_times(text, toks)
    i = 0
    while i < len(toks):
        found, i = _english_item(text, toks, i)
        if found is not None:
            items.append(found)
    return sorted((_as_fraction(q, text, _EN_PERCENT_AFTER) for q in items), key=lambda q: q.start)


# A percentage below 100 also reads as its fraction: "50 percent" is النصف, "25%" is ربع.
_EN_PERCENT_AFTER = re.compile(r"\s*(?:%|per\s?cent\b)", re.IGNORECASE)
_AR_PERCENT_AFTER = re.compile(r"\s*(?:[٪%]|(?:في|ب)\s*ال?م[ائ]+[ةه])")


def _as_fraction(q: Quantity, text: str, after: re.Pattern[str]) -> Quantity:
    """``q`` with its fraction as the other reading when it is a percentage below 100."""
    percent = q.text.endswith(("%", "٪")) or after.match(text, q.end)
    if q.kind != "number" or q.alt is not None or not 0 < q.value < 100 or not percent:
        return q
    return replace(q, alt=q.value / 100)


def _expand_ranges_and_times(text: str, toks: list[_Tok]) -> None:
    """1950-53 is 1950 to 1953; 5.30pm is 5 and 30 (a time, not 5.3)."""
    for k, tok in enumerate(toks):
        if tok.kind != "num" or tok.value is None:
            continue
        prev = toks[k - 2] if k >= 2 and toks[k - 1].kind == "hyphen" else None
        if (
            prev is not None
            and prev.kind == "num"
            and prev.value is not None
            and prev.value.denominator == 1
            and 1000 <= prev.value <= 2999
            and re.fullmatch(r"\d\d", tok.text)
        ):
            tok.value = Fraction(int(prev.value) // 100 * 100 + int(tok.text))
        after = text[tok.end : tok.end + 5].lower().lstrip()
        if re.fullmatch(r"\d{1,2}[.:]\d\d", tok.text) and after.startswith(("am", "pm", "a.m", "p.m")):
            hours, minutes = re.split(r"[.:]", tok.text)
            cut = tok.start + len(hours)
            toks[k] = _Tok("num", hours, tok.start, cut, Fraction(int(hours)))
            toks.insert(k + 1, _Tok("num", minutes, cut + 1, tok.end, Fraction(int(minutes))))


def _lower(tok: _Tok | None) -> str:
    return tok.text.lower() if tok is not None and tok.kind == "word" else ""


def _english_item(text: str, toks: list[_Tok], i: int) -> tuple[Quantity | None, int]:
    """The item starting at token ``i`` (or None) and the index of the next token to read."""
    tok = toks[i]
    prev = toks[i - 1] if i > 0 else None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    word = _lower(tok)
    if tok.kind == "abbr":
        return Quantity(
            "decade", tok.value or Fraction(0), tok.start, tok.end, tok.text, century_known=False
        ), i + 1
    if tok.kind == "num":
        value = tok.value or Fraction(0)
        if tok.suffix in ("s", "'s") and value.denominator == 1 and value % 10 == 0:
            known = value >= 1000
            return Quantity(
                "decade", value if known else value % 100, tok.start, tok.end, tok.text, century_known=known
            ), i + 1
        return _english_number(text, toks, i)
    if tok.kind != "word":
        return None, i + 1
    if word in _EN_MONTHS:
        if not tok.text[0].isupper():
            return None, i + 1
        # "May" and "March" without a date cue may be a verb: only soft then.
        hard = _english_month_ok(tok, prev, nxt, word)
        return Quantity("month", Fraction(_EN_MONTHS[word]), tok.start, tok.end, tok.text, hard=hard), i + 1
    if word in _EN_DECADES:
        return Quantity(
            "decade", Fraction(_EN_DECADES[word]), tok.start, tok.end, tok.text, century_known=False
        ), i + 1
    if word in _EN_UNITS or word in _EN_TENS or word in _EN_SCALES or word in _EN_ORDINALS:
        return _english_number(text, toks, i)
    if word in ("a", "an") and _lower(nxt) in ("hundred", "thousand", "million", "billion", "trillion"):
        return _english_number(text, toks, i)
    if (
        word == "half"
        and _lower(nxt) in ("a", "an")
        and i + 2 < len(toks)
        and _lower(toks[i + 2]) in _EN_SCALES
    ):
        half, j = _english_number(text, toks, i + 1)
        if half is not None:
            value = half.value / 2
            return Quantity("number", value, tok.start, half.end, text[tok.start : half.end]), j
    if word in ("a", "an", "one") and _lower(nxt) in ("third", "quarter") and nxt is not None:
        value = Fraction(1, 3 if _lower(nxt) == "third" else 4)
        return Quantity("number", value, tok.start, nxt.end, text[tok.start : nxt.end]), i + 2
    if word in ("half", "quarter"):
        # Soft: "the second half" of a match, "the third quarter" of a year.
        return Quantity(
            "number", Fraction(1, 2 if word == "half" else 4), tok.start, tok.end, tok.text, hard=False
        ), i + 1
    if word in _MULTIPLES:
        # Soft: "twice", "tripled" (ثلاث مرات, تضاعف ثلاث مرات) support their number.
        return Quantity("number", Fraction(_MULTIPLES[word]), tok.start, tok.end, tok.text, hard=False), i + 1
    return None, i + 1


_MULTIPLES = {
    "twice": 2, "doubled": 2, "doubling": 2, "double": 2, "thrice": 3, "tripled": 3, "trebled": 3,
    "triple": 3, "tripling": 3, "quadrupled": 4, "quadruple": 4, "tenfold": 10,
}  # fmt: skip


def _english_month_ok(tok: _Tok, prev: _Tok | None, nxt: _Tok | None, word: str) -> bool:
    if tok.text.lower() in (
        "mar",
        "jan",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "feb",
        "apr",
    ):
        return True  # an abbreviation is capitalised only as a month
    if word not in ("may", "march"):
        return True
    near_number = (prev is not None and prev.kind == "num") or (nxt is not None and nxt.kind == "num")
    return near_number or _lower(prev) in _EN_DATE_CUES


def _english_number(text: str, toks: list[_Tok], i: int) -> tuple[Quantity | None, int]:
    """A number phrase from token ``i``: digits or words, scales, "and a half", fractions."""
    start = toks[i].start
    total = Fraction(0)
    current: Fraction | None = None
    j = i
    done = i  # index after the last token that is part of the number
    words_only = True
    ordinal = False
    while j < len(toks):
        tok = toks[j]
        word = _lower(tok)
        if j > i and text[toks[j - 1].end : tok.start].strip(" -"):
            break  # punctuation between: a new phrase
        if tok.kind == "num":
            if j > i:
                break
            current = tok.value or Fraction(0)
            words_only = False
            j = done = j + 1
            if tok.suffix in ("st", "nd", "rd", "th"):
                ordinal = True
                break
            if tok.suffix in ("bn", "tn") or (tok.suffix == "m" and i > 0 and toks[i - 1].kind == "cur"):
                total, current = (
                    current * (10**9 if tok.suffix == "bn" else 10**12 if tok.suffix == "tn" else 10**6),
                    None,
                )
                break
            continue
        if tok.kind == "hyphen":
            j += 1
            continue
        if tok.kind != "word":
            break
        if word in ("a", "an") and j == i:
            current = Fraction(1)
            j = done = j + 1
            continue
        if words_only and (word in _EN_UNITS or word in _EN_TENS):
            value = Fraction(_EN_UNITS.get(word, _EN_TENS.get(word, 0)))
            if current is None:
                current = value
            elif current % 100 == 0 or (current >= 20 and current % 10 == 0 and value < 10):
                current += value  # "hundred and five", "twenty-five"
            else:
                break
            j = done = j + 1
            continue
        if words_only and word in _EN_ORDINALS:
            value = Fraction(_EN_ORDINALS[word])
            if current is None:
                current = value
            elif (current >= 20 and current % 10 == 0 and value < 10) or current % 100 == 0:
                current = current * value if value >= 100 else current + value
            else:
                break
            ordinal = True
            done = j + 1
            break
        if word in _EN_SCALES or (word in _EN_SHORT_SCALES and not words_only):
            if current is None:
                break
            scale = Fraction(_EN_SCALES.get(word) or _EN_SHORT_SCALES[word])
            if scale == 100:
                current *= 100
            else:
                total, current = total + current * scale, None
            j = done = j + 1
            continue
        if word == "and" and j + 1 < len(toks):
            after = _lower(toks[j + 1])
            if after in ("a", "an") and j + 2 < len(toks) and _lower(toks[j + 2]) == "half":
                current = (current or Fraction(0)) + Fraction(1, 2)  # "two and a half"
                j = done = j + 3
                if j < len(toks) and _lower(toks[j]) in _EN_SCALES:  # "… million"
                    total, current = total + current * _EN_SCALES[_lower(toks[j])], None
                    done = j + 1
                break
            if (
                words_only
                and (after in _EN_UNITS or after in _EN_TENS)
                and ((current is not None and current % 100 == 0) or (total and current is None))
            ):
                current = current or Fraction(0)
                j += 1
                continue
        break
    if current is None and not total:
        return None, max(done, i + 1)
    value = total + (current or 0)
    end = toks[done - 1].end
    # Fractions written as words: "two-thirds", "three quarters".
    k = done + 1 if done < len(toks) and toks[done].kind == "hyphen" else done
    fraction = k < len(toks) and words_only and not ordinal and _lower(toks[k]) in FRACTION_WORDS
    if fraction and not text[end : toks[k].start].strip(" -") and 1 < value < 10:
        denominator = FRACTION_WORDS[_lower(toks[k])]
        return Quantity(
            "number", value / denominator, start, toks[k].end, text[start : toks[k].end]
        ), k + 1
    if _lower(toks[i]) in ("a", "an") and value == 1:
        return None, done
    # one, first, second, zero as words: rarely a number a translation must keep.
    hard = not (words_only and (value == 0 or value == 1 or (ordinal and value == 2)))
    return Quantity("number", value, start, end, text[start:end], hard=hard), done


FRACTION_WORDS = {"thirds": 3, "third": 3, "quarters": 4, "quarter": 4}


# --- Arabic ----------------------------------------------------------------------------------

# Lexicon over the normalised view (ة → ه, أ إ آ → ا, ى → ي). Values: (category, value).
_AR: dict[str, tuple[str, Fraction]] = {}


def _add(category: str, value: float | Fraction, *forms: str) -> None:
    for form in forms:
        _AR[form] = (category, Fraction(value))


_add("unit", 1, "واحد", "واحده")
_add("one", 1, "احد", "احدي")
_add("unit", 2, "اثنان", "اثنين", "اثنتان", "اثنتين", "اثنا", "اثني", "اثنتا", "اثنتي")
_add("unit", 3, "ثلاث", "ثلاثه")
_add("unit", 4, "اربع", "اربعه")
_add("unit", 5, "خمس", "خمسه")
_add("unit", 6, "ست", "سته")
_add("unit", 7, "سبع", "سبعه")
_add("unit", 8, "ثماني", "ثمانيه", "ثمان")
_add("unit", 9, "تسع", "تسعه")
_add("ten", 10, "عشر", "عشره")
for _tens, _v in (
    ("عشر", 20),
    ("ثلاث", 30),
    ("اربع", 40),
    ("خمس", 50),
    ("ست", 60),
    ("سبع", 70),
    ("ثمان", 80),
    ("تسع", 90),
):
    _add("tens", _v, _tens + "ون", _tens + "ين")
_add("hundred", 100, "مائه", "مئه", "ماءه")
_add("hundreds", 200, "مائتان", "مائتين", "مئتان", "مئتين", "مائتي", "مئتي")
for _unit, _v in (("ثلاث", 3), ("اربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7), ("ثمان", 8), ("تسع", 9)):
    _add("hundreds", 100 * _v, _unit + "مائه", _unit + "مئه")
_add("scale", 1000, "الف", "الفا")
_add("scales", 1000, "الاف")
_add("dual", 2000, "الفان", "الفين", "الفي")
_add("scale", 10**6, "مليون", "مليونا")
_add("scales", 10**6, "ملايين")
_add("dual", 2 * 10**6, "مليونان", "مليونين", "مليوني")
_add("scale", 10**9, "مليار", "مليارا", "بليون")
_add("scales", 10**9, "مليارات", "بلايين")
_add("dual", 2 * 10**9, "ملياران", "مليارين", "ملياري")
_add("scale", 10**12, "تريليون")
_add("scales", 10**12, "تريليونات")
_add("fraction", Fraction(1, 2), "نصف")
_add("fraction", Fraction(1, 4), "ربع")
_add("fraction", Fraction(1, 3), "ثلث")
_add("fraction", Fraction(2, 3), "ثلثا", "ثلثي")
_add("first", 1, "اول", "اولي")
_add("ordinal", 1, "حادي", "حاديه")
_add("second", 2, "ثاني", "ثانيه")
for _ord, _v in (
    ("ثالث", 3),
    ("رابع", 4),
    ("خامس", 5),
    ("سادس", 6),
    ("سابع", 7),
    ("ثامن", 8),
    ("تاسع", 9),
    ("عاشر", 10),
):
    _add("ordinal", _v, _ord, _ord + "ه")
# The article form of these is a weekday (الاثنين Monday, الأحد Sunday), not a number.
_WEEKDAY_WITH_ARTICLE = {"اثنين", "احد"}
# Decades: عشرينيات/عشرينات … تسعينيات.
_AR_DECADES: dict[str, int] = {}
for _tens, _v in (
    ("عشرين", 20),
    ("ثلاثين", 30),
    ("اربعين", 40),
    ("خمسين", 50),
    ("ستين", 60),
    ("سبعين", 70),
    ("ثمانين", 80),
    ("تسعين", 90),
):
    _AR_DECADES[_tens + "يات"] = _v
    _AR_DECADES[_tens + "ات"] = _v
_CENTURY = "قرن"
_RELATIVE_CENTURY = {"ماضي": 20, "منصرم": 20, "حالي": 21, "جاري": 21}
# Counted nouns whose dual (عامين "two years") states the number 2 (soft: a translation may
# say "two years" or "a two-year …"): singulars whose plural is not the dual's form.
_DUAL_NOUNS = (
    "عام", "يوم", "شهر", "اسبوع", "ساعه", "دقيقه", "ثانيه", "مره", "سنه", "دوله", "شخص", "طفل", "رجل",
    "قرن", "عقد", "ليله", "هدف", "نقطه", "مباراه", "جوله", "شوط", "مرحله", "طائره", "صاروخ", "سفينه",
    "دولار", "مليون", "مليار", "كيلومتر", "متر", "حزب", "جانب", "طرف", "بلد", "مدينه", "قمر",
)  # fmt: skip
_DUALS: dict[str, str] = {}
for _noun in _DUAL_NOUNS:
    _stem = _noun[:-1] + "ت" if _noun.endswith("ه") else _noun
    for _ending in ("ين", "ان", "ي"):
        _DUALS.setdefault(_stem + _ending, _noun)
_DUALS.pop("بلدان", None)  # plural of بلد
_DUALS["قدمين"] = _DUALS["قدمان"] = "قدم"
_DUALS.pop("قمري", None)  # lunar
_DUALS.pop("شهري", None)  # monthly
_DUALS.pop("يومي", None)  # daily
_DUALS.pop("دولي", None)  # international
_DUALS.pop("عامي", None)
_DUALS.pop("جانبي", None)
_DUALS.pop("حزبي", None)
_DUALS.pop("مدني", None)
_DUALS.pop("سنوي", None)
_DUALS.pop("ساعي", None)
_DUALS.pop("ليلي", None)
_DUALS.pop("رجلي", None)
_DUALS.pop("طرفي", None)
_DUALS.pop("مرحلي", None)
_DUALS.pop("هدفي", None)
_DUALS.pop("نقطي", None)
_DUALS.pop("عقدي", None)
_DUALS.pop("شخصي", None)  # personal
_DUALS.pop("دقيقي", None)
_DUALS.pop("بلدي", None)

# Months (normalised view); a tuple is a two-word name. Ambiguous words need a date cue.
_AR_MONTHS: dict[tuple[str, ...], int] = {}
for _m, _forms in {
    1: ["يناير", "جانفي", "كانون الثاني", "ينار"],
    2: ["فبراير", "فيفري", "شباط", "فبرار"],
    3: ["مارس", "اذار"],
    4: ["ابريل", "افريل", "نيسان", "ابريل"],
    5: ["مايو", "ماي", "ايار"],
    6: ["يونيو", "يونيه", "جوان", "حزيران"],
    7: ["يوليو", "يوليه", "جويليه", "تموز"],
    8: ["اغسطس", "اغشت", "اوت", "اب"],
    9: ["سبتمبر", "ايلول", "شتنبر"],
    10: ["اكتوبر", "تشرين الاول"],
    11: ["نوفمبر", "تشرين الثاني", "نونبر"],
    12: ["ديسمبر", "كانون الاول", "دجنبر"],
    101: ["محرم"],
    102: ["صفر"],
    103: ["ربيع الاول"],
    104: ["ربيع الثاني", "ربيع الاخر"],
    105: ["جمادي الاولي", "جمادي الاول"],
    106: ["جمادي الاخره", "جمادي الثانيه", "جمادي الاخر"],
    107: ["رجب"],
    108: ["شعبان"],
    109: ["رمضان"],
    110: ["شوال"],
    111: ["ذو القعده", "ذي القعده"],
    112: ["ذو الحجه", "ذي الحجه"],
}.items():
    for _form in _forms:
        _AR_MONTHS[tuple(_form.split())] = _m
_AMBIGUOUS_MONTHS = {
    "مارس",
    "اب",
    "نيسان",
    "صفر",
    "رجب",
    "ماي",
    "اوت",
    "محرم",
    "شعبان",
    "رمضان",
    "ينار",
    "شوال",
    "تموز",
    "جوان",
}
_AR_DATE_CUES = {
    "شهر",
    "في",
    "منذ",
    "حتي",
    "خلال",
    "مطلع",
    "اوائل",
    "اواخر",
    "منتصف",
    "نهايه",
    "بدايه",
    "اول",
    "غره",
    "من",
    "الي",
    "اواسط",
    "شهري",
}
_AR_TIME_WORDS = {"صباحا", "مساء", "مساءا", "ظهرا", "عصرا", "فجرا", "ليلا", "صباح", "بعد"}
_PERCENT_WORDS = {("في", "المائه"), ("في", "المئه"), ("بالمائه",), ("بالمئه",), ("في", "الماءه")}

_AR_TOKEN = re.compile(rf"[{LETTERS}]+|\d+(?:[,٬.٫]\d+)*|[a-z]+|%|٪")
# Latin-script stretches inside Arabic text (a book title, a quoted name): read as English.
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,:;'’\"-]+[A-Za-z][A-Za-z'’-]*)*")


@dataclass
class _ArTok:
    view: str  # the token in the normalised view
    start: int  # view offsets
    end: int


def _readings(word: str) -> list[tuple[str, bool, bool]]:
    """(stem, joined with و, has article) for each proclitic reading of a normalised word."""
    out = []
    for stem in proclitic_readings(word, min_stem=2):
        prefix = word[: len(word) - len(stem)]
        waw = prefix.startswith(("و", "ف"))
        article = prefix.endswith("ال") or prefix.endswith("لل")
        out.append((stem, waw, article))
    return out


def _lex(word: str) -> tuple[str, Fraction, bool, bool, str] | None:
    """The number word ``word`` reads as: (category, value, joined with و, article, stem)."""
    if word in _AR:
        category, value = _AR[word]
        return category, value, False, False, word
    for stem, waw, article in _readings(word)[1:]:
        if stem in _AR:
            if article and stem in _WEEKDAY_WITH_ARTICLE:
                return None
            category, value = _AR[stem]
            if len(stem) < 3 and len(word) - len(stem) > 0 and not waw:
                continue  # ست / سبع behind a clitic: لست "I am not"
            return category, value, waw, article, stem
    return None


def arabic_quantities(text: str) -> list[Quantity]:
    """The numbers, decades and months stated in Arabic ``text``, in order (module docstring)."""
    view, offsets = normalize_with_offsets(western_digits(text))
    toks = [_ArTok(m.group(), m.start(), m.end()) for m in _AR_TOKEN.finditer(view)]
    items: list[Quantity] = []
    used = [False] * len(toks)

    def span(i: int, j: int) -> tuple[int, int]:
        start = offsets[toks[i].start]
        end = offsets[toks[j - 1].end - 1] + 1
        return start, end

    def quantity(kind: str, value: Fraction, i: int, j: int, **kw: Any) -> Quantity:
        s, e = span(i, j)
        for k in range(i, j):
            used[k] = True
        return Quantity(kind, value, s, e, text[s:e], **kw)

    # Percent words first, so that المئة in "40 في المئة" is not read as 100.
    for i in range(len(toks)):
        for words in _PERCENT_WORDS:
            if tuple(t.view for t in toks[i : i + len(words)]) == words:
                for k in range(i, i + len(words)):
                    used[k] = True
    # Months (two-word names first) and decades.
    for i in range(len(toks)):
        if used[i]:
            continue
        month = _arabic_month(toks, i)
        if month is not None:
            value, j = month
            # A word that is also something else (مارس "practised") without a date cue: soft.
            items.append(quantity("month", Fraction(value), i, j, hard=_arabic_month_ok(toks, i, j)))
            continue
        decade = _arabic_decade(toks, i)
        if decade is not None:
            value, known, j = decade
            items.append(quantity("decade", Fraction(value), i, j, century_known=known))
    # Numbers.
    i = 0
    while i < len(toks):
        if used[i]:
            i += 1
            continue
        found = _arabic_number(toks, i, used)
        if found is None:
            if _is_dual(toks[i].view):
                items.append(quantity("number", Fraction(2), i, i + 1, hard=False))
            i += 1
            continue
        value, j, hard = found
        after = toks[j].view if j < len(toks) else ""
        if j == i + 1 and re.fullmatch(r"\d{1,2}[.٫]\d\d", toks[i].view) and after in _AR_TIME_WORDS:
            # 4.40 صباحًا: a time, hours and minutes.
            s, e = span(i, j)
            cut = s + len(re.split(r"[.٫]", toks[i].view)[0])
            items.append(Quantity("number", Fraction(int(text[s:cut])), s, cut, text[s:cut]))
            items.append(Quantity("number", Fraction(int(text[cut + 1 : e])), cut + 1, e, text[cut + 1 : e]))
            used[i] = True
            i = j
            continue
        alt = _digit_alt(toks[i].view) if j == i + 1 else None
        items.append(quantity("number", value, i, j, hard=hard, alt=alt))
        i = j
    # Latin-script words inside the Arabic (a title, a quoted name): English number words.
    for m in _LATIN_RUN.finditer(text):
        for q in english_quantities(m.group()):
            if not any(ch.isdigit() for ch in q.text):
                items.append(replace(q, start=q.start + m.start(), end=q.end + m.start()))
    return sorted((_as_fraction(q, text, _AR_PERCENT_AFTER) for q in items), key=lambda q: q.start)


# Words ending like a feminine dual that are not one.
_NOT_DUALS = {"روتين", "بروتين", "كيراتين", "كوستين", "تين", "بوتين", "ستين", "كريستين", "اوغستين"}


def _is_dual(word: str) -> bool:
    """A counted noun in the dual (عامين, الحكومتان, سيدتين): it states the number 2."""
    for stem, _waw, _article in _readings(word):
        if stem in _DUALS:
            return True
        if stem.endswith(("تان", "تين")) and len(stem) >= 6 and stem not in _NOT_DUALS:
            return True
    return False


def _arabic_month(toks: list[_ArTok], i: int) -> tuple[int, int] | None:
    for length in (2, 1):
        words = toks[i : i + length]
        if len(words) < length:
            continue
        first = words[0].view
        # The first word may carry a clitic (في يناير, وفي شهر, لشهر).
        for stem, _waw, article in _readings(first):
            if article and length == 1:
                continue
            if length == 1 and stem != first and stem in _AMBIGUOUS_MONTHS:
                continue  # باب "door" is not ب + آب
            key = (stem, *(w.view for w in words[1:]))
            if key in _AR_MONTHS:
                return _AR_MONTHS[key], i + length
    return None


def _arabic_month_ok(toks: list[_ArTok], i: int, j: int) -> bool:
    stem = next((s for s, _w, _a in _readings(toks[i].view) if (s,) in _AR_MONTHS), toks[i].view)
    if j - i > 1 or stem not in _AMBIGUOUS_MONTHS:
        return True
    before = toks[i - 1].view if i > 0 else ""
    after = toks[j].view if j < len(toks) else ""
    if any(s == "شهر" for s, _w, _a in _readings(before)):
        return True
    if toks[i].view != stem:
        return False  # باب "door" is not ب + آب
    if before[:1].isdigit() or after[:1].isdigit():
        return True
    if _lex(before) is not None or _lex(after) is not None:
        return True
    return before in _AR_DATE_CUES


def _arabic_decade(toks: list[_ArTok], i: int) -> tuple[int, bool, int] | None:
    tens = None
    for stem, _waw, _article in _readings(toks[i].view):
        if stem in _AR_DECADES:
            tens = _AR_DECADES[stem]
            break
    if tens is None:
        return None
    j = i + 1
    # "من القرن", "القرن"
    k = j
    if k < len(toks) and toks[k].view == "من":
        k += 1
    if k < len(toks) and any(s == _CENTURY for s, _w, _a in _readings(toks[k].view)):
        k += 1
        if k < len(toks):
            rel = next((s for s, _w, _a in _readings(toks[k].view) if s in _RELATIVE_CENTURY), None)
            if rel is not None:
                return (_RELATIVE_CENTURY[rel] - 1) * 100 + tens, True, k + 1
            century = _arabic_number(toks, k, [False] * len(toks))
            if century is not None:
                value, end, _hard = century
                if value.denominator == 1 and 1 <= value <= 30:
                    return (int(value) - 1) * 100 + tens, True, end
    return tens, False, j


def _arabic_number(toks: list[_ArTok], i: int, used: Sequence[bool]) -> tuple[Fraction, int, bool] | None:
    """A number phrase from token ``i``: (value, end token, hard), or None."""
    total = Fraction(0)
    current: Fraction | None = None
    last = ""  # category of the last element read
    last_scale = Fraction(1)
    j = i
    words = 0
    categories: list[str] = []
    while j < len(toks) and not used[j]:
        tok = toks[j].view
        if tok[:1].isdigit():
            if j > i:
                break
            current = _digit_value(tok)
            last = "digit"
            categories.append(last)
            j += 1
            continue
        if tok in ("%", "٪"):
            if j > i:
                j += 1
                break
            return None
        lex = _lex(tok)
        if lex is None:
            break
        category, value, waw, _article, _stem = lex
        if j > i and waw:
            # Compounds joined by و: unit/teen + tens, hundreds + smaller, scale + smaller, scale + ونصف.
            allowed = (
                (last in ("unit", "ordinal", "second", "one", "first") and category == "tens")
                or (last in ("hundred", "hundreds") and category in ("unit", "tens", "ten", "one"))
                or (
                    last in ("scale", "scales", "dual")
                    and category in ("unit", "tens", "hundreds", "hundred", "ten", "fraction", "one")
                )
            )
            if not allowed:
                break
            if category == "fraction":
                total += value * last_scale
                j += 1
                categories.append(category)
                last = category
                continue
            current = (current or 0) + value if last not in ("scale", "scales", "dual") else value
        elif j > i:
            if (
                category == "ten"
                and last in ("unit", "ordinal", "second", "one", "first")
                and current is not None
                and current < 10
            ):
                current += 10
                j += 1
                words += 1
                categories.append("teen")
                last = "teen"
                continue
            if category == "hundred" and last in ("unit", "digit") and current is not None:
                current *= 100
                last = "hundreds"
            elif category in ("scale", "scales") and last in (
                "unit",
                "ten",
                "teen",
                "tens",
                "hundreds",
                "hundred",
                "digit",
                "ordinal",
            ):
                total += (current or 1) * value
                current = None
                last_scale = value
                last = "scale"
            else:
                break
            j += 1
            words += 1
            categories.append(category)
            continue
        else:
            if category == "scales":
                return None  # آلاف, ملايين without a count: vague
            if (
                category == "fraction"
                and j + 1 < len(toks)
                and _lex(toks[j + 1].view) is not None
                and _lex(toks[j + 1].view)[0] in ("scale", "dual")
            ):
                # نصف مليون: half a million
                nxt = _lex(toks[j + 1].view)
                assert nxt is not None
                return value * nxt[1], j + 2, True
            if category in ("scale", "dual"):
                total += value
                last_scale = value
                last = "scale" if category == "scale" else "dual"
                j += 1
                words += 1
                categories.append(category)
                continue
            current = value
        last = category
        categories.append(category)
        words += 1
        j += 1
    if j == i:
        return None
    value = total + (current or 0)
    if categories and all(c in ("one", "first") for c in categories):
        return value, j, False
    if categories == ["unit"] and value == 1:
        return value, j, False
    if categories == ["second"]:
        return value, j, False
    if categories == ["ordinal"] and value == 1:
        return None  # حادي alone
    return value, j, True


def quantities(text: str) -> list[Quantity]:
    """Arabic or English reading of ``text``, chosen by its script."""
    from tarjama.text.arabic import is_arabic_text

    return arabic_quantities(text) if is_arabic_text(text) else english_quantities(text)
