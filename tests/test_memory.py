"""The translation memory: schema migration in place, human approvals, damaged files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tarjama.errors import TarjamaError
from tarjama.memory.store import SCHEMA_VERSION, Approval, TranslationMemory
from tarjama.types import SegmentTranslation, TermHint, TranslationRequest
from test_batch_runner import Scripted, run_batch, write_docs

# The schema of the memory files tarjama wrote before approvals existed (schema 1).
SCHEMA_1 = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments (
    engine TEXT NOT NULL,        -- sha256 of the engine identity
    glossary TEXT NOT NULL,      -- Glossary.digest(), or 'none'
    key TEXT NOT NULL,           -- sha256 of source text + term hints
    source TEXT NOT NULL,
    hints TEXT NOT NULL,         -- JSON [[source, target, kind], ...]
    translation TEXT NOT NULL,
    notes TEXT NOT NULL,         -- JSON list of strings
    terms TEXT,                  -- JSON term record, NULL without glossary
    seconds REAL NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (engine, glossary, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS engines (
    engine TEXT PRIMARY KEY,     -- sha256 of the identity
    identity TEXT NOT NULL       -- the identity itself, JSON
);
-- What each --engine/--model pair resolved to last time, so --dry-run can count cached
-- segments without loading a model to learn its identity.
CREATE TABLE IF NOT EXISTS requested (
    engine_arg TEXT NOT NULL,
    model_arg TEXT NOT NULL,
    engine TEXT NOT NULL,
    used REAL NOT NULL,
    PRIMARY KEY (engine_arg, model_arg)
) WITHOUT ROWID;
"""


def old_memory(path: Path) -> None:
    """A schema-1 file with one machine translation in it, as earlier versions wrote it."""
    request = TranslationRequest("جملة أولى.")
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA_1)
        db.execute("INSERT INTO meta VALUES ('schema', '1')")
        db.execute(
            "INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ("e" * 64, "none", request.key(), request.source, "[]", "OLD(جملة أولى.)", "[]", None, 0.1, 0.0),
        )


def test_a_schema_1_file_is_migrated_in_place_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    old_memory(path)
    readonly = TranslationMemory(path, readonly=True)  # read-only: used as it is
    readonly.engine, readonly.glossary = "e" * 64, "none"
    key = TranslationRequest("جملة أولى.").key()
    assert readonly.get_many([key])[key].text == "OLD(جملة أولى.)"
    assert readonly.approved_many([key]) == {}
    readonly.close()
    memory = TranslationMemory(path)
    memory.engine, memory.glossary = "e" * 64, "none"
    assert memory.get_many([key])[key].text == "OLD(جملة أولى.)"
    memory.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()[0] == str(SCHEMA_VERSION)
        assert db.execute("SELECT COUNT(*) FROM approvals").fetchone()[0] == 0


def approval(text: str, editor: str = "ed") -> Approval:
    return Approval("", "", text, editor, time.time(), machine="EN(x)")


def test_approvals_are_kept_the_latest_wins_and_they_do_not_depend_on_the_engine(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite")
    request = TranslationRequest("جملة أولى.", (TermHint("جملة", "Sentence", "concept"),))
    memory.scope({"engine": "a"}, "g1")
    memory.approve(request, approval("First, approved.", "amal"))
    memory.approve(request, approval("First sentence.", "badr"))
    memory.scope({"engine": "b"}, "g1")  # another engine, same glossary: still approved
    (found,) = memory.approved_many([request.key()]).values()
    assert (found.translation, found.editor, found.machine) == ("First sentence.", "badr", "EN(x)")
    assert [a.editor for a in memory.approvals()] == ["amal", "badr"]  # the history is kept
    memory.scope({"engine": "a"}, "g2")  # another glossary: not approved there
    assert memory.approved_many([request.key()]) == {}
    # approvals are never stored as machine rows
    memory.put_many([(request.key(), request, SegmentTranslation("x", origin="human"))])
    assert memory.count() == 0
    memory.close()


def test_an_approval_outranks_the_machine_in_every_later_batch(tmp_path: Path) -> None:
    write_docs(tmp_path / "in")
    out = tmp_path / "out"
    run_batch(tmp_path / "in", out, Scripted())
    memory = TranslationMemory(out / ".memory.sqlite")
    memory.scope(None, None)
    memory.approve(TranslationRequest("جملة أولى."), approval("The first sentence."))
    memory.close()
    engine = Scripted(version=2)  # even another engine
    summary, _ = run_batch(tmp_path / "in", out, engine)
    assert (out / "b.en.txt").read_text(encoding="utf-8") == "EN(جملة رابعة.)\n\nThe first sentence.\n"
    assert (out / "a.en.txt").read_text(encoding="utf-8").startswith("The first sentence. EN(جملة ثانية.)")
    assert "جملة أولى." not in [s for batch in engine.batches for s in batch]
    assert summary.translated == 6


def test_translate_takes_approved_sentences_from_the_memory_beside_its_output(
    tmp_path: Path, tiny_marian: Path
) -> None:
    pytest.importorskip("transformers")
    src = tmp_path / "in.txt"
    src.write_text("جملة أولى. جملة ثانية.\n", encoding="utf-8")
    out = tmp_path / "out" / "in.en.jsonl"
    out.parent.mkdir()
    memory = TranslationMemory(out.parent / ".tarjama-memory.sqlite")
    memory.scope(None, None)
    memory.approve(TranslationRequest("جملة ثانية."), approval("The second sentence.", "amal"))
    memory.close()
    cmd = [sys.executable, "-m", "tarjama", "translate", str(src), "-o", str(out), "--no-glossary",
           "--engine", "marian", "--model", str(tiny_marian)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    first, second = record["sentences"]
    assert second["translation"] == "The second sentence." and second["origin"] == "human"
    assert "origin" not in first  # machine
    assert record["translation"].endswith(" The second sentence.")
    assert "1 approved translations from the memory" in proc.stderr


def damage(path: Path) -> None:
    """Overwrite the middle of the file: a page SQLite can no longer read."""
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096
    path.write_bytes(bytes(data))


def test_a_damaged_memory_is_one_line_with_how_to_recover(tmp_path: Path) -> None:
    write_docs(tmp_path / "in")
    out = tmp_path / "out"
    run_batch(tmp_path / "in", out, Scripted())
    path = out / ".memory.sqlite"
    with sqlite3.connect(path) as db:  # make the file several pages long
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("CREATE TABLE padding (x TEXT)")
        db.executemany("INSERT INTO padding VALUES (?)", [("x" * 500,)] * 50)
    damage(path)
    with pytest.raises(TarjamaError, match=r"damaged or not a database .*leaves it as it is"):
        TranslationMemory(path)
    (out / "provenance.jsonl").unlink()
    for extra in ([], ["--dry-run"]):
        proc = subprocess.run(
            [sys.executable, "-m", "tarjama", "batch", str(tmp_path / "in"), "--out-dir", str(out),
             "--memory", str(path), "--engine", "marian", "--model", str(tmp_path / "none"), *extra],
            capture_output=True, text=True, cwd=tmp_path,
        )
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "damaged" in proc.stderr and "Traceback" not in proc.stderr
    assert not (out / "provenance.jsonl").exists()
