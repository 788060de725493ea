"""``tarjama translate`` driven the way a user drives it, with the tiny Marian model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tarjama.cli import main

pytest.importorskip("transformers")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def marian_args(tiny_marian: Path) -> list[str]:
    return ["--engine", "marian", "--model", str(tiny_marian), "--no-glossary"]


def test_seed_to_text_keeps_nine_paragraphs_and_names_the_engine(
    tmp_path: Path, marian_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import SEED

    out = tmp_path / "seed.en.txt"
    code, _, err = run(["translate", str(SEED), "-o", str(out), *marian_args], capsys)
    assert code == 0, err
    paragraphs = [p for p in out.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    assert len(paragraphs) == 9
    meta = json.loads((tmp_path / "seed.en.txt.meta.json").read_text())
    assert meta["engine"]["engine"] == "marian" and meta["paragraphs"] == 9 and meta["sentences"] == 20
    assert "9 paragraphs, 20 sentences" in err and "marian:" in err
    assert not list(tmp_path.glob(".*journal*"))  # journal removed after success


def test_jsonl_records(tmp_path: Path, marian_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.txt"
    src.write_text("جملة أولى. جملة ثانية.\n\nفقرة ثانية.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, err = run(["translate", str(src), "-o", str(out), *marian_args], capsys)
    assert code == 0, err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["index"] for r in records] == [0, 1]
    assert records[0]["source"] == "جملة أولى. جملة ثانية."
    assert [s["source"] for s in records[0]["sentences"]] == ["جملة أولى.", "جملة ثانية."]
    assert records[0]["translation"] == " ".join(s["translation"] for s in records[0]["sentences"])
    assert records[1]["engine"]["engine"] == "marian" and records[1]["engine"]["sha256"]
    assert all(r["seconds"] >= 0 for r in records)


def test_markdown_code_and_markers_survive(tmp_path: Path, marian_args: list[str], capsys) -> None:
    src = tmp_path / "in.md"
    src.write_text("# عنوان\n\n```\nكود لا يترجم\n```\n\n- بند\n", encoding="utf-8")
    code, out, err = run(["translate", str(src), *marian_args], capsys)
    assert code == 0, err
    blocks = out.split("\n\n")
    assert blocks[0].startswith("# ") and blocks[1] == "```\nكود لا يترجم\n```" and blocks[2].startswith("- ")


def test_python_dash_m_works(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "tarjama", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "translate" in proc.stdout


@pytest.mark.parametrize(
    ("setup", "argv_extra", "message"),
    [
        (lambda d: None, [], "file not found"),
        (lambda d: (d / "in.txt").write_text("  \n\n", encoding="utf-8"), [], "file is empty"),
        # "سطر أول\n" is 14 bytes, "abc " 4 more: the bad byte is at offset 18 on line 2
        (
            lambda d: (d / "in.txt").write_bytes("سطر أول\n".encode() + b"abc \xff\xfe"),
            [],
            "not valid UTF-8 at line 2, byte 18",
        ),
        (
            lambda d: (d / "in.txt").write_text("نص.", encoding="utf-8"),
            ["--engine", "nope"],
            "unknown engine 'nope'",
        ),
        (
            lambda d: (d / "in.txt").write_text("نص.", encoding="utf-8"),
            ["-o", "missing/dir/out.txt"],
            "does not exist",
        ),
        (
            lambda d: ((d / "in.txt").write_text("نص.", encoding="utf-8"), (d / "outdir").mkdir()),
            ["-o", "outdir"],
            "is a directory",
        ),
        (
            lambda d: (d / "in.txt").write_text("نص.", encoding="utf-8"),
            ["--engine", "marian", "--engine-option", "parallel=4"],
            "takes no option parallel",
        ),
        (
            lambda d: (d / "in.txt").write_text("نص.", encoding="utf-8"),
            ["--engine-option", "parallel"],
            "expects KEY=VALUE",
        ),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path: Path, monkeypatch, capsys, setup, argv_extra, message) -> None:
    monkeypatch.chdir(tmp_path)
    setup(tmp_path)
    code, _out, err = run(["translate", "in.txt", *argv_extra], capsys)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err
    assert lines[0].startswith("tarjama: error: ")
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "in.txt"]


def test_unwritable_output_folder(tmp_path: Path, capsys, marian_args: list[str]) -> None:
    import os

    if os.geteuid() == 0:
        folder = Path("/sys")  # read-only even for root
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
    src = tmp_path / "in.txt"
    src.write_text("نص.", encoding="utf-8")
    code, _, err = run(["translate", str(src), "-o", str(folder / "o.txt"), *marian_args], capsys)
    assert code != 0 and "not writable" in err and len(err.strip().splitlines()) == 1
    assert not (folder / "o.txt").exists()


def test_progress_is_one_line_per_paragraph_when_stderr_is_not_a_terminal(
    tmp_path: Path, marian_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("جملة أولى. جملة ثانية.\n\nفقرة ثانية.\n\nفقرة ثالثة.\n", encoding="utf-8")
    code, _, err = run(["translate", str(src), "-o", str(tmp_path / "out.txt"), *marian_args], capsys)
    assert code == 0, err
    lines = [line for line in err.splitlines() if " done · " in line]
    assert [line.split(" done")[0] for line in lines] == [f"tarjama: paragraph {i}" for i in (1, 2, 3)]
    assert lines[-1].split(" · ")[1:3] == ["3/3 paragraphs", "4/4 sentences"]
    code, _, err = run(["translate", str(src), "--no-progress", *marian_args], capsys)
    assert code == 0 and " done · " not in err


def test_output_equal_to_the_input_is_refused(
    tmp_path: Path, marian_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("فقرة.\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(src)
    for target in (src, link):
        code, _, err = run(["translate", str(src), "-o", str(target), *marian_args], capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1 and "is the input file" in err
    assert src.read_text(encoding="utf-8") == "فقرة.\n"


def test_stderr_holds_only_tarjamas_own_lines_when_it_is_a_log(tmp_path: Path, tiny_marian: Path) -> None:
    """No weight-loading bar and no transformers warning in a log: one summary line."""
    from conftest import ROOT

    src = tmp_path / "in.txt"
    src.write_text("نص قصير.\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_DISABLE_PROGRESS_BARS"}
    env.update(PYTHONPATH=str(ROOT / "src"), HF_HUB_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "tarjama", "translate", str(src), "--engine", "marian", "--model",
         str(tiny_marian), "--no-glossary", "--no-progress", "-o", str(tmp_path / "out.txt")],
        capture_output=True, text=True, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tarjama: 1 paragraphs, 1 sentences"), proc.stderr


def test_a_sentence_longer_than_the_model_is_split_without_a_transformers_warning(
    tiny_marian: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from tarjama.engines.marian import MarianEngine

    engine = MarianEngine(str(tiny_marian), num_beams=1)
    long = "بدأت وكالة الفضاء الأوروبية العمل في المدار " * 12
    capfd.readouterr()
    assert engine._token_count(long) > engine.max_input_tokens  # tarjama splits it; nothing to warn about
    assert "Token indices sequence length" not in capfd.readouterr().err
