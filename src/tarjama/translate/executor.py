"""Where a run's engine calls happen: the one seam between a run and the machines it uses.

A run (``tarjama.translate.run.Translator``) decides *what* to translate — approvals first,
the journal or memory, de-duplication — and hands the segments nobody has translated yet to an
``Executor`` as ``Work``; the executor says *where* they are translated and gives back one
``Outcome`` per segment, batch by batch, in any order:

* ``LocalExecutor``: this process, one batch per call of the ``Stages`` (engine and stages);
* ``tarjama.batch.ray_runner.RayExecutor``: actors of a Ray cluster, each with its own engine.

Every executor translates a batch through ``translate_isolated``: when a call fails and the run
isolates failures (a batch), each segment is tried alone so that only the segments the engine
cannot take come back with an ``error``.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from tarjama.types import Direction, EngineIdentity, Finding, SegmentTranslation, TranslationRequest

if TYPE_CHECKING:
    from tarjama.checks import Checker
    from tarjama.glossary import GlossaryEntry
    from tarjama.translate.stages import Stages

# Re-finds the findings of a stored translation from its request and text (an older memory row).
Refind = Callable[[TranslationRequest, SegmentTranslation], "list[Finding]"]
# Called with the key of each segment as soon as it leaves the engine (progress).
KeyDone = Callable[[str], None]


@dataclass(frozen=True)
class Work:
    """One segment nobody has translated yet: its key, the request and the terms it must hold."""

    key: str
    request: TranslationRequest
    expected: tuple[GlossaryEntry, ...] = ()


@dataclass
class Outcome:
    """What became of one ``Work``: a translation (``result``) or an ``error``, and where it ran."""

    key: str
    request: TranslationRequest
    result: SegmentTranslation | None = None
    error: str | None = None
    node: str = ""
    process: int = 0

    @property
    def worker(self) -> dict[str, Any]:
        return {"node": self.node, "process": self.process}


def this_worker() -> tuple[str, int]:
    """(node, process) of the calling process, as recorded in provenance."""
    return socket.gethostname(), os.getpid()


def describe_error(exc: BaseException) -> str:
    """One line for a segment's failure: the exception's type and the first line of its message."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def translate_isolated(
    stages: Stages, work: Sequence[Work], *, isolate: bool = True, done: KeyDone | None = None
) -> list[Outcome]:
    """Translate ``work`` in one call of ``stages``; with ``isolate``, never raise for a bad segment.

    When the call fails, each segment is tried alone, so only the segments the engine cannot take
    come back with an ``error``. Without ``isolate`` the exception goes to the caller as it is.
    """
    node, pid = this_worker()

    def call(batch: Sequence[Work]) -> list[Outcome]:
        results = stages.translate(
            [w.request for w in batch],
            [list(w.expected) for w in batch],
            None if done is None else (lambda i: done(batch[i].key)),
        )
        return [
            Outcome(w.key, w.request, res, None, node, pid) for w, res in zip(batch, results, strict=True)
        ]

    if not isolate:
        return call(work)
    try:
        return call(work)
    except Exception as exc:
        if len(work) == 1:
            return [Outcome(work[0].key, work[0].request, None, describe_error(exc), node, pid)]
    outcomes = []
    for w in work:
        try:
            outcomes += call([w])
        except Exception as one:
            outcomes.append(Outcome(w.key, w.request, None, describe_error(one), node, pid))
    return outcomes


class Store(Protocol):
    """Where a run keeps finished machine translations: the journal, or the translation memory."""

    def get_many(self, keys: Iterable[str], refind: Refind | None = None) -> dict[str, SegmentTranslation]:
        """The stored translations of ``keys``; ``refind`` finds the findings of a row stored without."""
        ...

    def put_many(self, done: Sequence[tuple[str, TranslationRequest, SegmentTranslation]]) -> None: ...


class Executor(Protocol):
    """Translates the segments a run hands over (module docstring)."""

    name: str  # recorded in provenance: "local" or "ray"
    identity: EngineIdentity  # the engine's, with the checks when there are any
    checks: Checker | None  # the checks run after each call (None: off)
    uses_context: bool  # the engine reads context: it is part of every key
    takes_examples: bool  # the engine shows its model a request's examples (``Engine.takes_examples``)
    preferred_call_size: int  # the engine's preferred segments per call
    directions: frozenset[Direction]  # what the engine translates (``Engine.directions``)

    def wave(self, batch_size: int) -> int:
        """How many queued segments to hand over at once (a multiple of ``batch_size``)."""
        ...

    def recover(self, store: Store) -> int:
        """Before planning: commit results a killed run left behind; returns how many."""
        ...

    def translate(
        self, work: Sequence[Work], batch_size: int, *, isolate: bool, done: KeyDone | None
    ) -> Iterable[list[Outcome]]:
        """Translate ``work`` in batches of ``batch_size``; yield each batch's outcomes, any order."""
        ...

    def committed(self, outcomes: Sequence[Outcome]) -> None:
        """The run has stored ``outcomes`` (one yielded batch)."""
        ...

    def close(self) -> None: ...


class LocalExecutor:
    """This process, one batch at a time: the stages are called directly."""

    name = "local"

    def __init__(self, stages: Stages) -> None:
        self.stages = stages
        self.identity = stages.identity
        self.checks = stages.checks
        self.uses_context = stages.engine.uses_context
        self.takes_examples = stages.engine.takes_examples
        self.preferred_call_size = stages.engine.preferred_call_size
        self.directions = stages.engine.directions()

    def wave(self, batch_size: int) -> int:
        return batch_size

    def recover(self, store: Store) -> int:
        return 0  # results go straight to the store: nothing is ever left behind

    def translate(
        self, work: Sequence[Work], batch_size: int, *, isolate: bool = True, done: KeyDone | None = None
    ) -> Iterable[list[Outcome]]:
        for start in range(0, len(work), batch_size):
            batch = work[start : start + batch_size]
            yield translate_isolated(self.stages, batch, isolate=isolate, done=done)

    def committed(self, outcomes: Sequence[Outcome]) -> None:
        pass

    def close(self) -> None:
        self.stages.engine.close()
