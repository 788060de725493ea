"""Fault injection for the kill -9 suite: run the real CLI in a child process and SIGKILL it
at a chosen I/O call.

A child is ``os.fork``-ed from the test process (so it starts in milliseconds with every
module already imported) and runs ``tarjama.cli.main(argv)``. A profile hook counts the C
calls that touch files or the database — ``write``, ``flush``, ``fsync``, ``replace``,
``rename``, ``unlink``, ``open``, ``close``, ``truncate``, ``mkdir``, ``execute``,
``commit``… — and, at the N-th one, the child sends itself SIGKILL: no ``finally``, no
``atexit``, no flush, exactly what ``kill -9`` does. A first run counts the calls of a whole
run; the kill points are a seeded random sample of them (``TARJAMA_FAULT_SEED`` picks
another sample), so every stage of a writer — temporary file open, half written, written
but not renamed, renamed, journal line, database commit — gets killed in turn.

``LoggingEngine`` is a deterministic engine (``fault`` in the engine registry while a test
runs) that appends every source it translates to a log file before returning, so a test can
tell what each run paid for.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import sqlite3
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tarjama
from tarjama.engines.base import Engine, SegmentDone
from tarjama.types import EngineIdentity, SegmentTranslation, TranslationRequest

# C functions whose call is a kill point: everything that changes or reads state on disk.
IO_CALLS = frozenset({
    "write", "writelines", "flush", "fsync", "fdatasync", "replace", "rename", "unlink", "remove",
    "ftruncate", "truncate", "open", "close", "mkdir", "fchmod", "execute", "executemany",
    "executescript", "commit", "pwrite", "pread",
})  # fmt: skip
LOG_ENV = "TARJAMA_FAULT_ENGINE_LOG"
SEED_ENV = "TARJAMA_FAULT_SEED"
DELAY_ENV = "TARJAMA_FAULT_ENGINE_DELAY"
BARRIER_ENV = "TARJAMA_FAULT_ENGINE_BARRIER"


def _delimit(source: str) -> str:
    return f"⟦{source}⟧"


def source_of(translation: str) -> str:
    """The source a ``LoggingEngine`` translation was made from."""
    return translation[translation.index("⟦") + 1 : translation.rindex("⟧")]


class LoggingEngine(Engine):
    """``⟦source⟧ hint targets``: deterministic, honours term hints, logs what it translates."""

    name = "fault"
    preferred_call_size = 3

    def __init__(self, **_options: object) -> None:
        self.log = os.environ[LOG_ENV]
        if barrier := os.environ.get(BARRIER_ENV):
            # FOLDER:N — start translating only when N engines have been created: runs overlap.
            folder, count = barrier.rsplit(":", 1)
            Path(folder, f"ready-{os.getpid()}").touch()
            deadline = time.monotonic() + 10
            while len(list(Path(folder).glob("ready-*"))) < int(count) and time.monotonic() < deadline:
                time.sleep(0.005)

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("fault", "logging-engine", params={"version": 1})

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        time.sleep(float(os.environ.get(DELAY_ENV, "0")))  # a slower engine, to make runs overlap
        out = []
        for i, r in enumerate(requests):
            terms = " ".join(h.target for h in r.hints)
            out.append(SegmentTranslation(_delimit(r.source) + (" " + terms if terms else ""), seconds=0.001))
            if done is not None:
                done(i)
        # One line per call, logged before the caller can commit anything: whatever is committed
        # is in the log, and the last line of a killed run is the call that was in flight.
        fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (json.dumps([r.source for r in requests], ensure_ascii=False) + "\n").encode())
        finally:
            os.close(fd)
        return out


def logged_calls(log: Path) -> list[list[str]]:
    """The sources of each engine call, in order."""
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def logged(log: Path) -> list[str]:
    """Every source the engine translated, in order (a source translated twice appears twice)."""
    return [source for call in logged_calls(log) for source in call]


@dataclass
class ChildResult:
    killed: bool  # died of SIGKILL at the kill point
    code: int | None  # exit code when it was not killed
    io_calls: int = 0  # I/O calls it made (when it finished)
    c_calls: int = 0  # calls of any C function it made
    # [n, module file] of the I/O calls tarjama's code made (itself or through a helper it called)
    own_io: list[list[Any]] = field(default_factory=list)


IO_MODULES = frozenset({"posix", "_io", "io"})


def is_io_call(func: object) -> bool:
    """A call of ``os``, ``open``, a file or SQLite that touches the disk (not ``str.replace``,
    not an in-memory ``StringIO``)."""
    if getattr(func, "__name__", None) not in IO_CALLS:
        return False
    owner = getattr(func, "__self__", None)
    if isinstance(owner, type(os)):
        return owner.__name__ in IO_MODULES
    if isinstance(owner, io.StringIO | io.BytesIO):
        return False
    return isinstance(owner, io.IOBase | sqlite3.Connection | sqlite3.Cursor)


@dataclass(frozen=True)
class KillPoint:
    """The ``n``-th I/O call (``kind`` "io"), or the ``n``-th call of any C function ("any")."""

    kind: str
    n: int

    def __str__(self) -> str:
        return f"I/O call {self.n}" if self.kind == "io" else f"C call {self.n}"


PACKAGE = str(Path(tarjama.__file__).parent)


def _hook(kill_at: KillPoint | None, counter: list[int], own: list[int]):
    def hook(frame: Any, event: str, arg: object) -> None:
        if event != "c_call":
            return
        counter[1] += 1
        if is_io_call(arg):
            counter[0] += 1
            # Made by tarjama's code, directly or through a helper it called (pathlib, tempfile).
            caller, depth = frame, 0
            while caller is not None and depth < 4:
                if caller.f_code.co_filename.startswith(PACKAGE):
                    own.append([counter[0], os.path.basename(caller.f_code.co_filename)])
                    break
                caller, depth = caller.f_back, depth + 1
            if kill_at is not None and kill_at.kind == "io" and counter[0] == kill_at.n:
                os.kill(os.getpid(), signal.SIGKILL)
        if kill_at is not None and kill_at.kind == "any" and counter[1] == kill_at.n:
            os.kill(os.getpid(), signal.SIGKILL)

    return hook


def run_child(
    argv: list[str], cwd: Path, *, kill_at: KillPoint | None = None, count: bool = False
) -> ChildResult:
    """``tarjama.cli.main(argv)`` in a forked child, killed at ``kill_at`` (1-based counts);
    ``count`` counts its calls (no hook otherwise: a plain run at full speed)."""
    from tarjama.cli import main

    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 70
        try:
            os.close(read_end)
            os.chdir(cwd)
            counter: list[int] = [0, 0]
            own: list[int] = []
            if kill_at is not None or count:
                sys.setprofile(_hook(kill_at, counter, own))
            try:
                code = main(argv)
            finally:
                sys.setprofile(None)
            os.write(write_end, json.dumps([*counter, own]).encode())
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL, f"child died of signal {os.WTERMSIG(status)}"
        return ChildResult(True, None)
    io_calls, c_calls, own = json.loads(b"".join(chunks) or b"[0, 0, []]")
    return ChildResult(False, os.WEXITSTATUS(status), io_calls, c_calls, own)


def kill_points(run: ChildResult, count: int = 24, *, salt: str = "") -> list[KillPoint]:
    """``count`` kill points for a run that made ``run.io_calls`` I/O calls.

    Its first and last I/O call and a seeded sample between them; when a run has fewer I/O
    calls than ``count``, every one of them, topped up with a sample of all its C calls
    (kills while it computes, holds a lock, waits)."""
    seed = os.environ.get(SEED_ENV, "20261129")
    rng = random.Random(f"{seed}:{salt}")
    total = run.io_calls
    inner = range(2, total)
    chosen = sorted({1, total, *rng.sample(inner, min(count - 2, len(inner)))})
    points = [KillPoint("io", n) for n in chosen]
    if len(points) < count:
        extra = rng.sample(range(1, run.c_calls + 1), min(count - len(points), run.c_calls))
        points += [KillPoint("any", n) for n in sorted(extra)]
    return points
