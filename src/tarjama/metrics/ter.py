"""TER, translation edit rate (sacrebleu's tercom-compatible implementation); lower is better."""

from __future__ import annotations

from sacrebleu.metrics import TER as SacreTER

from tarjama.metrics.base import SacreMetric


class TER(SacreMetric):
    name = "TER"
    lower_is_better = True

    def corpus_metric(self) -> SacreTER:
        return SacreTER()

    def segment_metric(self) -> SacreTER:
        return SacreTER()
