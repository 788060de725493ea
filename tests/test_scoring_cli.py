"""``tarjama score`` driven the way a user drives it: outputs, formats, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarjama.cli import main

HYP = [
    "The European Space Agency (ESA) and JAXA announced an enhanced partnership on space missions.",
    "Their joint statement covers planetary defense, Earth observation and the exploration of Mars.",
    "JAXA and ESA are also exploring small joint landing missions to Mars in the 2030s.",
]
REF = [
    "ESA and JAXA have announced a strengthened partnership spanning various space missions.",
    "Their joint statement outlines cooperation on planetary defence, Earth observation and Mars "
    "exploration.",
    "JAXA and ESA are also exploring joint small Mars landing missions in the 2030s.",
]
BASE = [
    "ESA and JAXA said a partnership.",
    "The statement is about defence, Earth and Mars.",
    "JAXA and ESA look at Mars landers.",
]
SRC = [
    "أعلنت وكالة الفضاء الأوروبية (ESA) و JAXA عن شراكة مُعززة.",
    "يشمل بيانهما المُشترك الدفاع الكوكبي، ومراقبة الأرض، واستكشاف المريخ.",
    "كما تستكشف JAXA و ESA بعثات هبوط صغيرة مشتركة إلى المريخ.",
]
GLOSSARY = (
    "ar\ten\tkind\tnote\ten_variants\n"
    "وكالة الفضاء الأوروبية\tEuropean Space Agency\torganisation\t\t\n"
    "ESA\tESA\torganisation\t\t\n"
    "JAXA\tJAXA\torganisation\t\t\n"
    "الدفاع الكوكبي\tplanetary defence\tconcept\t\t\n"
    "مراقبة الأرض\tEarth observation\tconcept\t\t\n"
    "المريخ\tMars\tplace\t\t\n"
)


def write(path: Path, paragraphs: list[str]) -> str:
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "glossary.tsv").write_text(GLOSSARY, encoding="utf-8")
    return {
        "hyp": write(tmp_path / "hyp.txt", HYP),
        "ref": write(tmp_path / "ref.txt", REF),
        "base": write(tmp_path / "base.txt", BASE),
        "src": write(tmp_path / "src.ar.txt", SRC),
        "glossary": str(tmp_path / "glossary.tsv"),
    }


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_markdown_to_stdout_by_default(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["score", files["hyp"], "--ref", files["ref"]], capsys)
    assert code == 0, err
    assert out.startswith("# Translation scores")
    assert "| BLEU |" in out and "| chrF2++ |" in out and "| TER ↓ |" in out
    assert "## Comparison" not in out and "## Terminology" not in out


def test_output_format_follows_suffix(files: dict[str, str], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / "report.html"
    code, out, err = run(["score", files["hyp"], "--ref", files["ref"], "-o", str(out_path)], capsys)
    assert code == 0, err
    assert out == ""
    assert out_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_explicit_format_wins_over_suffix(files: dict[str, str], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / "scores.txt"
    code, _, err = run(["score", files["hyp"], "-r", files["ref"], "-f", "json", "-o", str(out_path)], capsys)
    assert code == 0, err
    assert json.loads(out_path.read_text(encoding="utf-8"))["inputs"]["paragraphs"] == 3


def test_report_dir_gets_all_three_formats(files: dict[str, str], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "reports" / "run1"
    code, out, err = run(["score", files["hyp"], "--ref", files["ref"], "--src", files["src"],
                          "--glossary", files["glossary"], "--report-dir", str(folder)], capsys)
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.json", "report.md"]
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert (folder / "report.md").read_text(encoding="utf-8") == out
    # 1: European Space Agency, ESA, JAXA; 2: planetary defence (missed: the hypothesis has
    # "defense"), Earth observation, Mars; 3: JAXA, ESA, Mars.
    assert (data["terms"]["correct"], data["terms"]["total"]) == (8, 9)
    assert data["terms"]["missed"] == [{"paragraph": 2, "term": "planetary defence"}]
    assert 'class="term missed" data-term="planetary defence"' in (folder / "report.html").read_text()


def test_compare_records_seed_and_samples(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["score", files["hyp"], "--ref", files["ref"], "--compare", files["base"],
                          "--seed", "7", "--bootstrap-samples", "100", "-f", "json"], capsys)
    assert code == 0, err
    comparison = json.loads(out)["comparison"]
    assert comparison["seed"] == 7 and comparison["n_samples"] == 100
    assert comparison["baseline"].endswith("base.txt")
    for r in comparison["results"]:
        assert 0 <= r["p_value"] <= 1 and "seed:7" in r["signature"] and "bs:100" in r["signature"]


def test_identical_compare_is_not_significant(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["score", files["hyp"], "--ref", files["ref"], "--compare", files["hyp"],
                          "--bootstrap-samples", "100"], capsys)
    assert code == 0, err
    section = out.split("## Comparison (paired bootstrap)")[1]
    assert section.count("| 1.0000 | no significant difference |") == 4


def test_jsonl_hypothesis_scores_terms_from_its_own_sources(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hyp = tmp_path / "hyp.jsonl"
    engine = {"engine": "marian", "model": "m", "sha256": "00"}
    records = [
        {"index": i, "source": s, "translation": h, "sentences": [], "engine": engine, "seconds": 0.1,
         "terms": {}}
        for i, (s, h) in enumerate(zip(SRC, HYP, strict=True))
    ]
    hyp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    code, out, err = run(["score", str(hyp), "--ref", files["ref"], "--glossary", files["glossary"],
                          "-f", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["inputs"]["source"].endswith("hyp.jsonl (source fields)")
    assert data["inputs"]["engines"] == [{"engine": "marian", "model": "m", "sha256": "00"}]
    assert data["terms"]["total"] == 9
    # Same paragraphs as the text file, so the same scores.
    code, text_out, _ = run(["score", files["hyp"], "--ref", files["ref"], "-f", "json"], capsys)
    assert [m["score"] for m in json.loads(text_out)["corpus"]] == [m["score"] for m in data["corpus"]]


def test_misaligned_inputs_fail_with_one_line(files: dict[str, str], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    short = write(tmp_path / "short.txt", REF[:2])
    code, out, err = run(["score", files["hyp"], "--ref", short], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("tarjama: error: ")
    assert "has 3 paragraphs" in err and "has 2" in err and "hypothesis paragraph 3" in err


def test_missing_file_fails_with_one_line(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["score", files["hyp"], "--ref", "/nonexistent/ref.txt"], capsys)
    assert code == 2 and err.count("\n") == 1 and "file not found" in err


def test_bad_width_is_refused(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["score", files["hyp"], "--ref", files["ref"], "-w", "42"], capsys)
    assert code == 2 and "argument --width/-w: expected a whole number from 0 to 10, got 42" in err
    assert err.count("\n") == 1


def test_ref_is_required(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    # HYP is optional since `--summary` can be scored alone, so argparse no longer enforces --ref:
    # the command does, with one error line.
    assert main(["score", files["hyp"]]) == 2
    assert "pass at least one --ref FILE" in capsys.readouterr().err
