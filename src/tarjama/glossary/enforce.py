"""Pure helpers for glossary enforcement on English output (the retry loop lives in the pipeline).

Rules, shared with ``tarjama.metrics.terms`` so that enforcement and scoring agree:

* A term is present where its canonical English occurs as whole words (no letter, digit or
  underscore on either side), in exactly the canonical spelling and case. Possessives pass
  ("ESA's", "JAXA’s": the apostrophe is a boundary); plurals and other inflections do not
  ("JAXAs"), because for names they are a different form. The one case tolerance: a
  ``concept`` whose canonical form starts in lower case ("planetary defence") may start with
  a capital, since it may begin a sentence. Names keep their case ("ispace" stays "ispace").
* Expected terms are counted with multiplicity, as in the WMT 2021 terminology task: if a
  segment's source has ESA three times, the translation needs "ESA" three times, and
  ``check_terms`` returns one entry per missing occurrence.
* ``rewrite_variants`` replaces listed English variants (matched case-insensitively, whole
  words) with the canonical form. Canonical forms themselves are protected (matched
  case-sensitively first), so a variant that is part of a canonical name ("Aschbacher" in
  "Josef Aschbacher") never rewrites inside it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from tarjama.glossary.model import GlossaryEntry


def _words(term: str) -> str:
    # Any whitespace run between words: engines vary spacing and line breaks.
    return r"\s+".join(re.escape(w) for w in term.split())


@lru_cache(maxsize=4096)
def _term_pattern(en: str, concept: bool) -> re.Pattern[str]:
    words = [re.escape(w) for w in en.split()]
    if concept and en[:1].islower():
        words[0] = f"[{en[0]}{en[0].upper()}]" + re.escape(en.split()[0][1:])
    body = r"\s+".join(words)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def count_term(translation: str, entry: GlossaryEntry) -> int:
    """How many times ``entry``'s canonical English occurs in ``translation``."""
    return len(_term_pattern(entry.en, entry.kind == "concept").findall(translation))


def term_present(translation: str, entry: GlossaryEntry) -> bool:
    """Whether ``entry``'s canonical English occurs in ``translation`` (rules in the module doc)."""
    return _term_pattern(entry.en, entry.kind == "concept").search(translation) is not None


def check_terms(translation: str, expected: Sequence[GlossaryEntry]) -> list[GlossaryEntry]:
    """The expected terms missing from ``translation``, one per missing occurrence, in order.

    ``expected`` is typically ``[m.entry for m in glossary.match(source)]``: an entry listed
    k times needs k occurrences of its English. Entries sharing one English form share the count.
    """
    needed = Counter(e.en for e in expected)
    have = {en: count_term(translation, next(e for e in expected if e.en == en)) for en in needed}
    missing: list[GlossaryEntry] = []
    seen: Counter[str] = Counter()
    for entry in expected:
        seen[entry.en] += 1
        if seen[entry.en] > have[entry.en]:
            missing.append(entry)
    return missing


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
    return re.compile(rf"(?<!\w)(?:{'|'.join(ordered)})(?!\w)"), mapping


def rewrite_variants(translation: str, entries: Iterable[GlossaryEntry]) -> tuple[str, list[tuple[str, str]]]:
    """Rewrite every listed English variant to its canonical form; return new text and (old, new) pairs.

    Deterministic: one left-to-right pass, longest alternative first at each position. A
    ``concept`` rewritten at a capitalised position keeps the capital ("Planetary defense" →
    "Planetary defence").
    """
    pairs = tuple(sorted({(v, e.en, e.kind == "concept") for e in entries for v in e.en_variants}))
    pattern, mapping = _variant_pattern(pairs)
    if pattern is None:
        return translation, []
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

    return pattern.sub(replace, translation), changes
