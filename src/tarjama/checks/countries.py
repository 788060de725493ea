"""Countries and nationalities: each one in the English has its Arabic counterpart, and back.

An English country or nationality word ("Chinese", "Kuwait", "Americans") whose country the
source does not name (الصين, صيني, صينية, الصينيون …, with clitics: والصين, للصينيين) is an
invention — unless an Arabic word of the source has its consonants, written as a
transliteration (``transliterated``: ميكرونيسيا for Micronesia where CLDR writes ميكرونيزيا,
فليبينية, تشاينا inside a newspaper's name); an Arabic country or nationality word whose country
the English does not name is an omission. Both are errors. Words inside a glossary hint's
English ("Japan Aerospace Exploration Agency" for جاكسا) count as the glossary's, not the
translator's.

Where the names come from
-------------------------

* **Country names in both languages**: the Unicode CLDR territory names that Babel ships
  (``babel.Locale("ar").territories`` and ``Locale("en")``): every two-letter country code,
  parenthesised and dashed parts as alternatives ("Myanmar (Burma)" gives Myanmar and Burma),
  plus ``ALIASES``: the short forms news writes that CLDR lists under other names (US, U.S.,
  America, أمريكا; UK, Britain, بريطانيا; السعودية; الإمارات; Turkey; Holland …).
* **English nationality words** (demonyms) are not in CLDR: they come from the countryinfo
  package's data (one demonym per country, e.g. Chinese, Kuwaiti, Filipino; "A,B" and "A/B"
  entries split), plus the plural with -s where English makes one (Kuwaitis, Americans; not
  Chinese, Swiss, British, French), plus ``EN_DEMONYM_ALIASES`` (Saudi, Argentine, Philippine,
  Briton, Korean …).
* **Three-letter codes**: ISO 3166 alpha-3 from countryinfo ("PNG-registered" for Papua New
  Guinea): in capitals, they answer a country of the source in the English, and are never taken
  for one the source lacks.
* **Arabic nationality words** are derived from the Arabic names by the nisba rule: without
  the article, a final ا or يا or ة dropped, then ي (masculine), ية (feminine), يون / يين
  (plural), يات: الصين → صيني صينية صينيون صينيين; روسيا → روسي; السعودية → سعودي; اليابان →
  ياباني. Only one-word names (and the first word of كوريا الجنوبية) get nisbas.

Where the English names exactly one country the source lacks and the source exactly one the
English lacks, the finding's fix carries a deterministic rewrite (``Fix.rewrite``): the English
word replaced by the source's country in the same form ("a Chinese company" → "a Japanese
company") — no engine call, and nothing the source does not say.

Matching: English forms are matched case-sensitively as whole words (a possessive passes);
phrases that contain a country word but name something else are skipped ("Latin America",
"Native American", "New Jersey", "Indian Ocean", "Persian Gulf"), and so are the ambiguous
Chad, Jordan and Georgia next to another capitalised word (a person's name). Arabic forms are
matched by the glossary's matcher (``tarjama.glossary.matcher``: the normalised view,
clitics, whole words), so clitics are handled exactly as for glossary terms. مالي
("financial") and عمان (Oman, or Amman) are left out of the Arabic side, since the words
mean other things.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tarjama.checks.base import Check, Fix, Flag, inside
from tarjama.types import ERROR, Finding, TermHint

# Not countries: groupings and placeholders of CLDR.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AQ"}

ALIASES: dict[str, tuple[list[str], list[str]]] = {
    # code: (English, Arabic)
    "US": (["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
           ["أمريكا", "أميركا", "الولايات المتحدة الأمريكية", "الولايات المتحدة الأميركية"]),
    "GB": (["UK", "U.K.", "Britain", "Great Britain", "Brexit"], ["بريطانيا"]),
    "SA": (["Saudi"], ["السعودية"]),
    "AE": (["UAE", "U.A.E.", "Emirates"], ["الإمارات"]),
    "KR": (["Korea"], ["كوريا"]),
    "KP": (["Korea", "DPRK"], ["كوريا"]),
    "TR": (["Turkey"], ["تركيا"]),
    "CZ": (["Czech Republic"], ["تشيكيا", "جمهورية التشيك"]),
    "NL": (["Holland"], []),
    "CD": (["DRC", "DR Congo", "Congo"], ["الكونغو"]),
    "CG": (["Congo"], ["الكونغو"]),
    "CI": (["Ivory Coast"], []),
    "PS": (["Palestine"], ["فلسطين"]),
    "VA": (["Vatican"], ["الفاتيكان"]),
    "MK": (["Macedonia"], ["مقدونيا"]),
    "CV": (["Cape Verde"], []),
    "TL": (["East Timor"], []),
    "SZ": (["Swaziland"], ["سوازيلاند"]),
    "HK": (["Hong Kong"], ["هونغ كونغ"]),
    "MO": (["Macau", "Macao"], ["ماكاو"]),
    "MM": ([], ["بورما"]),
    "SY": ([], ["سورية"]),
    "LY": ([], ["ليبيا"]),
    "RU": (["Russian Federation"], ["روسيا الاتحادية"]),
    "IR": ([], ["ايران"]),
}  # fmt: skip
EN_DEMONYM_ALIASES: dict[str, list[str]] = {
    "SA": ["Saudi", "Saudis"], "AR": ["Argentine", "Argentines"], "PH": ["Philippine", "Filipinos"],
    "GB": ["Briton", "Britons", "British"], "KR": ["Korean", "Koreans"], "KP": ["Korean", "Koreans"],
    "NL": ["Dutch"], "CD": ["Congolese"], "CG": ["Congolese"], "AE": ["Emiratis"], "PS": ["Palestinians"],
    "IL": ["Israelis"], "US": ["Americans"], "BD": ["Bangladeshis"], "PK": ["Pakistanis"],
    "AF": ["Afghans"], "CZ": ["Czechs"], "TR": ["Turks"], "PL": ["Poles"], "DK": ["Danes"], "SE": ["Swedes"],
    "FI": ["Finns"], "ES": ["Spaniards"], "CN": [], "JP": [], "NZ": ["New Zealanders"],
}  # fmt: skip
# The countries of the United Kingdom (not in CLDR's territory list). The English nationality
# "English" is left out: it is far more often the language.
_CONSTITUENT = (
    ("GB-WLS", ["Wales", "Welsh"],
     ["ويلز", "ويلزي", "ويلزية", "الويلزي", "الويلزية", "الويلزيون", "الويلزيين"]),
    ("GB-SCT", ["Scotland", "Scottish", "Scots", "Scot"],
     ["اسكتلندا", "إسكتلندا", "اسكتلندي", "اسكتلندية", "إسكتلندي", "إسكتلندية", "الاسكتلنديون",
      "الاسكتلنديين"]),
    ("GB-ENG", ["England"], ["إنجلترا", "انجلترا", "إنكلترا", "انكلترا", "إنجلترة"]),
    ("GB-NIR", ["Northern Ireland"], ["أيرلندا الشمالية", "إيرلندا الشمالية"]),
)  # fmt: skip
# English phrases holding a country word that name something else.
_EN_NOT_COUNTRY = re.compile(
    r"\b(?:Latin|South|North|Central|Native|Pan)[ -]Americans?\b|\bLatin America\b"
    r"|\b(?:South|North|Central) America\b|\bNew (?:Jersey|Mexico|Guinea|England|South Wales|Zealand)\b"
    r"|\bIndian Ocean\b|\bPersian Gulf\b|\bGulf of Mexico\b|\bRed Indians?\b|\bTurkish delight\b"
    r"|\bFrench (?:fries|toast)\b|\bAmerican football\b"
)
# Country words that are also first names or US states: not a country next to another capital.
_EN_AMBIGUOUS = {
    "Chad",
    "Jordan",
    "Georgia",
    "Jersey",
    "Israel",
    "Guinea",
    "Niger",
    "Mali",
    "Cuba",
    "Turkey",
    "Chile",
    "Peru",
    "Victoria",
}
# Arabic forms left out: words that mostly mean something else.
_AR_EXCLUDED = {"مالي", "عمان", "عُمان", "النيجر", "تشاد"}
_AR_EXCLUDED_NISBAS = {
    "مالي",
    "مالية",
    "ماليون",
    "ماليين",
    "ماليات",
    "عماني",
    "عمانية",
    "عمانيون",
    "عمانيين",
    "ليبي",
    "بني",
    "عربي",
    "جورجي",
}
# Peoples named by a broken plural (not derived by the nisba rule).
_AR_PEOPLES = {
    "DE": ["الألمان"], "TR": ["الأتراك"], "RU": ["الروس"], "IN": ["الهنود"], "AF": ["الأفغان"],
    "AM": ["الأرمن"], "ES": ["الإسبان"], "BG": ["البلغار"], "RS": ["الصرب"],
    "HR": ["الكروات"], "GB-ENG": ["الإنجليز", "الإنكليز"], "PH": ["الفلبينيون"],
}  # fmt: skip
# Left out: الألبان is far more often "dairy products" (plural of لبن) than "the Albanians".
# English plurals: no -s after these endings.
_NO_PLURAL = ("ese", "ss", "sh", "ch", "ish")


@dataclass
class Lexicon:
    """Country forms of both languages, each with the set of country codes it may stand for."""

    english: dict[str, set[str]] = field(default_factory=dict)
    arabic: dict[str, set[str]] = field(default_factory=dict)
    # What to write for a country in English: code → (name, demonym).
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Arabic forms that are nationality words (nisbas, peoples), not country names.
    nationalities: set[str] = field(default_factory=set)
    # English forms that are nationality words (demonyms and their plurals).
    en_demonyms: set[str] = field(default_factory=set)
    # ISO 3166 three-letter codes: alpha-3 → code ("PNG" → PG).
    alpha3: dict[str, str] = field(default_factory=dict)

    def add_en(self, form: str, code: str) -> None:
        form = form.strip()
        if len(form) > 1 and form[0].isupper():
            self.english.setdefault(form, set()).add(code)

    def add_ar(self, form: str, code: str) -> None:
        form = form.strip()
        if form and form not in _AR_EXCLUDED:
            self.arabic.setdefault(form, set()).add(code)
            if not form.startswith("ال"):
                # ألمانيا normalises to المانيا, which the matcher reads as article + مانيا; the form
                # with the article (الألمانية) must then be listed too.
                self.arabic.setdefault("ال" + form, set()).add(code)


def _alternatives(name: str) -> list[str]:
    """ "Myanmar (Burma)" → Myanmar, Burma; "Congo - Kinshasa" → Congo - Kinshasa, Congo."""
    out = [name]
    paren = re.match(r"^(.*?)\s*\((.*)\)\s*$", name)
    if paren:
        out += [paren.group(1), paren.group(2)]
    if " - " in name:
        out.append(name.split(" - ")[0])
    return [o.strip() for o in out if o.strip()]


def nisbas(name: str) -> list[str]:
    """Arabic nationality adjectives derived from a country name (module docstring)."""
    words = name.split()
    if not words:
        return []
    head = words[0]
    if head.startswith("ال") and len(head) > 3:
        head = head[2:]
    if head.endswith("يا") and len(head) > 3:
        stem = head[:-2]
    elif head.endswith(("ا", "ة")) and len(head) > 2:
        stem = head[:-1]
        if stem.endswith("ي"):
            stem = stem[:-1]
    else:
        stem = head
    if len(words) > 1:
        return []  # جنوب السودان: جنوبي is "southern", not South Sudanese
    return [
        stem + suffix
        for suffix in ("ي", "ية", "يون", "يين", "يات", "يا")
        if stem + suffix not in _AR_EXCLUDED_NISBAS
    ]


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The bilingual lexicon, built once per process from Babel's CLDR data and countryinfo."""
    from babel import Locale
    from countryinfo import all_countries

    lex = Lexicon()
    en_names = Locale("en").territories
    ar_names = Locale("ar").territories
    codes = [c for c in en_names if len(c) == 2 and c.isalpha() and c.isupper() and c not in _NOT_COUNTRIES]
    demonyms: dict[str, list[str]] = {}
    for info in all_countries():
        try:
            iso = info.iso() or {}
            code = iso.get("alpha2")
            demonym = info.demonym()
        except Exception:  # a record without the fields: skip it
            continue
        if code and str(iso.get("alpha3", "")).isalpha():
            lex.alpha3[iso["alpha3"].upper()] = code
        if code and demonym:
            demonyms.setdefault(code, []).extend(d.strip() for d in re.split(r"[,/]", demonym) if d.strip())
    for code in codes:
        en_name = en_names[code]
        english = _alternatives(en_name)
        arabic = _alternatives(ar_names.get(code, ""))
        more_en, more_ar = ALIASES.get(code, ([], []))
        for form in english + more_en:
            lex.add_en(form, code)
        demonym_forms = list(demonyms.get(code, [])) + EN_DEMONYM_ALIASES.get(code, [])
        for d in list(demonym_forms):
            if not d.endswith(_NO_PLURAL) and not d.endswith("s") and " " not in d:
                demonym_forms.append(d + "s")
        for form in demonym_forms:
            lex.add_en(form, code)
            lex.en_demonyms.add(form)
        for form in arabic + more_ar:
            lex.add_ar(form, code)
            for nisba in nisbas(form):
                lex.add_ar(nisba, code)
                lex.nationalities |= {nisba, "ال" + nisba}
        name = more_en[0] if code in ("US", "GB") else english[-1] if "(" in en_name else english[0]
        lex.names[code] = (name, demonyms.get(code, [name])[0])
    for code, forms in _AR_PEOPLES.items():
        for form in forms:
            lex.add_ar(form, code)
            lex.nationalities.add(form)
    for code, english, arabic in _CONSTITUENT:
        for form in english:
            lex.english[form] = {code}
        for form in arabic:
            lex.add_ar(form, code)
        lex.names[code] = (english[0], english[1] if len(english) > 1 else english[0])
    # A demonym shared by a territory and its country ("Chinese" for Hong Kong) must not hide the
    # country: keep every code; matching asks only for an overlap.
    return lex


