"""The batch runner: documents in, translated documents and provenance records out.

Flow, per input file in order:

1. read it into units (``inputs.read_source``) and build each unit's engine requests with
   the same code ``tarjama translate`` uses (``document.requests.build_requests``);
2. look every segment up in the translation memory; segments not there, and not already
   queued by an earlier document of this run, join one queue shared by all documents;
3. whenever the queue holds a *wave* of segments, the ``SegmentTranslator`` translates them
   (engine call plus glossary enforcement, ``translate_isolated``) and hands them back one
   batch at a time, in any order; each batch is committed to the memory before anything
   else happens, and only then acknowledged (``SegmentTranslator.committed``);
4. a document whose segments are all known is assembled (``pipeline.assemble``), written
   atomically, and gets one line in ``provenance.jsonl``.

Planning, memory look-up, merging, writing and provenance live here once; the only thing a
runner supplies is the ``SegmentTranslator`` — "translate these uncached segments":
``LocalTranslator`` (this process, one wave = one batch) or ``ray_runner.RayTranslator``
(a Ray cluster, one wave = many batches spread over actors). The driver running this
module is the only writer of the memory.

So a run killed at any moment loses at most the batches in flight, a re-run translates only
what was never committed, and a sentence repeated anywhere in the batch costs one engine
call. A file that cannot be read, or a segment the engine fails on, fails only its own
document; every failure is kept with its reason for the end-of-run summary.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tarjama import formats
from tarjama.batch.inputs import InputFile, Source, inside, output_path, read_source
from tarjama.document.requests import PreparedSegment, build_requests
from tarjama.engines.base import Engine
from tarjama.errors import TarjamaError
from tarjama.memory.store import MemoryEntry, TranslationMemory
from tarjama.text.textio import LineLog
from tarjama.translate.pipeline import (
    assemble,
    checked_identity,
    glossary_info,
    human_translation,
    translate_requests,
)
from tarjama.types import EngineIdentity, SegmentTranslation, TranslationRequest

if TYPE_CHECKING:
    from tarjama.checks import Checker
    from tarjama.glossary import Glossary, GlossaryEntry

PROVENANCE = "provenance.jsonl"


@dataclass
class BatchOptions:
    out_dir: Path
    batch_size: int | None = None  # segments per engine call (default: the engine's preferred size)
    field_name: str = "text"
    column: str = "text"
    lang: str = "en"
    progress: bool = False
    shard: str | None = None  # "K/N" as given, recorded in provenance
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    checks: bool = False  # fidelity checks and repair after enforcement (the CLI: on unless --no-checks)


@dataclass
class Failure:
    source: str
    reason: str  # one line, naming the file (and line) itself


@dataclass
class DocumentRecord:
    """One line of ``provenance.jsonl``: what happened to one input file in one run."""

    run: str
    source: str
    output: str | None
    format: str
    status: str  # "done" or "failed"
    engine: dict[str, Any] | None
    glossary: dict[str, str] | None
    units: int = 0
    segments: int = 0
    translated: int = 0  # engine translations this document paid for in this run
    cache_hits: int = 0  # segments taken from the memory or from an earlier document of the run
    seconds: float = 0.0  # wall time from reading the input to writing the output
    engine_seconds: float = 0.0
    terms: dict[str, Any] = field(default_factory=dict)
    notes: int = 0  # segments with notes (splits, retries, repairs)
    needs_review: int = 0  # segments the fidelity checks still find errors in
    failures: list[str] = field(default_factory=list)
    shard: str | None = None
    runner: str = "local"  # which SegmentTranslator ran: "local" or "ray"
    # Where this document's segments were translated in this run: [{"node", "process"}, …].
    workers: list[dict[str, Any]] = field(default_factory=list)
    finished: str = ""
    # The JSONL field or TSV column translated (jsonl and tsv inputs only): what a reader of
    # this record (``tarjama review``) needs to read the source again the same way.
    field: str | None = None
    column: str | None = None


@dataclass
class BatchSummary:
    engine: str = ""
    documents: int = 0
    done: int = 0
    segments: int = 0
    translated: int = 0
    cache_hits: int = 0
    terms_found: int = 0
    terms_expected: int = 0
    needs_review: int | None = None  # None: checks off
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    @property
    def segments_per_second(self) -> float:
        return self.segments / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        """The end-of-run report: one summary line, then one line per failure."""
        accuracy = (
            f"{self.terms_found}/{self.terms_expected} ({100 * self.terms_found / self.terms_expected:.1f} %)"
            if self.terms_expected
            else "n/a (no glossary terms)"
        )
        head = (
            f"tarjama batch: {self.documents} documents ({self.done} done, {len(self.failures)} failed), "
            f"{self.segments} segments ({self.translated} translated, {self.cache_hits} cache hits) "
            f"in {self.seconds:.1f} s ({self.segments_per_second:.2f} segments/s) · {self.engine} · "
            f"term accuracy {accuracy}"
        )
        if self.needs_review is not None:
            head += f" · {self.needs_review} segments need review"
        return [head] + [f"tarjama batch: failed: {f.reason}" for f in self.failures]



# -- "translate these uncached segments": the one thing a runner supplies ----------------------


@dataclass(frozen=True)
class Work:
    """One uncached segment to translate: its memory key, the request and the terms it must hold."""

    key: str
    request: TranslationRequest
    expected: tuple[GlossaryEntry, ...] = ()


@dataclass
class Outcome:
    """What became of one ``Work``: a translation (``entry``) or an ``error``, and where it ran."""

    key: str
    request: TranslationRequest
    entry: MemoryEntry | None = None
    error: str | None = None
    node: str = ""
    process: int = 0

    @property
    def worker(self) -> dict[str, Any]:
        return {"node": self.node, "process": self.process}


def this_worker() -> tuple[str, int]:
    """(node, process) of the calling process, as recorded in provenance."""
    return socket.gethostname(), os.getpid()


def translate_isolated(
    engine: Engine, glossary: Glossary | None, work: Sequence[Work], checks: Checker | None = None
) -> list[Outcome]:
    """Translate ``work`` in one engine call (plus enforcement); never raises for a bad segment.

    When the call fails, each segment is tried alone so that only the segments the engine
    cannot take come back with an ``error`` (and fail only their documents). Every runner's
    workers translate through this one function.
    """
    node, pid = this_worker()

    def call(batch: Sequence[Work]) -> list[Outcome]:
        requests = [w.request for w in batch]
        results, terms = translate_requests(
            engine, requests, [list(w.expected) for w in batch], glossary, checks=checks
        )
        return [
            Outcome(w.key, w.request, MemoryEntry(res.text, list(res.notes), t, res.seconds), None, node, pid)
            for w, res, t in zip(batch, results, terms, strict=True)
        ]

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


class SegmentTranslator(Protocol):
    """Translates uncached segments for ``BatchRunner``; the runner does everything else."""

    runner: str  # recorded in provenance
    identity: EngineIdentity  # the engine's, with the checks when there are any
    checks: Checker | None  # the fidelity checks run after each call (None: off)
    uses_context: bool  # the engine reads context: it is part of every key
    preferred_call_size: int  # the engine's preferred segments per call (default --batch-size)

    def wave(self, batch_size: int) -> int:
        """How many queued segments to hand over at once (a multiple of ``batch_size``)."""
        ...

    def recover(self, memory: TranslationMemory) -> int:
        """Before planning: commit results a killed run left behind; returns how many."""
        ...

    def translate(self, work: Sequence[Work], batch_size: int) -> Iterable[list[Outcome]]:
        """Translate ``work`` in batches of ``batch_size``; yield each batch's outcomes, any order."""
        ...

    def committed(self, outcomes: Sequence[Outcome]) -> None:
        """The runner has committed ``outcomes`` (one yielded batch) to the memory."""
        ...


