"""Units, currencies and percentages: what a number of the source counts, the English counts too.

"5 مليارات يورو" is five billion euros, not dollars; "40 في المئة" is 40 per cent, not 40 points;
"800 كيلومتر" are kilometres, not miles. The number check sees only the numbers; this check
sees what they count. Each side is read by its own function:

* **Arabic** (``arabic_units``): a unit word of ``UNITS`` right after a number (or one word
  later, after a scale word such as مليون), with the proclitics و ب ل and the article; ٪ and %
  next to a number; the percent phrases في المئة / بالمئة;
* **English** (``english_units``): a unit word or abbreviation right after a number (or after
  million/billion/…), a currency sign before one ($5m, €3bn, £40), % after one.

Units are families (``UNITS``: dollar, euro, kilometre, per cent, …) in kinds (currency,
length, mass, …). A family of the source missing from the English is an error; so is a family
of the English that the source lacks, when it is a currency or per cent (a translator may add
a converted measure, "300 km (190 miles)", but not a currency; a per cent may state a fraction
of the source, "50 percent" for النصف, and the reverse). The fix writes the source's
unit into the model's input (a glossary hint) and, when the English has exactly one unit of the
same kind in its place, rewrites that word (dollars → euros) with no engine call.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tarjama.checks.base import Check, Fix, Flag
from tarjama.text.arabic import normalize, normalize_with_offsets
from tarjama.types import ERROR, Finding, TermHint

# family: (kind, English singular, English plural, English forms, Arabic forms)
UNITS: dict[str, tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = {
    "percent": ("percent", "per cent", "per cent", ("%", "percent", "per cent", "percentage point",
                "percentage points", "pct"), ("%", "٪", "في المئة", "في المائة", "بالمئة", "بالمائة")),
    "dollar": ("currency", "dollar", "dollars", ("$", "US$", "dollar", "dollars", "USD", "cents"),
               ("دولار", "دولارات", "دولارا", "سنت", "سنتات")),
    "euro": ("currency", "euro", "euros", ("€", "euro", "euros", "EUR"), ("يورو",)),
    "pound": ("currency", "pound", "pounds", ("£", "pound", "pounds", "sterling", "GBP", "pence"),
              ("جنيه", "جنيهات", "جنيها", "استرليني", "بنس")),
    "yen": ("currency", "yen", "yen", ("¥", "yen"), ("ين",)),
    "yuan": ("currency", "yuan", "yuan", ("yuan", "renminbi", "RMB"), ("يوان",)),
    "riyal": ("currency", "riyal", "riyals", ("riyal", "riyals", "rial", "rials"), ("ريال", "ريالات")),
    "dirham": ("currency", "dirham", "dirhams", ("dirham", "dirhams", "AED"), ("درهم", "دراهم")),
    "dinar": ("currency", "dinar", "dinars", ("dinar", "dinars"), ("دينار", "دنانير")),
    "lira": ("currency", "lira", "lira", ("lira", "liras", "lire"), ("ليره", "ليرات")),
    "rupee": ("currency", "rupee", "rupees", ("rupee", "rupees"), ("روبيه", "روبيات")),
    "rouble": ("currency", "rouble", "roubles", ("rouble", "roubles", "ruble", "rubles"), ("روبل",)),
    "kilometre": ("length", "kilometre", "kilometres", ("km", "kilometre", "kilometres", "kilometer",
                  "kilometers", "km/h", "kph"), ("كيلومتر", "كيلومترات", "كيلومترا", "كم", "كيلو متر")),
    "metre": ("length", "metre", "metres", ("metre", "metres", "meter", "meters"), ("متر", "امتار", "مترا")),
    "centimetre": ("length", "centimetre", "centimetres", ("cm", "centimetre", "centimetres", "centimeter",
                   "centimeters"), ("سنتيمتر", "سنتيمترات", "سم", "سنتيمترا")),
    "mile": ("length", "mile", "miles", ("mile", "miles", "mph"), ("ميل", "اميال", "ميلا")),
    "foot": ("length", "foot", "feet", ("foot", "feet", "ft"), ("قدم", "اقدام")),
    "inch": ("length", "inch", "inches", ("inch", "inches"), ("بوصه", "بوصات", "انش", "انشات")),
    "kilogram": ("mass", "kilogram", "kilograms", ("kg", "kilogram", "kilograms", "kilo", "kilos",
                 "kilogramme", "kilogrammes"),
                 ("كيلوغرام", "كيلوجرام", "كيلوغرامات", "كيلوجرامات", "كغ", "كجم")),
    "gram": ("mass", "gram", "grams", ("gram", "grams", "gramme", "grammes"),
             ("غرام", "جرام", "غرامات", "جرامات")),
    "tonne": ("mass", "tonne", "tonnes", ("ton", "tons", "tonne", "tonnes"), ("طن", "اطنان")),
    "pound-weight": ("mass", "pound", "pounds", ("lb", "lbs"), ("رطل", "ارطال")),
    "litre": ("volume", "litre", "litres", ("litre", "litres", "liter", "liters"), ("لتر", "لترات")),
    "barrel": ("volume", "barrel", "barrels", ("barrel", "barrels", "bpd"), ("برميل", "براميل")),
    "hectare": ("area", "hectare", "hectares", ("hectare", "hectares", "ha"), ("هكتار", "هكتارات")),
    "acre": ("area", "acre", "acres", ("acre", "acres", "feddan", "feddans"), ("فدان", "افدنه")),
}  # fmt: skip
# Families the English may not add (a translator may add a converted measure, not money).
_NEVER_ADDED = {"percent"} | {f for f, v in UNITS.items() if v[0] == "currency"}
_SIGNS = {"$": "dollar", "US$": "dollar", "€": "euro", "£": "pound", "¥": "yen"}
_EN_NUMBER = re.compile(
    r"(?P<sign>US\$|[$€£¥])?\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|thousand|hundred|bn|m|k|tn)\b)?"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
    r"|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozens?|hundreds|thousands|millions"
    r"|billions)\b",
    re.IGNORECASE,
)
_AR_NUMBER = re.compile(
    r"\d[\d,.٫٬]*|\b[وب]?(?:ال)?(?:مليون|ملايين|مليار|مليارات|الف|الاف|مئه|مائه|بليون|تريليون)\b"
)
_AR_SCALE = {"مليون", "ملايين", "مليار", "مليارات", "الف", "الاف", "بليون", "تريليون", "مئه", "مائه"}


@dataclass(frozen=True)
class Unit:
    """A unit family stated in a text after a number, with the span of its word or sign."""

    family: str
    start: int
    end: int
    text: str

    @property
    def kind(self) -> str:
        return UNITS[self.family][0]


@functools.lru_cache(maxsize=1)
def _english_forms() -> tuple[re.Pattern[str], dict[str, str]]:
    forms = {f: family for family, v in UNITS.items() for f in v[3] if f not in _SIGNS}
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"^(?:\s*|-)(?:of\s+)?(?P<unit>{alternation})(?![\w])", re.IGNORECASE), {
        f.lower(): family for f, family in forms.items()
    }


@functools.lru_cache(maxsize=1)
def _arabic_forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for family, v in UNITS.items():
        for form in v[4]:
            form = normalize(form)
            forms.setdefault(form, family)
            if " " not in form and len(form) > 2 and not form.endswith(("ا", "ه", "ات")):
                forms.setdefault(form + "ا", family)  # the accusative: رطلاً, دولاراً
    return forms


def english_units(text: str) -> list[Unit]:
    """Units counted by the numbers of English ``text`` (module docstring)."""
    pattern, forms = _english_forms()
    out: list[Unit] = []
    for m in _EN_NUMBER.finditer(text):
        sign = m.group("sign") if m.lastgroup == "sign" or "sign" in m.groupdict() else None
        if sign:
            out.append(Unit(_SIGNS[sign], m.start("sign"), m.end("sign"), sign))
        after = pattern.match(text[m.end() :])
        if after:
            word = after.group("unit")
            family = forms.get(word.lower())
            if family:
                start = m.end() + after.start("unit")
                out.append(Unit(family, start, start + len(word), word))
    return out


def arabic_units(text: str) -> list[Unit]:
    """Units counted by the numbers of Arabic ``text`` (module docstring)."""
    view, offsets = normalize_with_offsets(text)
    forms = _arabic_forms()
    out: list[Unit] = []
    words = list(re.finditer(r"[^\s،؛,.:()\"«»]+", view))
    for k, w in enumerate(words):
        if re.match(r"[وب]?\d[\d.,٫٬]*[%٪]", w.group()):
            out.append(_arabic_unit("percent", w.start(), w.end(), offsets, text))
            continue
        if not _AR_NUMBER.fullmatch(w.group()) and not re.match(r"[وب]?\d", w.group()):
            continue
        for nxt in words[k + 1 : k + 3]:
            token = nxt.group()
            if token in ("%", "٪") or token.startswith(("%", "٪")):
                out.append(_arabic_unit("percent", nxt.start(), nxt.start() + 1, offsets, text))
                break
            family = _arabic_family(token, forms)
            end = nxt.end()
            if family is None and nxt is words[k + 1] and k + 2 < len(words):
                pair = normalize(f"{token} {words[k + 2].group()}")
                if pair in forms:
                    family, end = forms[pair], words[k + 2].end()
            if family is not None:
                out.append(_arabic_unit(family, nxt.start(), end, offsets, text))
                break
            if token not in _AR_SCALE and not re.fullmatch(
                r"[وب]?(?:ال)?(?:مليون|ملايين|مليار|مليارات|الف|الاف)", token
            ):
                break
        if w.group().startswith(("%", "٪")):
            out.append(_arabic_unit("percent", w.start(), w.end(), offsets, text))
    return out


def _arabic_family(token: str, forms: dict[str, str]) -> str | None:
    for reading in (
        token,
        token[1:] if token[:1] in "وبل" else "",
        token[2:] if token.startswith("ال") else "",
    ):
        if reading and reading in forms:
            return forms[reading]
    return None


def _arabic_unit(family: str, start: int, end: int, offsets, text: str) -> Unit:  # type: ignore[no-untyped-def]
    s, e = offsets[start], offsets[end - 1] + 1
    return Unit(family, s, e, text[s:e])


def _a_fraction(unit: Unit, text: str, other: str, english: bool) -> bool:
    """Whether a per cent of ``text`` states a fraction that ``other`` names as a number ("50
    percent" for النصف, 25 في المئة for "a quarter"): the number before it reads as that fraction
    (``tarjama.text.numbers``)."""
    if unit.family != "percent":
        return False
    from tarjama.text.numbers import arabic_quantities, english_quantities

    mine, theirs = english_quantities, arabic_quantities
    if not english:
        mine, theirs = theirs, mine
    before = [q for q in mine(text) if q.start <= unit.start and q.end <= unit.end and q.alt is not None]
    if not before or text[before[-1].end : unit.start].strip(" -"):
        return False  # the per cent of another number, or none
    fraction = before[-1].alt
    return any(q.kind == "number" and q.value == fraction for q in theirs(other))


class UnitCheck(Check):
    name = "units"
    description = "currencies, units and percentages of the source's numbers, and none it does not have"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        src = arabic_units(source)
        src_f = {u.family for u in src}
        tgt = english_units(target)
        if "pound-weight" in src_f:  # "550 pound hog": the English word is also the weight
            tgt = [
                replace(u, family="pound-weight") if u.text.lower().startswith("pound") else u for u in tgt
            ]
        tgt_f = {u.family for u in tgt}
        # "pound" the currency and the weight share the English word; "m" is also "million".
        missing = list(
            {
                u.family: u
                for u in src
                if u.family not in tgt_f and not _a_fraction(u, source, target, english=False)
            }.values()
        )
        extra = list(
            {
                u.family: u
                for u in tgt
                if u.family not in src_f
                and u.family in _NEVER_ADDED
                and not _a_fraction(u, target, source, english=True)
            }.values()
        )
        flags: list[Flag] = []
        for u in missing:
            singular, plural = UNITS[u.family][1:3]
            instead = [x for x in extra if x.kind == u.kind]
            rewrite = None
            if len(instead) == 1 and sum(m.kind == u.kind for m in missing) == 1:
                x = instead[0]
                if x.text in _SIGNS:
                    sign = next((s for s, f in _SIGNS.items() if f == u.family), None)
                    rewrite = ((x.start, x.end), sign) if sign else None
                else:
                    many = x.text.lower().endswith("s") or x.text.lower() in ("pence", "feet")
                    rewrite = ((x.start, x.end), plural if many else singular)
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"{singular} ({u.text}) is missing from the English",
                        (u.start, u.end),
                        None,
                        ERROR,
                    ),
                    Fix(
                        note=f"The Arabic counts in {plural} ({u.text})"
                        + (f", not {instead[0].text}." if len(instead) == 1 else "."),
                        hint=TermHint(u.text, plural, "unit", u.start, u.end),
                        rewrite=rewrite,
                    ),
                )
            )
        for x in extra:
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"{x.text}: the source counts in no {UNITS[x.family][1]}",
                        None,
                        (x.start, x.end),
                        ERROR,
                    ),
                    Fix(note=f"The Arabic does not say {x.text}: keep the source's units.", avoid=(x.text,)),
                )
            )
        return flags
