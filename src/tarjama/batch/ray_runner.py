"""Batch translation on a Ray cluster: the run's plan, memory and writing; Ray translates.

``RayExecutor`` is the ``Executor`` (``tarjama.translate.executor``) that ``tarjama batch
--runner ray`` gives the run's ``Translator``: reading inputs, keys, memory look-ups,
de-duplication, merging, writing outputs and provenance are the run's and the batch runner's
own code. Only "translate these segments" happens here. Its rules:

* **What travels**: an ``EngineSpec`` (engine name, model path or id, options), never a model.
  Each actor of a Ray Data ``map_batches`` pool (``ActorPoolStrategy(size=n)``, the callable
  class ``TranslateBatch``) loads the engine once, with ``threads`` = the actor's CPUs (one
  llama.cpp context per actor: llama.cpp is not thread-safe and stalls with more threads than
  cores), and refuses to start when its engine identity hash differs from the driver's (another
  model file on that node would put other translations under the same memory key).
* **The dataset** is built from the driver's own list of uncached segments, one row per batch
  of ``--batch-size`` segments (so a batch is exactly what the local runner would send, and no
  listing or read task has to wait for a CPU the actors hold); a wave of many batches is one
  Ray Data execution. Errors are data: a batch that fails is retried segment by segment
  (``runner.translate_isolated``) and a segment the engine cannot take comes back with an
  ``error``, failing only its document, never the run.
* **Durability**: every finished batch is written by its actor as an atomically renamed JSONL
  file under ``<out-dir>/.tarjama-ray/<scope>/results/`` (``scope``: engine identity hash and
  glossary digest), named by the hash of the batch's segment keys, one line per segment keyed
  by its segment key. Ray's own write stage and checkpointing are not used for exactly-once.
* **Merge**: the driver is the only writer of the SQLite memory. It commits each batch it
  receives (``INSERT OR IGNORE`` on the memory key), then deletes that batch's file. A re-run
  first commits every file a killed run left behind (``recover``), so only what is in neither
  the memory nor a file is sent out again: nothing is translated twice. A batch whose actor
  died mid-way is retried by Ray on a restarted actor; if the dead actor had already written
  its file, the second copy replaces it and the memory keeps one row.
* **Provenance**: each document's record says ``runner: "ray"`` and lists the node and process
  of every actor that translated its segments.

Ray is imported only when a ``RayTranslator`` starts (``pip install 'tarjama[ray]'``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import pickle
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.errors import TarjamaError
from tarjama.memory.store import NO_GLOSSARY, engine_hash
from tarjama.text.textio import muted_stderr, write_text_atomic
from tarjama.translate.executor import (
    KeyDone,
    Outcome,
    Store,
    Work,
    describe_error,
    this_worker,
    translate_isolated,
)
from tarjama.translate.stages import Stages, checked_identity
from tarjama.types import Confidence, Finding, SegmentTranslation, TermHint, TermOutcome, TranslationRequest

if TYPE_CHECKING:
    from tarjama.checks import Checker
    from tarjama.engines.base import Engine
    from tarjama.glossary import Glossary

RESULTS = ".tarjama-ray"
# The marker an actor puts before a refusal, so the driver can show it as one line.
_REFUSAL = "tarjama worker refused: "


@dataclass(frozen=True)
class EngineSpec:
    """What a worker needs to load the engine itself: the name, the model path or id, options."""

    engine: str | None
    model: str | None
    options: tuple[tuple[str, Any], ...] = ()
    direction: str = "ar-en"  # the run's (``load_engine`` picks a default model by it)

    def load(self, threads: int) -> Engine:
        from tarjama.engines import load_engine
        from tarjama.types import Direction

        options = {**dict(self.options), "threads": threads}
        return load_engine(self.engine, self.model, direction=Direction.parse(self.direction), **options)


@dataclass
class RayOptions:
    address: str | None = None  # None: a local cluster for this run; "auto" or host:port: join one
    workers: int | None = None  # actors (default: the cluster's CPUs ÷ cpus_per_worker)
    cpus_per_worker: int = 1  # CPUs each actor reserves; also its engine's thread count
    # Batches per wave: one Ray Data execution, hence one model load per actor, per wave. The
    # driver holds the wave's documents in memory; (default: 128 per actor, at least 256).
    wave_batches: int | None = None


def scope_folder(out_dir: Path, identity: dict[str, Any], glossary_digest: str | None) -> Path:
    """Where the result files of this engine and glossary live under ``out_dir``."""
    scope = hashlib.sha256(f"{engine_hash(identity)}:{glossary_digest or NO_GLOSSARY}".encode()).hexdigest()
    return out_dir / RESULTS / scope[:16]


def batch_name(keys: Iterable[str]) -> str:
    """The result file of a batch: the hash of its segment keys, in order."""
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32] + ".jsonl"


def dump_outcomes(outcomes: Sequence[Outcome]) -> str:
    """A batch's outcomes as JSONL, one line per segment keyed by its segment key."""
    lines = []
    for o in outcomes:
        e = o.result
        lines.append(
            json.dumps(
                {
                    "key": o.key,
                    "source": o.request.source,
                    "hints": [[h.source, h.target, h.kind] for h in o.request.hints],
                    "translation": None if e is None else e.text,
                    "notes": [] if e is None else [n.to_dict() for n in e.notes],
                    "terms": None if e is None or e.terms is None else e.terms.to_dict(),
                    "seconds": 0.0 if e is None else e.seconds,
                    "findings": [] if e is None else [f.to_dict() for f in e.findings],
                    "confidence": None if e is None or e.confidence is None else e.confidence.to_dict(),
                    "error": o.error,
                    "node": o.node,
                    "process": o.process,
                },
                ensure_ascii=False,
            )
        )
    return "".join(line + "\n" for line in lines)


