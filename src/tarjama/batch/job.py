"""A batch job as one value: what to translate, with which engine, where; ``run`` and ``dry_run``.

``BatchJob`` holds everything ``tarjama batch`` is asked (inputs, output folder, memory, engine,
direction, checks, runner) and does the wiring the command used to do: it finds the documents
(``inputs.discover``) and takes its shard, tells the run's direction (``--source``/``--target``,
else the first input with text), refuses output clashes, opens the memory, builds the
``Translator`` (this process, or a Ray executor that loads the engine on every actor) and runs
``BatchRunner``. ``dry_run`` plans the same job without a model. Both return the lines to show
and the exit status, so the command only parses and prints, and a Python caller runs a batch
exactly as the command does.

Order matters for what a refused job leaves behind: a Ray cluster that cannot be joined fails
before the memory is made, and a bad input list or clash fails before either. A job none of
whose inputs can be read makes no memory either: before a new memory is made, the inputs are
read until one can be (on a first run, the first readable document is read twice); the failures
are still recorded in ``provenance.jsonl`` and the summary.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.batch.inputs import InputFile, discover, inside, read_path_list, read_source, refuse_clashes
from tarjama.batch.runner import BatchOptions, BatchRunner, BatchSummary, any_readable, plan
from tarjama.batch.shard import parse_shard, select_shard
from tarjama.errors import TarjamaError
from tarjama.memory.store import MEMORY_NAME, TranslationMemory
from tarjama.translate.run import Translator
from tarjama.types import AR_EN, Direction

if TYPE_CHECKING:
    from tarjama.checks import Checker
    from tarjama.glossary import Glossary

RUNNERS = ("local", "ray")


@dataclass
class BatchOutcome:
    """What a job printed and how it ended: ``status`` 0 when every document was written, 1 when
    any failed; ``summary`` is None for a dry run."""

    lines: list[str]
    status: int
    summary: BatchSummary | None = None
    recovered: int = 0


@dataclass
class BatchJob:
    """One batch (see the module docstring); fields mirror ``tarjama batch``'s options."""

    inputs: Sequence[str]
    out_dir: Path
    files_from: Path | None = None
    memory: Path | None = None
    field_name: str = "text"
    column: str = "text"
    lang: str | None = None
    batch_size: int | None = None
    progress: bool | None = None  # None: when stderr is a terminal
    shard: str | None = None
    engine: str | None = None
    model: str | None = None
    engine_options: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    target: str | None = None
    glossary: Glossary | None = None
    checks: Checker | None = None
    adapt: bool = True
    consistent_names: str = "document"
    runner: str = "local"
    address: str | None = None
    workers: int | None = None
    cpus_per_worker: int | None = None

    def __post_init__(self) -> None:
        if self.runner not in RUNNERS:
            raise TarjamaError(f"--runner {self.runner}: use one of {', '.join(RUNNERS)}")
        if self.runner != "ray":
            for given, flag in ((self.address, "--address"), (self.workers, "--workers"),
                                (self.cpus_per_worker, "--cpus-per-worker")):
                if given is not None:
                    raise TarjamaError(f"{flag} is for --runner ray; add --runner ray or drop {flag}")
        elif self.engine_options.get("threads"):
            raise TarjamaError("--threads is set by --cpus-per-worker with --runner ray (each actor's CPUs)")

    # -- what the job covers -------------------------------------------------------------------

    def _documents(self) -> tuple[list[InputFile], list[InputFile], list[tuple[str, str]]]:
        """(every document found, this shard's documents, inputs that could not be used)."""
        given = list(self.inputs)
        if self.files_from:
            given += read_path_list(self.files_from)
        if not given:
            raise TarjamaError("no inputs: give folders, files or glob patterns, or --files-from LIST")
        found = discover(given, self.out_dir, lang=None)  # clashes checked once the language is known
        items = found.files
        if self.shard is not None:  # --shard '' is a mistake, not "all documents"
            k, n = parse_shard(self.shard)
            items = select_shard(items, k, n)
        return found.files, items, found.problems

    @property
    def memory_path(self) -> Path:
        return self.memory or self.out_dir / MEMORY_NAME

    def _options(self) -> BatchOptions:
        return BatchOptions(
            out_dir=self.out_dir, batch_size=self.batch_size, field_name=self.field_name,
            column=self.column, lang=self.lang,
            progress=sys.stderr.isatty() if self.progress is None else self.progress, shard=self.shard,
        )

    def direction(self, items: Sequence[InputFile]) -> Direction:
        """``source``/``target``, else the language of the first input with text (the others must
        match it: ``runner._read`` refuses one in the other language)."""
        from tarjama.text.language import detect_language, direction_from, stated_direction

        stated = stated_direction(self.source, self.target)
        if stated is not None:
            return stated
        for item in items:
            try:
                source = read_source(item, field_name=self.field_name, column=self.column)
            except TarjamaError:
                continue  # recorded as a failure when the run reads it
            found = detect_language(" ".join(u.document.plain_text() for u in source.units))
            if found in ("ar", "en"):
                return direction_from(found)
        return AR_EN

    def _prepare(self) -> tuple[list[InputFile], list[tuple[str, str]], BatchOptions, Direction]:
        every, items, problems = self._documents()
        if self.memory is None:
            inside(self.memory_path, self.out_dir)  # the default memory may not be a link out of --out-dir
        options = self._options()
        direction = self.direction(items)
        refuse_clashes(every, self.out_dir, self.lang or direction.target)
        return items, problems, options, direction

    # -- running it ----------------------------------------------------------------------------

    def model_arg(self) -> str:
        """``model`` as recorded in the memory: folders and files absolute, so cwd does not matter."""
        if not self.model:
            return ""
        path = Path(self.model).expanduser()
        return str(path.resolve()) if path.exists() else self.model

    def translator(self, options: BatchOptions, direction: Direction) -> Translator:
        """The run's ``Translator``: the engine in this process, or a Ray executor loading it on
        every actor."""
        if self.runner != "ray":
            from tarjama.engines import load_engine

            engine = load_engine(self.engine, self.model, direction=direction, **self.engine_options)
            return Translator(engine, self.glossary, checks=self.checks, direction=direction,
                              consistent_names=self.consistent_names, adapt=self.adapt)
        from tarjama.batch.ray_runner import EngineSpec, RayExecutor, RayOptions

        spec = EngineSpec(self.engine, self.model_arg() or None, tuple(sorted(self.engine_options.items())),
                          str(direction))
        ray_options = RayOptions(self.address, self.workers, self.cpus_per_worker or 1)
        executor = RayExecutor(spec, self.glossary, options.out_dir, ray_options, run_id=options.run_id,
                               checks=self.checks)
        return Translator(glossary=self.glossary, executor=executor, direction=direction,
                          consistent_names=self.consistent_names, adapt=self.adapt)

    def run(self) -> BatchOutcome:
        """Translate the job's documents; every finished call is in the memory before anything else."""
        items, problems, options, direction = self._prepare()
        loading = time.perf_counter()
        translator = None
        if self.runner == "ray":
            # The cluster first: one that cannot be joined is one line, before the memory is made.
            translator = self.translator(options, direction)
        try:
            # A job none of whose inputs can be read makes no memory (it would stay empty).
            usable = self.memory_path.exists() or any_readable(items, options, direction)
            memory = TranslationMemory(self.memory_path) if usable else None
        except BaseException:
            if translator is not None:
                translator.close()
            raise
        try:
            translator = translator or self.translator(options, direction)
            loaded = time.perf_counter() - loading
            try:
                runner = BatchRunner(translator, memory, options)
                if memory is not None:
                    memory.remember_request(self.engine or "", self.model_arg())
                todo = None
                if options.progress:
                    # A first pass gives the segment bar a total, hence an ETA; parsing is cheap.
                    todo = sum(e.to_translate for e in plan(items, options, self.glossary, memory, direction))
                summary = runner.run(items, problems, segments_to_translate=todo)
            finally:
                translator.close()
        finally:
            if memory is not None:
                memory.close()
        lines = summary.lines()
        executor = translator.executor
        if executor.name == "local":
            lines[0] += f" · model load {loaded:.1f} s"
        else:
            lines[0] += f" · identity probe {executor.probe_seconds:.1f} s · {executor.describe()}"  # type: ignore[attr-defined]
            if runner.recovered:
                lines[0] += f" · {runner.recovered} segments recovered from a killed run's result files"
        return BatchOutcome(lines, 1 if summary.failures else 0, summary, runner.recovered)

    def dry_run(self) -> BatchOutcome:
        """What ``run`` would do, per document, from the inputs and the memory; loads no model."""
        items, problems, options, direction = self._prepare()
        path = self.memory_path
        memory = None
        memo = f"no translation memory at {path} yet"
        if path.is_file():
            memory = TranslationMemory(path, readonly=True)
            digest = self.glossary.digest() if self.glossary else None
            if memory.scope_from_request(self.engine or "", self.model_arg(), digest):
                memo = f"cached per {path} (engine as resolved in its last run with these options)"
            else:
                memory.close()
                memory = None
                memo = f"{path} has no run with this --engine/--model yet"
        try:
            entries = plan(items, options, self.glossary, memory, direction)
        finally:
            if memory:
                memory.close()
        lines: list[str] = []
        segments = cached = repeats = failed = 0
        for _given, reason in problems:
            lines.append(f"FAILED: {reason}")
            failed += 1
        for e in entries:
            if e.error:
                lines.append(f"FAILED: {e.error}")
                failed += 1
                continue
            lines.append(f"{e.item.path} → {e.output}  ({e.segments} segments, {e.cached} cached, "
                         f"{e.repeats} repeats)")
            segments, cached, repeats = segments + e.segments, cached + e.cached, repeats + e.repeats
        lines.append(
            f"dry run: {len(entries) + len(problems)} documents ({failed} unreadable), {segments} segments, "
            f"{cached} cached, {repeats} repeats within this run (translated once), "
            f"{segments - cached - repeats} to translate; {memo}; no model loaded"
        )
        return BatchOutcome(lines, 1 if failed else 0)
