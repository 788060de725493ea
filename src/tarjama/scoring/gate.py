"""Regression gate: compare scores with a committed baseline.

The baseline (``references/baseline.json``) is changed deliberately, in its own commit, when
a change is meant to move the numbers. Its shape is checked when it is read (``load_baseline``):
a non-empty ``datasets`` mapping whose every entry has a ``chrF2++`` value, optionally ``BLEU``
and ``term_accuracy_min``, and the tolerances ``chrf_tolerance`` (and ``bleu_tolerance`` when
an entry has a BLEU value). Nothing else is accepted, so a typo cannot switch a check off.

The gate fails when

* chrF++ falls more than ``chrf_tolerance`` below the baseline;
* BLEU falls more than ``bleu_tolerance`` below the baseline (wider than chrF++'s: on a few
  dozen sentences BLEU moves by about two points with nothing but float rounding);
* term accuracy falls below ``term_accuracy_min`` (or cannot be computed);
* a glossary term missing from a translation the run made leaves its sentence unflagged
  (not ``needs_review``): enforcement may fail on a sentence, but never silently
  (``flagged_check``, for the runs that translate, whatever the baseline says);
* a dataset of the baseline was not scored in this run (the ntrex-dev sample when its data
  folder is missing), unless the run was told to leave it out — then its row says so;
* a scored dataset has no baseline entry;
* nothing at all was checked.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarjama.errors import TarjamaError
from tarjama.scoring.core import ScoreReport

CHRF_PP = "chrF2++"
BLEU = "BLEU"
TERMS_MIN = "term_accuracy_min"
ENTRY_KEYS = (CHRF_PP, BLEU, TERMS_MIN)


@dataclass(frozen=True)
class GateCheck:
    dataset: str
    measure: str
    value: float | None
    threshold: float | None
    passed: bool
    note: str = ""  # why a row without a value is there: missing, skipped, not in the baseline
    skipped: bool = False  # left out on purpose (e.g. --no-ntrex): neither passed nor failed

    @property
    def failed(self) -> bool:
        return not self.passed and not self.skipped

    def line(self) -> str:
        shown = self.note if self.value is None else f"{self.value:.2f}"
        bound = "–" if self.threshold is None else f"≥ {self.threshold:.2f}"
        verdict = "skipped" if self.skipped else ("ok" if self.passed else "FAIL")
        return f"| {self.dataset} | {self.measure} | {shown} | {bound} | {verdict} |"


def _number(value: Any, where: str, low: float = 0.0, high: float = 100.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TarjamaError(f"{where}: expected a number, got {value!r}")
    if not low <= value <= high:
        raise TarjamaError(f"{where}: {value} is outside {low:g}–{high:g}")
    return float(value)


def validate_baseline(data: Any, path: str | Path) -> dict[str, Any]:
    """``data`` if it is a well-formed baseline (see the module docstring); else one clear error."""
    if not isinstance(data, dict) or not isinstance(data.get("datasets"), dict):
        raise TarjamaError(f"{path}: expected an object with a 'datasets' mapping")
    unknown = sorted(set(data) - {"about", "chrf_tolerance", "bleu_tolerance", "datasets"})
    if unknown:
        raise TarjamaError(f"{path}: unknown key(s) {', '.join(unknown)}; see tarjama.scoring.gate")
    datasets = data["datasets"]
    if not datasets:
        raise TarjamaError(f"{path}: 'datasets' is empty: a gate with nothing to check would always pass")
    _number(data.get("chrf_tolerance"), f"{path}: chrf_tolerance", 0.0, 100.0)
    for name, entry in datasets.items():
        where = f"{path}: datasets.{name}"
        if not isinstance(entry, dict):
            raise TarjamaError(f"{where}: expected an object with {CHRF_PP}")
        unknown = sorted(set(entry) - set(ENTRY_KEYS))
        if unknown:
            raise TarjamaError(
                f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(ENTRY_KEYS)}"
            )
        if CHRF_PP not in entry:
            raise TarjamaError(f"{where}: no {CHRF_PP} value; every dataset is gated on chrF++")
        for key in ENTRY_KEYS:
            if key in entry:
                _number(entry[key], f"{where}.{key}")
        if BLEU in entry:
            _number(data.get("bleu_tolerance"), f"{path}: bleu_tolerance (for {where}.{BLEU})", 0.0, 100.0)
    return data


def load_baseline(path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TarjamaError(f"{path}: baseline file not found") from None
    except json.JSONDecodeError as exc:
        raise TarjamaError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    return validate_baseline(data, path)


def check(dataset: str, report: ScoreReport, baseline: dict[str, Any]) -> list[GateCheck]:
    """Checks of one scored dataset against its baseline entry; a failing row if it has none."""
    entry = baseline["datasets"].get(dataset)
    if entry is None:
        return [GateCheck(dataset, "baseline entry", None, None, False, note="none: add it deliberately")]
    checks: list[GateCheck] = []
    floor = float(entry[CHRF_PP]) - float(baseline["chrf_tolerance"])
    value = report.metric(CHRF_PP).score
    checks.append(GateCheck(dataset, CHRF_PP, value, floor, value >= floor))
    if BLEU in entry:
        floor = float(entry[BLEU]) - float(baseline["bleu_tolerance"])
        value = report.metric(BLEU).score
        checks.append(GateCheck(dataset, BLEU, value, floor, value >= floor))
    if TERMS_MIN in entry:
        minimum = float(entry[TERMS_MIN])
        terms = report.terms.score if report.terms else None
        passed = terms is not None and terms >= minimum
        checks.append(GateCheck(dataset, "term accuracy %", terms, minimum, passed, note="not computed"))
    return checks


FLAGGED = "missed terms flagged %"


def flagged_check(dataset: str, missed: int, flagged: int) -> GateCheck:
    """Every glossary term missing from the English must have left its sentence flagged for
    review: the share of ``missed`` terms whose sentence is ``needs_review`` must be 100 % (it
    is 100 % when nothing is missed)."""
    value = 100.0 * flagged / missed if missed else 100.0
    return GateCheck(dataset, FLAGGED, value, 100.0, flagged >= missed)


def unscored(baseline: dict[str, Any], scored: Iterable[str], skipped: Mapping[str, str]) -> list[GateCheck]:
    """A row for every baseline dataset this run did not score: failing, or skipped with its reason."""
    done = set(scored)
    rows = []
    for name in baseline["datasets"]:
        if name in done:
            continue
        if name in skipped:
            rows.append(GateCheck(name, CHRF_PP, None, None, False, note=skipped[name], skipped=True))
        else:
            rows.append(GateCheck(name, CHRF_PP, None, None, False, note="not scored in this run"))
    return rows


def failures(checks: list[GateCheck]) -> list[GateCheck]:
    """The failing checks; with no check that ran at all, the gate fails too (one row says so)."""
    failed = [c for c in checks if c.failed]
    if not failed and not any(c.passed for c in checks):
        return [GateCheck("(all)", "checks run", None, None, False, note="none")]
    return failed


def render_checks(checks: list[GateCheck], baseline_path: str, baseline: dict[str, Any]) -> str:
    tolerances = f"chrF++ tolerance {float(baseline['chrf_tolerance']):.2f}"
    if "bleu_tolerance" in baseline:
        tolerances += f", BLEU tolerance {float(baseline['bleu_tolerance']):.2f}"
    lines = [
        f"## Regression gate (baseline `{baseline_path}`, {tolerances})",
        "",
        "| dataset | measure | value | threshold | result |",
        "|---|---|---:|---:|---|",
        *[c.line() for c in checks],
    ]
    return "\n".join(lines) + "\n"
