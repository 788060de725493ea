"""scripts/bench_adaptive.py without a model: which passes a run makes (``--skip on``, ``--topics``),
and the confidence calibration it prints against the thresholds the review page ships.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tarjama.engines.base import Engine, SegmentDone
from tarjama.review import confidence
from tarjama.types import Confidence, EngineIdentity, SegmentTranslation, TranslationRequest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bench_adaptive  # noqa: E402

# Three small documents: A and B share two names, C shares none; each sentence its own line.
ROWS = [
    ("doc.a", "وقال كيم جونغ أون إن المحادثات مع سيول ستستمر.", "Kim Jong Un said talks with Seoul go on."),
    ("doc.a", "والتقى كيم جونغ أون بالرئيس في سنغافورة.", "Kim Jong Un met the president in Singapore."),
    ("doc.a", "وارتفعت أسعار النفط يوم الاثنين.", "Oil prices rose on Monday."),
    ("doc.a", "وقال مسؤول في سيول إن الاجتماع كان مثمرا.", "An official in Seoul said it went well."),
    ("doc.b", "وزار كيم جونغ أون سنغافورة مرة أخرى.", "Kim Jong Un visited Singapore again."),
    ("doc.b", "وقالت سيول إنها ترحب بالزيارة.", "Seoul said it welcomed the visit."),
    ("doc.c", "وفاز الفريق بالمباراة النهائية.", "The team won the final."),
    ("doc.c", "واحتفل المشجعون في الشوارع.", "Fans celebrated in the streets."),
]


class Sure(Engine):
    """Takes examples; its confidence falls with the source's length (a known, spread figure)."""

    name = "sure"
    takes_examples = True

    def __init__(self) -> None:
        self.seen: list[TranslationRequest] = []

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("sure", "rules")

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        self.seen += requests
        return [SegmentTranslation(f"EN {len(r.source)}", confidence=Confidence(-len(r.source) / 100, -1.0))
                for r in requests]


