"""``tarjama check SRC HYP`` end to end, as a user runs it, and the score report's review listing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.document.model import parse_text
from tarjama.translate.run import Translator
from test_checks import SEED_DECADE, WORSE, Scripted

SOURCE = "وقعت وكالة الفضاء اليابانية اتفاقية مع شركة ispace يوم الثلاثاء.\n\n" + SEED_DECADE + "\n"
GOOD = (
    "The Japanese space agency signed an agreement with the company ispace on Tuesday.\n\n"
    "The two sides plan to send joint landing craft to Mars in the 2030s.\n"
)
BAD = (
    "The Japanese space agency signed an agreement with ispace, a Chinese company, on Tuesday.\n\n"
    "The two sides plan to send joint landing craft to Mars in the 1970s.\n"
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in (("src.ar.txt", SOURCE), ("good.en.txt", GOOD), ("bad.en.txt", BAD)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        out[name] = tmp_path / name
    return out


def test_text_translation_is_checked_paragraph_by_paragraph(files, capsys) -> None:
    code = main(
        ["check", str(files["src.ar.txt"]), str(files["bad.en.txt"]), "--no-glossary", "--format", "json"]
    )
    captured = capsys.readouterr()
    assert code == 0
    report = json.loads(captured.out)
    assert report["unit"] == "paragraph" and report["totals"]["needs_review"] == 2
    checks = {f["check"] for u in report["units"] for f in u["checks"]}
    assert {"numbers", "countries"} <= checks
    chinese = next(f for u in report["units"] for f in u["checks"] if f["check"] == "countries")
    unit = report["units"][0]
    assert unit["translation"][slice(*chinese["target"])] == "Chinese"
    assert "2 need review" in captured.err


def test_max_findings_sets_the_exit_status(files, capsys) -> None:
    src, bad, good = (str(files[n]) for n in ("src.ar.txt", "bad.en.txt", "good.en.txt"))
    assert main(["check", src, bad, "--no-glossary", "--max-findings", "0"]) == 1
    assert "exceed --max-findings 0" in capsys.readouterr().err
    assert main(["check", src, bad, "--no-glossary", "--max-findings", "10"]) == 0
    assert main(["check", src, good, "--no-glossary", "--max-findings", "0"]) == 0
    out = capsys.readouterr().out
    assert "No findings." in out


def test_markdown_and_html_reports(files, tmp_path: Path, capsys) -> None:
    src, bad = str(files["src.ar.txt"]), str(files["bad.en.txt"])
    assert main(["check", src, bad, "--no-glossary"]) == 0
    markdown = capsys.readouterr().out
    assert "| ¶2 |" in markdown and "1970s" in markdown and "ثلاثينيات القرن الحادي والعشرين" in markdown
    html_path = tmp_path / "check.html"
    assert main(["check", src, bad, "--no-glossary", "-o", str(html_path)]) == 0
    page = html_path.read_text(encoding="utf-8")
    assert page.count('<mark class="flag"') >= 3 and 'dir="rtl"' in page
    assert (
        '<mark class="flag" title="Chinese: the source names no such country or nationality">Chinese</mark>'
        in page
    )


def test_only_the_checks_asked_for(files, capsys) -> None:
    main(
        [
            "check",
            str(files["src.ar.txt"]),
            str(files["bad.en.txt"]),
            "--no-glossary",
            "--checks",
            "numbers",
            "--format",
            "json",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert {f["check"] for u in report["units"] for f in u["checks"]} == {"numbers"}
    assert main(["check", str(files["src.ar.txt"]), str(files["bad.en.txt"]), "--checks", "spelling"]) == 2
    assert "unknown check spelling" in capsys.readouterr().err


def test_misaligned_files_are_one_error_line(files, tmp_path: Path, capsys) -> None:
    one = tmp_path / "one.en.txt"
    one.write_text("Only one paragraph.\n", encoding="utf-8")
    assert main(["check", str(files["src.ar.txt"]), str(one), "--no-glossary"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "paragraph" in err[0]


def jsonl_translation(tmp_path: Path) -> tuple[Path, Path]:
    from tarjama.checks import Checker

    src = tmp_path / "decade.ar.txt"
    src.write_text(SEED_DECADE + "\n", encoding="utf-8")
    # Two decades the source does not have: nothing to rewrite from, and the repair does no better.
    translator = Translator(Scripted(WORSE, WORSE, confidence=(-0.5, -0.9)), checks=Checker())
    result = translator.translate_document(parse_text(SEED_DECADE + "\n"))
    hyp = tmp_path / "decade.en.jsonl"
    hyp.write_text(result.jsonl(), encoding="utf-8")
    return src, hyp


def test_jsonl_translation_is_checked_sentence_by_sentence(tmp_path: Path, capsys) -> None:
    src, hyp = jsonl_translation(tmp_path)
    assert main(["check", str(src), str(hyp), "--no-glossary", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["unit"] == "sentence"
    (unit,) = report["units"]
    assert unit["needs_review"] and unit["confidence"]["mean"] == -0.5


def test_score_lists_the_sentences_that_need_review(tmp_path: Path, capsys) -> None:
    _src, hyp = jsonl_translation(tmp_path)
    ref = tmp_path / "decade.en.txt"
    ref.write_text("The two sides plan to send joint landers to Mars in the 2030s.\n", encoding="utf-8")
    assert main(["score", str(hyp), "--ref", str(ref)]) == 0
    markdown = capsys.readouterr().out
    assert "## Needs review (fidelity checks)" in markdown and "| ¶1.1 | error | numbers |" in markdown
    assert main(["score", str(hyp), "--ref", str(ref), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["needs_review"][0]["checks"][0]["check"] == "numbers"
    assert main(["score", str(hyp), "--ref", str(ref), "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert 'class="para review"' in page and '<mark class="flag"' in page
    assert ">1970s</mark>" in page and ">ثلاثينيات القرن الحادي والعشرين</mark>" in page


def test_translate_and_batch_check_by_default_and_no_checks_turns_it_off(
    tiny_marian: Path, tmp_path: Path, capsys
) -> None:
    src = tmp_path / "decade.ar.txt"
    src.write_text(SEED_DECADE + "\n", encoding="utf-8")
    engine = ["--engine", "marian", "--model", str(tiny_marian), "--no-glossary"]
    checked, plain = tmp_path / "checked.jsonl", tmp_path / "plain.jsonl"
    assert main(["translate", str(src), "-o", str(checked), *engine]) == 0
    err = capsys.readouterr().err
    (record,) = [json.loads(line) for line in checked.read_text(encoding="utf-8").splitlines()]
    (sentence,) = record["sentences"]
    # A random model cannot write "2030s": the sentence is flagged, with the model's confidence.
    assert sentence["needs_review"] and any(c["check"] == "numbers" for c in sentence["checks"])
    assert sentence["confidence"]["mean"] <= 0 and record["engine"]["params"]["checks"]
    assert "1 sentences need review" in err
    assert main(["translate", str(src), "-o", str(plain), *engine, "--no-checks"]) == 0
    err = capsys.readouterr().err
    (record,) = [json.loads(line) for line in plain.read_text(encoding="utf-8").splitlines()]
    assert "checks" not in record["engine"]["params"] and "need review" not in err
    assert "checks" not in record["sentences"][0] and "confidence" in record["sentences"][0]
    out = tmp_path / "batch"
    assert main(["batch", str(src), "--out-dir", str(out), *engine]) == 0
    assert "1 segments need review" in capsys.readouterr().err
    provenance = (out / "provenance.jsonl").read_text(encoding="utf-8").splitlines()
    (prov,) = [json.loads(line) for line in provenance]
    assert prov["needs_review"] == 1