def load_outcomes(text: str) -> list[Outcome]:
    """The inverse of ``dump_outcomes``; a line that does not parse is left out (translated again)."""
    outcomes = []
    for line in text.splitlines():
        try:
            row = json.loads(line)
            request = TranslationRequest(row["source"], tuple(TermHint(*h) for h in row["hints"]))
            entry = None
            if row["error"] is None:
                terms = TermOutcome.from_dict(row["terms"]) if row["terms"] is not None else None
                confidence = row.get("confidence")
                entry = SegmentTranslation(
                    str(row["translation"]), list(row["notes"]), float(row["seconds"]),
                    Confidence.from_dict(confidence) if isinstance(confidence, dict) else None,
                    [Finding.from_dict(f) for f in row.get("findings") or []], terms,
                )
            error = None if row["error"] is None else str(row["error"])
            where = (str(row["node"]), int(row["process"]))
            outcomes.append(Outcome(str(row["key"]), request, entry, error, *where))
        except (ValueError, KeyError, TypeError):
            continue
    return outcomes


class TranslateBatch:
    """The Ray Data callable class: one per actor, the engine loaded once, one batch per row."""

    def __init__(
        self, spec: EngineSpec, expected_engine: str, glossary: Glossary | None, folder: str, run: str,
        threads: int, checks: Checker | None = None,
    ) -> None:  # fmt: skip
        started = time.perf_counter()
        self.node, self.process = this_worker()
        try:
            self.engine = spec.load(threads)
        except TarjamaError as exc:
            raise TarjamaError(f"{_REFUSAL}on node {self.node}: {exc}") from None
        self.stages = Stages(self.engine, glossary, checks)
        got = engine_hash(self.stages.identity.to_dict())
        if got != expected_engine:
            raise TarjamaError(
                f"{_REFUSAL}on node {self.node} the engine is {self.engine.identity.describe()} "
                f"(identity {got[:12]}), not the driver's (identity {expected_engine[:12]}); prepare the "
                "same model on every node (tarjama models prepare, or the same --model path)"
            )
        self.folder = Path(folder)
        (self.folder / "results").mkdir(parents=True, exist_ok=True)
        (self.folder / "actors").mkdir(parents=True, exist_ok=True)
        load = {"run": run, "node": self.node, "process": self.process, "threads": threads,
                "seconds": round(time.perf_counter() - started, 4), "ready": time.time()}
        write_text_atomic(self.folder / "actors" / f"{run}-{uuid.uuid4().hex[:12]}.json", json.dumps(load))

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        texts = []
        for payload in batch["work"]:
            work: list[Work] = pickle.loads(payload)
            outcomes = translate_isolated(self.stages, work)
            text = dump_outcomes(outcomes)
            write_text_atomic(self.folder / "results" / batch_name(w.key for w in work), text)
            texts.append(text)
        return {"outcomes": np.array(texts, dtype=object)}


