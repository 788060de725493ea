"""Terms in English text: the one rule for "is this term present", and what builds on it.

The engine's retry, glossary enforcement, term accuracy, report highlights, the glossary
lint and the summary name check all decide presence with ``phrase_pattern``:

* **whole words**: no letter, digit or underscore directly before or after the term. A
  hyphen is a boundary on both sides: "ESA-led" and "the ESA-JAXA agreement" contain ESA and
  JAXA. Possessives pass ("ESA's", "JAXA’s": the apostrophe is a boundary); plurals and
  other inflections do not ("JAXAs"), because for names they are a different form;
* **any whitespace run** between the words of a term (engines vary spacing and line breaks);
* **case as written**, with one tolerance: a glossary ``concept`` whose canonical form starts
  in lower case ("planetary defence") may start with a capital, since it may begin a
  sentence. Names keep their case ("ispace" stays "ispace"). Callers that compare names
  loosely (lint, the summary check) ask for ``ignore_case``.

Expected terms are counted with multiplicity, as in the WMT 2021 terminology task: if a
segment's source has ESA three times, the translation needs "ESA" three times, and
``check_terms`` returns one entry per missing occurrence. ``rewrite_variants`` replaces listed
English variants (matched case-insensitively, whole words) with the canonical form; canonical
forms themselves are protected, so a variant inside a canonical name ("Aschbacher" in "Josef
Aschbacher") never rewrites there.

**Arabic translations** (English→Arabic runs): a glossary term the translation must hold is an
``ArabicTerm``, every Arabic form of the entry, found by the glossary matcher's rules from the
other side (``tarjama.text.arabic.form_spans``): the normalised view (alef, ya, ta marbuta and
hamza variants, diacritics and tatweel ignored), whole words, the proclitics و ف ب ل ك and
the article, a form stored with ال requiring it. Every function of this module that counts or
finds a term (``count_term``, ``term_spans``, ``check_terms``, ``missing`` …) takes either kind;
Arabic spellings are never rewritten.

Until this module existed the engine used a stricter rule than enforcement and scoring (no
hyphen before a term, one literal space, exact case), so it could retry a sentence whose term
scoring counted as present.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from tarjama.text.arabic import form_spans

BEFORE = r"(?<!\w)"
AFTER = r"(?!\w)"


class TermLike(Protocol):
    """What the rule needs of a term: its English form and its kind (``concept`` or a name kind)."""

    @property
    def en(self) -> str: ...

    @property
    def kind(self) -> str: ...


@dataclass(frozen=True)
class Term:
    """A term to look for: a glossary target with its kind, or a name copied from the source ("")."""

    en: str
    kind: str = ""


@dataclass(frozen=True)
class ArabicTerm:
    """A glossary term as an Arabic translation must contain it (English→Arabic runs).

    ``en`` is, as for every term of this module, the form a translation is asked to write
    (here the entry's first Arabic form); ``forms`` are all the entry's Arabic forms, any of
    which counts. ``en_variants`` is empty: Arabic spellings are never rewritten.
    """

    en: str
    kind: str = ""
    forms: tuple[str, ...] = ()
    en_variants: tuple[str, ...] = ()


def _words(phrase: str) -> str:
    return r"\s+".join(re.escape(w) for w in phrase.split())


@lru_cache(maxsize=8192)
def phrase_pattern(phrase: str, *, ignore_case: bool = False, capital_start: bool = False) -> re.Pattern[str]:
    """The pattern that finds ``phrase`` in English text by the rule of this module.

    ``capital_start`` also accepts a capital first letter when ``phrase`` starts in lower case.
    """
    words = [re.escape(w) for w in phrase.split()]
    if not words:
        raise ValueError("an empty phrase is never present")
    if capital_start and not ignore_case and phrase[:1].islower():
        first = phrase.split()[0]
        words[0] = f"[{first[0]}{first[0].upper()}]" + re.escape(first[1:])
    return re.compile(BEFORE + r"\s+".join(words) + AFTER, re.IGNORECASE if ignore_case else 0)


def term_pattern(term: TermLike) -> re.Pattern[str]:
    """The pattern of a glossary term's canonical English (concepts may start with a capital)."""
    return phrase_pattern(term.en, capital_start=term.kind == "concept")


def count_term(text: str, term: TermLike) -> int:
    """How many times ``term`` occurs in ``text`` (its English, or an ``ArabicTerm``'s forms)."""
    if isinstance(term, ArabicTerm):
        return len(form_spans(text, term.forms or (term.en,)))
    return len(term_pattern(term).findall(text))


def term_present(text: str, term: TermLike) -> bool:
    """Whether ``term`` occurs in ``text``."""
    if isinstance(term, ArabicTerm):
        return bool(form_spans(text, term.forms or (term.en,)))
    return term_pattern(term).search(text) is not None


def term_spans(text: str, term: TermLike) -> list[tuple[int, int]]:
    """Where ``term`` occurs in ``text``: exactly the occurrences ``count_term`` counts."""
    if isinstance(term, ArabicTerm):
        return form_spans(text, term.forms or (term.en,))
    return [m.span() for m in term_pattern(term).finditer(text)]


def contains(text: str, phrase: str, *, ignore_case: bool = False) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words (exact case unless ``ignore_case``)."""
    return phrase_pattern(phrase, ignore_case=ignore_case).search(text) is not None


def missing(text: str, terms: Iterable[TermLike]) -> list[TermLike]:
    """The terms of ``terms`` that do not occur in ``text`` at all, in order, each once."""
    return [t for t in dict.fromkeys(terms) if not term_present(text, t)]


def check_terms(text: str, expected: Sequence[TermLike]) -> list[TermLike]:
    """The expected terms missing from ``text``, one per missing occurrence, in order.

    ``expected`` is typically the glossary entries matched in the source: an entry listed k
    times needs k occurrences of its English. Entries sharing one English form share the count.
    """
    needed = Counter(e.en for e in expected)
    have = {en: count_term(text, next(e for e in expected if e.en == en)) for en in needed}
    out: list[TermLike] = []
    seen: Counter[str] = Counter()
    for entry in expected:
        seen[entry.en] += 1
        if seen[entry.en] > have[entry.en]:
            out.append(entry)
    return out


class VariantSource(TermLike, Protocol):
    @property
    def en_variants(self) -> Sequence[str]: ...


@lru_cache(maxsize=64)
def _variant_pattern(
    pairs: tuple[tuple[str, str, bool], ...],
) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One regex over all variants and canonical forms, longest first; variant (casefold) → canonical."""
    mapping: dict[str, str] = {}
    alternatives: dict[str, str] = {}
    for variant, canonical, _ in pairs:
        mapping.setdefault(variant.casefold(), canonical)
        alternatives[f"(?i:{_words(variant)})"] = variant
        alternatives[f"(?-i:{_words(canonical)})"] = canonical
    if not alternatives:
        return None, mapping
    ordered = sorted(alternatives, key=lambda alt: (-len(alternatives[alt]), alt.startswith("(?i")))
    return re.compile(f"{BEFORE}(?:{'|'.join(ordered)}){AFTER}"), mapping


def rewrite_variants(text: str, entries: Iterable[VariantSource]) -> tuple[str, list[tuple[str, str]]]:
    """Rewrite every listed English variant to its canonical form; return new text and (old, new) pairs.

    Deterministic: one left-to-right pass, longest alternative first at each position. A
    ``concept`` rewritten at a capitalised position keeps the capital ("Planetary defense" →
    "Planetary defence").
    """
    pairs = tuple(sorted({(v, e.en, e.kind == "concept") for e in entries for v in e.en_variants}))
    pattern, mapping = _variant_pattern(pairs)
    if pattern is None:
        return text, []
    concepts = {canonical for _, canonical, concept in pairs if concept}
    changes: list[tuple[str, str]] = []

    def replace(m: re.Match[str]) -> str:
        old = m.group(0)
        new = mapping.get(" ".join(old.split()).casefold())
        if new is None:  # a protected canonical form
            return old
        if new in concepts and old[:1].isupper() and new[:1].islower():
            new = new[0].upper() + new[1:]
        if new != old:
            changes.append((old, new))
        return new

    return pattern.sub(replace, text), changes
