"""The CI report's regression gate: each check fails on its own when its measure drops.

Every damaged hypothesis here is built to hurt one measure and keep the others, and each test
reads the row of the measure it is about, so switching that check off makes its test fail
(a ``FAIL`` elsewhere in the table proves nothing). ``scripts/ci_report.py`` runs in-process
(its ``main``), with hypotheses given as files instead of translations.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from tarjama.errors import TarjamaError
from tarjama.glossary import Glossary
from tarjama.scoring import gate
from tarjama.text.terms import term_spans

REF = ROOT / "references" / "esa-jaxa-partnership.en.txt"
SCRIPT = ROOT / "scripts" / "ci_report.py"
GLOSSARY = ROOT / "references" / "glossary.tsv"


def _ci_report():
    spec = importlib.util.spec_from_file_location("ci_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CI_REPORT = _ci_report()


def run_gate(tmp_path: Path, baseline: dict, *args: str, seed_hyp: str | None = None,
             monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    base = tmp_path / "baseline.json"
    base.write_text(json.dumps(baseline), encoding="utf-8")
    hyp = tmp_path / "hyp.txt"
    hyp.write_text(seed_hyp if seed_hyp is not None else REF.read_text(encoding="utf-8"), encoding="utf-8")
    argv = ["ci_report.py", "--seed-hyp", str(hyp), "--baseline", str(base), "--out", str(tmp_path / "out"),
            *args]
    monkeypatch.setattr(sys, "argv", argv)
    code = CI_REPORT.main()
    out, err = capsys.readouterr()
    return code, out, err


def row(stdout: str, dataset: str, measure: str) -> str:
    """The gate table's row for ``dataset`` and ``measure`` (exactly one)."""
    rows = [ln for ln in stdout.splitlines() if ln.startswith(f"| {dataset} | {measure} |")]
    assert len(rows) == 1, stdout[-2000:]
    return rows[0]


def terms_only(text: str) -> str:
    """Every glossary term of the reference kept where it is; every other word replaced by "x".

    Term accuracy stays what the reference has; chrF++ collapses.
    """
    entries = Glossary.load(GLOSSARY).entries
    out = []
    for para in text.strip().split("\n\n"):
        merged: list[list[int]] = []  # the union of every term's spans ("Japan" inside a longer name)
        for start, end in sorted(span for e in entries for span in term_spans(para, e)):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        pieces, pos = [], 0
        for start, end in merged:
            pieces.append(re.sub(r"\w+", "x", para[pos:start]))
            pieces.append(para[start:end])
            pos = end
        pieces.append(re.sub(r"\w+", "x", para[pos:]))
        out.append("".join(pieces))
    return "\n\n".join(out) + "\n"


def interleaved(text: str) -> str:
    """A filler word after every word: chrF++ keeps most character n-grams, BLEU's n-grams break."""
    return "\n\n".join(" ".join(w + " zq" for w in p.split()) for p in text.strip().split("\n\n")) + "\n"


SEED_ONLY = {"chrf_tolerance": 2.0, "datasets": {"seed": {"chrF2++": 90.0, "term_accuracy_min": 95.0}}}