@dataclass
class _Loads:
    records: list[dict[str, Any]] = field(default_factory=list)

    def line(self) -> str:
        if not self.records:
            return "no model loads"
        mean = sum(r["seconds"] for r in self.records) / len(self.records)
        nodes = len({r["node"] for r in self.records})
        where = f"{nodes} node{'s' if nodes > 1 else ''}"
        loads = f"{len(self.records)} model load{'s' if len(self.records) > 1 else ''}"
        return f"{loads} on {where} (mean {mean:.1f} s)"


class RayExecutor:
    """Translates the run's segments on a Ray cluster (see module docstring)."""

    name = "ray"

    def __init__(
        self,
        spec: EngineSpec,
        glossary: Glossary | None,
        out_dir: Path,
        options: RayOptions,
        *,
        run_id: str,
        checks: Checker | None = None,
    ) -> None:
        if options.cpus_per_worker < 1:
            raise TarjamaError(f"--cpus-per-worker must be at least 1, got {options.cpus_per_worker}")
        if options.workers is not None and options.workers < 1:
            raise TarjamaError(f"--workers must be at least 1, got {options.workers}")
        try:
            import ray.data  # noqa: F401
        except ImportError:
            raise TarjamaError("--runner ray needs Ray: pip install 'tarjama[ray]'") from None
        self.spec = spec
        self.glossary = glossary
        self.options = options
        self.run_id = run_id
        self.cpus = options.cpus_per_worker
        self.checks = checks  # the actors run the same checks
        self.loads = _Loads()
        self.started_cluster = False
        self.joined = False
        self.connect_seconds = 0.0
        # A cluster named by --address is joined first: an unreachable one fails in one line
        # before any model is loaded. A local cluster is started after the probe below (it takes
        # seconds, and a wrong --model should fail at once).
        if options.address:
            self._timed_connect()
        try:
            # The driver learns the engine's identity (hence every key) the way the workers will
            # load it, before any cluster work; a wrong --model fails here in one line.
            started = time.perf_counter()
            probe = spec.load(self.cpus)
            try:
                self.identity = checked_identity(probe.identity, self.checks)
                self.uses_context = probe.uses_context
                self.takes_examples = probe.takes_examples
                self.preferred_call_size = probe.preferred_call_size
                self.directions = probe.directions()
            finally:
                probe.close()
                del probe
            self.probe_seconds = time.perf_counter() - started
        except BaseException:
            self._disconnect()
            raise
        self.engine_hash = engine_hash(self.identity.to_dict())
        digest = glossary.digest() if glossary is not None else None
        self.folder = scope_folder(out_dir, self.identity.to_dict(), digest)
        if not options.address:
            self._timed_connect()
        self.workers = self._size_pool()

    # -- the cluster --------------------------------------------------------------------------

    def _timed_connect(self) -> None:
        started = time.perf_counter()
        self._connect()
        self.connect_seconds = time.perf_counter() - started

    def _disconnect(self) -> None:
        """Leave the cluster this run joined or started (a failure before the run began)."""
        if self.started_cluster or self.joined:
            import ray

            with contextlib.suppress(Exception):
                ray.shutdown()
            self.started_cluster = self.joined = False

    def _connect(self) -> None:
        import ray

        self.how = "joined"
        if ray.is_initialized():
            return  # a caller (a test session, a notebook) already holds a connection: use it
        # tarjama prints its own summary and errors; Ray's notices would bury them.
        quiet: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
        try:
            if self.options.address:
                check_reachable(self.options.address)
                with muted_stderr():  # Ray's core logs each failed attempt to reach the address
                    ray.init(address=self.options.address, **quiet)
                self.joined = True
            else:
                ray.init(include_dashboard=False, **quiet)
                self.started_cluster = True
                self.how = "started"
        except TarjamaError:
            raise
        except Exception as exc:  # Ray raises plain Exception, e.g. when its raylet starts too slowly
            with contextlib.suppress(Exception):
                ray.shutdown()
            if self.options.address:
                how = "check that `ray start --head` runs there and give its address (or auto)"
            else:
                how = ("on a busy machine Ray's own processes can miss their 30 s start-up limit: try "
                       "again, or start a cluster with `ray start --head` and give --address auto")
            where = self.options.address or "a local cluster"
            reason = describe_error(exc)
            raise TarjamaError(f"--runner ray: cannot start or join {where} ({reason}); {how}") from None

    def _size_pool(self) -> int:
        import ray

        cpus = int(ray.cluster_resources().get("CPU", 0))
        fits = cpus // self.cpus
        workers = self.options.workers or max(1, fits)
        if workers * self.cpus > cpus:
            self.close()
            raise TarjamaError(
                f"--runner ray: {workers} workers × {self.cpus} CPUs need {workers * self.cpus} CPUs, the "
                f"cluster has {cpus}; lower --workers or --cpus-per-worker, or add nodes"
            )
        return workers

    def close(self) -> None:
        """Forget this run's load records; shut down the cluster if this run started it."""
        for path in self._load_files():
            with contextlib.suppress(OSError):
                path.unlink()
        for sub in (self.folder / "results", self.folder / "actors", self.folder, self.folder.parent):
            with contextlib.suppress(OSError):
                sub.rmdir()  # only when empty
        if self.started_cluster:
            import ray

            ray.shutdown()
            self.started_cluster = False

    def describe(self) -> str:
        """One clause for the end-of-run summary."""
        return (
            f"ray: cluster {self.how} in {self.connect_seconds:.1f} s, {self.workers} "
            f"worker{'s' if self.workers > 1 else ''} × {self.cpus} CPU, {self.loads.line()}"
        )

    def _load_files(self) -> list[Path]:
        folder = self.folder / "actors"
        return sorted(folder.glob(f"{self.run_id}-*.json")) if folder.is_dir() else []

    def _read_loads(self) -> None:
        records = []
        for path in self._load_files():
            with contextlib.suppress(OSError, ValueError):
                records.append(json.loads(path.read_text(encoding="utf-8")))
        self.loads = _Loads(records)

    # -- Executor --------------------------------------------------------------------------------

    def wave(self, batch_size: int) -> int:
        return batch_size * (self.options.wave_batches or max(256, 128 * self.workers))

    def recover(self, store: Store) -> int:
        stale = self.folder / "actors"
        if stale.is_dir():
            for path in stale.glob("*.json"):  # load records of runs that never closed
                with contextlib.suppress(OSError):
                    path.unlink()
        return recover_results(self.folder, store)

    def translate(
        self, work: Sequence[Work], batch_size: int, *, isolate: bool = True, done: KeyDone | None = None
    ) -> Iterator[list[Outcome]]:
        """Batches of ``batch_size`` over the actor pool; a failing segment always fails alone (``isolate``
        is always on: errors are data on a cluster); ``done`` is called per batch as it comes back."""
        import ray.data
        from ray.data import ActorPoolStrategy

        batches = [list(work[i : i + batch_size]) for i in range(0, len(work), batch_size)]
        if not batches:
            return
        rows = [{"work": pickle.dumps(b, protocol=pickle.HIGHEST_PROTOCOL)} for b in batches]
        dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            TranslateBatch,
            batch_size=1,
            batch_format="numpy",
            compute=ActorPoolStrategy(size=min(self.workers, len(rows))),
            num_cpus=self.cpus,
            fn_constructor_kwargs={
                "spec": self.spec,
                "expected_engine": self.engine_hash,
                "glossary": _portable(self.glossary),
                "folder": str(self.folder.resolve()),
                "run": self.run_id,
                "threads": self.cpus,
                "checks": self.checks,
            },
        )
        # This dataset's own settings: tarjama's bars count documents and segments, and its summary
        # says what ran; Ray Data's progress lines and notices would bury both.
        dataset.context.enable_progress_bars = False
        dataset.context.print_on_execution_start = False
        data_log = logging.getLogger("ray.data")
        level = data_log.level
        data_log.setLevel(logging.ERROR)
        try:
            for row in dataset.iter_rows():
                outcomes = load_outcomes(row["outcomes"])
                if done is not None:
                    for o in outcomes:
                        done(o.key)
                yield outcomes
        except TarjamaError:
            raise
        except Exception as exc:
            raise TarjamaError(_explain(exc)) from None
        finally:
            data_log.setLevel(level)
            self._read_loads()

    def committed(self, outcomes: Sequence[Outcome]) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.folder / "results" / batch_name(o.key for o in outcomes)).unlink()