class LocalTranslator:
    """This process, one batch at a time: the engine is called directly."""

    runner = "local"

    def __init__(self, engine: Engine, glossary: Glossary | None, checks: Checker | None = None) -> None:
        self.engine = engine
        self.glossary = glossary
        self.checks = checks
        self.identity = checked_identity(engine.identity, checks)
        self.uses_context = engine.uses_context
        self.preferred_call_size = engine.preferred_call_size

    def wave(self, batch_size: int) -> int:
        return batch_size

    def recover(self, memory: TranslationMemory) -> int:
        return 0  # results go straight to the memory: nothing is ever left behind

    def translate(self, work: Sequence[Work], batch_size: int) -> Iterable[list[Outcome]]:
        for start in range(0, len(work), batch_size):
            batch = work[start : start + batch_size]
            yield translate_isolated(self.engine, self.glossary, batch, self.checks)

    def committed(self, outcomes: Sequence[Outcome]) -> None:
        pass


# -- the runner ---------------------------------------------------------------------------------


@dataclass
class _Job:
    seq: int  # opening order: documents finished together are written in this order
    item: InputFile
    output: Path
    source: Source
    prepared: list[list[PreparedSegment]]
    keys: list[list[str]]
    started: float
    owned: list[str]  # keys this document put in the queue: it pays for their translation
    pending: int = 0  # distinct keys not yet translated (or failed)

    @property
    def distinct(self) -> set[str]:
        return {k for unit in self.keys for k in unit}


