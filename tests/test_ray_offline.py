"""The Ray runner's driver without a cluster: an address that cannot be joined (issue 29, D16), and
recovery of a killed driver's result files, with the actors' own code run in this process."""

from __future__ import annotations

import pickle
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tarjama.batch import BatchOptions, BatchRunner, discover
from tarjama.batch.ray_runner import (
    RESULTS,
    EngineSpec,
    RayExecutor,
    RayOptions,
    TranslateBatch,
    check_reachable,
    load_outcomes,
)
from tarjama.engines.base import Engine
from tarjama.errors import TarjamaError
from tarjama.memory.store import TranslationMemory
from tarjama.translate.executor import Outcome, Work
from tarjama.translate.run import Translator
from test_batch_cli import make_docs, memory_rows
from test_batch_runner import Scripted

ENGINE = Scripted()  # what every "actor" of this process loads: one log of what was translated


@dataclass(frozen=True)
class SharedSpec(EngineSpec):
    def load(self, threads: int) -> Engine:
        return ENGINE


class InProcess(RayExecutor):
    """The Ray executor with the cluster replaced by this process: each batch goes through
    ``TranslateBatch`` as on an actor (result file written, then returned). ``die_after`` batches
    it stops as a killed driver would: the actors finished two more batches nobody merged."""

    die_after: int | None = None

    def _connect(self) -> None:
        self.how = "in-process"

    def _size_pool(self) -> int:
        return 1

    def translate(
        self, work: Sequence[Work], batch_size: int, *, isolate: bool = True, done: object = None
    ) -> Iterator[list[Outcome]]:
        np = pytest.importorskip("numpy")
        actor = TranslateBatch(self.spec, self.engine_hash, self.glossary, str(self.folder), self.run_id, 1)
        batches = [list(work[i : i + batch_size]) for i in range(0, len(work), batch_size)]
        for n, batch in enumerate(batches):
            text = actor({"work": np.array([pickle.dumps(batch)], dtype=object)})["outcomes"][0]
            if self.die_after is not None and n == self.die_after + 1:
                raise KeyboardInterrupt  # batches die_after and die_after + 1 are on disk, not merged
            if self.die_after is None or n < self.die_after:
                yield load_outcomes(text)


def run(inputs: Path, out: Path, die_after: int | None = None) -> tuple[object, BatchRunner]:
    found = discover([str(inputs)], out)
    options = BatchOptions(out_dir=out, batch_size=2)
    executor = InProcess(SharedSpec("scripted", None), None, out, RayOptions(), run_id=options.run_id)
    executor.die_after = die_after
    translator = Translator(executor=executor)
    memory = TranslationMemory(out / ".tarjama-memory.sqlite")
    runner = BatchRunner(translator, memory, options)
    try:
        summary = runner.run(found.files, found.problems)
    finally:
        memory.close()
        translator.close()
    return summary, runner


def test_a_rerun_commits_a_killed_drivers_result_files_and_translates_only_the_rest(tmp_path: Path) -> None:
    make_docs(tmp_path / "in", 6, per_doc=2)  # 12 distinct segments
    out = tmp_path / "out"
    ENGINE.batches.clear()
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path / "in", out, die_after=1)
    assert memory_rows(out) == 2  # the one merged batch
    assert len(list(out.glob(f"{RESULTS}/*/results/*.jsonl"))) == 2  # finished, never merged
    first = sum(len(b) for b in ENGINE.batches)
    assert first == 6
    ENGINE.batches.clear()
    summary, runner = run(tmp_path / "in", out)
    assert runner.recovered == 4  # the two batches the killed driver never merged
    again = [s for b in ENGINE.batches for s in b]
    assert len(again) == 6 and len(set(again)) == 6  # only what was neither merged nor on disk
    assert summary.done == 6 and not summary.failures  # type: ignore[attr-defined]
    assert memory_rows(out) == 12
    assert not list(out.glob(f"{RESULTS}/*/results/*.jsonl"))  # every file merged, then removed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_address_nothing_listens_on_is_one_line_before_any_model_or_memory(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    make_docs(tmp_path / "in", 1)
    address = f"127.0.0.1:{free_port()}"
    proc = subprocess.run(
        [sys.executable, "-m", "tarjama", "batch", "in", "--out-dir", "out", "--runner", "ray",
         "--address", address, "--engine", "marian", "--model", str(tmp_path / "no-such-model")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr  # no Ray log lines
    assert f"--runner ray: cannot reach {address} (Connection refused)" in proc.stderr
    assert "--model" not in proc.stderr  # the cluster is checked before the model is loaded
    assert not (tmp_path / "out").exists()  # no memory made


def test_reachability_is_checked_with_a_bounded_wait() -> None:
    with pytest.raises(TarjamaError, match="expected HOST:PORT"):
        check_reachable("head-node")
    with pytest.raises(TarjamaError, match=r"cannot reach 192\.0\.2\.1:6379 \(no answer in 0 s|cannot reach"):
        check_reachable("192.0.2.1:6379", timeout=0.3)  # TEST-NET-1: never answers
    check_reachable("auto")  # left to Ray
