"""Metrics: one module per metric over a small base (``base``), and the registry ``METRICS``.

============  ===========  ==================================================================
name          kind         module
============  ===========  ==================================================================
BLEU          translation  ``bleu`` (sacrebleu)
chrF2++       translation  ``chrf`` (sacrebleu, word order 2)
chrF2         translation  ``chrf`` (sacrebleu, corpus only)
TER           translation  ``ter`` (sacrebleu; lower is better)
Term accuracy terms        ``terms`` (WMT 2021 terminology accuracy against the glossary)
ROUGE         summary      ``rouge`` (ROUGE-1/2/L over ``tokenize``'s Arabic/English tokens)
HTER          post-edit    ``hter`` (TER from machine translation to human post-edit)
============  ===========  ==================================================================

``tarjama score`` and every report iterate the registry in this order; a new metric is a new
module and one line here.
"""

from __future__ import annotations

from tarjama.metrics.base import Metric, MetricScore, SacreMetric
from tarjama.metrics.bleu import BLEU
from tarjama.metrics.chrf import ChrF, ChrFPlusPlus
from tarjama.metrics.hter import HTER
from tarjama.metrics.rouge import RougeMetric
from tarjama.metrics.ter import TER
from tarjama.metrics.term_accuracy import TermAccuracyMetric

METRICS: dict[str, type[Metric]] = {
    cls.name: cls for cls in (BLEU, ChrFPlusPlus, ChrF, TER, TermAccuracyMetric, RougeMetric, HTER)
}


def translation_metrics() -> list[SacreMetric]:
    """Fresh instances of the metrics that score translations against references, in report order."""
    return [cls() for cls in METRICS.values() if cls.kind == "translation"]  # type: ignore[misc]


__all__ = ["METRICS", "Metric", "MetricScore", "SacreMetric", "translation_metrics"]
