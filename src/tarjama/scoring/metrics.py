"""Corpus and per-paragraph scores through sacrebleu's Python API.

Each paragraph is one segment. Corpus scores use sacrebleu's defaults (BLEU: 13a
tokenisation, exponential smoothing; chrF++: ``word_order=2``; TER: default settings), so
they equal what the ``sacrebleu`` command prints on the same paragraph-per-line files, and
each comes with its sacrebleu signature. Per-paragraph BLEU uses effective order, the
usual fix for short segments that miss higher-order n-grams.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric

# Report order; names are sacrebleu's own score names.
METRIC_NAMES = ("BLEU", "chrF2++", "chrF2", "TER")
# Metrics where a lower score is better.
LOWER_IS_BETTER = frozenset({"TER"})


def corpus_metrics() -> dict[str, Metric]:
    """Fresh metric objects for corpus scoring, keyed by score name."""
    return {"BLEU": BLEU(), "chrF2++": CHRF(word_order=2), "chrF2": CHRF(), "TER": TER()}


def segment_metrics() -> dict[str, Metric]:
    """Metric objects for per-paragraph scores (BLEU with effective order)."""
    return {"BLEU": BLEU(effective_order=True), "chrF2++": CHRF(word_order=2), "TER": TER()}


@dataclass(frozen=True)
class MetricScore:
    """One corpus score with the sacrebleu signature that makes it reproducible."""

    name: str
    score: float
    signature: str
    verbose: str  # sacrebleu's detail string, e.g. BLEU's n-gram precisions and BP
    lower_is_better: bool = False

    def formatted(self, width: int = 1) -> str:
        return f"{self.score:.{width}f}"

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "score": self.score,
            "signature": self.signature,
            "verbose": self.verbose,
            "lower_is_better": self.lower_is_better,
        }


@dataclass(frozen=True)
class SegmentScore:
    """Scores of one paragraph (0-based ``index``)."""

    index: int
    scores: dict[str, float]

    def to_dict(self) -> dict[str, object]:
        return {"index": self.index, **self.scores}


def ref_streams(refs: Sequence[Sequence[str]]) -> list[list[str]]:
    """sacrebleu's reference layout: one list per reference *set*, each aligned with the hypotheses."""
    return [list(r) for r in refs]


def score_corpus(hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> list[MetricScore]:
    """Corpus BLEU, chrF++, chrF and TER of ``hyps`` against one or more reference sets."""
    streams = ref_streams(refs)
    results = []
    for name, metric in corpus_metrics().items():
        score = metric.corpus_score(list(hyps), streams)
        results.append(
            MetricScore(
                name=score.name,
                score=float(score.score),
                signature=metric.get_signature().format(),
                verbose=_verbose(score),
                lower_is_better=name in LOWER_IS_BETTER,
            )
        )
    return results


def segment_signatures(n_refs: int) -> dict[str, str]:
    """Signatures of the per-paragraph metrics (they differ from corpus ones, e.g. ``eff:yes``)."""
    out = {}
    for name, metric in segment_metrics().items():
        # sentence_score never caches references, so sacrebleu does not know the count yet;
        # set it the way its _cache_references would.
        metric.num_refs = n_refs
        out[name] = metric.get_signature().format()
    return out


def score_segments(hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> list[SegmentScore]:
    """Per-paragraph BLEU (effective order), chrF++ and TER."""
    metrics = segment_metrics()
    out = []
    for i, hyp in enumerate(hyps):
        seg_refs = [r[i] for r in refs]
        scores = {name: float(m.sentence_score(hyp, seg_refs).score) for name, m in metrics.items()}
        out.append(SegmentScore(i, scores))
    return out


def _verbose(score: object) -> str:
    # BLEU and TER expose extra detail after the score in format(); keep just that part.
    text = score.format(width=1, score_only=False)  # type: ignore[attr-defined]
    _, _, rest = text.partition(" = ")
    _, _, detail = rest.partition(" ")
    return detail.strip()
