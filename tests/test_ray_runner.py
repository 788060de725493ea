"""``tarjama batch --runner ray``: the worker on its own (fast), then a few runs on one local Ray cluster.

The tests marked ``ray`` share one local cluster for the session (``ray.init`` costs seconds and
most of a GB) with 2 CPUs, and use the tiny Marian model; each one starts its own actors, so
there are few of them.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
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
    _explain,
    batch_name,
    load_outcomes,
    recover_results,
)
from tarjama.cli import main
from tarjama.engines.base import Engine, SegmentDone
from tarjama.errors import TarjamaError
from tarjama.memory.store import TranslationMemory, engine_hash
from tarjama.translate.executor import Work
from tarjama.translate.run import Translator
from tarjama.types import EngineIdentity, SegmentTranslation, TranslationRequest
from test_batch_cli import last_run, make_docs, memory_rows
from test_batch_runner import Scripted


@dataclass(frozen=True)
class ScriptedSpec(EngineSpec):
    """Loads the scripted engine of the runner tests instead of a model."""

    fail_on: str | None = None

    def load(self, threads: int) -> Engine:
        return Scripted(fail_on=self.fail_on)


def test_a_worker_writes_each_batch_whole_with_errors_as_data_and_recovery_commits_it_once(
    tmp_path: Path,
) -> None:
    np = pytest.importorskip("numpy")
    folder = tmp_path / "out" / RESULTS / "scope"
    spec = ScriptedSpec(None, None, (), fail_on="جملة سادسة.")
    worker = TranslateBatch(spec, engine_hash(Scripted().identity.to_dict()), None, str(folder), "run1", 1)
    requests = [TranslationRequest(s) for s in ("جملة خامسة.", "جملة سادسة.", "جملة سابعة.")]
    work = [Work(r.key(), r) for r in requests]
    returned = worker({"work": np.array([pickle.dumps(work)], dtype=object)})["outcomes"]
    path = folder / "results" / batch_name(w.key for w in work)
    assert returned.tolist() == [path.read_text(encoding="utf-8")]
    outcomes = load_outcomes(path.read_text(encoding="utf-8"))
    assert [o.result.text if o.result else o.error for o in outcomes] == [
        "EN(جملة خامسة.)", "RuntimeError: cannot translate this", "EN(جملة سابعة.)"
    ]  # fmt: skip
    assert {(o.node, o.process) for o in outcomes} == {(os.uname().nodename, os.getpid())}
    assert len(list((folder / "actors").glob("run1-*.json"))) == 1  # the model load, recorded
    assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]

    memory = TranslationMemory(tmp_path / "m.sqlite")
    memory.scope(Scripted().identity.to_dict(), None)
    # The same batch again (Ray retried it after its actor died) replaces the file: still one copy.
    worker({"work": np.array([pickle.dumps(work)], dtype=object)})
    assert recover_results(folder, memory) == 2 and not path.exists()
    assert memory.count() == 2  # the failed segment is not stored: a re-run tries it again
    worker({"work": np.array([pickle.dumps(work)], dtype=object)})
    path.write_text(path.read_text(encoding="utf-8").replace("EN(", "OTHER("), encoding="utf-8")
    assert recover_results(folder, memory) == 2 and memory.count() == 2
    # A stored row is never changed (INSERT OR IGNORE): the first translation stays.
    assert memory.get_many([work[0].key])[work[0].key].text == "EN(جملة خامسة.)"
    memory.close()


def test_a_worker_with_another_model_refuses_to_start_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(TarjamaError) as refused:
        TranslateBatch(ScriptedSpec(None, None), "0" * 64, None, str(tmp_path), "run1", 1)
    # Ray wraps the actor's error in its own report; the driver shows the worker's line alone.
    line = _explain(RuntimeError(f"ActorDiedError: The actor died ...\n  {refused.value}\nmore traceback"))
    assert line.startswith("--runner ray: a worker refused to start: on node ")
    assert "not the driver's (identity 000000000000)" in line and "\n" not in line


def test_ray_options_are_refused_without_the_ray_runner_and_a_missing_ray_says_how_to_get_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_docs(tmp_path / "in", 1)
    out = tmp_path / "out"
    assert main(["batch", str(tmp_path / "in"), "-O", str(out), "--workers", "2"]) == 2
    assert "--workers is for --runner ray" in capsys.readouterr().err
    assert main(["batch", str(tmp_path / "in"), "-O", str(out), "--runner", "ray", "--threads", "2"]) == 2
    assert "--cpus-per-worker" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "ray", None)
    monkeypatch.setitem(sys.modules, "ray.data", None)
    assert main(["batch", str(tmp_path / "in"), "-O", str(out), "--runner", "ray", "--no-glossary"]) == 2
    assert capsys.readouterr().err.strip().endswith("pip install 'tarjama[ray]'")


# -- on a cluster --------------------------------------------------------------------------------


@pytest.fixture
def marian(tiny_marian: Path) -> list[str]:
    return ["--engine", "marian", "--model", str(tiny_marian), "--no-glossary", "--no-progress"]


VOLATILE = ("run", "seconds", "engine_seconds", "finished", "runner", "workers", "output", "source")


def stable(records: Sequence[dict], root: Path) -> dict[str, dict]:
    """Provenance records by input path, without what differs between any two runs."""
    return {
        str(Path(r["source"]).relative_to(root)): {k: v for k, v in r.items() if k not in VOLATILE}
        for r in records
    }


@pytest.mark.ray
def test_ray_runner_writes_what_the_local_runner_writes_with_one_model_load_per_actor(
    tmp_path: Path, ray_cluster: str, marian: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    docs = make_docs(tmp_path / "in", 12, per_doc=2)
    (tmp_path / "in" / "repeat.txt").write_bytes(docs[0].read_bytes())  # a repeat costs nothing
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    common = ["batch", str(tmp_path / "in"), *marian, "--batch-size", "4"]
    assert main([*common, "-O", str(local), "--threads", "1"]) == 0
    capsys.readouterr()
    ray_args = ["--runner", "ray", "--address", ray_cluster, "--workers", "2"]
    assert main([*common, "-O", str(on_ray), *ray_args]) == 0
    summary = capsys.readouterr().err
    assert "ray: cluster joined" in summary and "2 workers × 1 CPU, " in summary

    outputs = sorted(p.relative_to(local) for p in local.rglob("*.en.txt"))
    assert len(outputs) == 13
    assert outputs == sorted(p.relative_to(on_ray) for p in on_ray.rglob("*.en.txt"))
    for rel in outputs:
        assert (on_ray / rel).read_bytes() == (local / rel).read_bytes(), rel
    ray_records = last_run(on_ray)
    assert stable(ray_records, tmp_path / "in") == stable(last_run(local), tmp_path / "in")
    assert {r["runner"] for r in ray_records} == {"ray"}
    # Every segment was translated in an actor (not the driver), and the model was loaded once
    # per actor, not per batch: 6 batches, at most 2 loads (on a busy machine one actor may do
    # all the work while the other is still loading).
    actors = {(w["node"], w["process"]) for r in ray_records for w in r["workers"]}
    assert os.getpid() not in {p for _, p in actors}
    loads = int(re.search(r"2 workers × 1 CPU, (\d+) model loads? on 1 node", summary).group(1))  # type: ignore[union-attr]
    assert 1 <= len(actors) <= loads <= 2
    assert memory_rows(on_ray) == memory_rows(local) == 24
    assert not (on_ray / RESULTS).exists()  # every result file merged and removed


class FailOn(Engine):
    """The tiny Marian model, except that one source always raises."""

    name = "fail-on"

    def __init__(self, inner: Engine, source: str) -> None:
        self.inner, self.source = inner, source

    @property
    def identity(self) -> EngineIdentity:
        return self.inner.identity

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        if any(r.source == self.source for r in requests):
            raise RuntimeError("this segment always fails")
        return self.inner.translate(requests, done=done)


@dataclass(frozen=True)
class FailingSpec(EngineSpec):
    source: str = ""

    def load(self, threads: int) -> Engine:
        return FailOn(super().load(threads), self.source)


def run_on_ray(inputs: Path, out: Path, spec: EngineSpec, batch_size: int) -> tuple[object, RayExecutor]:
    """One Ray batch through the library (as the command does), on the session's cluster."""
    import ray.cloudpickle

    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the fakes above travel by value
    found = discover([str(inputs)], out)
    options = BatchOptions(out_dir=out, batch_size=batch_size)
    executor = RayExecutor(spec, None, out, RayOptions(workers=2), run_id=options.run_id)
    memory = TranslationMemory(out / ".tarjama-memory.sqlite")
    try:
        summary = BatchRunner(Translator(executor=executor), memory, options).run(found.files, found.problems)
    finally:
        memory.close()
        executor.close()
    return summary, executor


