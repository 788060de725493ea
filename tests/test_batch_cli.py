"""``tarjama batch`` driven the way a user drives it, with the tiny Marian model.

Includes the crash test: a real run in a subprocess is killed with SIGKILL half-way through
and the same command is run again.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tarjama.cli import main

pytest.importorskip("transformers")

WORDS = ["الفضاء", "القمر", "المريخ", "الأرض", "الشمس", "النجوم", "المدار", "الصاروخ", "المحطة", "الوكالة"]


def sentence(i: int) -> str:
    """A distinct short Arabic sentence for each ``i``."""
    # Short on purpose: the random tiny model decodes to its length limit, which grows with the input.
    return f"عن {WORDS[i % 10]} و{WORDS[(i // 10) % 10]} رقم {i}."


def make_docs(folder: Path, n: int, per_doc: int = 3, first: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for d in range(n):
        path = folder / f"sub{d % 3}" / f"doc{d:03d}.txt"
        path.parent.mkdir(exist_ok=True)
        text = "\n\n".join(sentence(first + d * per_doc + k) for k in range(per_doc))
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def provenance(out: Path) -> list[dict]:
    lines = (out / "provenance.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def last_run(out: Path) -> list[dict]:
    records = provenance(out)
    return [r for r in records if r["run"] == records[-1]["run"]]


def memory_rows(out: Path) -> int:
    with sqlite3.connect(out / ".tarjama-memory.sqlite", timeout=30) as db:
        return db.execute("SELECT COUNT(*) FROM segments").fetchone()[0]


@pytest.fixture
def model_args(tiny_marian: Path) -> list[str]:
    # Checks off: a random model's output would be repaired, which changes the engine calls
    # these tests count and slows the kill -9 test's first commits (checks: test_check_cli.py).
    return ["--engine", "marian", "--model", str(tiny_marian), "--no-glossary", "--no-checks"]


def test_kill_9_mid_run_then_resume_loses_nothing_and_translates_nothing_twice(
    tmp_path: Path, model_args: list[str]
) -> None:
    docs = make_docs(tmp_path / "in", 24, per_doc=2)
    total = 24 * 2
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "tarjama", "batch", str(tmp_path / "in"), "--out-dir", str(out)]
    argv += [*model_args, "--batch-size", "1", "--no-progress"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 120
        rows = 0
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                rows = memory_rows(out)
            except sqlite3.Error:
                rows = 0  # not created yet
            if rows >= 3:
                break
            time.sleep(0.05)
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()}"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    committed = memory_rows(out)
    assert 3 <= committed < total
    written_before = {p for p in out.rglob("*.en.txt")}
    assert len(written_before) < len(docs)
    # Whatever the kill left is complete: each output has its two paragraphs, each provenance
    # line is a whole record, the memory passes its integrity check.
    for path in written_before:
        assert len([p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]) == 2
    provenance = out / "provenance.jsonl"
    if provenance.exists():
        data = provenance.read_text(encoding="utf-8")
        assert data == "" or data.endswith("\n")
        assert all(json.loads(line)["status"] == "done" for line in data.splitlines())
    with sqlite3.connect(out / ".tarjama-memory.sqlite") as db:
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"

    assert (
        main(["batch", str(tmp_path / "in"), "--out-dir", str(out), *model_args, "--batch-size", "16"]) == 0
    )
    second = last_run(out)
    # Exactly the segments never committed were translated; nothing committed was paid twice.
    assert sum(r["translated"] for r in second) == total - committed
    assert sum(r["cache_hits"] for r in second) == committed
    assert memory_rows(out) == total
    assert len(second) == len(docs) and all(r["status"] == "done" for r in second)
    for src in docs:
        rel = src.relative_to(tmp_path / "in")
        target = out / rel.parent / f"{src.stem}.en.txt"
        paragraphs = [p for p in target.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        assert len(paragraphs) == 2 and all(p.strip() for p in paragraphs)
    # No half-written file is left behind under any name.
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_rerun_costs_nothing_and_dry_run_loads_no_model(
    tmp_path: Path, model_args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_docs(tmp_path / "in", 4)
    out = tmp_path / "out"
    argv = ["batch", str(tmp_path / "in"), "--out-dir", str(out), *model_args]
    assert main(argv) == 0
    first = {p: p.read_bytes() for p in out.rglob("*.en.txt")}
    err = capsys.readouterr().err
    assert "4 documents (4 done, 0 failed), 12 segments (12 translated, 0 cache hits)" in err
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "12 segments (0 translated, 12 cache hits)" in err
    assert {p: p.read_bytes() for p in out.rglob("*.en.txt")} == first
    assert sum(r["translated"] for r in last_run(out)) == 0

    def no_model(*args: object, **kwargs: object) -> None:
        raise AssertionError("--dry-run must not load a model")

    monkeypatch.setattr("tarjama.engines.load_engine", no_model)
    make_docs(tmp_path / "in" / "new", 1, first=100)  # three more segments, not yet translated
    assert main([*argv, "--dry-run"]) == 0
    stdout = capsys.readouterr().out
    line = f"{tmp_path / 'in' / 'sub0' / 'doc000.txt'} → {out / 'sub0' / 'doc000.en.txt'}"
    assert f"{line}  (3 segments, 3 cached, 0 repeats)" in stdout
    assert "5 documents (0 unreadable), 15 segments, 12 cached, 0 repeats within this run" in stdout
    assert ", 3 to translate;" in stdout
    assert "no model loaded" in stdout
    assert not (out / "new").exists()


def test_markdown_round_trip_keeps_code_links_and_front_matter(
    tmp_path: Path, model_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from test_batch_inputs import MARKDOWN, PROTECTED

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "article.ar.md").write_text(MARKDOWN, encoding="utf-8")
    assert main(["batch", str(tmp_path / "in"), "--out-dir", str(tmp_path / "out"), *model_args]) == 0
    out = (tmp_path / "out" / "article.en.md").read_text(encoding="utf-8")
    assert out.startswith(PROTECTED[0])  # front matter, byte for byte
    # Standalone markup (code, URLs, comments, fences, definitions) always comes back; the
    # random model drops the placeholders of paired markup (a link around its text), which is
    # then left out whole, never half, and flagged.
    paired = {'](https://esa.int/a_(b) "عنوان")', '<span class="x">', "</span>", "![", "](img/moon.png)"}
    paired.add("][ref]")
    for span in PROTECTED:
        if span not in paired:
            assert out.count(span) == MARKDOWN.count(span), span
    assert out.count("<span") == out.count("</span>") and out.count("![") == out.count("](img/moon.png)")
    assert "\n# " in out and "\n- " in out


def test_a_bad_file_in_the_middle_fails_alone(
    tmp_path: Path, model_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    make_docs(tmp_path / "in", 3)
    (tmp_path / "in" / "sub1" / "bad.txt").write_bytes("سطر\n".encode() + b"\xff oops")
    (tmp_path / "in" / "sub1" / "broken.jsonl").write_text('{"text": "نص."}\n{oops\n', encoding="utf-8")
    (tmp_path / "in" / "sub2" / "table.tsv").write_text("id\tar\n1\tنص.\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["batch", str(tmp_path / "in"), "--out-dir", str(out), *model_args])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    failures = [line for line in err if line.startswith("tarjama batch: failed: ")]
    assert len(failures) == 3
    assert any("bad.txt: not valid UTF-8 at line 2" in f for f in failures)
    assert any("broken.jsonl:2: not valid JSON" in f for f in failures)
    assert any("table.tsv:1: no column 'text'" in f for f in failures)
    assert "6 documents (3 done, 3 failed)" in err[-4]
    assert len(list(out.rglob("*.en.txt"))) == 3
    assert not list(out.rglob("*.en.jsonl")) and not list(out.rglob("*.en.tsv"))
    statuses = sorted(r["status"] for r in last_run(out))
    assert statuses == ["done"] * 3 + ["failed"] * 3


def test_jsonl_and_tsv_through_the_cli(
    tmp_path: Path, model_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.jsonl").write_text(
        '{"id": "a", "body": "جاء أحمد. ذهب سعيد.", "n": 1}\n{"id": "b", "body": "من هنا؟", "n": 2}\n',
        encoding="utf-8",
    )
    (tmp_path / "in" / "t.tsv").write_text("id\tar\tnote\n1\tجاء أحمد.\tx\n2\tمن هنا؟\ty\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["batch", str(tmp_path / "in"), "--out-dir", str(out), "--field", "body", "--column", "ar"]
    assert main([*argv, *model_args]) == 0
    records = [json.loads(line) for line in (out / "r.en.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["n"]) for r in records] == [("a", 1), ("b", 2)]
    assert all(
        r["body"] and r["body"] != src
        for r, src in zip(records, ["جاء أحمد. ذهب سعيد.", "من هنا؟"], strict=True)
    )
    rows = [line.split("\t") for line in (out / "t.en.tsv").read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["id", "ar", "note"] and [r[0] for r in rows[1:]] == ["1", "2"]
    assert [r[2] for r in rows[1:]] == ["x", "y"] and all(len(r) == 3 for r in rows)
    # "جاء أحمد." and "من هنا؟" appear in both files: translated once each.
    assert sum(r["translated"] for r in last_run(out)) == 3


def test_shards_together_translate_every_document_exactly_once(
    tmp_path: Path, model_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    docs = make_docs(tmp_path / "in", 9, per_doc=1)
    out = tmp_path / "out"
    for k in (1, 2, 3):
        argv = ["batch", str(tmp_path / "in"), "--out-dir", str(out), *model_args, "--shard", f"{k}/3"]
        assert main(argv) == 0
    records = provenance(out)
    sources = [r["source"] for r in records]
    assert sorted(sources) == sorted(str(d) for d in docs)  # each once, none missing
    assert len({r["run"] for r in records}) == 3 and {r["shard"] for r in records} == {"1/3", "2/3", "3/3"}
    assert sum(r["translated"] for r in records) == 9
    assert len(list(out.rglob("*.en.txt"))) == 9


def test_usage_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "--out-dir", str(tmp_path / "o")]) == 2
    assert "no inputs" in capsys.readouterr().err
    assert main(["batch", str(tmp_path), "--out-dir", str(tmp_path / "o"), "--shard", "0/2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tarjama: error: --shard '0/2'")


def test_wrapper_script_is_the_same_command(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[1] / "scripts" / "translate_batch.py"
    proc = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "--out-dir" in proc.stdout and "--shard" in proc.stdout
