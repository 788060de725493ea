"""Detecting and trimming degenerate LLM output.

Small generative models fail in recognisable ways: they loop ("the the the …", a clause
repeated until the token limit), return nothing, answer in Arabic instead of translating,
or ramble far beyond what the source warrants, and they add names the source does not
have. The predicates here recognise each failure; ``tarjama.engines.gguf.retry`` turns them into
typed issues, retries with a different request and, if that fails too, records what is wrong
instead of passing bad output off as a translation.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence

from tarjama.text.arabic import SCRIPT, arabic_share, latin_names, proclitic_readings

_WORD = re.compile(r"\S+")

# English has roughly 1.1–1.6 words per Arabic word in news; these bounds are far outside that.
MAX_LENGTH_RATIO = 3.0
MIN_LENGTH_RATIO = 0.3
# Above this share of Arabic letters the "translation" is still Arabic.
STILL_ARABIC_SHARE = 0.3


def still_arabic(output: str) -> bool:
    """The model answered in Arabic instead of translating."""
    return arabic_share(output) > STILL_ARABIC_SHARE


# Below this share of Arabic letters an Arabic translation of a sentence is still English.
STILL_ENGLISH_SHARE = 0.5


def still_english(source: str, output: str) -> bool:
    """Into Arabic: the model answered in English instead of translating.

    Names kept in Latin script (ESA, LiteBIRD) are part of good Arabic news, so only an output
    whose letters are mostly not Arabic is judged, and only for sources of four words or more
    (a source that is a name alone may rightly stay as it is).
    """
    if len(_WORD.findall(source)) < 4 or not any(ch.isalpha() for ch in output):
        return False
    return arabic_share(output) < STILL_ENGLISH_SHARE


def find_loop(text: str, min_repeats: int = 3, max_span: int = 12) -> int | None:
    """Word index where a phrase of 1..max_span words starts repeating ``min_repeats`` times in a row."""
    words = [w.lower().strip(".,;:!?\"'") for w in text.split()]
    n = len(words)
    for span in range(1, max_span + 1):
        for i in range(0, n - span * min_repeats + 1):
            phrase = words[i : i + span]
            if not any(phrase):
                continue
            if all(words[i + k * span : i + (k + 1) * span] == phrase for k in range(1, min_repeats)):
                # One-word repeats like "very, very, very" need more evidence than long phrases.
                if span == 1 and min_repeats < 4 and words[i + 3 * span : i + 4 * span] != phrase:
                    continue
                return i
    return None


def trim_loop(text: str) -> str:
    """Cut ``text`` just before its repetition loop repeats (keeping one copy)."""
    start = find_loop(text)
    if start is None:
        return text
    words = text.split()
    for span in range(1, 13):
        phrase = words[start : start + span]
        if words[start + span : start + 2 * span] == phrase:
            return " ".join(words[: start + span]).rstrip(",;:")
    return " ".join(words[: start + 1])


def near_misses(output: str, terms: Sequence[str]) -> list[str]:
    """Words of ``output`` that stand where a required term should: derived or re-cased forms.

    "Japanese" for Japan, "European" for Europe, "moon" for Moon: a small model tends to
    choose these over the exact glossary form, and banning them on a retry is enough.
    """
    words = set(re.findall(r"[A-Za-z][A-Za-z-]*", output))
    found: list[str] = []
    for term in terms:
        if " " in term or len(term) < 4:
            continue
        stem = term.lower()[: max(4, len(term) - 1)]
        found += sorted(w for w in words if w != term and w.lower().startswith(stem) and w not in found)
    return found


_CHATTER = re.compile(r"(?<!\w)[#@]\w|https?://")


def has_chatter(source: str, output: str) -> bool:
    """Social-media residue (emoji, #tags, @handles, links) that the source does not have."""
    if _CHATTER.search(output) and not _CHATTER.search(source):
        return True
    return any(unicodedata.category(ch) == "So" and ch not in source for ch in output)


def length_ratio(source: str, output: str) -> float:
    return len(_WORD.findall(output)) / max(1, len(_WORD.findall(source)))


def length_verdict(source: str, output: str) -> tuple[str, float]:
    """("long" | "short" | "", ratio): whether ``output`` is far too long or short for ``source``.

    Very short sources ("نعم.") legitimately vary a lot in length; only sources of at least
    four words are judged.
    """
    ratio = length_ratio(source, output)
    if len(_WORD.findall(source)) < 4:
        return "", ratio
    if ratio > MAX_LENGTH_RATIO:
        return "long", ratio
    if ratio < MIN_LENGTH_RATIO:
        return "short", ratio
    return "", ratio


# Capitalised English words that are not evidence of an invented name: function words and
# titles that start sentences or clauses, calendar words, and exonyms whose Arabic form
# shares no consonants with the English (Germany/ألمانيا, Egypt/مصر, China/الصين).
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
_NAME = re.compile(r"(?<![\w'-])[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*")
# Arabic letters and Latin letters mapped to coarse consonant classes: a transliterated name
# keeps its consonant skeleton (محمد ~ Mohammed ~ MHMT), vowels and weak letters drop out.
_AR_CLASS = {
    "ب": "B", "ت": "T", "ث": "T", "ج": "G", "ح": "H", "خ": "K", "د": "T", "ذ": "T", "ر": "R",
    "ز": "S", "س": "S", "ش": "S", "ص": "S", "ض": "T", "ط": "T", "ظ": "T", "غ": "G", "ف": "F",
    "ق": "K", "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "H", "ة": "", "پ": "B", "چ": "S", "ڤ": "B",
}  # fmt: skip
_EN_DIGRAPHS = (("sh", "S"), ("ch", "S"), ("th", "T"), ("kh", "K"), ("gh", "G"), ("ph", "F"), ("ck", "K"))
_EN_CLASS = {
    "b": "B", "p": "B", "v": "B", "t": "T", "d": "T", "s": "S", "z": "S", "c": "K", "k": "K", "q": "K",
    "g": "G", "j": "G", "x": "K", "h": "H", "f": "F", "l": "L", "m": "M", "n": "N", "r": "R",
}  # fmt: skip


def _skeleton_en(word: str) -> str:
    w = re.sub(r"^(?:al|el)-", "", word.lower())
    for digraph, cls in _EN_DIGRAPHS:
        w = w.replace(digraph, cls)
    out = "".join(_EN_CLASS.get(ch, ch if ch.isupper() else "") for ch in w)
    return re.sub(r"(.)\1+", r"\1", out)


def _skeleton_ar(word: str) -> str:
    out = "".join(_AR_CLASS.get(ch, "") for ch in word)
    return re.sub(r"(.)\1+", r"\1", out)


def _matches_source(word: str, skeletons: set[str]) -> bool | None:
    """Whether ``word`` may transliterate one or two adjacent source words; None: too short to tell."""
    skel = _skeleton_en(re.sub(r"'s$", "", word))
    if len(skel) <= 1:
        return None
    # Equal skeletons, or one consonant more or less at the end (Mohammed ~ محمد, Hassan ~ حسن).
    return any(
        s == skel
        or (
            len(skel) >= 3
            and len(s) >= 2
            and abs(len(s) - len(skel)) <= 1
            and (s.startswith(skel) or skel.startswith(s))
        )
        for s in skeletons
    )


def invented_names(source: str, output: str, allowed: Sequence[str] = ()) -> list[str]:
    """Multi-word capitalised names in ``output`` that the source does not account for.

    A run of two or more capitalised words ("Mohammed Al-Suwaidi", "Joe Biden") is reported
    when none of its words is a Latin word of the source, part of an allowed term (glossary
    targets) or a common capitalised word (titles, months, exonyms), and at least one of them
    is long enough to judge while none is a plausible transliteration of a source word (same
    consonant skeleton: محمد ~ Mohammed). Single capitalised words are not judged: English
    capitalises too many ordinary words for a list to tell them apart. Errs towards silence,
    since a false alarm costs a retry.
    """
    latin = set(latin_names(source))
    allowed_words = {w for term in allowed for w in re.findall(r"[A-Za-z][\w'-]*", term)}
    skeletons: set[str] = set()
    words = re.findall(f"[{SCRIPT}]+", source)
    for w in words:
        skeletons |= {_skeleton_ar(r) for r in proclitic_readings(w)}
    for a, b in itertools.pairwise(words):
        skeletons |= {_skeleton_ar(r) + _skeleton_ar(b) for r in proclitic_readings(a)}
    found: list[str] = []
    for m in re.finditer(r"{n}(?:\s+(?:al-|bin\s+|ibn\s+|de\s+)?{n})+".replace("{n}", _NAME.pattern), output):
        names = _NAME.findall(m.group(0))
        # A title before a name ("President Joe Biden") says nothing about the name itself.
        while names and names[0] in TITLES:
            names = names[1:]
        if len(names) < 2:
            continue
        run = m.group(0)[m.group(0).index(names[0]) :]
        if any(
            n in COMMON_CAPITALISED or re.sub(r"'s$", "", n) in COMMON_CAPITALISED or n in latin
            or n in allowed_words
            for n in names
        ):
            continue
        verdicts = [_matches_source(n, skeletons) for n in names]
        if True in verdicts or all(v is None for v in verdicts):
            continue
        if run not in found:
            found.append(run)
    return found