@pytest.mark.ray
def test_an_always_failing_segment_fails_only_its_document(
    tmp_path: Path, ray_cluster: str, tiny_marian: Path
) -> None:
    from test_batch_cli import sentence

    docs = make_docs(tmp_path / "in", 6, per_doc=2)
    spec = FailingSpec("marian", str(tiny_marian), source=sentence(7))  # the second segment of doc003
    summary, _ = run_on_ray(tmp_path / "in", tmp_path / "out", spec, batch_size=4)
    assert summary.done == 5 and len(summary.failures) == 1  # type: ignore[attr-defined]
    reason = summary.failures[0].reason  # type: ignore[attr-defined]
    assert "doc003.txt: paragraph 2: engine failed on" in reason and "this segment always fails" in reason
    assert not (tmp_path / "out" / "sub0" / "doc003.en.txt").exists()
    written = [d for d in docs if (tmp_path / "out" / d.parent.name / f"{d.stem}.en.txt").exists()]
    assert len(written) == 5
    # The other segments of the failing batch were translated one by one and kept.
    assert memory_rows(tmp_path / "out") == 11
    record = [r for r in last_run(tmp_path / "out") if r["status"] == "failed"]
    assert len(record) == 1 and record[0]["source"].endswith("doc003.txt") and record[0]["runner"] == "ray"


