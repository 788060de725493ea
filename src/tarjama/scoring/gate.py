"""Regression gate: compare scores with a committed baseline.

The baseline (``references/baseline.json``) is changed deliberately, in its own commit, when
a change is meant to move the numbers. A check fails when chrF++ falls more than the stated
tolerance below the baseline, or when term accuracy falls below its stated minimum.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarjama.errors import TarjamaError
from tarjama.scoring.core import ScoreReport

CHRF_PP = "chrF2++"


@dataclass(frozen=True)
class GateCheck:
    dataset: str
    measure: str
    value: float | None
    threshold: float
    passed: bool

    def line(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.2f}"
        verdict = "ok" if self.passed else "FAIL"
        return f"| {self.dataset} | {self.measure} | {shown} | ≥ {self.threshold:.2f} | {verdict} |"


def load_baseline(path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TarjamaError(f"{path}: baseline file not found") from None
    except json.JSONDecodeError as exc:
        raise TarjamaError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data.get("datasets"), dict):
        raise TarjamaError(f"{path}: expected an object with a 'datasets' mapping")
    return data


def check(dataset: str, report: ScoreReport, baseline: dict[str, Any]) -> list[GateCheck]:
    """Checks of one scored dataset against its baseline entry (none if it has no entry)."""
    entry = baseline["datasets"].get(dataset)
    if entry is None:
        return []
    checks: list[GateCheck] = []
    if CHRF_PP in entry:
        floor = float(entry[CHRF_PP]) - float(baseline.get("chrf_tolerance", 0.0))
        value = report.metric(CHRF_PP).score
        checks.append(GateCheck(dataset, CHRF_PP, value, floor, value >= floor))
    if "term_accuracy_min" in entry:
        minimum = float(entry["term_accuracy_min"])
        value = report.terms.score if report.terms else None
        passed = value is not None and value >= minimum
        checks.append(GateCheck(dataset, "term accuracy %", value, minimum, passed))
    return checks


def render_checks(checks: list[GateCheck], baseline_path: str, tolerance: float) -> str:
    lines = [
        f"## Regression gate (baseline `{baseline_path}`, chrF++ tolerance {tolerance:.2f})",
        "",
        "| dataset | measure | value | threshold | result |",
        "|---|---|---:|---:|---|",
        *[c.line() for c in checks],
    ]
    return "\n".join(lines) + "\n"
