"""ROUGE-1, ROUGE-2 and ROUGE-L for Arabic and English summaries.

The definitions are those of Lin (2004) as implemented by Google's ``rouge-score``
package (``rouge1``, ``rouge2``, ``rougeL``):

* ROUGE-N: clipped n-gram overlap; precision = overlap / hypothesis n-grams, recall =
  overlap / reference n-grams, F1 their harmonic mean;
* ROUGE-L: longest common subsequence of the two token sequences taken whole (not the
  summary-level ``rougeLsum``); precision = LCS / hypothesis length, recall = LCS /
  reference length.

Only the tokeniser differs: ``tarjama.metrics.tokenize`` (normalised Arabic view, split on
non-letters, optional clitic stripping; English lower-cased and split on non-alphanumerics).
For English ASCII text it gives the same tokens as ``rouge-score`` without stemming, so the
scores are identical (tested); for Arabic, ``rouge-score`` sees no tokens at all.

Several references: each is scored separately and, as ``rouge-score``'s ``score_multi``
does, the reference with the best F1 is reported for each measure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from tarjama.metrics.base import Metric
from tarjama.metrics.tokenize import tokenize

MEASURES = ("ROUGE-1", "ROUGE-2", "ROUGE-L")


@dataclass(frozen=True)
class RougeScore:
    """One measure on a 0–1 scale (reports show it ×100)."""

    name: str
    precision: float
    recall: float
    f1: float

    def to_dict(self) -> dict[str, float | str]:
        return asdict(self)


def _prf(overlap: int, hyp_total: int, ref_total: int) -> tuple[float, float, float]:
    precision = overlap / hyp_total if hyp_total else 0.0
    recall = overlap / ref_total if ref_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(hyp: Sequence[str], ref: Sequence[str], n: int) -> RougeScore:
    """ROUGE-N of two token sequences."""
    h, r = _ngrams(hyp, n), _ngrams(ref, n)
    overlap = sum((h & r).values())
    return RougeScore(f"ROUGE-{n}", *_prf(overlap, sum(h.values()), sum(r.values())))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence (dynamic programming, O(len(a)·len(b)) time)."""
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l(hyp: Sequence[str], ref: Sequence[str]) -> RougeScore:
    """ROUGE-L (whole-sequence LCS) of two token sequences."""
    return RougeScore("ROUGE-L", *_prf(lcs_length(hyp, ref), len(hyp), len(ref)))


def rouge_tokens(hyp: Sequence[str], ref: Sequence[str]) -> list[RougeScore]:
    return [rouge_n(hyp, ref, 1), rouge_n(hyp, ref, 2), rouge_l(hyp, ref)]


def rouge(
    hypothesis: str, references: str | Sequence[str], *, strip_clitics: bool = False
) -> list[RougeScore]:
    """ROUGE-1, ROUGE-2 and ROUGE-L of ``hypothesis`` against one or more reference texts."""
    refs = [references] if isinstance(references, str) else list(references)
    if not refs:
        raise ValueError("at least one reference is needed")
    hyp = tokenize(hypothesis, strip_clitics=strip_clitics)
    per_ref = [rouge_tokens(hyp, tokenize(r, strip_clitics=strip_clitics)) for r in refs]
    return [max((scores[k] for scores in per_ref), key=lambda s: s.f1) for k in range(len(MEASURES))]


class RougeMetric(Metric):
    """The registry's entry for ROUGE-1/2/L of summaries."""

    name = "ROUGE"
    kind = "summary"

    def compute(
        self, hypothesis: str, references: str | Sequence[str], *, strip_clitics: bool = False
    ) -> list[RougeScore]:
        return rouge(hypothesis, references, strip_clitics=strip_clitics)
