"""Confidence as an editor reads it: high, medium or low, from the engine's raw figure.

A sentence's ``Confidence.mean`` (the mean log-probability of the tokens the engine chose) is
a number no editor can read. The review page shows a level instead, with the number on hover.
The thresholds are measured, not guessed: the embedded model's translations of ntrex-dev
(scripts/bench_adaptive.py, the pass without adaptation) split into three equal thirds by their
confidence, and the page's levels are those thirds. On that data the levels keep their promise:
see the mean sentence chrF++ and the share of sentences below chrF++ 40 in each level in
docs/review.md#confidence. A figure from another engine is on another scale: the levels are
for the embedded model, and for any other engine only the raw figure is shown.
"""

from __future__ import annotations

from tarjama.types import Confidence

# Measured on ntrex-dev with the embedded model (docs/review.md#confidence): the 1/3 and 2/3
# quantiles of the mean token log-probability of 340 translated sentences.
LOW_BELOW = -0.385
HIGH_FROM = -0.215
LEVELS = ("low", "medium", "high")
CALIBRATED_ENGINES = ("gguf",)


def level(confidence: Confidence | None, engine: str | None = "gguf") -> str | None:
    """``high``, ``medium`` or ``low`` for the embedded model's confidence; None when unknown
    (no figure, or an engine the thresholds were not measured for)."""
    if confidence is None or engine not in CALIBRATED_ENGINES:
        return None
    if confidence.mean < LOW_BELOW:
        return "low"
    return "high" if confidence.mean >= HIGH_FROM else "medium"
