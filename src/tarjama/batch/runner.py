"""The batch runner: documents in, translated documents and provenance records out.

Flow, per input file in order:

1. read it into units (``inputs.read_source``) and build each unit's engine requests with
   the same code ``tarjama translate`` uses (``pipeline.build_requests``);
2. look every segment up in the translation memory; segments not there, and not already
   queued by an earlier document of this run, join one queue shared by all documents;
3. whenever the queue holds ``batch_size`` segments, one engine call (plus glossary
   enforcement, ``pipeline.translate_requests``) translates them and the results are
   committed to the memory before anything else happens;
4. a document whose segments are all known is assembled (``pipeline.assemble``), written
   atomically, and gets one line in ``provenance.jsonl``.

So a run killed at any moment loses at most the batch in flight, a re-run translates only
what was never committed, and a sentence repeated anywhere in the batch costs one engine
call. A file that cannot be read, or a segment the engine fails on, fails only its own
document; every failure is kept with its reason for the end-of-run summary.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama import formats
from tarjama.batch.inputs import InputFile, Source, inside, output_path, read_source
from tarjama.engines.base import Engine, SegmentTranslation, TranslationRequest
from tarjama.errors import TarjamaError
from tarjama.memory import MemoryEntry, TranslationMemory
from tarjama.pipeline import (
    PreparedSegment,
    assemble,
    build_requests,
    checked_identity,
    glossary_info,
    human_translation,
    translate_requests,
)
from tarjama.textio import LineLog

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


@dataclass
class _Job:
    item: InputFile
    output: Path
    source: Source
    prepared: list[list[PreparedSegment]]
    keys: list[list[str]]
    started: float
    owned: list[str]  # keys this document put in the queue: it pays for their translation

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
    """Runs one batch with one engine, one glossary and one memory (see module docstring)."""

    def __init__(
        self,
        engine: Engine,
        glossary: Glossary | None,
        memory: TranslationMemory,
        options: BatchOptions,
    ) -> None:
        if options.batch_size is None:
            options = replace(options, batch_size=max(16, engine.preferred_call_size))
        if options.batch_size < 1:
            raise TarjamaError(f"--batch-size must be at least 1, got {options.batch_size}")
        self.engine = engine
        self.glossary = glossary
        self.memory = memory
        self.options = options
        self.checks: Checker | None = None
        if options.checks:
            from tarjama.checks import Checker

            self.checks = Checker()
        # Checked output has the checks in its identity: memory rows never mix the two.
        self.identity = checked_identity(engine.identity, self.checks)
        self.gloss_info = glossary_info(glossary)
        memory.scope(self.identity.to_dict(), self.gloss_info and self.gloss_info["sha256"])
        # Segments waiting for the engine, in arrival order: key → (request, expected terms).
        self.queue: dict[str, tuple[TranslationRequest, list[GlossaryEntry]]] = {}
        # Finished segments that an unwritten document still needs, and how many need each.
        self.resolved: dict[str, MemoryEntry] = {}
        self.refs: Counter[str] = Counter()
        self.failed: dict[str, str] = {}
        self.jobs: list[_Job] = []
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
        from tqdm import tqdm

        enabled = self.options.progress
        provenance = self.options.out_dir / PROVENANCE
        inside(provenance, self.options.out_dir)
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
                while len(self.queue) >= self.options.batch_size:
                    self._translate_next_batch()
                    self._finish_ready()
                self._finish_ready()
            while self.queue:
                self._translate_next_batch()
                self._finish_ready()
            self._finish_ready()
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def _open(self, item: InputFile) -> None:
        started = time.perf_counter()
        output = output_path(item, self.options.out_dir, self.options.lang)
        try:
            source, prepared, keys = _load(item, self.options, self.glossary, self.engine.uses_context)
        except TarjamaError as exc:
            self._record_failure(str(item.path), item.format, output, [str(exc)], started)
            return
        distinct = list(dict.fromkeys(k for unit in keys for k in unit))
        requests: dict[str, PreparedSegment] = {}
        for unit_p, unit_k in zip(prepared, keys, strict=True):
            requests.update(zip(unit_k, unit_p, strict=True))
        unknown = [k for k in distinct if not self._known(k)]
        self.resolved.update(known_translations(self.memory, unknown, requests, self.glossary))
        owned = []
        for k in distinct:
            self.refs[k] += 1
            if not self._known(k):
                self.queue[k] = (requests[k].request, requests[k].expected)
                owned.append(k)
        self.jobs.append(_Job(item, output, source, prepared, keys, started, owned))

    def _known(self, key: str) -> bool:
        """Already translated, waiting in the queue, or failed in this run."""
        return key in self.resolved or key in self.queue or key in self.failed

    def _translate_next_batch(self) -> None:
        keys = list(islice(self.queue, self.options.batch_size))
        work = [self.queue.pop(k) for k in keys]
        try:
            done = self._translate(keys, work)
        except Exception as exc:
            if len(keys) == 1:
                self.failed[keys[0]] = _describe(exc)
                done = []
            else:
                # Find the segment(s) the engine cannot take, so only their documents fail.
                done = []
                for k, w in zip(keys, work, strict=True):
                    try:
                        done += self._translate([k], [w])
                    except Exception as one:
                        self.failed[k] = _describe(one)
        self.memory.put_many(done)
        for k, _request, entry in done:
            self.resolved[k] = entry
        self._segments_bar.update(len(keys))

    def _translate(
        self, keys: list[str], work: list[tuple[TranslationRequest, list[GlossaryEntry]]]
    ) -> list[tuple[str, TranslationRequest, MemoryEntry]]:
        requests = [w[0] for w in work]
        results, terms = translate_requests(
            self.engine, requests, [w[1] for w in work], self.glossary, checks=self.checks
        )
        return [
            (k, req, MemoryEntry(res.text, list(res.notes), t, res.seconds))
            for k, req, res, t in zip(keys, requests, results, terms, strict=True)
        ]

    def _finish_ready(self) -> None:
        waiting = []
        for job in self.jobs:
            if all(k in self.resolved or k in self.failed for k in job.distinct):
                self._finish(job)
            else:
                waiting.append(job)
        self.jobs = waiting

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
        )
        if not failures:
            try:
                self._write(job, record)
            except (TarjamaError, OSError) as exc:
                reason = str(exc) if isinstance(exc, TarjamaError) else f"{job.output}: cannot write ({exc})"
                failures.append(reason)
        self._release(job)
        if failures:
            self._record_failure(str(job.item.path), job.item.format, job.output, failures, job.started)
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

    def _record_failure(
        self, source: str, fmt: str, output: Path | None, reasons: list[str], started: float
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
            )
        )
        self._docs_bar.update(1)

    def _append(self, record: DocumentRecord) -> None:
        record.finished = datetime.now(UTC).isoformat(timespec="seconds")
        self._provenance.append(json.dumps(asdict(record), ensure_ascii=False))


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__
