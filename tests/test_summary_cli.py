"""``tarjama summarize`` and ``tarjama score --summary`` end to end (scripted translations, tiny Marian)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summary_helpers import ARTICLE, GLOSSARY, ScriptedEngine
from tarjama.cli import main
from tarjama.document.model import read_document
from tarjama.glossary import Glossary
from tarjama.translate.run import Translator

REF_AR = "أعلنت وكالة الفضاء الأوروبية ووكالة استكشاف الفضاء اليابانية شراكة جديدة لاستكشاف القمر والمريخ."
REF_EN = "ESA and JAXA announced a new partnership to explore the Moon and Mars, signed in Tsukuba."


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    src = tmp_path / "article.ar.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    translator = Translator(ScriptedEngine(), Glossary.load(GLOSSARY), checks=None)
    result = translator.translate_document(read_document(src))
    jsonl = tmp_path / "article.en.jsonl"
    jsonl.write_text(result.jsonl(), encoding="utf-8")
    ref_ar, ref_en = tmp_path / "ref.ar.txt", tmp_path / "ref.en.txt"
    ref_ar.write_text(REF_AR + "\n", encoding="utf-8")
    ref_en.write_text(REF_EN + "\n", encoding="utf-8")
    return {"src": str(src), "jsonl": str(jsonl), "ref_ar": str(ref_ar), "ref_en": str(ref_en),
            "dir": str(tmp_path)}  # fmt: skip


def test_jsonl_points_are_aligned_with_the_translation_file(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = Path(files["dir"]) / "summary.jsonl"
    code, stdout, err = run(["summarize", files["src"], "--translation", files["jsonl"], "-n", "3",
                             "--glossary", str(GLOSSARY), "-o", str(out)], capsys)
    assert code == 0, err
    assert stdout == ""
    assert "3 of 6 sentences, extractive; English from" in err and "scripted:table" in err
    header, *points = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert header["kind"] == "tarjama-summary" and header["chosen"] == 3 and header["method"] == "extractive"
    assert header["translation_file"] == files["jsonl"]
    assert [s["decision"] for s in header["ranking"]["sentences"]].count("chosen") == 3
    records = [json.loads(line) for line in Path(files["jsonl"]).read_text(encoding="utf-8").splitlines()]
    assert [p["position"] for p in points] == sorted(p["position"] for p in points)
    for p in points:
        sentence = records[p["paragraph"]]["sentences"][p["sentence"]]
        assert (p["source"], p["translation"]) == (sentence["source"], sentence["translation"])
        assert p["engine"]["engine"] == "scripted" and p["origin"] == "translation-file"
        assert set(p["scores"]) == {"centrality", "position_prior", "term_weight", "final"}
    assert header["arabic"] == " ".join(p["source"] for p in points)
    assert header["english"] == " ".join(p["translation"] for p in points)
    assert not Path(f"{out}.meta.json").exists()  # JSONL is its own record


def test_markdown_with_rouge_and_scoring_it_again(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = Path(files["dir"]) / "summary.md"
    code, _, err = run(["summarize", files["src"], "--translation", files["jsonl"], "-n", "2", "-o", str(out),
                        "--glossary", str(GLOSSARY), "--ref-summary", files["ref_ar"],
                        "--ref-summary", files["ref_en"]], capsys)  # fmt: skip
    assert code == 0, err
    assert "ROUGE F1 (Arabic vs" in err and "ROUGE F1 (English vs" in err
    md = out.read_text(encoding="utf-8")
    assert "| # | Where | العربية | English |" in md and "## Why these sentences" in md
    assert "## Summary (ROUGE)" in md
    meta = json.loads(Path(f"{out}.meta.json").read_text(encoding="utf-8"))
    assert meta["kind"] == "tarjama-summary" and len(meta["points"]) == 2
    in_file = {e["language"]: e["scores"] for e in meta["rouge"]["entries"]}

    # `tarjama score --summary` reads the .md through its .meta.json and gives the same numbers.
    code, stdout, err = run(["score", "--summary", str(out), "--summary-ref", files["ref_ar"],
                             "--summary-ref", files["ref_en"], "-f", "json"], capsys)  # fmt: skip
    assert code == 0, err
    scored = json.loads(stdout)["summary"]
    assert {e["language"]: e["scores"] for e in scored["entries"]} == in_file
    code, stdout, _ = run(["score", "--summary", str(out), "--summary-ref", files["ref_en"]], capsys)
    assert code == 0 and stdout.startswith("# Summary scores") and "| English |" in stdout


def test_score_report_gets_a_rouge_section(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    summary = Path(files["dir"]) / "s.jsonl"
    assert run(["summarize", files["src"], "--translation", files["jsonl"], "-o", str(summary),
                "--glossary", str(GLOSSARY)], capsys)[0] == 0  # fmt: skip
    ref = Path(files["dir"]) / "ref.txt"
    lines = Path(files["jsonl"]).read_text(encoding="utf-8").splitlines()
    ref.write_text("\n\n".join(json.loads(line)["translation"] for line in lines) + "\n", encoding="utf-8")
    report_dir = Path(files["dir"]) / "report"
    code, stdout, err = run(["score", files["jsonl"], "--ref", str(ref), "--summary", str(summary),
                             "--summary-ref", files["ref_en"], "--report-dir", str(report_dir)], capsys)
    assert code == 0, err
    assert "| Metric | Score | Signature |" in stdout and "## Summary (ROUGE)" in stdout
    data = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    assert data["summary"]["entries"][0]["language"] == "en"
    assert "Summary (ROUGE)" in (report_dir / "report.html").read_text(encoding="utf-8")
    # Without --summary the JSON report is as before.
    code, stdout, _ = run(["score", files["jsonl"], "--ref", str(ref), "-f", "json"], capsys)
    assert code == 0 and "summary" not in json.loads(stdout)


def test_html_and_txt_outputs(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    out = Path(files["dir"]) / "summary.html"
    assert run(["summarize", files["src"], "--translation", files["jsonl"], "-o", str(out),
                "--glossary", str(GLOSSARY)], capsys)[0] == 0  # fmt: skip
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<td dir="rtl" lang="ar">' in page
    code, stdout, _ = run(["summarize", files["src"], "--translation", files["jsonl"], "--no-glossary",
                           "--ratio", "0.5"], capsys)  # fmt: skip
    assert code == 0
    assert stdout.startswith("Summary of ") and "3 of 6 sentences" in stdout and "glossary off" in stdout
    assert "1. [¶1.1] " in stdout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--ratio", "0"], "argument --ratio: expected a number above 0 and at most 1, got 0"),
        (["--sentences", "0"], "argument --sentences/-n: expected a whole number at least 1, got 0"),
        (["--translation", "/nonexistent.jsonl"], "/nonexistent.jsonl: file not found"),
        (["--ref-summary", "/nonexistent.txt"], "/nonexistent.txt: file not found"),
    ],
)
def test_bad_input_is_one_clear_line(
    files: dict[str, str], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, stdout, err = run(["summarize", files["src"], *argv], capsys)
    assert code == 2 and stdout == ""
    assert err.count("\n") == 1 and message in err


def test_translation_of_another_text_is_refused(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    other = Path(files["dir"]) / "other.ar.txt"
    other.write_text(ARTICLE.replace("2029", "2031"), encoding="utf-8")
    out = Path(files["dir"]) / "never.md"
    code, _, err = run(["summarize", str(other), "--translation", files["jsonl"], "-o", str(out)], capsys)
    assert code == 2 and "paragraph 2 does not match" in err and "2031" in err and err.count("\n") == 1
    assert not out.exists()


def test_score_summary_refusals(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    bilingual = Path(files["dir"]) / "bi.txt"
    bilingual.write_text(REF_AR + "\n" + REF_EN + "\n", encoding="utf-8")
    code, _, err = run(["score", "--summary", str(bilingual), "--summary-ref", files["ref_en"]], capsys)
    assert code == 2 and "holds both Arabic and English" in err
    code, _, err = run(["score", "--summary", files["ref_en"]], capsys)
    assert code == 2 and "--summary and --summary-ref go together" in err
    code, _, err = run(["score"], capsys)
    assert code == 2 and "nothing to score" in err
    english_only = Path(files["dir"]) / "en.txt"
    english_only.write_text(REF_EN, encoding="utf-8")
    code, _, err = run(["score", "--summary", str(english_only), "--summary-ref", files["ref_ar"]], capsys)
    assert code == 2 and "an Arabic reference, but the summary" in err


def test_on_demand_translation_with_tiny_marian(
    files: dict[str, str], tiny_marian: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = Path(files["dir"]) / "m.jsonl"
    code, _, err = run(["summarize", files["src"], "--engine", "marian", "--model", str(tiny_marian),
                        "-n", "2", "-o", str(out), "--glossary", str(GLOSSARY)], capsys)  # fmt: skip
    assert code == 0, err
    header, *points = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(points) == 2 and header["translation_file"] is None
    for p in points:
        assert p["origin"] == "translated" and p["engine"]["engine"] == "marian"
        assert isinstance(p["translation"], str) and p["term_check"] is not None
