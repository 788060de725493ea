"""``tarjama memory merge``: memories kept apart (one per shard) joined with every row once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.memory.store import Approval, TranslationMemory, merge_memories
from tarjama.types import TranslationRequest
from test_batch_runner import Scripted, run_batch, write_docs
from test_memory import old_memory


def rows(path: Path, table: str, columns: str = "*") -> list[tuple]:
    with sqlite3.connect(path) as db:
        return sorted(db.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)


def sharded(tmp_path: Path) -> tuple[Path, Path]:
    """Two shard memories over overlapping documents (b.txt repeats a sentence of a.txt)."""
    write_docs(tmp_path / "in")
    for name, keep in (("one", ("a.txt", "b.txt")), ("two", ("b.txt", "c.txt"))):
        folder = tmp_path / f"in-{name}"
        folder.mkdir()
        for doc in keep:
            (folder / doc).write_bytes((tmp_path / "in" / doc).read_bytes())
        run_batch(folder, tmp_path / f"out-{name}", Scripted())
    return tmp_path / "out-one" / ".memory.sqlite", tmp_path / "out-two" / ".memory.sqlite"


def test_merge_keeps_every_machine_row_once_and_a_rerun_on_it_translates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = sharded(tmp_path)
    assert len(rows(one, "segments")) == 4 and len(rows(two, "segments")) == 5  # b.txt in both
    merged = tmp_path / "merged.sqlite"
    assert main(["memory", "merge", str(one), str(two), "-o", str(merged)]) == 0
    err = capsys.readouterr().err
    assert "7 machine rows of 9 read" in err and "1 engines" in err
    union = set(rows(one, "segments", "engine, glossary, key, translation")) | set(
        rows(two, "segments", "engine, glossary, key, translation")
    )
    assert rows(merged, "segments", "engine, glossary, key, translation") == sorted(union, key=repr)
    assert not Path(f"{merged}-wal").exists()  # one self-contained file
    # The merged memory answers the whole batch: nothing is translated again.
    out = tmp_path / "out-all"
    out.mkdir()
    merged.rename(out / ".memory.sqlite")
    engine = Scripted()
    summary, _ = run_batch(tmp_path / "in", out, engine)
    assert engine.batches == [] and summary.cache_hits == 8


def test_approvals_are_all_kept_once_with_history_and_the_latest_stays_the_latest(tmp_path: Path) -> None:
    request = TranslationRequest("جملة أولى.")
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    base = Approval("", "", "First.", "amal", 100.0, machine="EN(x)")
    for path, approvals in (
        (a, [base, Approval("", "", "The first.", "badr", 300.0)]),
        (b, [base, Approval("", "", "First one.", "amal", 200.0, note="from the desk")]),  # base: a copy
    ):
        memory = TranslationMemory(path)
        memory.scope(None, "g")
        for approval in approvals:
            memory.approve(request, approval)
        memory.close()
    report = merge_memories([a, b], tmp_path / "m.sqlite")
    assert (report.approvals_read, report.approvals) == (4, 3)
    merged = TranslationMemory(tmp_path / "m.sqlite", readonly=True)
    merged.scope(None, "g")
    # Ordered by time across inputs, so the latest approval (badr, t=300) is the one used,
    # although an older one (t=200) comes from the input given after it.
    assert [(x.editor, x.approved) for x in merged.approvals()] == [
        ("amal", 100.0), ("amal", 200.0), ("badr", 300.0)
    ]  # fmt: skip
    assert merged.approved_many([request.key()])[request.key()].translation == "The first."
    assert merged.approvals()[1].note == "from the desk" and merged.approvals()[0].machine == "EN(x)"
    merged.close()


def test_a_conflicting_row_keeps_the_first_inputs_and_is_counted(tmp_path: Path) -> None:
    one, two = sharded(tmp_path)
    with sqlite3.connect(two) as db:
        db.execute("UPDATE segments SET translation = 'OTHER' WHERE source = 'جملة رابعة.'")
    report = merge_memories([one, two], tmp_path / "m.sqlite")
    assert report.conflicts == 1 and report.segments == 7
    with sqlite3.connect(tmp_path / "m.sqlite") as db:
        (text,) = db.execute("SELECT translation FROM segments WHERE source = 'جملة رابعة.'").fetchone()
    assert text == "EN(جملة رابعة.)"


def test_a_schema_1_memory_merges_and_is_left_as_it_was(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    old_memory(old)
    before = old.read_bytes()
    _, two = sharded(tmp_path)
    report = merge_memories([old, two], tmp_path / "m.sqlite")
    assert report.segments == 6 and report.approvals == 0
    assert old.read_bytes() == before  # inputs are only read
    assert ("OLD(جملة أولى.)",) in rows(tmp_path / "m.sqlite", "segments", "translation")


def test_merge_refuses_to_replace_an_input_or_an_existing_file_and_names_a_damaged_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = sharded(tmp_path)
    before = one.read_bytes()
    assert main(["memory", "merge", str(one), str(two), "-o", str(one)]) == 2
    assert "is the input file" in capsys.readouterr().err and one.read_bytes() == before
    existing = tmp_path / "kept.sqlite"
    existing.write_bytes(b"precious")
    assert main(["memory", "merge", str(one), "-o", str(existing)]) == 2
    assert "already exists" in capsys.readouterr().err and existing.read_bytes() == b"precious"
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database", encoding="utf-8")
    assert main(["memory", "merge", str(one), str(bad), "-o", str(tmp_path / "new.sqlite")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{bad}: the translation memory is damaged" in err
    assert not (tmp_path / "new.sqlite").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
