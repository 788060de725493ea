"""Paired bootstrap resampling: is system A really better than system B?

Both systems are resampled with the *same* paragraph indices (that is what makes the test
paired), and every resample is scored from per-paragraph sufficient statistics
(sacrebleu's ``_extract_corpus_statistics`` / ``_compute_score_from_stats``), so a thousand
resamples cost about as much as one corpus score. The resampling itself follows sacrebleu's
``--paired-bs`` (numpy ``default_rng(seed).choice``, the same index matrix, the same
``n // 40`` percentile convention), so each system's bootstrap mean and 95% interval equal
what sacrebleu prints with the same seed.

The p-value differs on purpose: sacrebleu centres the *absolute* resampled differences and
counts strict exceedances, which gives p = 1/(n+1), "significant", for two identical
systems. Here the null distribution is the *signed* difference centred on zero
(Koehn 2004; Berg-Kirkpatrick et al. 2012) and p counts resamples at least as extreme,
so identical systems get p = 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tarjama.metrics import translation_metrics
from tarjama.metrics.base import NORMALIZED

DEFAULT_SAMPLES = 1000
DEFAULT_SEED = 12345  # sacrebleu's default, so the resamples are the ones sacrebleu draws
ALPHA = 0.05


@dataclass(frozen=True)
class Interval:
    """A bootstrap estimate: mean of the resampled scores and the 95% interval around it."""

    mean: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float]:
        return {"mean": self.mean, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class PairedResult:
    """Paired bootstrap outcome for one metric; ``delta`` is system minus baseline."""

    name: str
    system: float
    baseline: float
    delta: float
    system_ci: Interval
    baseline_ci: Interval
    delta_ci: Interval
    p_value: float
    signature: str
    lower_is_better: bool

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA

    @property
    def winner(self) -> str | None:
        """``"system"``, ``"baseline"`` or None when the difference is not significant."""
        if not self.significant or self.delta == 0:
            return None
        better = self.delta < 0 if self.lower_is_better else self.delta > 0
        return "system" if better else "baseline"

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "system": self.system,
            "baseline": self.baseline,
            "delta": self.delta,
            "system_ci": self.system_ci.to_dict(),
            "baseline_ci": self.baseline_ci.to_dict(),
            "delta_ci": self.delta_ci.to_dict(),
            "p_value": self.p_value,
            "significant": self.significant,
            "winner": self.winner,
            "signature": self.signature,
            "lower_is_better": self.lower_is_better,
        }


def resample_indices(n_items: int, n_samples: int, seed: int) -> np.ndarray:
    """The ``(n_samples, n_items)`` index matrix; identical to sacrebleu's for the same seed."""
    rng = np.random.default_rng(seed)
    return rng.choice(n_items, size=(n_samples, n_items), replace=True)


def interval(scores: np.ndarray) -> Interval:
    """Mean and 95% percentile interval, with sacrebleu's ``n // 40`` index convention."""
    ordered = np.sort(scores)
    lo = len(ordered) // 40
    return Interval(float(ordered.mean()), float(ordered[lo]), float(ordered[len(ordered) - lo - 1]))


def paired_bootstrap(
    system: Sequence[str],
    baseline: Sequence[str],
    refs: Sequence[Sequence[str]],
    n_samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    language: str = "en",
    normalize: bool = False,
) -> list[PairedResult]:
    """Paired bootstrap test of ``system`` against ``baseline`` for every corpus metric
    (made for the translations' ``language``, with the Arabic ``normalize`` when asked)."""
    if len(system) != len(baseline):
        raise ValueError(f"systems differ in length: {len(system)} vs {len(baseline)}")
    idxs = resample_indices(len(system), n_samples, seed)
    results = []
    for registered in translation_metrics(language, normalize):
        name, metric = registered.name, registered.corpus_metric()
        streams = [registered.prepare(r) for r in refs]
        sys_stats = np.array(
            metric._extract_corpus_statistics(registered.prepare(system), streams), dtype="float32"
        )
        bl_stats = np.array(
            metric._extract_corpus_statistics(registered.prepare(baseline), streams), dtype="float32"
        )
        sys_score = float(metric._compute_score_from_stats(sys_stats.sum(0)).score)
        bl_score = float(metric._compute_score_from_stats(bl_stats.sum(0)).score)
        # float32 and sum-per-resample mirror sacrebleu, keeping intervals identical to its output.
        sys_scores = np.array([metric._compute_score_from_stats(s.sum(0)).score for s in sys_stats[idxs]])
        bl_scores = np.array([metric._compute_score_from_stats(s.sum(0)).score for s in bl_stats[idxs]])
        deltas = sys_scores - bl_scores
        observed = sys_score - bl_score
        null = deltas - deltas.mean()
        # Tolerance: a difference of exactly zero must count as "at least as extreme".
        extreme = int(np.sum(np.abs(null) >= abs(observed) - 1e-9))
        p_value = (extreme + 1) / (n_samples + 1)
        signature = metric.get_signature()
        signature.update("seed", str(seed))
        signature.update("bs", n_samples)
        results.append(
            PairedResult(
                name=name,
                system=sys_score,
                baseline=bl_score,
                delta=observed,
                system_ci=interval(sys_scores),
                baseline_ci=interval(bl_scores),
                delta_ci=interval(deltas),
                p_value=min(p_value, 1.0),
                signature=signature.format() + (NORMALIZED if normalize else ""),
                lower_is_better=registered.lower_is_better,
            )
        )
    return results
