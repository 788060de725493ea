"""Terminology accuracy: exact-match term accuracy in the sense of the WMT 2021 terminology task.

Alam et al. (2021), "On the Evaluation of Machine Translation for Terminology Consistency":
the fraction of source-side term occurrences whose target term appears in the hypothesis.
As in their reference script, occurrences are counted with multiplicity and each hypothesis
occurrence can satisfy only one source occurrence, so per segment and term
``correct = min(source occurrences, hypothesis occurrences)``.

Source occurrences come from ``Glossary.match`` (clitic-aware, longest match); hypothesis
occurrences from ``tarjama.text.terms.count_term`` (canonical English, whole words, case as
in the glossary; possessives count, plurals do not). Two deliberate differences from the
WMT script: word boundaries are regex boundaries rather than whitespace tokens (so "ESA's"
and "(ESA)" count), and there is no lemmatised fallback. Entries that share an English form
are pooled under that form.

English→Arabic (``direction`` en-ar) the sides swap: source occurrences are the glossary's
English matched in the English source (``tarjama.glossary.english``: whole words, case rules,
plurals and possessives), hypothesis occurrences any Arabic form of the entry, found
Arabic-aware (``tarjama.text.terms.ArabicTerm``: clitics, the article, spelling variants,
diacritics and tatweel ignored); terms are reported by the Arabic form a translation writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tarjama.errors import TarjamaError
from tarjama.glossary import Glossary, GlossaryEntry
from tarjama.metrics.base import Metric
from tarjama.text.terms import ArabicTerm, count_term
from tarjama.types import AR_EN, Direction


@dataclass
class TermAccuracy:
    correct: int = 0
    total: int = 0
    # Canonical English → (correct, total) over all segments, in order of first occurrence.
    per_term: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Per segment: (correct, total, missing English terms — one item per missing occurrence).
    per_segment: list[tuple[int, int, list[str]]] = field(default_factory=list)

    @property
    def score(self) -> float | None:
        """Accuracy in percent, or None when the sources contain no glossary term."""
        return 100.0 * self.correct / self.total if self.total else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "total": self.total,
            "score": None if self.score is None else round(self.score, 2),
            "per_term": {en: {"correct": c, "total": t} for en, (c, t) in self.per_term.items()},
            "per_segment": [{"correct": c, "total": t, "missing": m} for c, t, m in self.per_segment],
        }


def term_accuracy(
    sources: Sequence[str], hypotheses: Sequence[str], glossary: Glossary, direction: Direction = AR_EN
) -> TermAccuracy:
    """Term accuracy of ``hypotheses`` against the glossary terms found in aligned ``sources``."""
    if len(sources) != len(hypotheses):
        raise TarjamaError(f"term accuracy needs aligned segments: {len(sources)} source segment(s) but "
                           f"{len(hypotheses)} hypothesis segment(s); check that both files split alike")
    result = TermAccuracy()
    per_term: dict[str, list[int]] = {}
    for source, hypothesis in zip(sources, hypotheses, strict=True):
        entries: dict[str, GlossaryEntry | ArabicTerm] = {}
        needed: Counter[str] = Counter()
        for m in glossary.match(source, direction.source):
            term = m.entry.towards(direction)
            entries.setdefault(term.en, term)
            needed[term.en] += 1
        seg_correct, missing = 0, []
        for en, count in needed.items():
            ok = min(count, count_term(hypothesis, entries[en]))
            seg_correct += ok
            missing += [en] * (count - ok)
            tally = per_term.setdefault(en, [0, 0])
            tally[0] += ok
            tally[1] += count
        total = sum(needed.values())
        result.per_segment.append((seg_correct, total, missing))
        result.correct += seg_correct
        result.total += total
    result.per_term = {en: (c, t) for en, (c, t) in per_term.items()}
    return result


class TermAccuracyMetric(Metric):
    """The registry's entry for term accuracy (reported in percent)."""

    name = "Term accuracy"
    kind = "terms"

    def compute(
        self,
        sources: Sequence[str],
        hypotheses: Sequence[str],
        glossary: Glossary,
        direction: Direction = AR_EN,
    ) -> TermAccuracy:
        return term_accuracy(sources, hypotheses, glossary, direction)