def recover_results(folder: Path, store: Store) -> int:
    """Commit every result file under ``folder`` to ``store`` (the memory), then delete it; returns segments.

    Files are only ever renamed into place whole, so each is a finished batch; a line that does
    not parse (a damaged disk) is left out and its segment translated again.
    """
    results = folder / "results"
    if not results.is_dir():
        return 0
    recovered = 0
    for path in sorted(results.glob("*.jsonl")):
        try:
            outcomes = load_outcomes(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        done = [(o.key, o.request, o.result) for o in outcomes if o.result is not None]
        store.put_many(done)  # type: ignore[arg-type]
        recovered += len(done)
        path.unlink()
    return recovered


def _portable(glossary: Glossary | None) -> Glossary | None:
    """The glossary without its built matcher (workers only check terms; they never match)."""
    if glossary is None:
        return None
    from tarjama.glossary import Glossary

    return Glossary(glossary.entries, glossary.path)


# How long the TCP check of an --address waits (a black-holed address never answers).
REACH_TIMEOUT = 5.0


def check_reachable(address: str, timeout: float = REACH_TIMEOUT) -> None:
    """Refuse a ``host:port`` address nothing listens on, in one line, within ``timeout`` seconds.

    ``auto`` and ``ray://`` addresses are left to Ray.
    """
    import socket

    if address == "auto" or "://" in address:
        return
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise TarjamaError(f"--address {address}: expected HOST:PORT (the head node's GCS port, "
                           "6379 by default) or auto")
    host = host.strip("[]")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return
    except TimeoutError:
        reason = f"no answer in {timeout:.0f} s"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    raise TarjamaError(
        f"--runner ray: cannot reach {address} ({reason}); check that `ray start --head` runs there and "
        "that this machine can reach its port, then give its address (or auto)"
    )


def _explain(exc: BaseException) -> str:
    """One line for a Ray failure: a worker's refusal as it said it, otherwise the error's first line."""
    text = str(exc)
    if _REFUSAL in text:
        reason = text.split(_REFUSAL, 1)[1].splitlines()[0]
        return f"--runner ray: a worker refused to start: {reason}"
    return (
        f"--runner ray: the cluster failed ({describe_error(exc)}); every batch merged so far is in the "
        "memory: run the same command again to go on"
    )

