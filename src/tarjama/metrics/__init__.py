"""Metrics: one module per metric over a small base (``base``), and the registry ``METRICS``.

============  ===========  =======================================================================
name          kind         module
============  ===========  =======================================================================
BLEU          translation  ``bleu`` (sacrebleu)
chrF2++       translation  ``chrf`` (sacrebleu, word order 2)
chrF2         translation  ``chrf`` (sacrebleu, corpus only)
TER           translation  ``ter`` (sacrebleu; lower is better)
Term accuracy terms        ``term_accuracy`` (WMT 2021 terminology accuracy against the glossary)
ROUGE         summary      ``rouge`` (ROUGE-1/2/L over ``tokenize``'s Arabic/English tokens)
HTER          post-edit    ``hter`` (TER from machine translation to human post-edit)
============  ===========  =======================================================================

``tarjama score`` and every report iterate the registry in this order; a new metric is a new
module and one line here.
"""

from __future__ import annotations

from tarjama.metrics.base import Metric, MetricScore, SacreMetric
from tarjama.registry import Registry

METRICS: Registry[type[Metric]] = Registry(
    "metric",
    {
        "BLEU": "tarjama.metrics.bleu:BLEU",
        "chrF2++": "tarjama.metrics.chrf:ChrFPlusPlus",
        "chrF2": "tarjama.metrics.chrf:ChrF",
        "TER": "tarjama.metrics.ter:TER",
        "Term accuracy": "tarjama.metrics.term_accuracy:TermAccuracyMetric",
        "ROUGE": "tarjama.metrics.rouge:RougeMetric",
        "HTER": "tarjama.metrics.hter:HTER",
    },
)


def translation_metrics(language: str = "en", normalize: bool = False) -> list[SacreMetric]:
    """Fresh instances of the metrics that score translations against references, in report order.

    Into Arabic (``language`` ar) chrF++ comes first: the primary figure for a morphologically
    rich target, where word n-grams punish every clitic and spelling variant.
    """
    metrics = [cls(language, normalize) for cls in METRICS.values() if cls.kind == "translation"]  # type: ignore[call-arg]
    if language == "ar":
        metrics.sort(key=lambda m: m.name != "chrF2++")
    return metrics  # type: ignore[return-value]


__all__ = ["METRICS", "Metric", "MetricScore", "SacreMetric", "translation_metrics"]