@pytest.mark.ray
def test_killing_an_actor_mid_run_still_completes_with_every_segment_once(
    tmp_path: Path, ray_cluster: str, tiny_marian: Path
) -> None:
    docs = make_docs(tmp_path / "in", 30, per_doc=2)
    out = tmp_path / "out"
    killed: list[int] = []

    def kill_one_actor() -> None:
        # Wait until both actors have loaded the model and the first batch is committed, then
        # SIGKILL one of them: Ray restarts it and retries the batch it held.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            loads = list(out.glob(f"{RESULTS}/*/actors/*.json"))
            try:
                committed = memory_rows(out)
            except sqlite3.Error:
                committed = 0
            if len(loads) == 2 and committed >= 2:
                pid = json.loads(loads[0].read_text(encoding="utf-8"))["process"]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.05)

    watcher = threading.Thread(target=kill_one_actor, daemon=True)
    watcher.start()
    spec = EngineSpec("marian", str(tiny_marian))
    summary, translator = run_on_ray(tmp_path / "in", out, spec, batch_size=2)
    watcher.join(timeout=5)
    assert killed, "the run ended before an actor could be killed"
    assert summary.done == len(docs) and not summary.failures  # type: ignore[attr-defined]
    assert summary.translated == 60 and summary.cache_hits == 0  # type: ignore[attr-defined]
    assert memory_rows(out) == 60
    # The process killed was one of the run's actors (Ray starts a replacement, which loads the
    # model again; it may still be loading when the other actor has finished the work).
    assert killed[0] in {r["process"] for r in translator.loads.records}
    assert len(translator.loads.records) in (2, 3)


def result_keys(out: Path) -> set[str]:
    """Segment keys finished in result files that no driver merged."""
    keys = set()
    for path in out.glob(f"{RESULTS}/*/results/*.jsonl"):
        keys |= {o.key for o in load_outcomes(path.read_text(encoding="utf-8")) if o.result is not None}
    return keys


def memory_keys(out: Path) -> set[str]:
    with sqlite3.connect(out / ".tarjama-memory.sqlite", timeout=30) as db:
        return {k for (k,) in db.execute("SELECT key FROM segments")}


@pytest.mark.ray
def test_kill_9_of_the_driver_then_a_rerun_translates_only_what_was_left(
    tmp_path: Path, ray_cluster: str, marian: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    import ray

    make_docs(tmp_path / "in", 30, per_doc=2)
    total = 60
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "tarjama", "batch", str(tmp_path / "in"), "-O", str(out), *marian]
    argv += ["--batch-size", "2", "--runner", "ray", "--address", ray_cluster, "--workers", "2"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if memory_rows(out) >= 4:
                    break
            except sqlite3.Error:
                pass  # not created yet
            time.sleep(0.05)
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()}"
        # Freeze the driver first: the actors finish the batches they hold and write their result
        # files, which it never merges; then kill it. The re-run must commit those files.
        os.kill(proc.pid, signal.SIGSTOP)
        deadline = time.monotonic() + 120
        while not result_keys(out) - memory_keys(out) and time.monotonic() < deadline:
            time.sleep(0.1)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    # Ray ends the dead driver's actors; wait until their CPUs are free, so no file comes later.
    deadline = time.monotonic() + 120
    while ray.available_resources().get("CPU", 0) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    in_memory = memory_keys(out)
    left_in_files = result_keys(out) - in_memory
    finished = len(in_memory) + len(left_in_files)
    assert left_in_files and 4 <= finished < total

    capsys.readouterr()
    assert main(["batch", str(tmp_path / "in"), "-O", str(out), *marian, "--batch-size", "2",
                 "--runner", "ray", "--address", ray_cluster, "--workers", "2"]) == 0  # fmt: skip
    second = last_run(out)
    assert sum(r["translated"] for r in second) == total - finished  # nothing translated twice
    assert sum(r["cache_hits"] for r in second) == finished
    assert memory_rows(out) == total and all(r["status"] == "done" for r in second) and len(second) == 30
    recovered = f"{len(left_in_files)} segments recovered from a killed run's result files"
    assert recovered in capsys.readouterr().err
    assert not (out / RESULTS).exists()
