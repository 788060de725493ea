"""BLEU (sacrebleu defaults: 13a tokenisation, exponential smoothing); per segment with effective order.

Into Arabic the tokenizer is sacrebleu's ``intl`` (``tok:intl`` in the signature): offline, and
it splits Arabic punctuation off words.
"""

from __future__ import annotations

from sacrebleu.metrics import BLEU as SacreBLEU

from tarjama.metrics.base import SacreMetric


class BLEU(SacreMetric):
    name = "BLEU"

    @property
    def tokenize(self) -> str | None:
        return "intl" if self.language == "ar" else None  # None: sacrebleu's default, 13a

    def corpus_metric(self) -> SacreBLEU:
        return SacreBLEU(tokenize=self.tokenize)

    def segment_metric(self) -> SacreBLEU:
        # Effective order: the usual fix for short segments that miss higher-order n-grams.
        return SacreBLEU(effective_order=True, tokenize=self.tokenize)
