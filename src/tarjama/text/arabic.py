"""The Arabic text layer: what counts as Arabic, the normalised view, clitics and digits.

Every module that asks one of these questions imports the answer from here; none keeps a
copy of its own.

* **Arabic script** is the Unicode blocks Arabic, Arabic Supplement, Arabic Extended-A and
  the two presentation-form blocks (``SCRIPT``). **Arabic letters** (``LETTERS``) are the
  letters of those blocks as they stand inside words — hamza to yeh, tatweel included, the
  extended letters of Persian and Urdu — but not marks, punctuation or digits. An *Arabic
  word character* (``WORD``) is a letter or an Arabic-Indic or extended (Persian) digit.
* **Script detection**: ``arabic_share`` is the share of a text's letters that are Arabic
  script; a text is Arabic (``is_arabic_text``) when more than half of its letters are.
  ``has_source_letters`` says whether a text holds anything of a source language to
  translate: for Arabic, an Arabic word character (a letter, or an Arabic-Indic digit); for
  English, a Latin letter. A document's segment without one passes through untouched.
* **The normalised view** (``normalize_with_offsets``) is what matching compares: tatweel,
  diacritics (shadda included) and invisible format characters (bidi marks, ZWNJ/ZWJ) are
  removed; أ إ آ ٱ become ا, ى becomes ي, ة becomes ه (Persian ی and ک become ي and ك); every
  whitespace run becomes one space; letters are lower-cased (for Latin-script names). Each
  view character remembers the index of the original character it came from, so a span found
  in the view maps back exactly. The text a model sees is never altered: only views are.
* **Proclitics** attach in a fixed order: a conjunction (و ف), then a preposition (ب ل ك),
  then the article ال; ل + ال is written لل. ``PROCLITICS`` states which sequences may stand
  before a word by the kind of word; ``strip_clitics`` is the light stemmer built on the same
  constants (prefixes and attached pronouns removed when enough of the word remains).
* **Digits**: ``western_digits`` turns Arabic-Indic (٠–٩) and extended/Persian (۰–۹) digits
  into ASCII digits, one for one, so offsets are kept.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence

# --- what counts as Arabic ----------------------------------------------------------------

# Arabic, Arabic Supplement, Arabic Extended-A, Arabic Presentation Forms-A and -B.
SCRIPT = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# Letters inside words (tatweel U+0640 included, since it sits between letters).
LETTERS = "\u0621-\u064a\u066e-\u066f\u0671-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
EXTENDED_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
DIGITS = "\u0660-\u0669\u06f0-\u06f9"
WORD = LETTERS + DIGITS

SCRIPT_RE = re.compile(f"[{SCRIPT}]")
LETTER_RE = re.compile(f"[{LETTERS}]")
WORD_CHAR_RE = re.compile(f"[{WORD}]")
# Letters of any script but Arabic (Latin, Greek, accented Latin…) and ASCII digits.
_OTHER_LETTER = f"(?![{SCRIPT}])[^\\W_]"
_ANY_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile(f"(?=[^\\W\\d_])[{SCRIPT}]")
_ARABIC_WORD_RUN = re.compile(f"[{LETTERS}]{{2,}}")

_DIGIT_TABLE = str.maketrans(ARABIC_INDIC_DIGITS + EXTENDED_DIGITS, "0123456789" * 2)


def is_arabic(ch: str) -> bool:
    """True for a character of the Arabic script blocks (letters, marks, digits, punctuation)."""
    return SCRIPT_RE.match(ch) is not None


def is_arabic_letter(ch: str) -> bool:
    """True for an Arabic letter as it stands in a word (tatweel included)."""
    return LETTER_RE.match(ch) is not None


def arabic_share(text: str) -> float:
    """The share of the letters of ``text`` that are Arabic script (0 when it has no letters)."""
    letters = count(_ANY_LETTER, text)
    return count(_ARABIC_LETTER, text) / letters if letters else 0.0


def count(pattern: re.Pattern[str], text: str) -> int:
    """How many times ``pattern`` matches in ``text``, without a list of the matches (a long
    document's letters would be a string object each)."""
    return sum(1 for _ in pattern.finditer(text))


def is_arabic_text(text: str) -> bool:
    """True when most letters of ``text`` are Arabic."""
    return arabic_share(text) > 0.5


def has_arabic_word(text: str) -> bool:
    """True when ``text`` holds a run of at least two Arabic letters (an untranslated word)."""
    return _ARABIC_WORD_RUN.search(text) is not None


def arabic_word_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds Arabic words (the runs ``has_arabic_word`` looks for)."""
    return [m.span() for m in _ARABIC_WORD_RUN.finditer(text)]


_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def has_source_letters(text: str, language: str = "ar") -> bool:
    """Whether ``text`` holds a word character of ``language`` ("ar" or "en"; see the module)."""
    if language == "en":
        return _LATIN_LETTER.search(text) is not None
    return WORD_CHAR_RE.search(text) is not None


def western_digits(text: str) -> str:
    """``text`` with Arabic-Indic and extended (Persian) digits as ASCII digits (same length)."""
    return text.translate(_DIGIT_TABLE)


# --- the normalised view -------------------------------------------------------------------

TATWEEL = "\u0640"
# Harakat, shadda, sukun, superscript alef and Quranic annotation signs.
MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
# Format characters with no visible form: soft hyphen, Arabic letter mark, ZWNJ, ZWJ, LRM, RLM,
# LRE/RLE/PDF/LRO/RLO, word joiner, LRI/RLI/FSI/PDI, BOM.
INVISIBLE = "\u00ad\u061c\u200c-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_DROP_RE = re.compile(f"[{TATWEEL}{MARKS}{INVISIBLE}]+")
_EXTRA_SPACE_RE = re.compile(r"(?<= ) +")
# What may trail the last letter of a word and still belong to it.
TRAILING_RE = re.compile(f"[{TATWEEL}{MARKS}]*")

# Whitespace (including no-break and zero-width spaces) becomes a plain space, so a name broken
# across a line or typed with a no-break space still matches.
_SPACES = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
_TABLE: dict[int, str] = {ord(c): "ا" for c in "أإآٱ"}
_TABLE.update({ord("ى"): "ي", ord("ة"): "ه", ord("ی"): "ي", ord("ک"): "ك", 0x2010: "-", 0x2011: "-"})
_TABLE.update({cp: " " for cp in [*map(ord, _SPACES), *range(0x2000, 0x200C)]})


def _drop(s: str, pattern: re.Pattern[str], base: array | None) -> tuple[str, array]:
    """Delete ``pattern``'s matches from ``s``; return the rest and, per kept char, its origin.

    Kept stretches are copied as slices, so text with few deletions costs little Python work.
    """
    parts: list[str] = []
    keep = array("l")
    pos = 0
    for m in pattern.finditer(s):
        if m.start() > pos:
            parts.append(s[pos : m.start()])
            keep.extend(range(pos, m.start()) if base is None else base[pos : m.start()])
        pos = m.end()
    parts.append(s[pos:])
    keep.extend(range(pos, len(s)) if base is None else base[pos:])
    return "".join(parts), keep


def normalize_with_offsets(text: str) -> tuple[str, array]:
    """Return the normalised view of ``text`` and, for each view character, its index in ``text``."""
    s = text.translate(_TABLE)
    lower = s.lower()
    # A few characters lower-case to two (e.g. "İ"); keep those as they are so that the view
    # stays one character per original character before deletions.
    s = lower if len(lower) == len(s) else "".join(c if len(c.lower()) != 1 else c.lower() for c in s)
    s, offsets = _drop(s, _DROP_RE, None)
    return _drop(s, _EXTRA_SPACE_RE, offsets)


def normalize(text: str) -> str:
    """The normalised view of ``text`` with surrounding space removed."""
    return normalize_with_offsets(text)[0].strip()


# --- clitics -------------------------------------------------------------------------------

CONJUNCTIONS = "وف"
PREPOSITIONS = "بلك"
ARTICLE = "ال"
# The article after an optional conjunction and preposition; ل + ال is written لل (لال, a
# common slip, is accepted too: matching is lenient where stemming is strict).
_ARTICLE_AFTER = f"(?:[{CONJUNCTIONS}]?[{PREPOSITIONS}]?{ARTICLE}|[{CONJUNCTIONS}]?لل)"
# Which proclitic sequences may stand directly before a word (in the normalised view), by the
# kind of word: a Latin-script name takes a conjunction and/or a preposition ("لـESA", "وJAXA");
# a bare Arabic word may also take the article; a word stored with the article requires it.
PROCLITICS = {
    "latin": re.compile(f"[{CONJUNCTIONS}]?[{PREPOSITIONS}]?"),
    "bare": re.compile(f"[{CONJUNCTIONS}]?[{PREPOSITIONS}]?|{_ARTICLE_AFTER}"),
    "article": re.compile(_ARTICLE_AFTER),
}
MAX_PROCLITICS = 4  # e.g. وبال

# The article with what may precede it in correct spelling, longest first (وبال … ال): the
# light stemmer's list.
ARTICLE_PREFIXES = tuple(
    sorted(
        {c + p + ARTICLE for c in ("", *CONJUNCTIONS) for p in ("", "ب", "ك")}
        | {c + "لل" for c in ("", *CONJUNCTIONS)},
        key=lambda s: (-len(s), s),
    )
)
# Attached object/possessive pronouns, longest first. Number and gender endings (ات ون ين) are
# inflection, not clitics, and are left alone.
PRONOUN_SUFFIXES = ("هما", "كما", "كم", "هم", "هن", "ها", "نا")
MIN_STEM = 3


def _is_word(ch: str) -> bool:
    # The same notion of "word character" as the \w used on the English side.
    return ch.isalnum() or ch == "_"


def form_rule(key: str, article: bool) -> str:
    """Which proclitics may stand before a form's key (``PROCLITICS``): article, bare or latin."""
    return "article" if article else ("bare" if is_arabic(key[0]) else "latin")


def word_run_start(view: str, key_start: int, end: int) -> int | None:
    """Where the letters attached before a key occurrence ``view[key_start:end]`` begin.

    None when the occurrence is not a whole word: a letter or digit right after it, or more
    than ``MAX_PROCLITICS`` letters before it. The letters between the returned start and
    ``key_start`` must then be an allowed proclitic sequence (``PROCLITICS[rule]``).
    """
    if end < len(view) and _is_word(view[end]):
        return None
    run_start = key_start
    while run_start > 0 and _is_word(view[run_start - 1]) and key_start - run_start <= MAX_PROCLITICS:
        run_start -= 1
    return None if key_start - run_start > MAX_PROCLITICS else run_start


def form_spans(text: str, forms: Sequence[str]) -> list[tuple[int, int]]:
    """Where any of ``forms`` stands in Arabic ``text``, by the glossary matcher's rules.

    The rules of ``tarjama.glossary.matcher``, used from the other side (a term an Arabic
    translation must contain): the normalised view, whole words, the proclitics each form
    allows, a form stored with ال requiring the article. Occurrences do not overlap (longest
    first, then leftmost); each span covers the term (with its article), not the attached
    conjunction or preposition, and maps back to the original text.
    """
    view, offsets = normalize_with_offsets(text)
    keys: dict[str, str] = {}
    for form in forms:
        key, article = split_article_form(normalize(form))
        if key:
            rule = form_rule(key, article)
            if keys.get(key) != "article":
                keys[key] = rule
    found: list[tuple[int, int, int]] = []  # (prefix start, term start, end) in the view
    for key, rule in keys.items():
        at = view.find(key)
        while at >= 0:
            run_start = word_run_start(view, at, at + len(key))
            if run_start is not None and PROCLITICS[rule].fullmatch(view[run_start:at]):
                has_article = rule != "latin" and view[run_start:at].endswith(ARTICLE)
                found.append((run_start, at - 2 if has_article else at, at + len(key)))
            at = view.find(key, at + 1)
    taken = bytearray(len(view))
    spans: list[tuple[int, int]] = []
    for prefix, start, end in sorted(found, key=lambda f: (f[1] - f[2], f[1])):
        if taken.find(1, prefix, end) == -1:
            taken[prefix:end] = b"\x01" * (end - prefix)
            last = TRAILING_RE.match(text, offsets[end - 1] + 1).end()
            spans.append((offsets[start], last))
    return sorted(spans)


def split_article_form(form: str) -> tuple[str, bool]:
    """A normalised word or phrase without its leading article, and whether it had one.

    "المريخ" → ("مريخ", True): one key then serves المريخ, والمريخ and للمريخ (where the
    article's alef disappears after ل).
    """
    if form.startswith(ARTICLE) and len(form) > 3 and is_arabic(form[2]):
        return form[2:], True
    return form, False


def proclitic_readings(word: str, min_stem: int = MIN_STEM) -> list[str]:
    """Every way to read ``word`` as proclitics plus a stem of at least ``min_stem`` letters.

    The word itself comes first, then the stems left by longer and longer proclitic sequences
    ("لياماكاوا" → "لياماكاوا", "ياماكاوا"). For matching names, where reading a root letter as
    a clitic costs nothing because every reading is tried.
    """
    readings = [word]
    for k in range(1, min(MAX_PROCLITICS, len(word) - min_stem) + 1):
        if PROCLITICS["bare"].fullmatch(word[:k]):
            readings.append(word[k:])
    return readings


def strip_prefixes(word: str, depth: int = 2) -> str:
    """``word`` (normalised) without proclitics, stripped again up to ``depth`` more times.

    The article with its conjunction/preposition (وال بال كال فال لل …) is removed when at
    least ``MIN_STEM`` letters remain; otherwise a bare conjunction و/ف is removed when at least
    ``MIN_STEM + 1`` letters remain (so وصل "arrived" keeps its و). Stripping the remainder
    again makes وكالة, ووكالة and الوكالة one stem even though the word itself begins with و.
    """
    for prefix in ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM:
            rest = word[len(prefix) :]
            return strip_prefixes(rest, depth - 1) if depth else rest
    if word[:1] in CONJUNCTIONS and len(word) - 1 >= MIN_STEM + 1:
        rest = word[1:]
        return strip_prefixes(rest, depth - 1) if depth else rest
    return word


def strip_clitics(token: str) -> str:
    """A normalised Arabic token without attached clitics (a light, prefix-first stemmer).

    The rules follow Larkey et al.'s *light10* prefixes, restricted to true clitics
    (``strip_prefixes``). Then one attached pronoun (ها هم هما كم نا …) is removed when three
    letters remain, and a final ت left by it is turned back into the ه of the normalised taa
    marbuta (شراكتهما → شراكه, as شراكة). The rules are heuristics: a word whose own first
    letter is و or ف can lose it (وكالة → كاله); at least every prefixed form of a word gives
    the same token as the word. Non-Arabic tokens are returned unchanged.
    """
    if not is_arabic_letter(token[:1]):
        return token
    stem = strip_prefixes(token)
    for suffix in PRONOUN_SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= MIN_STEM:
            stem = stem[: -len(suffix)]
            if stem.endswith("ت"):
                stem = stem[:-1] + "ه"
            break
    return stem


# --- tokens --------------------------------------------------------------------------------

# A run of word characters of one script: Arabic letters and digits, or letters and digits of
# any other script. Splitting where the script changes turns "لESA" into "ل" and "esa".
TOKEN_RE = re.compile(f"[{WORD}]+|(?:{_OTHER_LETTER})+")
# A Latin-script name inside Arabic text: ESA, LiteBIRD, ADRAS-J, M-MATISSE, ispace.
LATIN_NAME_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*(?![A-Za-z0-9])")


def latin_names(text: str) -> list[str]:
    """Latin-script words in an Arabic text, in order, without repeats.

    Names written in Latin letters inside Arabic text (ESA, LiteBIRD, ADRAS-J) are meant to be
    copied unchanged into a translation.
    """
    return list(dict.fromkeys(LATIN_NAME_RE.findall(text)))


# --- Arabic output -------------------------------------------------------------------------

# Latin punctuation a model carries over from English: comma, semicolon and question mark (not
# inside numbers, such as 1,000, nor in a web address's query, such as ?q=).
_LATIN_COMMA = re.compile(r"(?<!\d),|,(?!\d)")
_LATIN_SEMICOLON = re.compile(r";")
_LATIN_QUESTION = re.compile(r"\?(?=[\s\"'”’»)\]]|$)")
_STRAY_BIDI = re.compile(f"[{BIDI_CONTROLS}\u061c]")


def arabic_punctuation(text: str) -> str:
    """Arabic text with English punctuation made Arabic (، ؛ ؟) and no stray bidi controls.

    A comma between two digits (1,000) and a question mark inside a web address are kept;
    left-to-right and right-to-left marks and embeddings (LRM, RLM, LRE … PDI, ALM), which
    models copy from web text and which make editors and diff tools show invisible changes,
    are removed. Same meaning, Arabic typography: used on every English→Arabic translation.
    """
    text = _STRAY_BIDI.sub("", text)
    text = _LATIN_COMMA.sub("،", text)
    text = _LATIN_SEMICOLON.sub("؛", text)
    return _LATIN_QUESTION.sub("؟", text)