@dataclass
class PlanEntry:
    """What a run would do with one input (``--dry-run``, and progress-bar totals)."""

    item: InputFile
    output: Path
    segments: int = 0
    cached: int = 0  # in the memory (a machine translation or a human approval)
    repeats: int = 0  # repeated earlier in this run (in this document or an earlier one): free
    error: str | None = None

    @property
    def to_translate(self) -> int:
        return self.segments - self.cached - self.repeats


def _load(
    item: InputFile, options: BatchOptions, glossary: Glossary | None, with_context: bool
) -> tuple[Source, list[list[PreparedSegment]], list[list[str]]]:
    source = read_source(item, field_name=options.field_name, column=options.column)
    prepared = [build_requests(unit.document, glossary) for unit in source.units]
    keys = [[p.request.key(with_context=with_context) for p in unit] for unit in prepared]
    return source, prepared, keys


def known_translations(
    memory: TranslationMemory,
    keys: Sequence[str],
    requests: dict[str, PreparedSegment],
    glossary: Glossary | None,
) -> dict[str, MemoryEntry]:
    """What the memory already has for ``keys``: a human approval, else this engine's translation."""
    by_approval_key = {requests[k].request.key(): k for k in keys}
    found: dict[str, MemoryEntry] = {}
    for approval_key, approval in memory.approved_many(by_approval_key).items():
        key = by_approval_key[approval_key]
        result, outcome = human_translation(approval, requests[key].expected, glossary)
        found[key] = MemoryEntry(result.text, result.notes, outcome, 0.0, origin="human")
    found.update(memory.get_many(k for k in keys if k not in found))
    return found


def plan(
    items: Sequence[InputFile],
    options: BatchOptions,
    glossary: Glossary | None,
    memory: TranslationMemory | None,
) -> list[PlanEntry]:
    """Read every input and count its segments and those already translated; loads no model."""
    entries: list[PlanEntry] = []
    seen: set[str] = set()
    for item in items:
        entry = PlanEntry(item, output_path(item, options.out_dir, options.lang))
        try:
            # No engine is loaded here: keys as for an engine that does not read context.
            _source, prepared, keys = _load(item, options, glossary, with_context=False)
        except TarjamaError as exc:
            entry.error = str(exc)
            entries.append(entry)
            continue
        flat = [k for unit in keys for k in unit]
        requests = {k: p for unit_k, unit_p in zip(keys, prepared, strict=True)
                    for k, p in zip(unit_k, unit_p, strict=True)}
        fresh = [k for k in flat if k not in seen]
        known = known_translations(memory, fresh, requests, glossary) if memory else {}
        entry.segments = len(flat)
        for k in flat:
            if k in seen:
                entry.repeats += 1
            elif k in known:
                entry.cached += 1
            seen.add(k)
        entries.append(entry)
    return entries


