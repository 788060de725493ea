"""Corpus and per-paragraph scores of translations, over the metric registry.

Each paragraph is one segment. Every ``translation`` metric of ``tarjama.metrics.METRICS``
is computed with sacrebleu's defaults (BLEU: 13a tokenisation, exponential smoothing; chrF++:
``word_order=2``; TER: default settings), so the scores equal what the ``sacrebleu`` command
prints on the same paragraph-per-line files, each with its signature. Per-paragraph scores
come from the metrics that have a segment variant (BLEU with effective order, chrF++, TER).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tarjama.metrics import MetricScore, translation_metrics

__all__ = ["MetricScore", "SegmentScore", "score_corpus", "score_segments", "segment_signatures"]


@dataclass(frozen=True)
class SegmentScore:
    """Scores of one paragraph (0-based ``index``)."""

    index: int
    scores: dict[str, float]

    def to_dict(self) -> dict[str, object]:
        return {"index": self.index, **self.scores}


def score_corpus(
    hyps: Sequence[str], refs: Sequence[Sequence[str]], language: str = "en", normalize: bool = False
) -> list[MetricScore]:
    """Corpus scores of ``hyps`` against one or more reference sets, in report order.

    ``language`` is the translations' (into Arabic: BLEU's ``intl`` tokenizer, chrF++ first);
    ``normalize`` the Arabic normalisation of both sides (``tarjama.metrics.base``).
    """
    return [m.corpus(hyps, refs) for m in translation_metrics(language, normalize)]


def segment_signatures(n_refs: int, language: str = "en", normalize: bool = False) -> dict[str, str]:
    """Signatures of the per-paragraph metrics (they differ from corpus ones, e.g. ``eff:yes``)."""
    out = {}
    for m in translation_metrics(language, normalize):
        if (sig := m.segment_signature(n_refs)) is not None:
            out[m.name] = sig
    return out


def score_segments(
    hyps: Sequence[str], refs: Sequence[Sequence[str]], language: str = "en", normalize: bool = False
) -> list[SegmentScore]:
    """Per-paragraph scores of the metrics with a segment variant."""
    metrics = [
        (m, seg) for m in translation_metrics(language, normalize) if (seg := m.segment_metric()) is not None
    ]
    out = []
    for i, hyp in enumerate(hyps):
        seg_refs = [r[i] for r in refs]
        scores = {m.name: m.sentence_score(seg, hyp, seg_refs) for m, seg in metrics}
        out.append(SegmentScore(i, scores))
    return out
