"""Detecting and trimming degenerate LLM output.

Small generative models fail in recognisable ways: they loop ("the the the …", a clause
repeated until the token limit), return nothing, answer in Arabic instead of translating,
or ramble far beyond what the source warrants. The predicates here recognise each failure;
``tarjama.engines.gguf.retry`` turns them into typed issues and retries degenerate output
itself. The one length rule (``length_verdict``, two bands: human translations and degenerate
output) is shared with the length check (``tarjama.checks.length``); ``doubled_spellings``
finds what a careless repair leaves ("August/Agust"); ``invented_names`` is the multi-word
name rule an engine may retry on (``check_invented``; the names check itself uses
``tarjama.text.names``).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence

from tarjama.text.arabic import SCRIPT, arabic_share, latin_names, proclitic_readings
from tarjama.text.names import COMMON_CAPITALISED, TITLES, arabic_skeleton, english_skeleton, skeletons_match

# Length is counted in letters and digits (any script; spaces and punctuation left out), which
# varies far less between Arabic and English than word counts do (Arabic attaches clitics and
# pronouns to words). One rule, two bands:
# * human translations: on the 640 ntrex-dev sentences of four or more Arabic words, English
#   references have 0.58–1.76 times the letters and digits of their source (0.5th and 99.5th
#   percentiles, median 1.08; ``python scripts/bench_fidelity.py --length-band``). Outside it a
#   translation has probably dropped or added something: the length check's error;
# * degenerate output: far outside that (under 0.3 or over 3 times), what an engine retries
#   itself (a model that rambles or stops after a few words).
LOW, HIGH = 0.58, 1.76
FAR_LOW, FAR_HIGH = 0.3, 3.0
# Sources under this many words vary too much in length to be judged.
MIN_SOURCE_WORDS = 4
# Above this share of Arabic letters the "translation" is still Arabic.
STILL_ARABIC_SHARE = 0.3
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def size(text: str) -> int:
    """Letters and digits of ``text``, any script."""
    return len(_LETTER_OR_DIGIT.findall(text))


def length_ratio(source: str, output: str) -> float:
    """Letters and digits of ``output`` per letter or digit of ``source``."""
    return size(output) / max(1, size(source))


def length_verdict(
    source: str, output: str, band: tuple[float, float] = (FAR_LOW, FAR_HIGH)
) -> tuple[str, float]:
    """("long" | "short" | "", ratio): whether ``output`` is outside ``band`` for ``source``
    (default: the degenerate band; ``(LOW, HIGH)`` is the human band). Sources under
    ``MIN_SOURCE_WORDS`` words ("نعم.") and empty outputs are not judged."""
    ratio = length_ratio(source, output)
    if len(source.split()) < MIN_SOURCE_WORDS or not output.strip():
        return "", ratio
    if ratio > band[1]:
        return "long", ratio
    if ratio < band[0]:
        return "short", ratio
    return "", ratio


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
    if len(source.split()) < MIN_SOURCE_WORDS or not any(ch.isalpha() for ch in output):
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


_SLASHED = re.compile(r"(?<![\w/])([A-Za-z][A-Za-z'-]+)/([A-Za-z][A-Za-z'-]+)(?![\w/])")


def doubled_spellings(text: str) -> list[tuple[int, int]]:
    """Spans of two spellings of one word joined by a slash ("August/Agust", "Yamakawa/Yamakaoua"):
    what a repair that pasted a hint next to the model's own spelling leaves. Different words
    ("and/or", "his/her") are not doubled spellings."""
    from rapidfuzz.distance import Indel

    out = []
    for m in _SLASHED.finditer(text):
        a, b = m.group(1).lower(), m.group(2).lower()
        if a != b and min(len(a), len(b)) >= 3 and Indel.normalized_similarity(a, b) >= 0.7:
            out.append(m.span())
    return out


_CHATTER = re.compile(r"(?<!\w)[#@]\w|https?://")


def has_chatter(source: str, output: str) -> bool:
    """Social-media residue (emoji, #tags, @handles, links) that the source does not have."""
    if _CHATTER.search(output) and not _CHATTER.search(source):
        return True
    return any(unicodedata.category(ch) == "So" and ch not in source for ch in output)


_NAME = re.compile(r"(?<![\w'-])[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*")


def _matches_source(word: str, skeletons: set[str]) -> bool | None:
    """Whether ``word`` may transliterate one or two adjacent source words; None: too short to tell."""
    skel = english_skeleton(re.sub(r"'s$", "", word))
    if len(skel) <= 1:
        return None
    return any(skeletons_match(skel, s) for s in skeletons)


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
        skeletons |= {arabic_skeleton(r) for r in proclitic_readings(w)}
    for a, b in itertools.pairwise(words):
        skeletons |= {arabic_skeleton(r) + arabic_skeleton(b) for r in proclitic_readings(a)}
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
            n in COMMON_CAPITALISED
            or re.sub(r"'s$", "", n) in COMMON_CAPITALISED
            or n in latin
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
