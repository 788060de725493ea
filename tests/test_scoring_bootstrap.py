"""Paired bootstrap resampling: p-values, intervals, seeds, and agreement with sacrebleu."""

from __future__ import annotations

import logging

import pytest
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.significance import PairedTest

from tarjama.scoring.bootstrap import paired_bootstrap

REFS = [
    f"The agency said on day {i} that mission number {i} would launch from the coast before the winter."
    for i in range(1, 31)
]
# A good system: the reference with one small wording change per paragraph.
GOOD = [r.replace("would launch", "will launch") for r in REFS]
# A poor system: word salad sharing only a few words with the references.
POOR = [f"Mission {i} the said agency launch coast winter, day before from number." for i in range(1, 31)]


def by_name(results: list) -> dict:
    return {r.name: r for r in results}


def test_identical_systems_have_p_one_and_no_winner() -> None:
    results = paired_bootstrap(GOOD, GOOD, [REFS], n_samples=200)
    assert [r.name for r in results] == ["BLEU", "chrF2++", "chrF2", "TER"]
    for r in results:
        assert r.delta == 0.0
        assert r.p_value == pytest.approx(1.0)
        assert not r.significant and r.winner is None
        assert r.delta_ci.low == r.delta_ci.high == 0.0
        assert r.system_ci == r.baseline_ci


def test_clearly_better_system_is_significant_in_every_metric() -> None:
    results = by_name(paired_bootstrap(GOOD, POOR, [REFS], n_samples=300))
    for r in results.values():
        assert 0.0 <= r.p_value <= 1.0
        assert r.p_value < 0.01, r.name
        assert r.winner == "system"
        assert r.system_ci.low <= r.system <= r.system_ci.high
    assert results["BLEU"].delta > 30 and results["BLEU"].delta_ci.low > 0
    # TER is an error rate: the better system has the lower score, so a negative delta.
    assert results["TER"].lower_is_better and results["TER"].delta < 0


def test_reversed_comparison_names_the_baseline_as_winner() -> None:
    results = by_name(paired_bootstrap(POOR, GOOD, [REFS], n_samples=300))
    assert results["chrF2++"].winner == "baseline" and results["TER"].winner == "baseline"


def test_close_systems_are_not_significant() -> None:
    # Differ only in one paragraph out of thirty.
    other = list(GOOD)
    other[4] = REFS[4]
    for r in paired_bootstrap(GOOD, other, [REFS], n_samples=300):
        assert 0.0 <= r.p_value <= 1.0
        assert r.p_value > 0.05, r.name


def test_seed_makes_results_reproducible_and_is_recorded() -> None:
    mixed = [g if i % 2 else p for i, (g, p) in enumerate(zip(GOOD, POOR, strict=True))]
    a = paired_bootstrap(mixed, POOR, [REFS], n_samples=200, seed=7)
    b = paired_bootstrap(mixed, POOR, [REFS], n_samples=200, seed=7)
    c = paired_bootstrap(mixed, POOR, [REFS], n_samples=200, seed=8)
    assert a == b
    assert a[0].system_ci != c[0].system_ci
    assert "bs:200" in a[0].signature and "seed:7" in a[0].signature


def test_intervals_equal_sacrebleu_paired_bootstrap(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="sacrebleu")
    mixed = [g if i % 3 else p for i, (g, p) in enumerate(zip(GOOD, POOR, strict=True))]
    ours = by_name(paired_bootstrap(mixed, POOR, [REFS], n_samples=1000, seed=12345))
    metrics = {"BLEU": BLEU(), "chrF2++": CHRF(word_order=2)}
    _, theirs = PairedTest([("baseline", POOR), ("system", mixed)], metrics, [REFS], test_type="bs")()
    for name in metrics:
        baseline, system = theirs[name]
        assert ours[name].system == pytest.approx(system.score)
        assert ours[name].baseline == pytest.approx(baseline.score)
        assert ours[name].system_ci.mean == pytest.approx(system.mean, abs=1e-4)
        half_width = (ours[name].system_ci.high - ours[name].system_ci.low) / 2
        assert half_width == pytest.approx(system.ci, abs=1e-4)
        assert ours[name].baseline_ci.mean == pytest.approx(baseline.mean, abs=1e-4)
