"""The batch runner: input files in, translated files and provenance records out.

Per input file, in order: read it into units (``inputs.read_source``); its segments become one
job of the run (``tarjama.translate.run.Translator.run``: approvals first, then the memory's
machine rows, one queue across documents, each finished call committed to the memory before
anything else happens); when the run hands the job back, every unit is assembled, the file is
written atomically and gets one line in ``provenance.jsonl``.

Reading files, writing outputs and provenance live here; *what* is translated and how is the
``Translator``'s, and *where* is its executor's: this process (``LocalExecutor``) or a Ray
cluster (``ray_runner.RayExecutor``). The driver running this module is the only writer of the
memory. So a run killed at any moment loses at most the calls in flight, a re-run translates
only what was never committed, and a sentence repeated anywhere in the batch costs one engine
call. A file that cannot be read, or a segment the engine fails on, fails only its own
document; every failure is kept with its reason for the end-of-run summary.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama import formats
from tarjama.batch.inputs import InputFile, Source, inside, output_path, read_source
from tarjama.document.requests import PreparedSegment, iter_requests
from tarjama.errors import TarjamaError
from tarjama.memory.store import TranslationMemory
from tarjama.text.language import resolve_direction
from tarjama.text.textio import LineLog
from tarjama.translate.run import Job, JobResult, Translator
from tarjama.types import AR_EN, Direction

if TYPE_CHECKING:
    from tarjama.glossary import Glossary

PROVENANCE = "provenance.jsonl"


@dataclass
class BatchOptions:
    out_dir: Path
    batch_size: int | None = None  # segments per engine call (default: the engine's preferred size)
    field_name: str = "text"
    column: str = "text"
    lang: str | None = None  # the output names' language suffix (default: the direction's target)
    progress: bool = False
    shard: str | None = None  # "K/N" as given, recorded in provenance
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])


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
    direction: str = "ar-en"  # the run's languages, source into target
    units: int = 0
    segments: int = 0
    translated: int = 0  # engine translations this document paid for in this run
    cache_hits: int = 0  # segments taken from the memory or from an earlier document of the run
    seconds: float = 0.0  # wall time from reading the input to writing the output
    engine_seconds: float = 0.0
    terms: dict[str, Any] = field(default_factory=dict)
    notes: int = 0  # segments with notes (splits, retries, repairs)
    needs_review: int = 0  # segments that need review (tarjama.document.record.needs_review)
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
    needs_review: int = 0
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



# -- the runner ---------------------------------------------------------------------------------


@dataclass
class _File:
    """One input file of the run, read: its units and their segments (one job of the run)."""

    seq: int
    item: InputFile
    output: Path
    source: Source
    prepared: list[list[PreparedSegment]]
    started: float


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


def _read(
    item: InputFile, options: BatchOptions, translator: Translator
) -> tuple[Source, list[list[PreparedSegment]]]:
    """An input's units as the translator's requests; one in the other language than the run's
    is refused."""
    source = _read_source(item, options, translator.direction)
    return source, [translator.prepare(unit.document) for unit in source.units]


def _read_source(item: InputFile, options: BatchOptions, direction: Direction) -> Source:
    """An input's units, read in the run's direction; one in the other language is refused."""
    source = read_source(item, field_name=options.field_name, column=options.column,
                         languages=(direction.source, direction.target))
    text = " ".join(unit.document.plain_text() for unit in source.units)
    resolve_direction(text, str(item.path), source=direction.source)
    return source


def any_readable(items: Sequence[InputFile], options: BatchOptions, direction: Direction) -> bool:
    """Whether any of ``items`` can be read as a run reads it (stops at the first that can)."""
    for item in items:
        try:
            _read_source(item, options, direction)
        except TarjamaError:
            continue
        return True
    return False


def suffix(options: BatchOptions, direction: Direction) -> str:
    """The output names' language suffix: ``--lang``, else the run's target language."""
    return options.lang or direction.target


# Keys looked up in the memory at once while planning: bounds what a long document holds.
PLAN_CHUNK = 2000


def plan(
    items: Sequence[InputFile],
    options: BatchOptions,
    glossary: Glossary | None,
    memory: TranslationMemory | None,
    direction: Direction = AR_EN,
) -> list[PlanEntry]:
    """Read every input and count its segments and those already known; loads no model.

    Known means approved in the memory, or translated there by the engine this ``--engine`` and
    ``--model`` resolved to last time (the memory's scope, ``scope_from_request``).

    Each document's requests are made one at a time and only their keys kept, looked up
    ``PLAN_CHUNK`` at a time: beyond the document being read, planning holds one key per
    distinct segment of the run (what tells a repeat), not a request per segment.
    """
    entries: list[PlanEntry] = []
    seen: set[str] = set()
    for item in items:
        entry = PlanEntry(item, output_path(item, options.out_dir, suffix(options, direction)))
        entries.append(entry)
        try:
            source = _read_source(item, options, direction)
        except TarjamaError as exc:
            entry.error = str(exc)
            continue
        # No engine is loaded here: keys as for an engine that does not read context.
        keys = (p.request.key() for unit in source.units
                for p in iter_requests(unit.document, glossary, direction, context=False))
        while chunk := list(itertools.islice(keys, PLAN_CHUNK)):
            fresh = [k for k in dict.fromkeys(chunk) if k not in seen]
            known: set[str] = set()
            if memory is not None and fresh:
                known = set(memory.approved_many(fresh)) | set(memory.get_many(fresh))
            entry.segments += len(chunk)
            for k in chunk:
                if k in seen:
                    entry.repeats += 1
                elif k in known:
                    entry.cached += 1
                seen.add(k)
    return entries


class BatchRunner:
    """Runs one batch through one ``Translator`` with one memory (see module docstring)."""

    def __init__(
        self, translator: Translator, memory: TranslationMemory | None, options: BatchOptions
    ) -> None:
        """``memory`` None: a job none of whose inputs can be read (``BatchJob.run``); every
        document is recorded as failed and nothing is translated or stored."""
        if options.batch_size is not None and options.batch_size < 1:
            raise TarjamaError(f"--batch-size must be at least 1, got {options.batch_size}")
        # A batch fills wider calls than one document: at least 16 segments unless told otherwise.
        translator.batch_size = options.batch_size or max(16, translator.executor.preferred_call_size)
        self.translator = translator
        self.memory = memory
        self.options = options
        # Checked output has the checks in its identity: memory rows never mix the two.
        self.identity = translator.identity
        self.gloss_info = translator.glossary_info()
        if memory is not None:
            memory.scope(self.identity.to_dict(), translator.glossary_digest)
        self.opened = 0
        self.recovered = 0
        self.summary = BatchSummary(
            engine=self.identity.describe(), needs_review=0 if translator.checks is not None else None
        )
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
        self.recovered = self.translator.executor.recover(self.memory) if self.memory is not None else 0
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
            for done in self.translator.run(
                self._jobs(items), memory=self.memory, store=self.memory, isolate=True,
                merged=self._segments_bar.update,
            ):
                self._finish(done)
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def _jobs(self, items: Sequence[InputFile]) -> Iterator[Job]:
        """Each readable input as one job; an unreadable one is recorded as failed at once."""
        for item in items:
            started = time.perf_counter()
            direction = self.translator.direction
            output = output_path(item, self.options.out_dir, suffix(self.options, direction))
            try:
                source, prepared = _read(item, self.options, self.translator)
            except TarjamaError as exc:
                self._record_failure(str(item.path), item.format, output, [str(exc)], started)
                continue
            state = _File(self.opened, item, output, source, prepared, started)
            self.opened += 1
            yield Job([p for unit in prepared for p in unit], tag=state)

    def _finish(self, done: JobResult) -> None:
        state: _File = done.job.tag
        item = state.item
        failures = []
        flat = done.job.prepared
        units = [u for u, unit in enumerate(state.prepared) for _ in unit]
        for i, why in done.failures:
            unit = state.source.units[units[i]]
            where = f"{item.path}:{unit.line}" if unit.line else str(item.path)
            failures.append(
                f"{where}: paragraph {flat[i].paragraph.index + 1}: engine failed on "
                f"{flat[i].request.source[:40]!r} ({why})"
            )
        record = DocumentRecord(
            run=self.options.run_id,
            source=str(item.path),
            output=str(state.output),
            format=item.format,
            status="done",
            engine=self.identity.to_dict(),
            glossary=self.gloss_info,
            direction=str(self.translator.direction),
            units=len(state.source.units),
            segments=len(flat),
            shard=self.options.shard,
            field=self.options.field_name if item.format == "jsonl" else None,
            column=self.options.column if item.format == "tsv" else None,
            runner=self.translator.executor.name,
            workers=done.workers,
        )
        if not failures:
            try:
                self._write(state, done, record)
            except (TarjamaError, OSError) as exc:
                why = str(exc) if isinstance(exc, TarjamaError) else f"{state.output}: cannot write ({exc})"
                failures.append(why)
        if failures:
            self._record_failure(
                str(item.path), item.format, state.output, failures, state.started, done.workers
            )
            return
        record.seconds = round(time.perf_counter() - state.started, 4)
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

    def _write(self, state: _File, done: JobResult, record: DocumentRecord) -> None:
        results = []
        found = expected = notes = review = 0
        start = 0
        for unit, unit_prepared in zip(state.source.units, state.prepared, strict=True):
            end = start + len(unit_prepared)
            result = self.translator.assemble(
                unit.document, unit_prepared, done.results[start:end], done.cached[start:end], seconds=0.0
            )
            start = end
            results.append(result)
            review += result.needs_review()
            f, e = result.term_totals()
            found, expected = found + f, expected + e
            notes += sum(1 for s in result.sentences() if s.notes)
        inside(state.output, self.options.out_dir)
        state.output.parent.mkdir(parents=True, exist_ok=True)
        formats.write(state.output, state.source.render(results))
        record.translated = done.translated
        record.cache_hits = record.segments - record.translated
        record.engine_seconds = round(done.engine_seconds, 4)
        record.terms = {
            "expected": expected,
            "found": found,
            "accuracy": round(found / expected, 4) if expected else None,
        }
        record.notes = notes
        record.needs_review = review

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
                direction=str(self.translator.direction),
                seconds=round(time.perf_counter() - started, 4),
                failures=reasons,
                shard=self.options.shard,
                runner=self.translator.executor.name,
                workers=workers or [],
            )
        )
        self._docs_bar.update(1)

    def _append(self, record: DocumentRecord) -> None:
        record.finished = datetime.now(UTC).isoformat(timespec="seconds")
        self._provenance.append(json.dumps(asdict(record), ensure_ascii=False))
