"""The batch job as a library value (``tarjama.batch.job.BatchJob``): what ``tarjama batch`` runs.

A Python caller plans and runs a batch with the same rules as the command: the dry run loads
no model and counts what is cached, the run writes every output and commits to the memory, a
second run costs nothing, and a flag meant for a Ray cluster is refused before any work.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama.batch.job import BatchJob
from tarjama.engines import ENGINES
from tarjama.errors import TarjamaError
from test_batch_cli import make_docs, memory_rows
from test_batch_runner import Scripted

LOADS: list[str] = []


class Counted(Scripted):
    def __init__(self, **options: object) -> None:
        LOADS.append("loaded")
        super().__init__()


def test_a_batch_job_plans_runs_and_reruns_for_free(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ENGINES, "counted", "test_batch_job:Counted")
    make_docs(tmp_path / "in", 3, per_doc=2)
    out = tmp_path / "out"
    LOADS.clear()
    job = BatchJob([str(tmp_path / "in")], out, engine="counted", progress=False)
    planned = job.dry_run()
    assert LOADS == [] and planned.status == 0  # no model for a plan
    assert planned.lines[-1].startswith("dry run: 3 documents (0 unreadable), 6 segments, 0 cached")
    assert not out.exists()  # a plan writes nothing
    first = job.run()
    assert LOADS == ["loaded"] and first.status == 0 and first.summary is not None
    assert len(list(out.rglob("*.en.txt"))) == 3 and memory_rows(out) == 6
    assert "3 documents (3 done, 0 failed)" in first.lines[0]
    again = job.dry_run()
    assert "6 cached" in again.lines[-1] and "0 to translate" in again.lines[-1]
    second = job.run()
    assert second.status == 0 and "6 cache hits" in second.lines[0]


def test_a_ray_flag_without_the_ray_runner_is_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(TarjamaError, match="--workers is for --runner ray"):
        BatchJob([str(tmp_path)], tmp_path / "out", workers=2)
    assert not (tmp_path / "out").exists()


def test_a_batch_whose_inputs_all_fail_makes_no_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(ENGINES, "counted", "test_batch_job:Counted")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.txt").write_bytes("سطر\n".encode() + b"\xff oops")
    (tmp_path / "in" / "broken.jsonl").write_text('{"text": "نص."}\n{oops\n', encoding="utf-8")
    out, memory = tmp_path / "out", tmp_path / "elsewhere" / "memory.sqlite"
    for given in (None, memory):
        outcome = BatchJob([str(tmp_path / "in")], out, memory=given, engine="counted", progress=False).run()
        assert outcome.status == 1 and "2 documents (0 done, 2 failed)" in outcome.lines[0]
        assert not (out / ".tarjama-memory.sqlite").exists() and not memory.parent.exists()
        assert not list(out.glob(".tarjama-memory*"))  # no -wal, -shm or lock beside it either
    # One readable input is enough for the memory to be made, as before.
    make_docs(tmp_path / "in", 1, per_doc=2)
    outcome = BatchJob([str(tmp_path / "in")], out, engine="counted", progress=False).run()
    assert "3 documents (1 done, 2 failed)" in outcome.lines[0] and memory_rows(out) == 2
