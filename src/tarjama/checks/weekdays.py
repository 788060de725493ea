"""Weekdays: the day of the week the source names, and no other.

News dates events by weekday, and a small model swaps them (Sunday for Monday). Each side is
read by its own function:

* **Arabic** (``arabic_weekdays``): الأحد الاثنين/الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت
  with the article (and the proclitics و ف ب ل: وبالأحد, ويوم) or after يوم/أيام ("يوم جمعة"),
  also written together with يوم and the words around it ("يومالخميسأنه", as some sources run
  words together);
  الأحد and الاثنين are also "the one" and "the two", and الجمعة is in صلاة الجمعة: these count
  as weekdays that *must* be in the English only after يوم or before الماضي/المقبل/القادم/المنصرم;
  elsewhere they only support a weekday of the English;
* **English** (``english_weekdays``): Monday … Sunday, plurals (Mondays) and the abbreviations
  Mon./Tue./Tues./Wed./Thu./Thurs./Fri./Sat./Sun. followed by a full stop; not a day that starts
  a name ("Saturday Night Live", "the Sunday Times"); "Sabbath" supports Saturday.

A weekday of the source missing from the English, or one of the English the source does not
have, is an error. The fix writes the source's day into the model's input (as a glossary hint)
and, when the English has exactly one other day in its place, rewrites it with no engine call
("Monday" → "Sunday").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tarjama.checks.base import Check, Fix, Flag
from tarjama.text.arabic import normalize_with_offsets
from tarjama.types import ERROR, Finding, TermHint

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Normalised Arabic (alef forms as ا, ة as ه), without the article.
_AR_DAYS = {"اثنين": 0, "ثلاثاء": 1, "اربعاء": 2, "خميس": 3, "جمعه": 4, "سبت": 5, "احد": 6}
_AMBIGUOUS = {"اثنين", "احد", "جمعه"}
_AR_DAY_RE = re.compile(
    r"(?<![\w])(?P<pre>[وف]?[بل]?)(?P<art>ال|ل)?(?P<day>" + "|".join(_AR_DAYS) + r")(?![\w])"
)
# يوم and the day written together with the words around them, as in sources that run words
# together ("يومالخميسأنه" for يوم الخميس أنه): a weekday, and a sure one.
_AR_GLUED_RE = re.compile("يومال(?P<day>" + "|".join(_AR_DAYS) + ")")
_YAWM = re.compile(r"(?:^|\s)[وفبل]?(?:يوم|ايام|يومي)\s+$")
_AFTER = re.compile(r"^\s+(?:ال)?(?:ماضي|مقبل|قادم|منصرم|الفائت|المنصرم)")
_EN_DAY_RE = re.compile(
    r"\b(?:(?P<full>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?"
    r"|(?P<abbr>Mon|Tues?|Wed|Thu(?:rs)?|Fri|Sat|Sun)\.|(?P<sabbath>Sabbath))"
)
# A weekday that starts a name ("Saturday Night Live", "the Sunday Times", "Sunday Morning").
_NAME_AFTER = re.compile(
    r"^\s+(?!(?:and|or|the|to|in|at|on|of|January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\b)[A-Z][a-z]"
)
_ABBR = {"Mon": 0, "Tue": 1, "Tues": 1, "Wed": 2, "Thu": 3, "Thurs": 3, "Fri": 4, "Sat": 5, "Sun": 6}


@dataclass(frozen=True)
class Weekday:
    """A day of the week named in a text: 0 (Monday) … 6 (Sunday), its span, and whether it is sure."""

    day: int
    start: int
    end: int
    text: str
    hard: bool = True

    @property
    def english(self) -> str:
        return DAYS[self.day]


def arabic_weekdays(text: str) -> list[Weekday]:
    """Weekdays named in Arabic ``text`` (module docstring)."""
    view, offsets = normalize_with_offsets(text)
    out = []
    for m in _AR_DAY_RE.finditer(view):
        day = m.group("day")
        after_yawm = bool(_YAWM.search(view[: m.start()]))
        if not m.group("art") and (not after_yawm or m.group("pre")):
            continue  # احد, اثنين without the article: "one", "two" (يوم واحد: "one day")
        if m.group("art") == "ل" and not m.group("pre"):
            continue  # لاحد is not a day
        hard = day not in _AMBIGUOUS or after_yawm or bool(_AFTER.match(view[m.end() :]))
        start, end = offsets[m.start()], offsets[m.end() - 1] + 1
        out.append(Weekday(_AR_DAYS[day], start, end, text[start:end], hard))
    for m in _AR_GLUED_RE.finditer(view):
        start, end = offsets[m.start("day") - 2], offsets[m.end() - 1] + 1
        if not any(w.start <= start < w.end for w in out):
            out.append(Weekday(_AR_DAYS[m.group("day")], start, end, text[start:end]))
    return sorted(out, key=lambda w: w.start)


def english_weekdays(text: str) -> list[Weekday]:
    """Weekdays named in English ``text`` (module docstring)."""
    out = []
    for m in _EN_DAY_RE.finditer(text):
        if m.group("full") and _NAME_AFTER.match(text[m.end() :]):
            continue
        if m.group("sabbath"):
            out.append(Weekday(5, m.start(), m.end(), m.group(), hard=False))
            continue
        day = DAYS.index(m.group("full")) if m.group("full") else _ABBR[m.group("abbr")]
        out.append(Weekday(day, m.start(), m.end(), m.group()))
    return out


class WeekdayCheck(Check):
    name = "weekdays"
    description = "the days of the week of the source, and none it does not have"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        src = arabic_weekdays(source)
        for h in hints:
            src += [Weekday(w.day, -1, -1, w.text, False) for w in english_weekdays(h.target)]
        tgt = english_weekdays(target)
        src_days, tgt_days = {w.day for w in src}, {w.day for w in tgt}
        missing = list({w.day: w for w in src if w.hard and w.day not in tgt_days}.values())
        extra = list({w.day: w for w in tgt if w.hard and w.day not in src_days}.values())
        flags: list[Flag] = []
        for w in missing:
            rewrite = None
            if len(missing) == 1 and len(extra) == 1:
                x = extra[0]
                english = w.english + ("s" if x.text.endswith("s") else "")
                rewrite = ((x.start, x.end), english) if not x.text.endswith(".") else None
            instead = f", not {extra[0].text}" if len(extra) == 1 else ""
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"weekday {w.english} ({w.text}) is missing from the English",
                        source=(w.start, w.end),
                        severity=ERROR,
                    ),
                    Fix(
                        note=f"The Arabic says {w.english} ({w.text}){instead}.",
                        hint=TermHint(w.text, w.english, "date", w.start, w.end),
                        rewrite=rewrite,
                    ),
                )
            )
        for x in extra:
            flags.append(
                Flag(
                    Finding(
                        self.name, f"weekday {x.text} is not in the source", None, (x.start, x.end), ERROR
                    ),
                    Fix(
                        note=f"The Arabic does not say {x.text}; write only the days it gives.",
                        avoid=(x.text,),
                    ),
                )
            )
        return flags
