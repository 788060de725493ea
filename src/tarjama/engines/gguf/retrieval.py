"""Examples from a fixed pool, for development: the pool sentences most similar to the one translated.

An option of the embedded engine for ``tarjama eval``, never its default: the caller gives the pool
(``tarjama eval`` builds one from the ntrex-dev split, ``tarjama.dev.datasets.ntrex.example_pool``);
the engine never reads a corpus itself. It is separate from adaptive translation, where a run looks
up the user's own approvals in the translation memory (``tarjama.memory.matches``, the same 3-gram
measure) and hands them to any engine that takes examples on the request
(``TranslationRequest.examples``), after these.

Similarity is the cosine of character 3-gram sets over the normalised view of the Arabic
(``tarjama.text.arabic``: diacritics and tatweel removed, alef/ya/ta marbuta forms unified), a cheap
stand-in for chrF that needs no index beyond the n-gram sets.

The document being translated is never used as a source of examples: the pool excludes every
document that contains the sentence itself (so evaluating on a pool document cannot leak its own
references), plus any document ids the caller names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tarjama.engines.gguf.prompts import Example
from tarjama.text.arabic import normalize


def char_ngrams(text: str, n: int = 3) -> frozenset[str]:
    padded = f" {normalize(text)} "
    return frozenset(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))


@dataclass(frozen=True)
class PoolEntry:
    doc_id: str
    ar: str
    en: str


class ExamplePool:
    """Parallel sentences to draw examples from, with their n-gram sets precomputed."""

    def __init__(self, entries: Iterable[PoolEntry], *, max_words: int = 40) -> None:
        # Very long pairs would make prompts slow without teaching much more.
        self.entries = [e for e in entries if len(e.ar.split()) <= max_words]
        self._grams = [char_ngrams(e.ar) for e in self.entries]
        self._norm = [normalize(e.ar) for e in self.entries]

    def documents_containing(self, source: str) -> set[str]:
        """Ids of pool documents with a sentence that contains ``source`` (normalised)."""
        needle = normalize(source)
        if not needle:
            return set()
        pairs = zip(self.entries, self._norm, strict=True)
        return {e.doc_id for e, text in pairs if needle in text or text in needle}

    def nearest(self, source: str, k: int, exclude_docs: Sequence[str] = ()) -> list[Example]:
        """The ``k`` most similar pairs, least similar first (the closest sits next to the query).

        Ties are broken by pool order, so the choice is deterministic.
        """
        if k <= 0:
            return []
        excluded = set(exclude_docs) | self.documents_containing(source)
        query = char_ngrams(source)
        scored: list[tuple[float, int]] = []
        for i, (entry, grams) in enumerate(zip(self.entries, self._grams, strict=True)):
            if entry.doc_id in excluded:
                continue
            overlap = len(query & grams)
            if overlap:
                scored.append((overlap / math.sqrt(len(query) * len(grams)), i))
        best = sorted(scored, key=lambda s: (-s[0], s[1]))[:k]
        return [Example(self.entries[i].ar, self.entries[i].en) for _, i in reversed(best)]
