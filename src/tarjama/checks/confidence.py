"""Low confidence: a translation the model itself was unsure of — "check the meaning".

The rules see numbers, names, countries and the like; a meaning error ("ammunition depots"
turned into "refugee centres") has no such trace. What the engine knows is how sure it was of
its tokens (``Confidence.mean``, the mean token log-probability). A sentence below
``LOW_CONFIDENCE`` gets a ``confidence`` *warning*: shown to a reviewer, never a reason for a
repair (a second translation is not more likely to be right). The threshold is calibrated on
ntrex-dev with the embedded model (``python scripts/bench_fidelity.py --summarise OUT`` prints
the share of sentences each threshold flags and how many of the 10 % worst by chrF++ it
catches; the measured table is in ``docs/checks.md``). It belongs to the embedded model: an
engine with another scale (Marian's beam scores) is flagged by the same number only roughly.
"""

from __future__ import annotations

from tarjama.types import WARNING, Confidence, Finding

CONFIDENCE = "confidence"
LOW_CONFIDENCE = -0.75


def low_confidence(confidence: Confidence | None) -> Finding | None:
    """The ``confidence`` warning for a translation below ``LOW_CONFIDENCE``, else None."""
    if confidence is None or confidence.mean >= LOW_CONFIDENCE:
        return None
    return Finding(
        CONFIDENCE,
        f"low confidence — check the meaning (mean token log-probability {confidence.mean:.2f}, "
        f"threshold {LOW_CONFIDENCE})",
        severity=WARNING,
    )
