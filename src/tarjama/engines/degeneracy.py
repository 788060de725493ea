"""Detecting and trimming degenerate LLM output.

Small generative models fail in recognisable ways: they loop ("the the the …", a clause
repeated until the token limit), return nothing, answer in Arabic instead of translating,
or ramble far beyond what the source warrants. ``problems`` names each failure so the
engine can retry with a different decoding setup and, if that fails too, record what is
wrong instead of passing bad output off as a translation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_WORD = re.compile(r"\S+")
# A Latin-script name inside Arabic text: ESA, LiteBIRD, ADRAS-J, M-MATISSE, ispace.
_LATIN_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*(?![A-Za-z0-9])")

# English has roughly 1.1–1.6 words per Arabic word in news; these bounds are far outside that.
MAX_LENGTH_RATIO = 3.0
MIN_LENGTH_RATIO = 0.3


def arabic_share(text: str) -> float:
    letters = _LETTER.findall(text)
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _ARABIC.match(ch)) / len(letters)


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


def latin_names(source: str) -> list[str]:
    """Latin-script words in an Arabic source, in order, without repeats.

    Names written in Latin letters inside Arabic text (ESA, LiteBIRD, ADRAS-J) are meant to be
    copied unchanged; their absence is a cheap, reliable sign of a dropped or mangled name.
    """
    return list(dict.fromkeys(_LATIN_NAME.findall(source)))


def missing_terms(output: str, terms: Sequence[str]) -> list[str]:
    """The terms that do not occur in ``output`` as whole words (case-sensitive)."""
    # A hyphen may follow (ESA-led, ESA-built) but not precede (M-MATISSE is not MATISSE).
    return [t for t in terms if not re.search(r"(?<![\w-])" + re.escape(t) + r"(?!\w)", output)]


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


def missing_latin_names(source: str, output: str) -> list[str]:
    """Latin-script names of ``source`` that ``output`` does not contain verbatim."""
    return missing_terms(output, latin_names(source))


_CHATTER = re.compile(r"(?<!\w)[#@]\w|https?://")


def has_chatter(source: str, output: str) -> bool:
    """Social-media residue (emoji, #tags, @handles, links) that the source does not have."""
    if _CHATTER.search(output) and not _CHATTER.search(source):
        return True
    return any(unicodedata.category(ch) == "So" and ch not in source for ch in output)


def length_ratio(source: str, output: str) -> float:
    return len(_WORD.findall(output)) / max(1, len(_WORD.findall(source)))


def problems(source: str, output: str) -> list[str]:
    """Names of the ways ``output`` is not a usable English translation of ``source``."""
    found: list[str] = []
    if not output.strip():
        return ["empty output"]
    if arabic_share(output) > 0.3:
        found.append("output is still in Arabic")
    if find_loop(output) is not None:
        found.append("repetition loop")
    if has_chatter(source, output):
        found.append("output contains emoji, hashtags or links not in the source")
    ratio = length_ratio(source, output)
    source_words = len(_WORD.findall(source))
    # Very short sources ("نعم.") legitimately vary a lot in length; judge only real sentences.
    if source_words >= 4 and ratio > MAX_LENGTH_RATIO:
        found.append(f"output {ratio:.1f}x the source length")
    elif source_words >= 4 and ratio < MIN_LENGTH_RATIO:
        found.append(f"output only {ratio:.2f}x the source length")
    return found
