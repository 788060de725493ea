"""Names and numbers in an English summary, and whether the article supports them.

A small model asked to summarise invents names (a minister, an agency, a country) and
numbers (a decade, a budget). ``check`` finds every name and number in a generated summary
and reports those that the allowed texts — the Latin-script parts of the Arabic source, its
English translation and the glossary's English for the terms found in the source — do not
contain. One unsupported name or number is enough to reject the summary.

What counts as a **name**, per sentence (split with ``tarjama.text.segment``):

* a run of capitalised words (``Josef Aschbacher``, ``Japan Aerospace Exploration Agency``),
  which may contain the connectors of/for/the/de/von/van/du/da/del/der/al between two
  capitalised words (``Rapid Apophis Mission for Space Safety``). Punctuation ends a run; a
  possessive ’s is dropped (``JAXA's`` → ``JAXA``), as is a lower-case tail after a hyphen
  (``ESA-led`` → ``ESA``, which then ends its run: ``ESA-led Rapid Apophis`` is two names);
* the first word of a sentence, or of a quotation or a clause after a colon, is capitalised
  for grammar, not because it is a name, so it is dropped from the run it starts — unless it
  is acronym-like (below). ``The European Space Agency said`` gives ``European Space Agency``;
  a lone ``Both`` or ``Together`` gives nothing. The cost: a one-word name that opens a
  sentence (``Yamakawa said``) is not checked; a name of two or more words still is;
* acronym-like words anywhere, even alone at a sentence start: two or more capital letters
  (``ESA``, ``LiteBIRD``, ``ADRAS-J``) or letters mixed with digits (``CX-4``);
* ``I`` and abbreviated titles (Dr, Mr, Mrs, Ms, Prof) are not names.

A name is **supported** when the whole name occurs in the allowed text (case-insensitive,
on word boundaries), or else when each of its capitalised words occurs there written the
same way (case-sensitive), so ``ESA Director General Josef Aschbacher`` is accepted when the
translation has ``ESA``, ``Director``, ``General``, ``Josef`` and ``Aschbacher``. The second rule
accepts new combinations of known words ("Japanese Space Agency" if the article has
Japanese, Space and Agency): it catches invented names, not misattributions.

A **number** is a run of digits (with , or . between digit groups, commas ignored); it is
supported when the allowed text contains the same number, Arabic-Indic digits included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tarjama.text.arabic import western_digits
from tarjama.text.segment import split_sentences
from tarjama.text.terms import contains

# A word: letters (any alphabet, so José stays whole), digits, inner hyphens and apostrophes.
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:[-'’][^\W_]+)*|\d+(?:[.,]\d+)*[^\W\d_]*")
CONNECTORS = frozenset({"of", "for", "the", "de", "von", "van", "du", "da", "del", "der", "al"})
# Capitalised words that are never names by themselves: the pronoun, and abbreviated titles.
_NOT_NAMES = frozenset({"I", "Dr", "Mr", "Mrs", "Ms", "Prof", "Sr", "Jr", "St"})
# What may stand before a word that is capitalised for grammar: an opening quote, a colon.
_CLAUSE_OPENERS = re.compile(r"[:\"“«‘(\[]\s*$")
_SENTENCE_START = re.compile(r"^[\s\"“«‘(\[]*$")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN_SPAN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .'’&-]*[A-Za-z0-9]|[A-Za-z]")


def acronym_like(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    has_digit = any(c.isdigit() for c in word)
    return upper >= 2 or (has_digit and bool(letters))


def _clean(word: str) -> str:
    for tail in ("'s", "’s", "'", "’"):
        if word.endswith(tail) and len(word) > len(tail):
            word = word[: -len(tail)]
            break
    parts = word.split("-")
    while len(parts) > 1 and parts[-1].islower():
        parts.pop()  # ESA-led → ESA
    return "-".join(parts)


@dataclass
class _Flusher:
    """Ends the current run of capitalised words: records it as a name and starts afresh."""

    found: list[str]
    run: list[str]
    pending: list[str]

    def __call__(self) -> None:
        if self.run:
            self.found.append(" ".join(self.run))
        self.run.clear()
        self.pending.clear()


def names(text: str) -> list[str]:
    """The names in English ``text``, in order, without repeats (rules in the module docstring)."""
    found: list[str] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        run: list[str] = []
        pending: list[str] = []  # connectors waiting for a capitalised word after them
        prev_end = 0
        flush = _Flusher(found, run, pending)
        for m in _WORD.finditer(sentence):
            gap = sentence[prev_end : m.start()]
            pattern = _SENTENCE_START.match if prev_end == 0 else _CLAUSE_OPENERS.search
            opener = bool(pattern(gap))
            if gap.strip():
                flush()
            prev_end = m.end()
            word = _clean(m.group())
            # "ESA-led Rapid Apophis …": the hyphenated modifier ends its own name.
            modifier = word.count("-") < m.group().count("-")
            if word[:1].isdigit():
                flush()
                continue
            if word in CONNECTORS and run:
                pending.append(word)
                continue
            if word[:1].isupper() and word not in _NOT_NAMES:
                if opener and not acronym_like(word):
                    flush()  # sentence- or clause-initial capital: grammar, not a name
                    continue
                run.extend(pending)
                pending.clear()
                run.append(word)
                if modifier:
                    flush()
            else:
                flush()
        flush()
    return list(dict.fromkeys(found))


def numbers(text: str) -> list[str]:
    """The numbers in ``text`` (commas removed, Arabic-Indic digits as ASCII), without repeats."""
    return list(dict.fromkeys(n.replace(",", "") for n in _NUMBER.findall(western_digits(text))))


def latin_spans(text: str) -> list[str]:
    """The Latin-script stretches of an Arabic text ("Rapid Apophis Mission for Space Safety", "ESA")."""
    return [m.group() for m in _LATIN_SPAN.finditer(text)]


@dataclass
class SupportCheck:
    names: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    unsupported_names: list[str] = field(default_factory=list)
    unsupported_numbers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unsupported_names and not self.unsupported_numbers

    def reason(self) -> str:
        parts = []
        if self.unsupported_names:
            parts.append("names not in the source, its translation or the glossary: "
                         + ", ".join(self.unsupported_names))
        if self.unsupported_numbers:
            numbers = ", ".join(self.unsupported_numbers)
            parts.append(f"numbers not in the source or its translation: {numbers}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, list[str]]:
        return {
            "names": self.names,
            "numbers": self.numbers,
            "unsupported_names": self.unsupported_names,
            "unsupported_numbers": self.unsupported_numbers,
        }


def supported(name: str, allowed: str) -> bool:
    """Whether ``name`` is backed by ``allowed`` (whole name, or each capitalised word as written)."""
    if contains(allowed, name, ignore_case=True):
        return True
    return all(contains(allowed, w) for w in name.split() if w not in CONNECTORS)


def check(summary: str, allowed_texts: Iterable[str]) -> SupportCheck:
    """Names and numbers of ``summary`` and those ``allowed_texts`` do not support."""
    allowed = "\n".join(allowed_texts)
    allowed_numbers = set(numbers(allowed))
    result = SupportCheck(names=names(summary), numbers=numbers(summary))
    result.unsupported_names = [n for n in result.names if not supported(n, allowed)]
    result.unsupported_numbers = [n for n in result.numbers if n not in allowed_numbers]
    return result
