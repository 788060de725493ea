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
  aside); a word of an allowed term; the same consonant skeleton as an Arabic word or a pair
  of adjacent words (Arabic and English letters mapped to coarse classes, vowels and weak
  letters left out: محمد ~ Mohammed ~ MHMT; one consonant more or less at the end); else the
  transliteration candidates of the Arabic words closest in skeleton (the
  ``arabic-name-romanizer`` package: a Wikidata-derived index of attested Latin spellings and
  a small ONNX model, top ``TOP_K``) compared on a loose spelling (``loose``: vowels folded,
  ou/oo → u, ch/sh → sh, …) with a similarity of at least ``MATCH``. A token none of these
  supports is unsupported; its evidence is the Arabic word whose candidates come closest (at
  least ``EVIDENCE``), and the suggestion that word's most likely spelling.

Each supported token records the Arabic it came from (``NameMatch.key``: the normalised stem),
so that one Arabic name can be kept to one English spelling across a document.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tarjama.text.arabic import LETTERS, MARKS, latin_names, normalize, proclitic_readings

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


def arabic_skeleton(word: str) -> str:
    """The consonant classes of an Arabic word: "محمد" → "MHMT"."""
    out = "".join(_AR_CLASS.get(ch, "") for ch in word)
    return re.sub(r"(.)\1+", r"\1", out)


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
            out.append(((w.start, w.end), r, arabic_skeleton(r)))
    for a, b in itertools.pairwise(words):
        for r in a.readings:
            out.append(((a.start, b.end), f"{r} {b.stem}", arabic_skeleton(r) + arabic_skeleton(b.stem)))
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
    units = _units(arabic_words(source))
    out: list[NameMatch] = []
    pending: list[NameToken] = []
    for tok in tokens:
        if tok.text.lower() in latin:
            at = source.lower().find(tok.text.lower())
            out.append(NameMatch(tok, "latin", (at, at + len(tok.text)), tok.text.lower(), 1.0))
            continue
        skels = english_skeletons(tok.text)
        if max(map(len, skels), default=0) <= 1:  # too short to tell ("Abu", "Eyo"): not judged
            out.append(NameMatch(tok, "short"))
            continue
        hit = next((u for u in units if any(skeletons_match(sk, u[2]) for sk in skels)), None)
        if hit is not None:
            out.append(NameMatch(tok, "skeleton", hit[0], normalize(hit[1]), 1.0))
            continue
        pending.append(tok)
    if pending and transliterate and units:
        out += _by_transliteration(pending, units)
    elif pending:
        out += [NameMatch(tok, "") for tok in pending]
    return sorted(out, key=lambda m: m.token.start)


def _by_transliteration(
    tokens: Sequence[NameToken], units: Sequence[tuple[tuple[int, int], str, str]]
) -> list[NameMatch]:
    from rapidfuzz.distance import Indel

    nearest: dict[NameToken, list[tuple[tuple[int, int], str]]] = {}
    for tok in tokens:
        skel = english_skeleton(tok.text)
        ranked = sorted(units, key=lambda u: -Indel.normalized_similarity(skel, u[2]))
        seen: list[tuple[tuple[int, int], str]] = []
        for span, reading, _ in ranked:
            if len(reading.replace(" ", "")) >= 2 and (span, reading) not in seen:
                seen.append((span, reading))
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
                # A two-word candidate may stand for one English word ("Pyeong Chang").
                score = max(similarity(tok.text, cand), similarity(tok.text, cand.replace(" ", "")))
                if best is None or score > best[0]:
                    best = (score, span, reading, cands[0])
        if best is not None and best[0] >= MATCH:
            out.append(NameMatch(tok, "romanizer", best[1], normalize(best[2]), best[0], best[3]))
        elif best is not None and best[0] >= EVIDENCE:
            out.append(NameMatch(tok, "", best[1], normalize(best[2]), best[0], best[3]))
        else:
            out.append(NameMatch(tok, ""))
    return out
