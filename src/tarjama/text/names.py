"""Names in an English translation, and where each comes from in its Arabic source.

The one rule for "does the source account for this name", used by the names check
(``tarjama.checks.names``), the run's name-consistency stage (``tarjama.translate.names``) and the
benchmark that labels invented names against the reference. Each side is read by its own
function, so that the rule can be mirrored for English sources:

* **English names** (``english_name_tokens``): capitalised words that are not ordinary
  English — the word in lower case is not in an English dictionary (Webster's Second and
  GCIDE, through the ``english-words`` package: "Court", "Trump" and "Smith" are words,
  "Riyadh", "Sissiri" and "Hakamada" are not), not a title, month, weekday or other common
  capitalised word (``COMMON_CAPITALISED``), not written in capitals only (an acronym), not
  inside a span the caller leaves out (countries and nationalities, judged by the country
  check) and not a word of an allowed term (a glossary target). A possessive ('s) is left off.
* **Arabic words** (``arabic_words``): every run of Arabic letters with the readings left by
  its proclitics (و ف ب ل ك and the article: "وبترامب" → ترامب).
* **Support** (``align_names``), cheapest first: a Latin-script word of the source (case
  aside); a word of an allowed term; an English name whose Arabic is a translation, when the
  source has that Arabic (``EXONYMS``: Bible ~ الكتاب المقدس, الإنجيل); the same consonant
  skeleton as an Arabic word or a pair of adjacent words (Arabic and English letters mapped to
  coarse classes, vowels and weak letters left out: محمد ~ Mohammed ~ MHMT; one consonant more
  or less at the end; exactly, with English ch, zh and z read as تش/تس; Arabic ق also as "g"); else the
  transliteration candidates of the Arabic words closest in skeleton (the
  ``arabic-name-romanizer`` package: a Wikidata-derived index of attested Latin spellings and
  a small ONNX model, top ``TOP_K``) compared on a loose spelling (``loose``: vowels folded,
  ou/oo → u, ch/sh → sh, …) with a similarity of at least ``MATCH``, and then the candidates of
  the leading and trailing parts of long Arabic words, for sources that run words together
  (``SPLIT``: غايغرإن ~ Geiger). A token none of these supports is unsupported; its evidence
  is the Arabic word whose candidates come closest (at least ``EVIDENCE``), and the suggestion
  that word's most likely spelling.

Each supported token records the Arabic it came from (``NameMatch.key``: the normalised stem),
so that one Arabic name can be kept to one English spelling across a document.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tarjama.text.arabic import (
    LETTERS,
    MARKS,
    latin_names,
    normalize,
    normalize_with_offsets,
    proclitic_readings,
)

# Capitalised English words that are not evidence of a name: function words and titles that
# start sentences or clauses, calendar words, and exonyms whose Arabic form shares no
# consonants with the English (Germany/ألمانيا, Egypt/مصر, China/الصين).
COMMON_CAPITALISED = frozenset(
    """
    The A An He She It They We You I His Her Its Their Our This That These Those There Here In On At
    For But And Or Of To From With By As If When While After Before Since Until However Meanwhile Also
    According Some Many Most Other Both Each All No Not One Two Three Mr Mrs Ms Dr Sir Lord Lady Mister
    President Minister Prime Secretary General Chancellor King Queen Prince Princess Royal Emperor Pope
    Government Parliament Congress Senate House Court Supreme Police Army Navy Ministry Department Office
    Foreign Interior Home Defence Defense Health Justice Agency Union Council Commission Committee Party
    Republic Kingdom State States United Nations National International World Federal Central European
    Democrat Democrats Democratic Republican Republicans Labour Conservative Conservatives Liberal
    University College School Hospital Church Street Road Airport Station Bank Company Group Club
    Cup League Premier Olympic Olympics Games Championship Final Open Grand Prix Award Awards
    North South East West Northern Southern Eastern Western Middle Central New Old Great Upper Lower
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Christmas Easter Ramadan Eid Internet Earth Moon Sun
    China Chinese Germany German Egypt Egyptian Greece Greek Netherlands Dutch Sweden Swedish Swiss
    Switzerland Japan Japanese Arab Arabs Arabic Muslim Muslims Islamic Islam Christian Christians Jewish
    Jews God English Scottish Scotland Welsh Wales Irish Ireland Emirates Gulf Africa African Asia Asian
    America American Americans Europe Europeans Britain British Brexit Hungary Hungarian Finland Norway
    Denmark Danish Poland Polish Belgium Austria Australia Australian Canada Canadian Mexico Mexican
    """.split()  # noqa: SIM905 - a word list reads better as text than as 250 quoted strings
)
_TITLE_WORDS = (
    "Mr Mrs Ms Dr Sir Lord Lady President Minister Prime Secretary General Chancellor King Queen Prince "
    "Princess Pope Senator Governor Mayor Judge Sheikh Emir Colonel Captain Professor"
)
TITLES = frozenset(_TITLE_WORDS.split())

# Transliteration candidates asked for per Arabic word, and how many of the Arabic words
# closest in skeleton to an English token are transliterated to judge it.
TOP_K = 5
NEAREST = 4
# Loose-spelling similarity (0–1, ``similarity``) for a candidate to support a token, and for
# an Arabic word to be shown as the evidence of an unsupported one.
MATCH = 0.75
EVIDENCE = 0.65

# An Arabic "word" with this many consonants is taken to be several words written together (as
# in some of ntrex-dev's sources): an English name may match a part of it.
RUN_TOGETHER = 8
# An Arabic word of at least this many letters (proclitics left off) may be two words written
# together (غايغرإن for غايغر إن, كافانوعندها for كافانو عندها): a leading or trailing part of it
# of at least ``PART`` letters, leaving at least two, may be the name. A part supports a name only
# through its transliteration candidates, never by skeleton alone.
SPLIT = 6
PART = 3
# A name judged by a part needs three consonants or this many letters (Geiger, not Sulu).
PART_NAME = 6
# English names whose Arabic is a translation or an old Arabic name, not a transliteration: no
# skeleton or candidate can link them (Bible ~ الكتاب المقدس). Arabic in the normalised view
# (``tarjama.text.arabic.normalize``), matched as whole words, proclitics allowed.
EXONYMS: dict[str, tuple[str, ...]] = {
    "Bible": ("الكتاب المقدس", "الانجيل", "انجيل"),
    "Gospel": ("الانجيل", "انجيل"),
    "Gospels": ("الاناجيل", "الانجيل"),
    "Torah": ("التوراه", "توراه"),
    "Jesus": ("يسوع", "عيسي", "المسيح"),
    "Jerusalem": ("القدس", "اورشليم"),
    "Hebron": ("الخليل",),
    "Aleppo": ("حلب",),
    "Cairo": ("القاهره",),
    "Algiers": ("الجزائر",),
    "Mediterranean": ("المتوسط",),
}
# Abbreviations that start with a capital in English prose.
_ABBREVIATIONS = (
    "Capt Col Gen Lt Sgt Cpl Maj Adm Sen Sens Rep Reps Gov Govs Pres Prof Rev Hon St Ave Blvd Mt Ft Jr Sr "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thurs Fri Sat Sun Inc Ltd Corp "
    "Co Bros No Vol Fig Dept Univ Assn"
)
ABBREVIATIONS = frozenset(_ABBREVIATIONS.split())
# English endings that leave a dictionary word ("Officials", "Tensions", "Scuffles", "They've").
_ENDINGS = (("'ve", ""), ("'re", ""), ("'ll", ""), ("'d", ""), ("n't", ""), ("ies", "y"), ("es", ""),
            ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ers", ""), ("er", ""),
            ("ly", ""))  # fmt: skip

# Arabic letters and Latin letters mapped to coarse consonant classes: a transliterated name
# keeps its consonant skeleton (محمد ~ Mohammed ~ MHMT), vowels and weak letters drop out.
_AR_CLASS = {
    "ب": "B", "ت": "T", "ث": "T", "ج": "G", "ح": "H", "خ": "K", "د": "T", "ذ": "T", "ر": "R",
    "ز": "S", "س": "S", "ش": "S", "ص": "S", "ض": "T", "ط": "T", "ظ": "T", "غ": "G", "ف": "F",
    "ق": "K", "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "H", "ة": "", "پ": "B", "چ": "S", "ڤ": "B",
}  # fmt: skip
_EN_DIGRAPHS = (("sh", "S"), ("ch", "S"), ("th", "T"), ("kh", "K"), ("gh", "G"), ("ph", "F"), ("ck", "K"))
_EN_CLASS = {
    "b": "B", "p": "B", "v": "F", "t": "T", "d": "T", "s": "S", "z": "S", "c": "K", "k": "K", "q": "K",
    "g": "G", "j": "G", "x": "K", "h": "H", "f": "F", "l": "L", "m": "M", "n": "N", "r": "R",
}  # fmt: skip
_MARKS_RE = re.compile(f"[{MARKS}\u0640]")
_ARABIC_WORD = re.compile(f"[{LETTERS}{MARKS}\u0640]+")
# A capitalised English word: "Riyadh", "Al-Suwaidi", "O'Neill", "McDonald".
_NAME_TOKEN = re.compile(r"(?<![\w'’-])[A-Z][a-z]*[A-Za-z]*(?:[-'’][A-Za-z]+)*")
_POSSESSIVE = re.compile(r"['’]s$")


def english_skeleton(word: str) -> str:
    """The consonant classes of an English (Latin-script) word: "Mohammed" → "MHMT"."""
    w = re.sub(r"^(?:al|el)-", "", word.lower())
    w = re.sub(r"c(?=[eiy])", "s", w)  # Bruce, Cedric
    for digraph, cls in _EN_DIGRAPHS:
        w = w.replace(digraph, cls)
    out = "".join(_EN_CLASS.get(ch, ch if ch.isupper() else "") for ch in w)
    return re.sub(r"(.)\1+", r"\1", out)


def english_skeletons(word: str) -> set[str]:
    """``english_skeleton`` and the variants English spelling allows: an "h" after a vowel left
    silent (Utah, John), "ch" read as "k" (Munich, Michael)."""
    w = re.sub(r"^(?:al|el)-", "", word.lower())
    out = {english_skeleton(w)}
    silent = re.sub(r"(?<=[aeiou])h(?![aeiou])", "", w)
    out.add(english_skeleton(silent))
    out |= {english_skeleton(v.replace("ch", "k")) for v in (w, silent)}
    return {s for s in out if s}


def english_skeletons_exact(word: str) -> set[str]:
    """Skeletons of other readings of English letters, matched only exactly (no slack: "Munich"
    read as "Munits" must not find لمدة ساعة): the letters Arabic writes as two, تش or تس —
    "ch" and Pinyin "zh" (China ~ تشاينا, Guizhou ~ قويتشو), German "z" (Zeit ~ تسايت, Mozart ~
    موتسارت) — and a silent "gh" after a vowel (Kavanaugh ~ كافانو)."""
    w = re.sub(r"^(?:al|el)-", "", word.lower())
    silent = re.sub(r"(?<=[aeiou])h(?![aeiou])", "", w)
    variants = {re.sub("[cz]h|z", "ts", v) for v in (w, silent)} | {re.sub(r"(?<=[aeiou])gh", "", w)}
    out = {english_skeleton(v) for v in variants if v != w}
    return {s for s in out if len(s) >= 2} - english_skeletons(word)


def arabic_skeleton(word: str) -> str:
    """The consonant classes of an Arabic word: "محمد" → "MHMT"."""
    out = "".join(_AR_CLASS.get(ch, "") for ch in word)
    return re.sub(r"(.)\1+", r"\1", out)


def arabic_skeletons(word: str) -> set[str]:
    """``arabic_skeleton`` and, where the word has ق, the reading of ق as "g" that Egyptian and
    Gulf Arabic give it and that writes a foreign "g" (القذافي ~ Gaddafi, قويتشو ~ Guizhou)."""
    out = {arabic_skeleton(word)}
    if "ق" in word:
        out.add(arabic_skeleton(word.replace("ق", "غ")))
    return out


def skeletons_match(english: str, arabic: str) -> bool:
    """Whether two consonant skeletons may spell one name: equal; one consonant more or less at
    the end (Mohammed ~ محمد, Hassan ~ حسن); from three consonants on, one consonant more or less
    anywhere (Washington ~ واشنطن, Nugroho ~ نوجرو; shorter skeletons match too easily by chance);
    and inside an Arabic word of run-together
    words (``RUN_TOGETHER``), contained in it."""
    if english == arabic:
        return True
    if len(english) < 2 or len(arabic) < 2:
        return False
    from rapidfuzz.distance import Indel

    if min(len(english), len(arabic)) >= 3 and Indel.distance(english, arabic) <= 1:
        return True
    if len(arabic) >= RUN_TOGETHER and len(english) >= 3:
        n = len(english)
        return any(
            Indel.distance(english, arabic[i : i + k]) <= 1
            for k in (n - 1, n, n + 1)
            for i in range(0, len(arabic) - k + 1)
        )
    return False


_LOOSE = (
    ("sch", "sh"), ("ch", "sh"), ("tch", "sh"), ("kh", "k"), ("gh", "g"), ("ph", "f"), ("ck", "k"),
    ("dh", "d"), ("th", "t"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("ie", "i"), ("ei", "i"), ("ey", "i"),
    ("q", "k"), ("c", "k"), ("z", "s"), ("w", "u"), ("y", "i"), ("j", "g"), ("x", "ks"), ("v", "f"),
    ("p", "b"), ("e", "i"), ("o", "u"),
)  # fmt: skip


def loose(word: str) -> str:
    """A spelling with the differences transliterations make folded away: "Ouachentane" and
    "Washington" → "uashintani" / "uashinktun"; case, hyphens, the article al-/el- and doubled
    letters left out."""
    w = re.sub(r"^(?:al|el|ul)[- ]", "", word.lower())
    w = re.sub(r"[^a-z]", "", w)
    for a, b in _LOOSE:
        w = w.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", w)


def similarity(a: str, b: str) -> float:
    """Normalised Indel similarity (0–1) of the loose spellings of ``a`` and ``b``."""
    from rapidfuzz.distance import Indel

    return Indel.normalized_similarity(loose(a), loose(b))


def name_similarity(name: str, candidate: str) -> float:
    """How close English ``name`` is to a transliteration ``candidate``: ``similarity``, also with
    the candidate's words run together ("Pyeong Chang") and with a German "z" read as "ts" (Zeit
    ~ Tassait), as ``english_skeletons`` reads it."""
    spellings = {name, re.sub(r"(?<!t)z(?!h)", "ts", name.lower())}
    return max(similarity(n, c) for n in spellings for c in (candidate, candidate.replace(" ", "")))


@functools.lru_cache(maxsize=1)
def common_english() -> frozenset[str]:
    """Lower-case English words (Webster's Second and GCIDE): what is written in lower case is no name."""
    from english_words import get_english_words_set

    words = get_english_words_set(["web2", "gcide"], alpha=True)
    return frozenset(w for w in words if w.islower())


@dataclass(frozen=True)
class NameToken:
    """A capitalised English word that may be a name: its span and text (possessive left off)."""

    start: int
    end: int
    text: str


def is_english_word(word: str) -> bool:
    """Whether ``word`` (any case) is an ordinary English word, or one inflected ("Officials")."""
    w = word.lower().replace("’", "'")
    words = common_english()
    if w in words:
        return True
    return any(
        w.endswith(end) and len(w) - len(end) >= 3 and w[: len(w) - len(end)] + add in words
        for end, add in _ENDINGS
    )


def is_name_like(word: str, allowed: frozenset[str] = frozenset()) -> bool:
    """Whether a capitalised English word is judged as a name (module docstring)."""
    if len(word) < 3 or word.rstrip("s").isupper() or word in allowed:
        return False  # short, or an acronym (NASA, AMs)
    if word in COMMON_CAPITALISED or word in TITLES or word in ABBREVIATIONS:
        return False
    parts = [p for p in re.split(r"[-'’]", word) if p]
    return not all(is_english_word(p) or p in COMMON_CAPITALISED for p in parts) and not is_english_word(word)


def english_name_tokens(
    text: str, allowed: Iterable[str] = (), skip: Sequence[tuple[int, int]] = ()
) -> list[NameToken]:
    """Name-like words of English ``text``: not in a ``skip`` span, not a word of ``allowed`` terms."""
    allowed_words = frozenset(w for term in allowed for w in re.findall(r"[A-Za-z][\w'’-]*", term))
    out: list[NameToken] = []
    for m in _NAME_TOKEN.finditer(text):
        word = _POSSESSIVE.sub("", m.group())
        start, end = m.start(), m.start() + len(word)
        if any(a < end and start < b for a, b in skip) or word in allowed_words:
            continue
        # Each part of a hyphenated name is judged alone ("Plasco-Flaxman", "Bremen-class").
        for part in re.finditer(r"[^-]+", word):
            if is_name_like(part.group(), allowed_words):
                out.append(NameToken(start + part.start(), start + part.end(), part.group()))
    return out


@dataclass(frozen=True)
class ArabicWord:
    """A word of the Arabic source: its span, and its readings without proclitics (normalised)."""

    start: int
    end: int
    text: str
    readings: tuple[str, ...]

    @property
    def stem(self) -> str:
        """The shortest reading: the word without its proclitics (the key of a name)."""
        return min(self.readings, key=len)


def arabic_words(text: str) -> list[ArabicWord]:
    """Every Arabic word of ``text`` with its proclitic readings (``proclitic_readings``)."""
    out = []
    for m in _ARABIC_WORD.finditer(text):
        word = _MARKS_RE.sub("", m.group())
        readings = tuple(dict.fromkeys(proclitic_readings(word)))
        out.append(ArabicWord(m.start(), m.end(), m.group(), readings))
    return out


class Romanizer:
    """Transliteration candidates of Arabic names (``arabic-name-romanizer``), cached per word."""

    def __init__(self) -> None:
        self._engine = None
        self._cache: dict[str, list[str]] = {}

    def candidates(self, words: Sequence[str]) -> dict[str, list[str]]:
        """Up to ``TOP_K`` Latin spellings of each Arabic word (or phrase), most likely first."""
        todo = [w for w in dict.fromkeys(words) if w not in self._cache]
        if todo:
            if self._engine is None:
                from arabic_name_romanizer import Transliterator

                self._engine = Transliterator()
            results = self._engine.transliterate_many(todo, top_k=TOP_K)
            for word, found in zip(todo, results, strict=True):
                self._cache[word] = [c.text for c in found if c.text]
        return {w: self._cache[w] for w in words}


@functools.lru_cache(maxsize=1)
def romanizer() -> Romanizer:
    """The process's one ``Romanizer`` (its model is loaded on first use)."""
    return Romanizer()


@dataclass(frozen=True)
class NameMatch:
    """An English name token and what in the source accounts for it.

    ``how`` is ``latin``, ``allowed``, ``skeleton`` or ``romanizer`` for a supported token, ``""``
    for an unsupported one. ``source`` is the Arabic span (for an unsupported token: the
    closest word, when one is close enough, else None); ``key`` the normalised Arabic stem the
    spelling belongs to; ``suggestion`` the most likely spelling of that Arabic word.
    """

    token: NameToken
    how: str
    source: tuple[int, int] | None = None
    key: str = ""
    score: float = 0.0
    suggestion: str = ""

    @property
    def supported(self) -> bool:
        return bool(self.how)


def _units(words: Sequence[ArabicWord]) -> list[tuple[tuple[int, int], str, str]]:
    """(span, reading, skeleton) of every reading of each word and of each adjacent pair."""
    out = []
    for w in words:
        for r in w.readings:
            out += [((w.start, w.end), r, sk) for sk in sorted(arabic_skeletons(r))]
    for a, b in itertools.pairwise(words):
        for r in a.readings:
            pairs = itertools.product(sorted(arabic_skeletons(r)), sorted(arabic_skeletons(b.stem)))
            out += [((a.start, b.end), f"{r} {b.stem}", x + y) for x, y in pairs]
    return out


def align_names(
    source: str,
    target: str,
    allowed: Iterable[str] = (),
    skip: Sequence[tuple[int, int]] = (),
    *,
    transliterate: bool = True,
) -> list[NameMatch]:
    """Every name-like token of English ``target`` and its support in Arabic ``source`` (module
    docstring). Without ``transliterate`` only the cheap rules run (no model is loaded)."""
    allowed = list(allowed)
    tokens = english_name_tokens(target, allowed, skip)
    if not tokens:
        return []
    latin = {n.lower() for n in latin_names(source)}
    words = arabic_words(source)
    units = _units(words)
    out: list[NameMatch] = []
    pending: list[NameToken] = []
    for tok in tokens:
        if tok.text.lower() in latin:
            at = source.lower().find(tok.text.lower())
            out.append(NameMatch(tok, "latin", (at, at + len(tok.text)), tok.text.lower(), 1.0))
            continue
        exonym = _exonym(tok.text, source)
        if exonym is not None:
            out.append(NameMatch(tok, "exonym", exonym[0], exonym[1], 1.0))
            continue
        skels, exact = english_skeletons(tok.text), english_skeletons_exact(tok.text)
        if max(map(len, skels | exact), default=0) <= 1:  # too short to tell ("Abu", "Eyo"): not judged
            out.append(NameMatch(tok, "short"))
            continue
        hit = next(
            (u for u in units if u[2] in exact or any(skeletons_match(sk, u[2]) for sk in skels)), None
        )
        if hit is not None:
            out.append(NameMatch(tok, "skeleton", hit[0], normalize(hit[1]), 1.0))
            continue
        pending.append(tok)
    if pending and transliterate and units:
        out += _by_transliteration(pending, units, _parts(words))
    elif pending:
        out += [NameMatch(tok, "") for tok in pending]
    return sorted(out, key=lambda m: m.token.start)


def _exonym(word: str, source: str) -> tuple[tuple[int, int], str] | None:
    """The span and normalised form of the Arabic of ``EXONYMS`` that ``word`` translates, if the
    source has it."""
    forms = EXONYMS.get(word)
    if not forms:
        return None
    view, offsets = normalize_with_offsets(source)
    for form in forms:
        m = re.search(rf"(?<!\w)(?:[وف]?[بلك]?){re.escape(form)}(?!\w)", view)
        if m is None and not form.startswith("ال"):
            m = re.search(rf"(?<!\w)[وف]?[بلك]?ال{re.escape(form)}(?!\w)", view)
        if m is not None:
            at = m.end() - len(form)
            return (offsets[at], offsets[m.end() - 1] + 1), form
    return None


def _parts(words: Sequence[ArabicWord]) -> list[tuple[tuple[int, int], str, str]]:
    """(span, part, skeleton) of the leading and trailing parts of long Arabic words (``SPLIT``)."""
    out = []
    for w in words:
        letters = [i for i, ch in enumerate(w.text) if not _MARKS_RE.fullmatch(ch)]
        for reading in w.readings:
            n = len(reading)
            if n < SPLIT:
                continue
            base = len(letters) - n  # the proclitics left off
            cuts = [(0, k) for k in range(PART, n - 1)] + [(k, n) for k in range(2, n - PART + 1)]
            for a, b in cuts:
                part = reading[a:b]
                span = (w.start + letters[base + a], w.start + letters[base + b - 1] + 1)
                out += [(span, part, sk) for sk in sorted(arabic_skeletons(part))]
    return out


def _by_transliteration(
    tokens: Sequence[NameToken],
    units: Sequence[tuple[tuple[int, int], str, str]],
    parts: Sequence[tuple[tuple[int, int], str, str]] = (),
) -> list[NameMatch]:
    from rapidfuzz.distance import Indel

    nearest: dict[NameToken, list[tuple[tuple[int, int], str]]] = {}
    for tok in tokens:
        skel = english_skeleton(tok.text)
        ranked = sorted(units, key=lambda u: -Indel.normalized_similarity(skel, u[2]))
        seen: list[tuple[tuple[int, int], str]] = []
        starts: set[int] = set()  # one place per word: its readings do not crowd out the others
        for span, reading, _ in ranked:
            if len(reading.replace(" ", "")) >= 2 and span[0] not in starts:
                seen.append((span, reading))
                starts.add(span[0])
            if len(seen) == NEAREST:
                break
        nearest[tok] = seen
    table = romanizer().candidates([r for found in nearest.values() for _, r in found])
    out = []
    for tok in tokens:
        best: tuple[float, tuple[int, int], str, str] | None = None
        for span, reading in nearest[tok]:
            cands = table.get(reading) or []
            for cand in cands:
                score = name_similarity(tok.text, cand)
                if best is None or score > best[0]:
                    best = (score, span, reading, cands[0])
        if best is None or best[0] < MATCH:
            best = _by_part(tok, parts, best)
        if best is not None and best[0] >= MATCH:
            out.append(NameMatch(tok, "romanizer", best[1], normalize(best[2]), best[0], best[3]))
        elif best is not None and best[0] >= EVIDENCE:
            out.append(NameMatch(tok, "", best[1], normalize(best[2]), best[0], best[3]))
        else:
            out.append(NameMatch(tok, ""))
    return out


def _by_part(
    tok: NameToken,
    parts: Sequence[tuple[tuple[int, int], str, str]],
    best: tuple[float, tuple[int, int], str, str] | None,
) -> tuple[float, tuple[int, int], str, str] | None:
    """``best`` bettered by a part of a run-together Arabic word (``SPLIT``) with exactly the
    token's skeleton (a part is already a guess: no slack on top of it) and transliteration
    candidates that reach ``MATCH``."""
    skels = english_skeletons(tok.text) | english_skeletons_exact(tok.text)
    if len(tok.text) < PART_NAME and max(map(len, skels), default=0) < 3:
        return best  # a short name finds a part of some long word by chance (Sulu ~ سولاوسي)
    near = [(span, part) for span, part, sk in parts if sk in skels]
    near = list(dict.fromkeys(near))[: 2 * NEAREST]
    if not near:
        return best
    table = romanizer().candidates([part for _, part in near])
    for span, part in near:
        cands = table.get(part) or []
        for cand in cands:
            score = name_similarity(tok.text, cand)
            if score >= MATCH and (best is None or score > best[0]):
                best = (score, span, part, cands[0])
    return best