def test_gate_passes_on_the_reference_itself(tmp_path, monkeypatch, capsys) -> None:
    code, out, err = run_gate(tmp_path, SEED_ONLY, "--no-ntrex", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    assert row(out, "seed", "chrF2++") == "| seed | chrF2++ | 100.00 | ≥ 88.00 | ok |"
    assert "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:" in out.replace("\\|", "|")
    assert (tmp_path / "out" / "seed" / "report.html").is_file()
    assert "regression gate passed: 2 checks" in err


def test_gate_fails_when_chrf_drops_below_baseline_with_every_term_kept(tmp_path, monkeypatch, capsys):
    code, out, err = run_gate(tmp_path, SEED_ONLY, "--no-ntrex", seed_hyp=terms_only(REF.read_text()),
                              monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1
    assert row(out, "seed", "term accuracy %").endswith("| ok |")  # the damage spares the terms
    assert row(out, "seed", "chrF2++").endswith("| FAIL |")
    assert "regression gate FAILED: 1 of 2 checks (seed chrF2++)" in err


def test_gate_fails_when_term_accuracy_drops(tmp_path, monkeypatch, capsys) -> None:
    text = REF.read_text(encoding="utf-8").replace("JAXA", "Jaxa agency")
    lenient = {"chrf_tolerance": 50.0, "datasets": {"seed": {"chrF2++": 50.0, "term_accuracy_min": 95.0}}}
    code, out, _ = run_gate(tmp_path, lenient, "--no-ntrex", seed_hyp=text, monkeypatch=monkeypatch,
                              capsys=capsys)
    assert code == 1
    assert row(out, "seed", "chrF2++").endswith("| ok |")
    assert row(out, "seed", "term accuracy %").endswith("| FAIL |")


def test_gate_fails_when_bleu_drops_below_baseline(tmp_path, monkeypatch, capsys) -> None:
    base = {"chrf_tolerance": 50.0, "bleu_tolerance": 4.0,
            "datasets": {"seed": {"chrF2++": 100.0, "BLEU": 100.0}}}
    code, out, _ = run_gate(tmp_path, base, "--no-ntrex", seed_hyp=interleaved(REF.read_text()),
                              monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1
    assert row(out, "seed", "chrF2++").endswith("| ok |")
    assert row(out, "seed", "BLEU").endswith("| FAIL |")


def write_ntrex(path: Path) -> list[str]:
    """A small file in the ntrex-dev format (5 documents); returns the English of the 4-doc sample."""
    rows = ["doc_id\tar\ten"]
    english = []
    for d in range(5):
        for s in range(3):
            en = f"Document {d} sentence {s} says the agency launched probe number {d * 10 + s} today."
            rows.append(f"doc{d}\tقالت الوكالة إنها أطلقت المسبار رقم {d * 10 + s} اليوم.\t{en}")
            if d in (0, 1, 3, 4):  # fixed_sample(5 documents, 4) takes these
                english.append(en)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return english


BOTH = {"chrf_tolerance": 2.0, "datasets": {"seed": {"chrF2++": 99.0}, "ntrex-sample": {"chrF2++": 99.0}}}


def test_ntrex_sample_is_gated(tmp_path, monkeypatch, capsys) -> None:
    english = write_ntrex(tmp_path / "ntrex.tsv")
    good = tmp_path / "ntrex-hyp.txt"
    good.write_text("\n\n".join(english) + "\n", encoding="utf-8")
    args = ("--ntrex", str(tmp_path / "ntrex.tsv"), "--ntrex-hyp", str(good))
    code, out, err = run_gate(tmp_path, BOTH, *args, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    assert row(out, "ntrex-sample", "chrF2++") == "| ntrex-sample | chrF2++ | 100.00 | ≥ 97.00 | ok |"

    bad = tmp_path / "ntrex-bad.txt"
    bad.write_text("\n\n".join(" ".join(e.split()[:4]) for e in english) + "\n", encoding="utf-8")
    args = ("--ntrex", str(tmp_path / "ntrex.tsv"), "--ntrex-hyp", str(bad))
    code, out, err = run_gate(tmp_path, BOTH, *args, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1
    assert row(out, "seed", "chrF2++").endswith("| ok |")
    assert row(out, "ntrex-sample", "chrF2++").endswith("| FAIL |")


def test_missing_ntrex_data_fails_the_gate_and_no_ntrex_says_it_was_left_out(tmp_path, monkeypatch, capsys):
    args = ("--ntrex", str(tmp_path / "absent.tsv"))
    code, out, err = run_gate(tmp_path, BOTH, *args, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1
    missing = "| ntrex-sample | chrF2++ | not scored in this run | – | FAIL |"
    assert row(out, "ntrex-sample", "chrF2++") == missing
    assert "ntrex-dev not found" in err

    code, out, err = run_gate(tmp_path, BOTH, "--no-ntrex", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    assert row(out, "ntrex-sample", "chrF2++").endswith("| left out (--no-ntrex) | – | skipped |")


def test_a_scored_dataset_missing_from_the_baseline_fails(tmp_path, monkeypatch, capsys) -> None:
    english = write_ntrex(tmp_path / "ntrex.tsv")
    hyp = tmp_path / "ntrex-hyp.txt"
    hyp.write_text("\n\n".join(english) + "\n", encoding="utf-8")
    base = {"chrf_tolerance": 2.0, "datasets": {"seed": {"chrF2++": 99.0}}}
    args = ("--ntrex", str(tmp_path / "ntrex.tsv"), "--ntrex-hyp", str(hyp))
    code, out, _ = run_gate(tmp_path, base, *args, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1
    assert row(out, "ntrex-sample", "baseline entry").endswith("| FAIL |")


def test_a_gate_with_nothing_to_check_fails(tmp_path, monkeypatch, capsys) -> None:
    code, _, err = run_gate(tmp_path, {"chrf_tolerance": 2.0, "datasets": {}}, "--no-ntrex",
                              monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert "'datasets' is empty" in err
    # And at the bottom: no check run is a failure, whatever the rows say.
    assert gate.failures([]) and gate.failures([])[0].dataset == "(all)"
    skipped_only = gate.unscored({"datasets": {"x": {}}}, [], {"x": "left out"})
    assert gate.failures(skipped_only)


@pytest.mark.parametrize(
    ("baseline", "message"),
    [
        ({"chrf_tolerance": 2.0, "datasets": {"seed": {"chrf2++": 50.0}}}, "unknown key(s) chrf2++"),
        ({"chrf_tolerance": 2.0, "datasets": {"seed": {"BLEU": 20.0}}}, "no chrF2++ value"),
        ({"chrf_tolerance": 2.0, "datasets": {"seed": {"chrF2++": 50.0, "BLEU": 20.0}}}, "bleu_tolerance"),
        ({"datasets": {"seed": {"chrF2++": 50.0}}}, "chrf_tolerance"),
        ({"chrf_tolerance": 2.0, "datasets": {"seed": {"chrF2++": "50"}}}, "expected a number"),
        ({"chrf_tolerance": 2.0, "tol": 1, "datasets": {"seed": {"chrF2++": 50.0}}}, "unknown key(s) tol"),
    ],
)
def test_a_malformed_baseline_is_refused(baseline: dict, message: str) -> None:
    with pytest.raises(TarjamaError, match=re.escape(message)):
        gate.validate_baseline(baseline, "baseline.json")


def test_committed_baseline_is_valid_and_covers_what_ci_scores() -> None:
    data = gate.load_baseline(ROOT / "references" / "baseline.json")
    assert set(data["datasets"]) == {"seed", "ntrex-sample"}  # the datasets ci_report scores
    assert all(gate.CHRF_PP in entry for entry in data["datasets"].values())
    assert data["datasets"]["seed"]["term_accuracy_min"] >= 95.0  # at most 3 of the seed's 69 terms
    assert 0 < data["chrf_tolerance"] <= 5 and 0 < data["bleu_tolerance"] <= 5


def _scored(chrf: float, bleu: float):
    """A scored dataset with these corpus scores (the gate reads only them)."""
    from tarjama.metrics.base import MetricScore
    from tarjama.scoring.core import ScoreReport

    corpus = [MetricScore(gate.CHRF_PP, chrf, "sig", ""), MetricScore(gate.BLEU, bleu, "sig", "")]
    return ScoreReport("hyp", ["ref"], None, ["x"], [["x"]], None, corpus, [], {})


@pytest.mark.parametrize(
    ("chrf", "bleu", "chrf_ok", "bleu_ok"),
    [
        (59.6, 37.1, True, True),     # both within their own tolerance (BLEU 2.9 below, chrF++ 0.4)
        (59.4, 36.9, False, False),   # both just outside (BLEU 3.1 below, chrF++ 0.6)
        (59.6, 36.9, True, False),    # BLEU fails alone
        (59.4, 37.1, False, True),    # chrF++ fails alone: BLEU's wider tolerance is BLEU's only
    ],
)
def test_each_measure_is_gated_by_its_own_tolerance_on_both_sides_of_it(
    chrf: float, bleu: float, chrf_ok: bool, bleu_ok: bool
) -> None:
    baseline = {"chrf_tolerance": 0.5, "bleu_tolerance": 3.0,
                "datasets": {"seed": {"chrF2++": 60.0, "BLEU": 40.0}}}
    checks = gate.check("seed", _scored(chrf, bleu), gate.validate_baseline(baseline, "b"))
    rows = {c.measure: c for c in checks}
    assert (rows[gate.CHRF_PP].passed, rows[gate.BLEU].passed) == (chrf_ok, bleu_ok)
    assert rows[gate.BLEU].threshold == pytest.approx(37.0)
    assert rows[gate.CHRF_PP].threshold == pytest.approx(59.5)


def test_a_missed_term_must_leave_its_sentence_flagged() -> None:
    # The gate's row for the runs that translate: a term the engine left out is allowed (the
    # seed's floor), an unflagged one is not.
    from tarjama.document.model import parse_text
    from tarjama.engines.base import Engine
    from tarjama.translate.run import Translator
    from tarjama.types import EngineIdentity, SegmentTranslation

    class Drops(Engine):
        name = "drops"
        identity = EngineIdentity("drops", "scripted")

        def translate(self, requests, *, done=None):
            return [SegmentTranslation("The agency signed an agreement with Japan.") for _ in requests]

    glossary = Glossary.load(GLOSSARY)
    result = Translator(Drops(), glossary, checks=None).translate_document(
        parse_text("وقعت وكالة الفضاء الأوروبية اتفاقية مع اليابان.\n\nوقعت الوكالة اتفاقية مع اليابان.\n"))
    first, second = result.sentences()
    assert first.terms.missing == ["European Space Agency"] and first.needs_review
    assert not second.terms.missing
    assert CI_REPORT.missed_terms([result]) == (1, 1)
    first.findings = []  # as if a stage had lost the finding: the miss goes unflagged
    assert not first.needs_review and CI_REPORT.missed_terms([result]) == (1, 0)
    assert gate.flagged_check("seed", 1, 1).passed
    failing = gate.flagged_check("seed", 2, 1)
    assert not failing.passed
    assert failing.line() == "| seed | missed terms flagged % | 50.00 | ≥ 100.00 | FAIL |"
    none = gate.flagged_check("seed", 0, 0)
    assert none.line() == "| seed | missed terms flagged % | 100.00 | ≥ 100.00 | ok |"
