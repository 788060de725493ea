"""The CI report's regression gate fails when a score drops below the committed baseline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

REF = ROOT / "references" / "esa-jaxa-partnership.en.txt"
SCRIPT = ROOT / "scripts" / "ci_report.py"


def run_gate(tmp_path: Path, hyp_text: str, baseline: dict) -> subprocess.CompletedProcess[str]:
    hyp = tmp_path / "hyp.txt"
    hyp.write_text(hyp_text, encoding="utf-8")
    base = tmp_path / "baseline.json"
    base.write_text(json.dumps(baseline), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--seed-hyp", str(hyp), "--no-ntrex", "--baseline", str(base),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True,
    )


def damaged(text: str) -> str:
    """Every paragraph with its second half dropped: same paragraph count, much lower chrF++."""
    paras = text.strip().split("\n\n")
    return "\n\n".join(" ".join(p.split()[: len(p.split()) // 2]) for p in paras) + "\n"


BASE = {"chrf_tolerance": 2.0, "datasets": {"seed": {"chrF2++": 90.0, "term_accuracy_min": 95.0}}}


def test_gate_passes_on_the_reference_itself(tmp_path: Path) -> None:
    proc = run_gate(tmp_path, REF.read_text(encoding="utf-8"), BASE)
    assert proc.returncode == 0, proc.stderr
    assert "| seed | chrF2++ | 100.00 | ≥ 88.00 | ok |" in proc.stdout
    assert "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:" in proc.stdout.replace("\\|", "|")
    assert (tmp_path / "out" / "seed" / "report.html").is_file()


def test_gate_fails_when_chrf_drops_below_baseline(tmp_path: Path) -> None:
    proc = run_gate(tmp_path, damaged(REF.read_text(encoding="utf-8")), BASE)
    assert proc.returncode == 1
    assert "| seed | chrF2++ |" in proc.stdout and "FAIL |" in proc.stdout
    assert "regression gate FAILED" in proc.stderr


def test_gate_fails_when_term_accuracy_drops(tmp_path: Path) -> None:
    text = REF.read_text(encoding="utf-8").replace("JAXA", "Jaxa agency")
    lenient = {"chrf_tolerance": 50.0, "datasets": {"seed": {"chrF2++": 50.0, "term_accuracy_min": 95.0}}}
    proc = run_gate(tmp_path, text, lenient)
    assert proc.returncode == 1
    line = next(ln for ln in proc.stdout.splitlines() if "term accuracy" in ln and ln.startswith("| seed"))
    assert line.endswith("FAIL |")


def test_committed_baseline_is_valid() -> None:
    data = json.loads((ROOT / "references" / "baseline.json").read_text(encoding="utf-8"))
    assert data["datasets"]["seed"]["term_accuracy_min"] == 100.0
    assert data["chrf_tolerance"] > 0
