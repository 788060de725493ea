"""chrF++ (character 6-grams plus word 2-grams, β = 2) and plain chrF, through sacrebleu."""

from __future__ import annotations

from sacrebleu.metrics import CHRF

from tarjama.metrics.base import SacreMetric


class ChrFPlusPlus(SacreMetric):
    name = "chrF2++"

    def corpus_metric(self) -> CHRF:
        return CHRF(word_order=2)

    def segment_metric(self) -> CHRF:
        return CHRF(word_order=2)


class ChrF(SacreMetric):
    """Reported for the corpus only (per paragraph, chrF++ says the same and more)."""

    name = "chrF2"

    def corpus_metric(self) -> CHRF:
        return CHRF()
