"""BLEU (sacrebleu defaults: 13a tokenisation, exponential smoothing); per segment with effective order."""

from __future__ import annotations

from sacrebleu.metrics import BLEU as SacreBLEU

from tarjama.metrics.base import SacreMetric


class BLEU(SacreMetric):
    name = "BLEU"

    def corpus_metric(self) -> SacreBLEU:
        return SacreBLEU()

    def segment_metric(self) -> SacreBLEU:
        # Effective order: the usual fix for short segments that miss higher-order n-grams.
        return SacreBLEU(effective_order=True)