class BatchRunner:
    """Runs one batch with one engine, one glossary and one memory (see module docstring).

    ``translator`` is a ``SegmentTranslator``, or an ``Engine`` to translate in this process.
    """

    def __init__(
        self,
        translator: SegmentTranslator | Engine,
        glossary: Glossary | None,
        memory: TranslationMemory,
        options: BatchOptions,
    ) -> None:
        if isinstance(translator, Engine):
            from tarjama.checks import checker

            translator = LocalTranslator(translator, glossary, checker(options.checks))
        if options.batch_size is None:
            options = replace(options, batch_size=max(16, translator.preferred_call_size))
        if options.batch_size < 1:
            raise TarjamaError(f"--batch-size must be at least 1, got {options.batch_size}")
        self.translator = translator
        self.glossary = glossary
        self.memory = memory
        self.options = options
        # The checks that re-find a memory hit's findings: the translator's own, if it has them.
        self.checks: Checker | None = translator.checks
        # Checked output has the checks in its identity: memory rows never mix the two.
        self.identity = translator.identity
        self.gloss_info = glossary_info(glossary)
        memory.scope(self.identity.to_dict(), self.gloss_info and self.gloss_info["sha256"])
        # Segments waiting for the translator, in arrival order: key → work.
        self.queue: dict[str, Work] = {}
        # Finished segments that an unwritten document still needs, and how many need each.
        self.resolved: dict[str, MemoryEntry] = {}
        self.workers: dict[str, dict[str, Any]] = {}  # key → where it was translated in this run
        self.refs: Counter[str] = Counter()
        self.failed: dict[str, str] = {}
        self.waiting: dict[str, list[_Job]] = {}  # untranslated key → the open documents needing it
        self.ready: list[_Job] = []
        self.opened = 0
        self.recovered = 0
        self.summary = BatchSummary(engine=self.identity.describe(), needs_review=0 if self.checks else None)
        self._docs_bar: Any = None
        self._segments_bar: Any = None

    # -- the run -------------------------------------------------------------------------

    def run(
        self,
        items: Sequence[InputFile],
        problems: Sequence[tuple[str, str]] = (),
        *,
        segments_to_translate: int | None = None,
    ) -> BatchSummary:
        """Translate ``items``; ``problems`` are inputs that already failed (listed, recorded)."""
        started = time.perf_counter()
        self.summary.documents = len(items) + len(problems)
        self.options.out_dir.mkdir(parents=True, exist_ok=True)
        self.recovered = self.translator.recover(self.memory)
        from tqdm import tqdm

        enabled = self.options.progress
        provenance = self.options.out_dir / PROVENANCE
        inside(provenance, self.options.out_dir)
        assert self.options.batch_size is not None
        wave = self.translator.wave(self.options.batch_size)
        with (
            LineLog(provenance) as self._provenance,
            tqdm(
                total=self.summary.documents, unit="doc", desc="documents", disable=not enabled, position=0
            ) as self._docs_bar,
            tqdm(
                total=segments_to_translate, unit="seg", desc="segments", disable=not enabled, position=1
            ) as self._segments_bar,
        ):
            for given, reason in problems:
                self._record_failure(given, "", None, [reason], time.perf_counter())
            for item in items:
                self._open(item)
                self._finish_ready()
                while len(self.queue) >= wave:
                    self._dispatch(wave)
            while self.queue:
                self._dispatch(wave)
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def _open(self, item: InputFile) -> None:
        started = time.perf_counter()
        output = output_path(item, self.options.out_dir, self.options.lang)
        try:
            source, prepared, keys = _load(item, self.options, self.glossary, self.translator.uses_context)
        except TarjamaError as exc:
            self._record_failure(str(item.path), item.format, output, [str(exc)], started)
            return
        distinct = list(dict.fromkeys(k for unit in keys for k in unit))
        requests: dict[str, PreparedSegment] = {}
        for unit_p, unit_k in zip(prepared, keys, strict=True):
            requests.update(zip(unit_k, unit_p, strict=True))
        unknown = [k for k in distinct if not self._known(k)]
        self.resolved.update(known_translations(self.memory, unknown, requests, self.glossary))
        job = _Job(self.opened, item, output, source, prepared, keys, started, [])
        self.opened += 1
        for k in distinct:
            self.refs[k] += 1
            if not self._known(k):
                self.queue[k] = Work(k, requests[k].request, tuple(requests[k].expected))
                job.owned.append(k)
            if k in self.queue or k in self.waiting:
                self.waiting.setdefault(k, []).append(job)
                job.pending += 1
        if job.pending == 0:
            self.ready.append(job)

    def _known(self, key: str) -> bool:
        """Already translated, waiting in the queue or in flight, or failed in this run."""
        return key in self.resolved or key in self.queue or key in self.waiting or key in self.failed

    def _dispatch(self, wave: int) -> None:
        """Hand the first ``wave`` queued segments to the translator; merge batches as they come."""
        keys = list(islice(self.queue, wave))
        work = [self.queue.pop(k) for k in keys]
        assert self.options.batch_size is not None
        for outcomes in self.translator.translate(work, self.options.batch_size):
            self._merge(outcomes)
            self.translator.committed(outcomes)
            self._finish_ready()

    def _merge(self, outcomes: Sequence[Outcome]) -> None:
        """Commit one batch to the memory, then let the documents waiting on it move on."""
        done = [(o.key, o.request, o.entry) for o in outcomes if o.entry is not None]
        self.memory.put_many(done)
        for o in outcomes:
            if o.entry is not None:
                self.resolved[o.key] = o.entry
            else:
                self.failed[o.key] = o.error or "no translation returned"
            self.workers[o.key] = o.worker
            for job in self.waiting.pop(o.key, []):
                job.pending -= 1
                if job.pending == 0:
                    self.ready.append(job)
        self._segments_bar.update(len(outcomes))

    def _finish_ready(self) -> None:
        ready, self.ready = sorted(self.ready, key=lambda j: j.seq), []
        for job in ready:
            self._finish(job)

    def _finish(self, job: _Job) -> None:
        failures = []
        for unit, unit_prep, unit_keys in zip(job.source.units, job.prepared, job.keys, strict=True):
            where = f"{job.item.path}:{unit.line}" if unit.line else str(job.item.path)
            for prep, k in zip(unit_prep, unit_keys, strict=True):
                if k in self.failed:
                    failures.append(
                        f"{where}: paragraph {prep.paragraph.index + 1}: engine failed on "
                        f"{prep.request.source[:40]!r} ({self.failed[k]})"
                    )
        record = DocumentRecord(
            run=self.options.run_id,
            source=str(job.item.path),
            output=str(job.output),
            format=job.item.format,
            status="done",
            engine=self.identity.to_dict(),
            glossary=self.gloss_info,
            units=len(job.source.units),
            segments=sum(len(u) for u in job.keys),
            shard=self.options.shard,
            field=self.options.field_name if job.item.format == "jsonl" else None,
            column=self.options.column if job.item.format == "tsv" else None,
            runner=self.translator.runner,
            workers=_unique(self.workers[k] for k in job.owned if k in self.workers),
        )
        if not failures:
            try:
                self._write(job, record)
            except (TarjamaError, OSError) as exc:
                reason = str(exc) if isinstance(exc, TarjamaError) else f"{job.output}: cannot write ({exc})"
                failures.append(reason)
        self._release(job)
        if failures:
            self._record_failure(
                str(job.item.path), job.item.format, job.output, failures, job.started, record.workers
            )
            return
        record.seconds = round(time.perf_counter() - job.started, 4)
        self._append(record)
        self.summary.done += 1
        self.summary.segments += record.segments
        self.summary.translated += record.translated
        self.summary.cache_hits += record.cache_hits
        self.summary.terms_found += record.terms.get("found", 0)
        self.summary.terms_expected += record.terms.get("expected", 0)
        if self.summary.needs_review is not None:
            self.summary.needs_review += record.needs_review
        self._docs_bar.update(1)

    def _write(self, job: _Job, record: DocumentRecord) -> None:
        owned = set(job.owned)
        results = []
        found = expected = notes = review = 0
        for unit, unit_prep, unit_keys in zip(job.source.units, job.prepared, job.keys, strict=True):
            entries = [self.resolved[k] for k in unit_keys]
            translations = [SegmentTranslation(e.translation, list(e.notes), e.seconds) for e in entries]
            if self.checks is not None:
                # The memory keeps the checked text, not the findings: checks are cheap and
                # deterministic, so they are found again (approved human text is not checked).
                for t, e, prep in zip(translations, entries, unit_prep, strict=True):
                    if e.origin == "machine":
                        t.findings = self.checks.findings(prep.request.source, t.text, prep.request.hints)
            cached = []
            for k in unit_keys:
                cached.append(k not in owned)
                owned.discard(k)  # a repeat inside the document is free
            result = assemble(
                unit.document,
                unit_prep,
                translations,
                [e.terms for e in entries],
                cached,
                origins=[e.origin for e in entries],
                engine=self.identity,
                glossary=self.gloss_info,
                seconds=0.0,
            )
            results.append(result)
            review += sum(s.needs_review for s in result.sentences())
            f, e = result.term_totals()
            found, expected = found + f, expected + e
            notes += sum(1 for t in translations if t.notes)
        inside(job.output, self.options.out_dir)
        job.output.parent.mkdir(parents=True, exist_ok=True)
        formats.write(job.output, job.source.render(results))
        record.translated = len(job.owned)
        record.cache_hits = record.segments - record.translated
        record.engine_seconds = round(sum(self.resolved[k].seconds for k in job.owned), 4)
        record.terms = {
            "expected": expected,
            "found": found,
            "accuracy": round(found / expected, 4) if expected else None,
        }
        record.notes = notes
        record.needs_review = review

    def _release(self, job: _Job) -> None:
        for k in job.distinct:
            self.refs[k] -= 1
            if self.refs[k] <= 0:
                del self.refs[k]
                self.resolved.pop(k, None)
                self.workers.pop(k, None)

    def _record_failure(
        self,
        source: str,
        fmt: str,
        output: Path | None,
        reasons: list[str],
        started: float,
        workers: list[dict[str, Any]] | None = None,
    ) -> None:
        for reason in reasons:
            self.summary.failures.append(Failure(source, reason))
        self._append(
            DocumentRecord(
                run=self.options.run_id,
                source=source,
                output=None,
                format=fmt,
                status="failed",
                engine=self.identity.to_dict(),
                glossary=self.gloss_info,
                seconds=round(time.perf_counter() - started, 4),
                failures=reasons,
                shard=self.options.shard,
                runner=self.translator.runner,
                workers=workers or [],
            )
        )
        self._docs_bar.update(1)

    def _append(self, record: DocumentRecord) -> None:
        record.finished = datetime.now(UTC).isoformat(timespec="seconds")
        self._provenance.append(json.dumps(asdict(record), ensure_ascii=False))


def _unique(workers: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    found = {(w["node"], w["process"]) for w in workers}
    return [{"node": n, "process": p} for n, p in sorted(found)]


def describe_error(exc: BaseException) -> str:
    """One line for a segment's failure: the exception's type and the first line of its message."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__
