"""Several processes at once on one file: nothing is lost, nothing is torn.

* two ``tarjama batch`` runs share one translation memory (SQLite, WAL, a busy timeout),
  each writing its own output folder, their engines starting together (a barrier) and
  committing after every sentence, so that their writes overlap:
  both finish, their outputs are identical and complete, and the memory holds every sentence
  once and passes ``PRAGMA quick_check``.

Processes adding to one glossary at once: ``tests/test_glossary_file.py``; approvals from
two review clients at once: with the review server.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEED
from faults import BARRIER_ENV, DELAY_ENV, LOG_ENV, logged

PYTHONPATH = os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])
# The real CLI, with the test engine registered as "fault".
CLI = (
    "import sys\n"
    "from tarjama.engines import ENGINES\n"
    "ENGINES['fault'] = 'faults:LoggingEngine'\n"
    "from tarjama.cli import main\n"
    "raise SystemExit(main(sys.argv[1:]))\n"
)


def start(argv: list[str], **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": PYTHONPATH, **env},
    )


def finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    results = []
    for p in procs:
        _, err = p.communicate(timeout=300)
        results.append((p.returncode, err))
    return results


def test_two_batches_on_one_memory_both_finish_and_share_it(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    paragraphs = SEED.read_text(encoding="utf-8").strip().split("\n\n")
    for i in range(6):
        text = "\n\n".join(paragraphs[i : i + 4]) + "\n"
        (tmp_path / "in" / f"doc{i}.txt").write_text(text, encoding="utf-8")
    memory = tmp_path / "shared.sqlite"
    log = tmp_path / "engine.log"
    runs = [
        start(["batch", str(tmp_path / "in"), "--out-dir", str(tmp_path / f"out{n}"), "--memory", str(memory),
               "--engine", "fault", "--no-glossary", "--no-checks", "--batch-size", "1", "--no-progress"],
              **{LOG_ENV: str(log), DELAY_ENV: "0", BARRIER_ENV: f"{tmp_path}:2"})
        for n in (1, 2)
    ]
    results = finish(runs)
    assert [code for code, _ in results] == [0, 0], results
    assert all("Traceback" not in err for _, err in results)
    for i in range(6):
        one = (tmp_path / "out1" / f"doc{i}.en.txt").read_bytes()
        assert one == (tmp_path / "out2" / f"doc{i}.en.txt").read_bytes() and one.strip()
    with sqlite3.connect(memory) as db:
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        sources = [r[0] for r in db.execute("SELECT source FROM segments")]
    paid = logged(log)
    assert len(sources) == len(set(sources)) == len(set(paid))  # every sentence, once
    # Each run translated what the other had not committed yet: together at most twice each.
    assert len(paid) <= 2 * len(set(paid))
    for n in (1, 2):
        lines = (tmp_path / f"out{n}" / "provenance.jsonl").read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines]
        assert len(records) == 6 and all(r["status"] == "done" for r in records)


def test_a_memory_locked_too_long_says_so_instead_of_calling_it_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tarjama.errors import TarjamaError
    from tarjama.memory import store as memory_module
    from tarjama.memory.store import TranslationMemory

    path = tmp_path / "m.sqlite"
    TranslationMemory(path).close()
    monkeypatch.setattr(memory_module, "BUSY_TIMEOUT", 0.2)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")  # another process in the middle of a long write
    try:
        with pytest.raises(TarjamaError, match=r"locked by another process for 0 s .*let the other run"):
            TranslationMemory(path)
    finally:
        holder.rollback()
        holder.close()
    TranslationMemory(path).close()  # free again: usable, nothing was damaged


def _open_new_memory(path: str, start_at: float) -> str:
    from tarjama.errors import TarjamaError
    from tarjama.memory.store import TranslationMemory

    while time.time() < start_at:  # every process opens at the same instant
        pass
    try:
        TranslationMemory(Path(path)).close()
    except TarjamaError as exc:
        return str(exc)
    return ""


def test_processes_creating_one_new_memory_at_once_all_open_it(tmp_path: Path) -> None:
    """SQLite answers "locked" at once (no busy wait) to a second process switching a new file to
    WAL, and a failed first open removes the file it made: creation is serialised."""
    import multiprocessing

    import tarjama.memory.store  # noqa: F401  (imported before forking: the workers start at once)

    errors = []
    with multiprocessing.get_context("fork").Pool(6) as pool:
        for trial in range(40):
            path = str(tmp_path / f"m{trial}.sqlite")
            start_at = time.time() + 0.05
            errors += [e for e in pool.starmap(_open_new_memory, [(path, start_at)] * 6) if e]
            with sqlite3.connect(path) as db:
                assert db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
    assert errors == []