@functools.lru_cache(maxsize=1)
def _english_pattern() -> re.Pattern[str]:
    forms = sorted(lexicon().english, key=len, reverse=True)
    alternation = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?<![\w.])(?:{alternation})(?=(?:'s|’s)?(?![\w]))")


@functools.lru_cache(maxsize=1)
def _arabic_matcher():  # type: ignore[no-untyped-def]
    from tarjama.glossary.entry import GlossaryEntry
    from tarjama.glossary.matcher import Matcher

    entries = [
        GlossaryEntry(
            [form], ",".join(sorted(codes)), "nationality" if form in lexicon().nationalities else "country"
        )
        for form, codes in lexicon().arabic.items()
    ]
    return Matcher(entries)


@dataclass(frozen=True)
class Mention:
    """A country or nationality word in a text: its span and the countries it may stand for."""

    start: int
    end: int
    text: str
    codes: frozenset[str]
    nationality: bool = False  # a nationality word (صيني, Chinese) rather than a country name


def english_mentions(text: str) -> list[Mention]:
    """Country and nationality words in English ``text`` (module docstring for what is skipped)."""
    skip = [m.span() for m in _EN_NOT_COUNTRY.finditer(text)]
    lex = lexicon()
    out: list[Mention] = []
    for m in _english_pattern().finditer(text):
        if inside(m.span(), skip):
            continue
        word = m.group()
        if word in _EN_AMBIGUOUS and _next_to_name(text, m.start(), m.end()):
            continue
        out.append(Mention(m.start(), m.end(), word, frozenset(lex.english[word])))
    return out


def english_country_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in english_mentions(text)]


_CAPITAL_WORD = re.compile(r"[A-Z][a-z]+")


def _next_to_name(text: str, start: int, end: int) -> bool:
    """A capitalised word (not a country word) right before or after: "Michael Jordan", "Chad Smith"."""
    before = re.search(r"([A-Z][a-z]+)\s+$", text[:start])
    after = re.match(r"\s+([A-Z][a-z]+)", text[end:])
    words = [m.group(1) for m in (before, after) if m]
    return any(w not in lexicon().english and w not in ("The", "In", "And", "Of") for w in words)


# An Arabic "word" this long (normalised letters) is several words written together, as some
# sources (a few of ntrex-dev's) have them: country names are looked for inside it.
RUN_TOGETHER = 12


@functools.lru_cache(maxsize=1)
def _run_together_forms() -> tuple[tuple[str, frozenset[str]], ...]:
    from tarjama.text.arabic import normalize

    forms: dict[str, set[str]] = {}
    for form, codes in lexicon().arabic.items():
        key = normalize(form).replace(" ", "")
        if len(key) >= 4:
            forms.setdefault(key, set()).update(codes)
    return tuple((k, frozenset(v)) for k, v in forms.items())


def run_together_codes(text: str) -> set[str]:
    """Countries named inside Arabic words written together ("زاربومبيوكورياالشمالية")."""
    from tarjama.text.arabic import normalize

    long = [w for w in normalize(text).split() if len(w) >= RUN_TOGETHER]
    if not long:
        return set()
    found: set[str] = set()
    for key, codes in _run_together_forms():
        if any(key in w for w in long):
            found |= codes
    return found


def arabic_mentions(text: str) -> list[Mention]:
    """Country and nationality words in Arabic ``text``, clitics allowed (the glossary's matcher)."""
    return [
        Mention(m.start, m.end, m.surface, frozenset(m.entry.en.split(",")), m.entry.kind == "nationality")
        for m in _arabic_matcher().match(text)
    ]


_CODE_WORD = re.compile(r"(?<![\w.])[A-Z]{3}(?![\w.]|-[A-Z])")


def alpha3_codes(text: str) -> set[str]:
    """Countries English ``text`` names by their ISO three-letter code ("PNG-registered", "KSA"):
    these answer a country of the source, never count as one the source lacks."""
    table = lexicon().alpha3
    return {table[m.group()] for m in _CODE_WORD.finditer(text) if m.group() in table}


# Consonants a country word must have for its spelling alone to tie it to an Arabic word.
MIN_SKELETON = 3


def transliterated(word: str, source: str) -> bool:
    """Whether an Arabic word of ``source`` (proclitics aside) writes English ``word`` (a country
    or nationality) another way: exactly its consonant skeleton, of at least
    ``MIN_SKELETON`` consonants (the names check's rule without its slack, ``tarjama.text.names``),
    and a transliteration candidate of the romanizer close to the English word (Micronesia ~
    ميكرونيسيا where CLDR writes ميكرونيزيا, Filipino ~ فليبينية, China ~ تشاينا in a newspaper's
    name). The Arabic word must write a vowel as a letter after its first, as transliterations do
    (ترك "left" is not Turkey), and is read without the article (الإضافة is not Latvia). A name
    that merely shares the consonants is not the country: نوجرو (Nugroho) is not Nigeria."""
    from tarjama.text.names import (
        MATCH,
        arabic_skeletons,
        arabic_words,
        english_skeletons,
        english_skeletons_exact,
        name_similarity,
        romanizer,
    )

    spellings = english_skeletons(word) | english_skeletons_exact(word)
    english = {sk for sk in spellings if len(sk) >= MIN_SKELETON}
    if not english:
        return False
    found = [
        r
        for w in arabic_words(source)
        for r in w.readings
        if _VOWEL_LETTER.search(r[1:]) and not r.startswith("ال") and english & arabic_skeletons(r)
    ]
    if not found:
        return False
    table = romanizer().candidates(found)
    return any(name_similarity(word, cand) >= MATCH for r in found for cand in table.get(r) or [])


_VOWEL_LETTER = re.compile("[اويى]")


def english_for(code: str, nationality: bool) -> str:
    """How English names the country ``code``: its name, or its people's adjective."""
    name, demonym = lexicon().names.get(code, (code, code))
    return demonym if nationality else name


def _rewrite(invented: Sequence[Mention], missing: Mention) -> tuple[tuple[int, int], str] | None:
    """The first invented English mention replaced by the missing country in the same grammatical
    form: a nationality word by a nationality word ("a Chinese company" → "a Japanese company"),
    a plural by a plural, a name by a name. None when it cannot be said that simply."""
    lex = lexicon()
    m = invented[0]
    if len(invented) > 1 and any(x.text != m.text for x in invented):
        return None
    nationality = m.text in lex.en_demonyms
    english = english_for(sorted(missing.codes)[0], nationality)
    plural = m.text.endswith("s") and m.text[:-1] in lex.en_demonyms
    if nationality and plural and not english.endswith(_NO_PLURAL):
        english += "s"
    if not english or english == m.text:
        return None
    return (m.start, m.end), english


class CountryCheck(Check):
    name = "countries"
    description = "countries and nationalities of the English named in the source, and back"

    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        src = arabic_mentions(source)
        # Glossary English (a term the source names in Arabic) supports a country word too.
        glossary_spans: list[tuple[int, int]] = []
        for h in hints:
            for m in re.finditer(re.escape(h.target), target):
                glossary_spans.append(m.span())
        src_codes = set().union(*(m.codes for m in src)) if src else set()
        src_codes |= run_together_codes(source)
        hint_codes: set[str] = set()
        for h in hints:
            for m in english_mentions(h.target):
                hint_codes |= m.codes
        tgt = [m for m in english_mentions(target) if not inside((m.start, m.end), glossary_spans)]
        # A country the source writes in another spelling (ميكرونيسيا, فليبينية) or transliterates
        # inside a name (تشاينا in a newspaper's name) is no invention.
        known = src_codes | hint_codes
        tgt = [m for m in tgt if m.codes & known or not transliterated(m.text, source)]
        tgt_codes = set().union(*(m.codes for m in english_mentions(target))) if target else set()
        tgt_codes |= alpha3_codes(target)
        flags: list[Flag] = []
        reported: set[frozenset[str]] = set()
        invented = [m for m in tgt if not m.codes & (src_codes | hint_codes)]
        missing = [m for m in src if not m.codes & tgt_codes]
        # One country in place of another: the source's own replaces it, with no engine call.
        rewrite = None
        if len({m.codes for m in invented}) == 1 and len({m.codes for m in missing}) == 1:
            rewrite = _rewrite(invented, missing[0])
        for m in tgt:
            if m.codes & (src_codes | hint_codes) or m.codes in reported:
                continue
            reported.add(m.codes)
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"{m.text}: the source names no such country or nationality",
                        target=(m.start, m.end),
                        severity=ERROR,
                    ),
                    Fix(
                        note=f"The Arabic does not say {m.text}: do not add a country or nationality.",
                        avoid=(m.text,),
                        rewrite=rewrite if rewrite is not None and rewrite[0] == (m.start, m.end) else None,
                    ),
                )
            )
        for m in src:
            if m.codes & tgt_codes or m.codes in reported:
                continue
            reported.add(m.codes)
            english = english_for(sorted(m.codes)[0], m.nationality)
            flags.append(
                Flag(
                    Finding(
                        self.name,
                        f"{m.text} ({english}) is missing from the English",
                        source=(m.start, m.end),
                        severity=ERROR,
                    ),
                    Fix(
                        note=f"The Arabic says {english} ({m.text}).",
                        hint=TermHint(m.text, english, "place", m.start, m.end),
                    ),
                )
            )
        return flags
