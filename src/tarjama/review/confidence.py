"""Confidence as an editor reads it: high, medium or low, from the engine's raw figure.

A sentence's ``Confidence.mean`` (the mean log-probability of the tokens the engine chose) is
a number no editor can read. The review page shows a level instead, with the number on hover.
The thresholds are measured, not guessed: the embedded model's translations of 133 ntrex-dev
sentences (``scripts/bench_adaptive.py --docs 16 --skip on``: the second halves of 16 documents,
the pass without adaptation) split into three equal thirds by their confidence, and the page's
levels are those thirds. Mean sentence chrF++ and the share of sentences below chrF++ 40 in each
level, on those sentences and on 54 held-out ones: docs/review.md#confidence. A figure from
another engine is on another scale: the levels are for the embedded model, and for any other
engine only the raw figure is shown.
"""

from __future__ import annotations

from tarjama.types import Confidence

# Measured on ntrex-dev with the embedded model (docs/review.md#confidence; 2026-12-07): the 1/3
# and 2/3 quantiles of the mean token log-probability of 133 translated sentences. (The earlier
# -0.385 / -0.215 had no run of the embedded model behind them: on its output they put 87 % of
# the sentences in "low".)
LOW_BELOW = -0.657
HIGH_FROM = -0.503
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
