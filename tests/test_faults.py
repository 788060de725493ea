"""kill -9 at 24 points of every writer: no file is ever torn, and a re-run loses nothing and
translates nothing twice.

Each writer (``translate`` with its journal and ``.meta.json``, ``batch`` with its outputs,
``provenance.jsonl`` and translation memory, the memory's in-place migration, ``glossary
add``, ``score``'s reports) runs through the real CLI in a forked child that SIGKILLs itself
at an I/O call (see ``tests/faults.py``): the kill points are the first and last I/O call of
a whole run and a seeded random sample between them. After each kill:

* every output is absent, or complete: byte-identical to what an uninterrupted run writes
  (or the file as it was before), and it parses; append-only logs hold whole lines only;
  the memory passes ``PRAGMA quick_check`` and keeps every row it had;
* the same command, run again, finishes with every output identical to the uninterrupted
  run's, translates only what was not committed before the kill (never a sentence whose
  translation was in the journal or the memory) and each sentence at most once, and leaves
  no temporary file behind.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, SEED
from faults import LOG_ENV, ChildResult, KillPoint, kill_points, logged, logged_calls, run_child
from tarjama.cli import main
from tarjama.document.model import parse_text
from tarjama.document.requests import build_requests
from tarjama.glossary import Glossary
from tarjama.memory.store import SCHEMA_VERSION

GLOSSARY = ROOT / "references" / "glossary.tsv"
REF = ROOT / "references" / "esa-jaxa-partnership.en.txt"
POINTS = 24


@pytest.fixture(autouse=True)
def fault_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    from tarjama.engines import ENGINES

    monkeypatch.setitem(ENGINES, "fault", "faults:LoggingEngine")
    log = tmp_path / "engine.log"
    monkeypatch.setenv(LOG_ENV, str(log))
    return log


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "engine.log"
    }


def temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith((".tmp", ".probe"))]


def jsonl_records(path: Path) -> list[dict]:
    """Every line of an append-only log, each a whole JSON object (a torn line fails here)."""
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), f"{path.name}: last line torn: {data[-80:]!r}"
    records = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    assert all(isinstance(r, dict) for r in records)
    return records


@dataclass
class Writer:
    """One writing command: how to set its folder up, its argv, and what 'complete' means."""

    name: str
    setup: Callable[[Path], None]
    argv: list[str]
    outputs: list[str]  # files the command writes atomically (compared byte for byte)
    # What was durable at the kill (sources whose translation a re-run must not pay for again),
    # or None when the run had finished and a re-run is a new run.
    after_kill: Callable[[Path], set[str] | None] | None = None
    after_rerun: Callable[[Path, int, list[str], set[str] | None], None] | None = None
    # Modules whose every I/O call is also a kill point (None: all of tarjama's).
    sweep: frozenset[str] | None = None


# --------------------------------------------------------------------------- set-ups


def seed_requests() -> dict[str, str]:
    """Segment key → source of every sentence of the seed, as translate keys its journal."""
    prepared = build_requests(parse_text(SEED.read_text(encoding="utf-8")), Glossary.load(GLOSSARY))
    return {p.request.key(): p.request.source for p in prepared}


def setup_translate(folder: Path) -> None:
    folder.mkdir(parents=True)
    shutil.copy(SEED, folder / "in.txt")
    shutil.copy(GLOSSARY, folder / "g.tsv")


def batch_inputs(folder: Path) -> None:
    paras = SEED.read_text(encoding="utf-8").strip().split("\n\n")
    (folder / "in" / "wire").mkdir(parents=True)
    (folder / "in" / "a.ar.txt").write_text("\n\n".join(paras[:4]) + "\n", encoding="utf-8")
    (folder / "in" / "wire" / "b.md").write_text(
        f"# {paras[4].split('.')[0]}.\n\n{paras[4]}\n\n```\ncode stays\n```\n\n- {paras[0]}\n",
        encoding="utf-8",
    )
    records = [{"id": i, "text": p, "keep": "x"} for i, p in enumerate(paras[5:8])]
    records.append({"id": 9, "text": paras[1]})  # a repeat of a.ar.txt
    (folder / "in" / "c.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    rows = ["id\ttext\tnote", f"1\t{paras[8]}\tlast", f"2\t{paras[2]}\trepeat"]
    (folder / "in" / "d.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    shutil.copy(GLOSSARY, folder / "g.tsv")


def setup_batch(folder: Path) -> None:
    folder.mkdir(parents=True)
    batch_inputs(folder)


def setup_glossary(folder: Path) -> None:
    folder.mkdir(parents=True)
    shutil.copy(GLOSSARY, folder / "g.tsv")


def first_paragraphs(path: Path, n: int = 3) -> str:
    return "\n\n".join(path.read_text(encoding="utf-8").strip().split("\n\n")[:n]) + "\n"


def setup_score(folder: Path) -> None:
    folder.mkdir(parents=True)
    shutil.copy(GLOSSARY, folder / "g.tsv")
    (folder / "src.txt").write_text(first_paragraphs(SEED), encoding="utf-8")
    (folder / "ref.txt").write_text(first_paragraphs(REF), encoding="utf-8")
    (folder / "hyp.txt").write_text(first_paragraphs(REF).replace("agreement", "deal"), encoding="utf-8")


BATCH_ARGV = ["batch", "in", "--out-dir", "out", "--engine", "fault", "--glossary", "g.tsv",
              "--batch-size", "3", "--no-progress", "--no-checks"]
BATCH_OUTPUTS = ["out/a.en.txt", "out/wire/b.en.md", "out/c.en.jsonl", "out/d.en.tsv"]


# --------------------------------------------------------------------------- checks


def check_translate_after_kill(folder: Path) -> set[str] | None:
    meta = folder / "out.en.txt.meta.json"
    if meta.exists():
        assert json.loads(meta.read_text(encoding="utf-8"))["paragraphs"] == 9
    journal = folder / ".out.en.txt.tarjama-journal"
    if journal.exists():
        keys = seed_requests()
        return {keys[r["key"]] for r in jsonl_records(journal)}
    # No journal: nothing was committed yet, or the run had finished (and removed it).
    return None if (folder / "out.en.txt").exists() else set()


def check_translate_after_rerun(folder: Path, code: int, paid: list[str], durable: set[str] | None) -> None:
    assert code == 0
    assert not (folder / ".out.en.txt.tarjama-journal").exists()
    if durable is not None:
        assert not set(paid) & durable, "a journalled sentence was translated again"
        assert set(paid) | durable == set(seed_requests().values())


def memory_sources(path: Path) -> set[str]:
    if not path.exists():
        return set()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "segments" not in tables:
            return set()
        return {r[0] for r in db.execute("SELECT source FROM segments")}


def check_batch_after_kill(folder: Path) -> set[str]:
    prov = folder / "out" / "provenance.jsonl"
    if prov.exists():
        records = jsonl_records(prov)
        assert all(r["status"] == "done" and r["output"] for r in records)
    return memory_sources(folder / "out" / ".tarjama-memory.sqlite")


def all_batch_sources(folder: Path) -> set[str]:
    return memory_sources(folder / "out" / ".tarjama-memory.sqlite")


def check_batch_after_rerun(folder: Path, code: int, paid: list[str], durable: set[str] | None) -> None:
    assert code == 0
    assert not set(paid) & durable, "a sentence committed to the memory was translated again"
    assert set(paid) | durable == all_batch_sources(folder)
    runs = {}
    for r in jsonl_records(folder / "out" / "provenance.jsonl"):
        runs.setdefault(r["run"], []).append(r)
    last = list(runs.values())[-1]
    names = ("a.ar.txt", "c.jsonl", "d.tsv", "wire/b.md")
    assert sorted(r["source"] for r in last) == sorted(f"in/{p}" for p in names)
    assert all(r["status"] == "done" for r in last)
    assert sum(r["translated"] for r in last) == len(paid)


def setup_migration(folder: Path, prepared: Path) -> None:
    """A finished batch whose memory is from before approvals (schema 1); outputs removed."""
    setup_batch(folder)
    shutil.copytree(prepared, folder / "out")


def check_migration_after_kill(folder: Path) -> set[str]:
    path = folder / "out" / ".tarjama-memory.sqlite"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        schema = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()[0]
        assert schema in ("1", str(SCHEMA_VERSION))
    return check_batch_after_kill(folder)


def check_migration_after_rerun(folder: Path, code: int, paid: list[str], durable: set[str] | None) -> None:
    assert code == 0 and paid == [], "the migrated memory lost rows: sentences were translated again"
    with sqlite3.connect(folder / "out" / ".tarjama-memory.sqlite") as db:
        assert db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()[0] == str(SCHEMA_VERSION)


def check_glossary_after_rerun(folder: Path, code: int, paid: list[str], durable: set[str] | None) -> None:
    # Killed before the rename: the add lands now; after it: the entry is there, and is refused.
    assert code in (0, 2)
    entries = [e for e in Glossary.load(folder / "g.tsv").entries if e.en == "Trial Probe"]
    assert len(entries) == 1


WRITERS = {
    "translate": Writer(
        "translate", setup_translate,
        ["translate", "in.txt", "-o", "out.en.txt", "--engine", "fault", "--glossary", "g.tsv",
         "--batch-size", "3", "--no-progress", "--no-checks"],
        ["out.en.txt"], check_translate_after_kill, check_translate_after_rerun,
    ),
    "batch": Writer(
        "batch", setup_batch, BATCH_ARGV, BATCH_OUTPUTS, check_batch_after_kill, check_batch_after_rerun
    ),
    "glossary": Writer(
        "glossary", setup_glossary,
        ["glossary", "add", "-g", "g.tsv", "--ar", "مسبار التجربة", "--en", "Trial Probe",
         "--kind", "mission", "--note", "added under fire"],
        ["g.tsv"], None, check_glossary_after_rerun,
    ),
    "score": Writer(
        "score", setup_score,
        ["score", "hyp.txt", "--ref", "ref.txt", "--src", "src.txt", "--glossary", "g.tsv",
         "-o", "score.json", "--report-dir", "reports"],
        ["score.json", "reports/report.md", "reports/report.json", "reports/report.html"],
    ),
}


def reference_run(tmp_path: Path, writer: Writer, setup: Callable[[Path], None]) -> tuple[dict, ChildResult]:
    """The uninterrupted run's files (in-process, which also imports everything the children use)
    and the number of I/O calls of a whole run in a child."""
    ref = tmp_path / "reference"
    setup(ref)
    cwd = Path.cwd()
    try:
        os.chdir(ref)
        assert main(writer.argv) == 0
    finally:
        os.chdir(cwd)
    expected = files_under(ref)
    counted = tmp_path / "count"
    setup(counted)
    result = run_child(writer.argv, counted, count=True)
    assert not result.killed and result.code == 0
    assert {k: v for k, v in files_under(counted).items() if k in writer.outputs} == {
        k: v for k, v in expected.items() if k in writer.outputs
    }, "the run is not deterministic: outputs differ between two uninterrupted runs"
    return expected, result


def kill(writer: Writer, setup: Callable[[Path], None], folder: Path, point: KillPoint, calls: str,
         expected: dict[str, bytes]) -> tuple[str, set[str] | None]:
    """Run ``writer`` in a fresh ``folder``, SIGKILL it at ``point``, check that nothing is torn."""
    setup(folder)
    before = files_under(folder)
    killed = run_child(writer.argv, folder, kill_at=point)
    assert killed.killed, f"{writer.name}: the run finished before {point} ({calls})"
    where = f"{writer.name} killed at {point} ({calls})"
    for name in writer.outputs:
        path = folder / name
        if path.exists():
            assert path.read_bytes() in (expected[name], before.get(name)), f"{where}: {name} is torn"
    durable = writer.after_kill(folder) if writer.after_kill else set()
    return where, durable


def kill_and_rerun(tmp_path: Path, writer: Writer, setup: Callable[[Path], None], log: Path) -> None:
    expected, whole = reference_run(tmp_path, writer, setup)
    points = kill_points(whole, POINTS, salt=writer.name)
    assert len(points) >= 20
    calls = f"{whole.io_calls} I/O calls, {whole.c_calls} C calls"
    # 1. The sampled points: kill, check, run the same command again, check everything.
    for number, point in enumerate(points):
        folder = tmp_path / f"kill-{number}"
        log.unlink(missing_ok=True)
        where, durable = kill(writer, setup, folder, point, calls, expected)
        in_killed_run = logged_calls(log)
        if durable is not None:
            # Every engine call but the one in flight was committed: a kill loses at most that.
            done = {s for call in in_killed_run[:-1] for s in call}
            lost = sorted(done - durable)[:3]
            assert not lost, f"{where}: finished engine calls were not committed: {lost}"
        paid_before = len(logged(log))
        rerun = run_child(writer.argv, folder)
        assert not rerun.killed
        paid = logged(log)[paid_before:]
        assert all(n == 1 for n in Counter(paid).values()), f"{where}: a sentence translated twice in one run"
        for name in writer.outputs:
            assert (folder / name).read_bytes() == expected[name], f"{where}: {name} differs after the re-run"
        if writer.after_rerun:
            writer.after_rerun(folder, rerun.code, paid, durable)
        else:
            assert rerun.code == 0
        assert temp_files(folder) == [], f"{where}: temporary files left: {temp_files(folder)}"
        shutil.rmtree(folder)
    # 2. Every I/O call tarjama's own code makes (each write, fsync, rename, journal line,
    # commit), not only a sample: a kill there must not tear anything either.
    sampled = {p.n for p in points if p.kind == "io"}
    for n, module in whole.own_io:
        if n not in sampled and (writer.sweep is None or module in writer.sweep):
            folder = tmp_path / f"own-{n}"
            kill(writer, setup, folder, KillPoint("io", n), calls, expected)
            shutil.rmtree(folder)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_kill_9_at_every_stage_of_a_writer(tmp_path: Path, fault_engine: Path, name: str) -> None:
    writer = WRITERS[name]
    kill_and_rerun(tmp_path, writer, writer.setup, fault_engine)


def test_kill_9_while_an_old_memory_is_migrated(tmp_path: Path, fault_engine: Path) -> None:
    """A schema-1 memory (before approvals) is migrated in place by the first batch that opens it."""
    first = tmp_path / "first"
    setup_batch(first)
    cwd = Path.cwd()
    os.chdir(first)
    try:
        assert main(BATCH_ARGV) == 0
    finally:
        os.chdir(cwd)
    prepared = tmp_path / "prepared"
    prepared.mkdir()
    memory = prepared / ".tarjama-memory.sqlite"
    with sqlite3.connect(first / "out" / ".tarjama-memory.sqlite") as src, sqlite3.connect(memory) as dst:
        src.backup(dst)
    with sqlite3.connect(memory) as db:
        db.execute("DROP TABLE approvals")
        db.execute("UPDATE meta SET value = '1' WHERE name = 'schema'")
        db.execute("PRAGMA journal_mode=DELETE")
    rows = len(memory_sources(memory))
    assert rows > 10
    writer = Writer(
        "migration", lambda f: setup_migration(f, prepared), BATCH_ARGV, BATCH_OUTPUTS,
        check_migration_after_kill, check_migration_after_rerun, sweep=frozenset({"memory.py"}),
    )
    kill_and_rerun(tmp_path, writer, writer.setup, fault_engine)