@pytest.fixture
def bench(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    data = tmp_path / "ntrex.tsv"
    rows = "".join(f"{d}\t{ar}\t{en}\n" for d, ar, en in ROWS)
    data.write_text("doc_id\tar\ten\n" + rows, encoding="utf-8")
    monkeypatch.setenv("TARJAMA_NTREX", str(data))
    engine = Sure()
    monkeypatch.setattr("tarjama.engines.load_engine", lambda *args: engine)
    out = tmp_path / "out"

    def run(*args: str) -> dict:
        monkeypatch.setattr(sys, "argv", ["bench_adaptive.py", "--out", str(out), *args])
        assert bench_adaptive.main() == 0
        return json.loads((out / "report.json").read_text(encoding="utf-8"))

    return run, out, engine


def test_skip_on_runs_the_off_pass_and_its_calibration_alone(bench) -> None:
    run, out, engine = bench
    report = run("--skip", "on", "--skip", "cross")
    assert (out / "within-off.jsonl").exists()
    assert not (out / "within-on.jsonl").exists()
    assert not list(out.glob("within-on-t*.jsonl")) and "thresholds" not in report
    assert not any(r.examples for r in engine.seen)  # no adapted request reached the engine
    assert report["calibration"]["sentences"] == report["within"]["sentences"] == 4


def test_topics_keeps_the_shortest_documents_of_the_cross_scenario(bench) -> None:
    run, out, _ = bench
    report = run("--skip", "on", "--shared", "2", "--topics", "1")
    # a and b share two names; b is the shorter
    assert [pair[0] for pair in report["cross"]["pairs"]] == ["doc.b"]
    made = sorted(p.name for p in out.glob("cross-*.jsonl"))
    assert made == ["cross-off-doc.b.jsonl", "cross-on-doc.b.jsonl"]
    assert report["cross"]["sentences"] == 2


def test_calibration_reports_the_levels_the_shipped_thresholds_give() -> None:
    low, high = confidence.LOW_BELOW, confidence.HIGH_FROM
    figures = [low - 0.3, low - 0.2, low - 0.1, low - 0.01, (low + high) / 2, high]  # thirds: 2, 2, 2
    records = [{"hyp": "Kim met the president.", "ref": "Kim met the president.", "confidence": [c]}
               for c in figures]
    shipped = bench_adaptive.calibration(records)["shipped"]
    assert (shipped["low_below"], shipped["high_from"]) == (low, high)
    assert {k: v["n"] for k, v in shipped["levels"].items()} == {"low": 4, "medium": 1, "high": 1}


def test_the_review_page_documents_the_thresholds_it_ships() -> None:
    text = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    section = text.split("{ #confidence }", 1)[1].split("\n## ", 1)[0]
    table = re.findall(r"^\| (high|medium|low) \| (.+?) \|", section, re.M)
    assert [name for name, _ in table] == ["high", "medium", "low"]
    low, high = (f"{v:.3f}".replace("-", "−") for v in (confidence.LOW_BELOW, confidence.HIGH_FROM))
    assert table[0][1] == f"≥ {high}" and table[2][1].startswith(f"< {low}") and low in table[1][1]


def test_the_shipped_thresholds_are_the_thirds_of_the_measured_sentences() -> None:
    """The thresholds split the measured off pass (tests/data/confidence-calibration.json, the
    script's calibration) into thirds, and sentence chrF++ rises from low to high."""
    path = ROOT / "tests" / "data" / "confidence-calibration.json"
    measured = json.loads(path.read_text(encoding="utf-8"))
    figures = measured["figures"]
    assert len(figures) == measured["sentences"] >= 100
    assert (measured["low_below"], measured["high_from"]) == (confidence.LOW_BELOW, confidence.HIGH_FROM)
    levels: dict[str, list[float]] = {"low": [], "medium": [], "high": []}
    for mean, chrf in figures:
        levels[confidence.level(Confidence(mean, mean))].append(chrf)
    for scores in levels.values():
        assert abs(len(scores) - len(figures) / 3) <= 2
    means = [sum(s) / len(s) for s in (levels["low"], levels["medium"], levels["high"])]
    assert means == sorted(means) and means[2] - means[0] >= 10


def test_isolated_figures_give_unadapted_lines_the_off_english() -> None:
    """A line without examples is the off pass's request: what its English gained or lost in the
    on pass (the batch's noise) is left out of the isolated figures and counted."""
    refs = ["Kim Jong Un met the president in Singapore.", "Oil prices rose on Monday.",
            "Seoul said it welcomed the visit."]
    off = [{"ref": r, "hyp": h, "examples": [], "adapted": False} for r, h in
           zip(refs, ["Kim met the leader.", "Oil rose.", "Seoul said it welcomed it."], strict=True)]
    on = [dict(off[0], hyp=refs[0], examples=[["k", 40.0]], adapted=True),
          dict(off[1], hyp="Oil prices rose on Monday."),  # better, but by the batch: no examples
          dict(off[2])]
    report = bench_adaptive.compare(off, on)
    assert report["unadapted_changed"] == 1
    alone = bench_adaptive.compare(off, [on[0], off[1], off[2]])
    iso, ref = report["isolated"], alone["isolated"]
    assert iso["chrF2++"]["delta"] == ref["chrF2++"]["delta"] < report["chrF2++"]["delta"]
    assert iso["names"]["on"] == alone["names"]["on"] == report["names"]["on"] - 1


def test_summarise_reads_passes_written_in_finishing_order(bench) -> None:
    """A pass's file holds its lines as they finished; --summarise pairs them line by line."""
    run, out, _ = bench
    live = run("--skip", "cross", "--skip", "thresholds")
    rows = (out / "within-off.jsonl").read_text(encoding="utf-8").splitlines()
    (out / "within-off.jsonl").write_text("\n".join(rows[::-1]) + "\n", encoding="utf-8")  # last to first
    summary = run("--skip", "cross", "--skip", "thresholds", "--summarise")
    assert summary["within"]["chrF2++"] == live["within"]["chrF2++"]
    assert summary["calibration"] == live["calibration"]
