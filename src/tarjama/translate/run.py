"""``Translator``: the one object a translation runs through, whoever asks for it.

The commands (``translate``, ``batch``, ``summarize``), the Python API, the Ray runner, the
summaries and the review workbench all translate through a ``Translator``: an engine (or an
``Executor`` that runs one elsewhere), a glossary and the checks, decided once at the edge
(``Checker`` or None). ``Translator.run`` is the one segment flow; for every job (a document,
or the chosen sentences of one) in order:

1. **approvals first**: a segment a person approved in the translation memory (same source,
   same glossary) is taken from there as it is (``origin: human``) and never sent to an engine;
   **examples** (adaptive translation, on unless ``adapt=False``, for engines that take them:
   ``Engine.takes_examples``): every other segment carries the memory's standing approvals most
   like it (``tarjama.memory.matches``: similar on the source language's normalised view, above a
   threshold, never the segment itself) as ``TranslationRequest.examples``, which are part of its
   key, and its result a note naming them. With a memory every result also records the memory's
   best fuzzy match (``SegmentTranslation.match``). This is the one place examples are looked up:
   an executor elsewhere (Ray's actors) receives them on the requests;
2. **then the store**: the journal of an interrupted ``translate``, or the memory's machine
   rows of this engine, glossary and checks (a hit is exactly what a fresh translation made);
3. **de-duplication**: a segment repeated anywhere in the run (same key) is translated once;
4. **engine calls**: what is left joins one queue across jobs, handed to the executor in waves
   of calls of ``batch_size`` segments; each call runs the engine and every stage after it
   (``tarjama.translate.stages``);
5. **storing**: each finished call is stored (journal or memory) before anything else happens,
   so a killed run loses at most the calls in flight and a re-run translates only the rest;
6. a job whose segments are all known is handed back, in the order the jobs came, after the
   **name spellings** stage (with the names check): one English spelling per Arabic name in the
   job, or in the whole run (``tarjama.translate.spellings``).

"File in, file out" is ``Translator.translate_file``: the format read and written
(``tarjama.formats``), the journal beside the output (removed once the output is in place), the
memory beside it, and the ``.meta.json`` sidecar. ``assemble`` puts a job's results back into its
document (``tarjama.document.record.TranslatedDocument``).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.checks import Checker
from tarjama.document.model import Document, Paragraph, parse_text, rebuild_paragraph
from tarjama.document.record import ParagraphResult, SentenceResult, TranslatedDocument
from tarjama.document.requests import PreparedSegment, build_requests
from tarjama.errors import TarjamaError
from tarjama.memory.matches import (
    EXAMPLE_THRESHOLD,
    EXAMPLES,
    SIMILARITY,
    MatchIndex,
    describe_examples,
)
from tarjama.text.textio import check_controls
from tarjama.translate import markup
from tarjama.translate.executor import Executor, KeyDone, LocalExecutor, Outcome, Store, Work
from tarjama.translate.journal import Journal, journal_path, journal_scope
from tarjama.translate.spellings import NameSpellings
from tarjama.translate.stages import Stages, derived_findings, terms_of
from tarjama.types import (
    ADAPTED,
    APPROVED,
    AR_EN,
    Direction,
    EngineIdentity,
    Example,
    Match,
    Note,
    SegmentTranslation,
    TranslationRequest,
)

if TYPE_CHECKING:
    from tarjama.engines.base import Engine
    from tarjama.formats import Source
    from tarjama.glossary import Glossary, GlossaryEntry
    from tarjama.memory.store import Approval, TranslationMemory
    from tarjama.translate.progress import Progress

# Every check, for a Translator that is not told otherwise.
ALL_CHECKS = Checker()


@dataclass
class Job:
    """Segments to translate in a run: a whole document's (``prepare``), or a chosen few."""

    prepared: list[PreparedSegment]
    document: Document | None = None
    tag: Any = None  # the caller's own handle, handed back with the result


@dataclass
class JobResult:
    """A finished job: one result per prepared segment, in order (each its own copy)."""

    job: Job
    results: list[SegmentTranslation]
    cached: list[bool]  # taken from an approval, the journal, the memory, or an earlier job
    failures: list[tuple[int, str]] = field(default_factory=list)  # (segment, why) when isolating
    translated: int = 0  # engine translations this job paid for in this run
    engine_seconds: float = 0.0
    workers: list[dict[str, Any]] = field(default_factory=list)  # where its segments ran


@dataclass
class _Open:
    seq: int
    job: Job
    keys: list[str]
    owned: list[str] = field(default_factory=list)  # keys this job put in the queue: it pays
    pending: int = 0


class Translator:
    """An engine (or an executor), a glossary and the checks: translate anything (module docstring).

    ``checks`` is a ``Checker`` (default: every check) or None for none. With ``executor`` (a Ray
    cluster, say) the engine runs there and ``engine`` stays None. With the names check, each
    job spells an Arabic name one way (``consistent_names="document"``), or the whole run does
    (``"run"``: a batch of articles; ``tarjama.translate.spellings``). ``adapt`` (on by default)
    gives each segment up to ``examples`` approved pairs of the run's memory at least
    ``example_threshold`` similar (``tarjama.memory.matches``) when the engine takes examples.
    """

    def __init__(
        self,
        engine: Engine | None = None,
        glossary: Glossary | None = None,
        *,
        checks: Checker | None = ALL_CHECKS,
        batch_size: int | None = None,
        executor: Executor | None = None,
        direction: Direction = AR_EN,
        consistent_names: str = "document",
        adapt: bool = True,
        examples: int = EXAMPLES,
        example_threshold: float = EXAMPLE_THRESHOLD,
    ) -> None:
        if consistent_names not in ("document", "run"):
            raise TarjamaError(f"consistent_names is 'document' or 'run', not {consistent_names!r}")
        if (engine is None) == (executor is None):
            raise ValueError("a Translator takes an engine or an executor (exactly one)")
        if executor is None:
            assert engine is not None
            executor = LocalExecutor(Stages(engine, glossary, checks))
        if direction not in executor.directions:
            served = ", ".join(sorted(map(str, executor.directions))) or "none"
            raise TarjamaError(
                f"{executor.identity.describe()} translates {served}, not {direction}; choose an engine or "
                "model for that direction"
            )
        self.engine = engine
        self.glossary = glossary
        self.executor = executor
        self.direction = direction
        self.checks = executor.checks
        # One spelling per Arabic name (``tarjama.translate.spellings``), with the names check.
        names_checked = self.checks is not None and "names" in self.checks.names
        self.consistent_names = consistent_names if names_checked else None
        self.batch_size = batch_size or executor.preferred_call_size
        if self.batch_size < 1:
            raise TarjamaError(f"--batch-size must be at least 1, got {self.batch_size}")
        if examples < 0 or not 0 <= example_threshold <= 100:
            raise TarjamaError(f"examples must be ≥ 0 and the threshold within 0–100, got {examples} and "
                               f"{example_threshold}")
        self.examples = examples if adapt else 0
        self.example_threshold = example_threshold

    @property
    def adapts(self) -> bool:
        """True when segments get approved examples from the memory (``adapt`` and an engine that
        takes them)."""
        return self.examples > 0 and bool(getattr(self.executor, "takes_examples", False))

    @classmethod
    def load(
        cls,
        engine: str | None = None,
        model: str | None = None,
        *,
        glossary: Glossary | str | os.PathLike[str] | None = None,
        batch_size: int | None = None,
        checks: Checker | None = ALL_CHECKS,
        adapt: bool = True,
        source: str | None = None,
        target: str | None = None,
        **options: Any,
    ) -> Translator:
        """Load ``engine`` (``marian``, ``nllb``, ``gguf``, ``ctranslate2``, ``openai``; None: automatic).

        ``model`` is a model folder, a ``.gguf`` file or a hub id in the local cache;
        ``glossary`` a loaded ``Glossary`` or a TSV path (None: no glossary); ``source`` and
        ``target`` the languages (``ar`` and ``en``, either way round; one is enough; default
        Arabic into English: ``tarjama.text.language.detect_language`` tells a text's);
        ``options`` are engine settings (for the embedded model, the fields of ``EmbeddedConfig``).
        """
        from tarjama.engines import load_engine
        from tarjama.glossary import Glossary
        from tarjama.text.language import stated_direction

        direction = stated_direction(source, target) or AR_EN
        if glossary is not None and not isinstance(glossary, Glossary):
            glossary = Glossary.load(glossary)
        engine_ = load_engine(engine, model, direction=direction, **options)
        return cls(engine_, glossary, batch_size=batch_size, checks=checks, direction=direction, adapt=adapt)

    # -- what a run is ------------------------------------------------------------------------

    @property
    def identity(self) -> EngineIdentity:
        """Exactly what produces the translations (engine, model, hash, decoding settings, checks,
        the direction when it is not Arabic into English, and the adaptation setting when the run
        adapts: ``adapt``, left out of the memory's engine hash, since each segment's examples are
        in its key)."""
        identity = self.executor.identity
        params = dict(identity.params)
        if self.direction != AR_EN:
            params["direction"] = str(self.direction)
        if self.adapts:
            params["adapt"] = {"examples": self.examples, "from": "memory approvals",
                               "similarity": SIMILARITY, "threshold": self.example_threshold}
        return replace(identity, params=params) if params != identity.params else identity

    @property
    def glossary_digest(self) -> str | None:
        return self.glossary.digest() if self.glossary is not None else None

    def glossary_info(self) -> dict[str, str] | None:
        """What is recorded about the glossary beside every output (None when it is off)."""
        return self.glossary.info() if self.glossary is not None else None

    def prepare(self, document: Document) -> list[PreparedSegment]:
        """The document's segments as requests, with this glossary's hints (and their context
        when the engine reads it)."""
        return build_requests(document, self.glossary, self.direction, context=self.executor.uses_context)

    def key(self, request: TranslationRequest) -> str:
        """A segment's key for this engine (journal and memory): with its context if the engine reads it."""
        return request.key(with_context=self.executor.uses_context)

    def human_result(self, approval: Approval, prepared: PreparedSegment) -> SegmentTranslation:
        """An approved translation as this run's result for ``prepared`` (``human_result``)."""
        return human_result(
            approval, prepared.request, prepared.expected if self.glossary is not None else None
        )

    # -- the one segment flow -------------------------------------------------------------------

    def run(
        self,
        jobs: Iterable[Job],
        *,
        memory: TranslationMemory | None = None,
        store: Store | None = None,
        isolate: bool = False,
        opened: Callable[[Job, list[bool]], None] | None = None,
        done: KeyDone | None = None,
        merged: Callable[[int], None] | None = None,
    ) -> Iterator[JobResult]:
        """Translate ``jobs`` (module docstring); yield each finished job, in the order given.

        ``memory`` gives the approvals; ``store`` keeps and gives back machine translations (the
        journal, or ``memory`` itself). With ``isolate`` a segment the engine fails on fails only
        its job (``JobResult.failures``); otherwise the error goes to the caller. ``opened(job,
        cached)`` is called as each job is looked up (which of its segments are known already),
        ``done(key)`` as each segment leaves the engine, ``merged(n)`` as each call of ``n``
        segments is stored.
        """
        flow = _Flow(self, memory, store, isolate, opened, done, merged)
        wave = self.executor.wave(self.batch_size)
        for job in jobs:
            flow.open(job)
            yield from flow.finish_ready()
            while len(flow.queue) >= wave:
                yield from flow.dispatch(wave)
        while flow.queue:
            yield from flow.dispatch(wave)

    def translate_jobs(self, jobs: Sequence[Job], **options: Any) -> list[JobResult]:
        """``run`` to the end: every job's result, in order."""
        return list(self.run(jobs, **options))

    # -- documents ------------------------------------------------------------------------------

    def translate(
        self, text: str, *, format: str = "txt", progress: Progress | None = None
    ) -> TranslatedDocument:
        """Translate ``text`` (paragraphs separated by blank lines; ``format="md"`` for Markdown).

        Text with a control character (NUL, ESC, …; ``tarjama.text.textio.CONTROL_RE``) is refused
        with a ``TarjamaError`` naming its line and byte, as a file with one would be.
        """
        check_controls(text, "text")
        return self.translate_document(parse_text(text, format), progress=progress)

    def translate_document(
        self,
        document: Document,
        *,
        journal: Path | None = None,
        progress: Progress | None = None,
        memory: TranslationMemory | None = None,
    ) -> TranslatedDocument:
        """Translate a parsed document.

        ``journal`` makes an interrupted run resumable; sentences a person approved in
        ``memory`` (same source and glossary) are taken from it as they are (``origin: human``).
        """
        started = time.perf_counter()
        prepared = self.prepare(document)
        store = Journal(journal, journal_scope(self.identity, self.glossary_digest)) if journal else None
        positions: dict[str, list[int]] = {}

        def opened(job: Job, cached: list[bool]) -> None:
            if progress is None:
                return  # positions serve the progress display alone: no key per segment without it
            for i, p in enumerate(job.prepared):  # the requests as the run keyed them (examples and all)
                positions.setdefault(self.key(p.request), []).append(i)
            progress.start([p.paragraph.index for p in prepared], [i for i, c in enumerate(cached) if c])

        def done(key: str) -> None:
            if progress is not None:
                for i in positions.get(key, []):
                    progress.done(i)

        try:
            (result,) = self.run(
                [Job(list(prepared), document)], memory=memory, store=store, opened=opened, done=done
            )
        finally:
            if store is not None:
                store.close()
            if progress is not None:
                progress.finish()
        seconds = time.perf_counter() - started
        return self.assemble(document, result.job.prepared, result.results, result.cached, seconds=seconds)

    def translate_batch(self, texts: Iterable[str], *, format: str = "txt") -> list[TranslatedDocument]:
        """Translate several texts together: engine calls are filled across documents, and a
        sentence repeated anywhere (same source and terms) is translated once.

        Each result's ``seconds`` is the wall time of the whole batch.
        """
        started = time.perf_counter()
        texts = list(texts)
        for i, t in enumerate(texts, start=1):
            check_controls(t, f"text {i}")
        documents = [parse_text(t, format) for t in texts]
        jobs = [Job(self.prepare(d), d) for d in documents]
        results = self.translate_jobs(jobs)
        seconds = time.perf_counter() - started
        return [
            self.assemble(r.job.document, r.job.prepared, r.results, r.cached, seconds=seconds)
            for r in results
        ]  # type: ignore[arg-type]

    def translate_file(
        self,
        path: str | os.PathLike[str],
        output: str | os.PathLike[str] | None = None,
        *,
        format: str | None = None,
        xliff_version: str = "1.2",
        memory: TranslationMemory | None = None,
        progress: Progress | None = None,
        resume: bool = True,
        source: Source | None = None,
    ) -> tuple[TranslatedDocument, str | bytes]:
        """Translate a text, Markdown, HTML, Word or XLIFF file; return the result and the output.

        The output is in ``format`` (default: ``output``'s suffix, else the input's own format; see
        ``tarjama.formats.output_formats``). With ``output`` it is written there atomically, with a
        ``.meta.json`` sidecar for text formats, and — with ``resume`` — finished sentences go to a
        journal beside it as they come, so the same call after a crash goes on where it stopped;
        the journal is removed once the output is in place. ``memory`` (default: the memory beside
        ``output``, when there is one) gives approved translations. ``source`` is the file already
        read (a command reads it before loading a model, so that a bad input fails at once).
        """
        from tarjama import formats
        from tarjama.memory.store import MEMORY_NAME, TranslationMemory

        source_format = formats.single_format(path)
        out = Path(output) if output is not None else None
        fmt = formats.choose_output(source_format, format, out)
        if source is None:
            languages = (self.direction.source, self.direction.target)
            source = formats.read_source(path, source_format, formats.ReadOptions(languages=languages))
        document = source.units[0].document
        own_memory = None
        if memory is None and out is not None and (out.parent / MEMORY_NAME).is_file():
            memory = own_memory = TranslationMemory(out.parent / MEMORY_NAME, readonly=True)
        journal = journal_path(out) if out is not None and resume else None
        try:
            result = self.translate_document(document, journal=journal, progress=progress, memory=memory)
        finally:
            if own_memory is not None:
                own_memory.close()
        name = Path(path).name
        if out is None:
            data = formats.render_as(
                source, source_format, result, fmt, name=name, xliff_version=xliff_version
            )
            return result, data
        data = formats.save(out, source, source_format, result, fmt, name=name, xliff_version=xliff_version)
        if journal is not None and journal.exists():
            journal.unlink()
        return result, data

    def translate_prepared(self, prepared: Sequence[PreparedSegment]) -> list[SegmentTranslation]:
        """Translate only these segments (a summary's chosen sentences), as a whole run would."""
        if not prepared:
            return []
        (result,) = self.run([Job(list(prepared))])
        return result.results

    def assemble(
        self,
        document: Document,
        prepared: Sequence[PreparedSegment],
        results: Sequence[SegmentTranslation],
        cached: Sequence[bool],
        *,
        seconds: float,
    ) -> TranslatedDocument:
        """``results`` back into ``document``, recorded with this run's engine and glossary."""
        return assemble(
            document,
            prepared,
            results,
            cached,
            engine=self.identity,
            glossary=self.glossary_info(),
            seconds=seconds,
            direction=self.direction,
        )

    def close(self) -> None:
        """Release the model (or the cluster)."""
        self.executor.close()

    def __enter__(self) -> Translator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def human_result(
    approval: Approval, request: TranslationRequest, expected: Sequence[GlossaryEntry] | None
) -> SegmentTranslation:
    """An approved translation as a segment result: an approval beats any machine translation.

    It is used as it is (``origin: human``); its glossary terms (``expected``, None without a
    glossary) and its tags are only looked at, so the record says what it lacks.
    """
    text = approval.translation
    terms = terms_of(text, expected) if expected is not None else None
    who = f" by {approval.editor}" if approval.editor else ""
    return SegmentTranslation(
        text,
        [Note(f"approved translation{who} from the memory", APPROVED)],
        0.0,
        None,
        derived_findings(request, text, terms, None),
        terms,
        "human",
    )


class _Flow:
    """The state of one ``Translator.run``: the queue, what is known, the open jobs."""

    def __init__(
        self,
        translator: Translator,
        memory: TranslationMemory | None,
        store: Store | None,
        isolate: bool,
        opened: Callable[[Job, list[bool]], None] | None,
        done: KeyDone | None,
        merged: Callable[[int], None] | None,
    ) -> None:
        self.t = translator
        self.memory, self.store, self.isolate = memory, store, isolate
        self.on_open, self.done, self.merged = opened, done, merged
        digest = translator.glossary_digest
        self.index: MatchIndex | None = None
        if memory is not None:
            # Approvals need no engine; machine rows are this engine's (and checks') own.
            memory.scope(translator.identity.to_dict() if store is memory else None, digest)
            self.index = MatchIndex.of(memory.standing_approvals(), translator.direction)
        self.adapts = translator.adapts and self.index is not None and len(self.index) > 0
        self.examples: dict[str, tuple[Example, ...]] = {}  # by source text
        self.matches: dict[str, Match | None] = {}  # by source text
        self.inflight: dict[str, TranslationRequest] = {}  # handed to the executor, by key
        self.queue: dict[str, Work] = {}  # waiting for the executor, in arrival order
        self.resolved: dict[str, SegmentTranslation] = {}  # finished, needed by an open job
        self.failed: dict[str, str] = {}
        # Where each key was translated, (node, process): one tuple per place, shared by its keys.
        self.workers: dict[str, tuple[str, int]] = {}
        self.places: dict[tuple[str, int], tuple[str, int]] = {}
        self.waiting: dict[str, list[_Open]] = {}  # untranslated key -> the open jobs needing it
        self.refs: Counter[str] = Counter()
        self.ready: list[_Open] = []
        self.opened = 0
        self.spellings = NameSpellings() if translator.consistent_names == "run" else None

    def _known(self, key: str) -> bool:
        """Already translated, queued or in flight, or failed in this run."""
        return key in self.resolved or key in self.queue or key in self.waiting or key in self.failed

    def open(self, job: Job) -> None:
        approved = self._approvals(job.prepared)
        # Every segment without an approval carries its examples (when the run adapts): they are
        # part of its key, so key afterwards.
        job.prepared = [p if p.request.key() in approved else self._adapted(p) for p in job.prepared]
        keys = [self.t.key(p.request) for p in job.prepared]
        state = _Open(self.opened, job, keys)
        self.opened += 1
        by_key: dict[str, PreparedSegment] = {}
        for k, p in zip(keys, job.prepared, strict=True):
            by_key.setdefault(k, p)
        fresh = [k for k in by_key if not self._known(k)]
        self.resolved.update(self._lookup(fresh, by_key, approved))
        if self.on_open is not None:
            self.on_open(job, [k in self.resolved for k in keys])
        for k, p in by_key.items():
            self.refs[k] += 1
            if not self._known(k):
                self.queue[k] = Work(k, p.request, tuple(p.expected))
                state.owned.append(k)
            if k in self.queue or k in self.waiting:
                self.waiting.setdefault(k, []).append(state)
                state.pending += 1
        if state.pending == 0:
            self.ready.append(state)

    def _approvals(self, prepared: Sequence[PreparedSegment]) -> dict[str, Approval]:
        """The approvals of these segments, by approval key (a request's key without context or
        examples)."""
        if self.memory is None or not prepared:
            return {}
        return self.memory.approved_many(p.request.key() for p in prepared)

    def _adapted(self, p: PreparedSegment) -> PreparedSegment:
        """``p`` with its examples from the memory, when the run adapts (module docstring)."""
        if not self.adapts or p.request.examples:
            return p
        source = p.request.source
        if source not in self.examples:
            assert self.index is not None
            self.examples[source] = self.index.examples(
                source, limit=self.t.examples, threshold=self.t.example_threshold
            )
        examples = self.examples[source]
        return replace(p, request=replace(p.request, examples=examples)) if examples else p

    def _match(self, source: str) -> Match | None:
        if self.index is None:
            return None
        if source not in self.matches:
            self.matches[source] = self.index.best(source)
        return self.matches[source]

    def _lookup(
        self, keys: list[str], by_key: dict[str, PreparedSegment], approved: dict[str, Approval]
    ) -> dict[str, SegmentTranslation]:
        """What is known of ``keys`` before any engine call: approvals first, then the store."""
        found: dict[str, SegmentTranslation] = {}
        if not keys:
            return found
        for key in keys:
            approval = approved.get(by_key[key].request.key())
            if approval is not None and not by_key[key].request.examples:
                found[key] = self.t.human_result(approval, by_key[key])
        if self.store is not None:
            checks = self.t.checks
            rest = [k for k in keys if k not in found]

            def refind(r: TranslationRequest, res: SegmentTranslation) -> list:
                return derived_findings(r, res.text, res.terms, checks, res.confidence)

            found.update(self.store.get_many(rest, refind=refind))
        return found

    def dispatch(self, wave: int) -> Iterator[JobResult]:
        """Hand the first ``wave`` queued segments to the executor; store batches as they come."""
        keys = list(islice(self.queue, wave))
        work = [self.queue.pop(k) for k in keys]
        if self.spellings is not None:  # names a finished job spelt: a hint for what comes after
            work = [replace(w, request=self.spellings.hinted(w.request)) for w in work]
        self.inflight.update((w.key, w.request) for w in work)
        executor = self.t.executor
        for outcomes in executor.translate(work, self.t.batch_size, isolate=self.isolate, done=self.done):
            self._merge(outcomes)
            executor.committed(outcomes)
            yield from self.finish_ready()

    def _merge(self, outcomes: Sequence[Outcome]) -> None:
        """Store one batch, then let the jobs waiting on it move on."""
        for o in outcomes:
            # The request as sent (an executor elsewhere may hand back a copy without its examples).
            request = self.inflight.pop(o.key, o.request)
            if o.result is not None and request.examples:
                o.result.notes.append(Note(describe_examples(request.examples), ADAPTED))
        finished = [(o.key, o.request, o.result) for o in outcomes if o.result is not None]
        if self.store is not None and finished:
            self.store.put_many(finished)  # type: ignore[arg-type]
        for o in outcomes:
            if o.result is not None:
                self.resolved[o.key] = o.result
            else:
                self.failed[o.key] = o.error or "no translation returned"
            place = (o.node, o.process)
            self.workers[o.key] = self.places.setdefault(place, place)
            for state in self.waiting.pop(o.key, []):
                state.pending -= 1
                if state.pending == 0:
                    self.ready.append(state)
        if self.merged is not None:
            self.merged(len(outcomes))

    def finish_ready(self) -> Iterator[JobResult]:
        ready, self.ready = sorted(self.ready, key=lambda s: s.seq), []
        for state in ready:
            yield self._finish(state)

    def _finish(self, state: _Open) -> JobResult:
        owned = set(state.owned)
        results: list[SegmentTranslation] = []
        cached: list[bool] = []
        failures: list[tuple[int, str]] = []
        for i, k in enumerate(state.keys):
            if k in self.failed:
                failures.append((i, self.failed[k]))
                results.append(SegmentTranslation(""))
            else:
                results.append(self.resolved[k].copy())
                if results[-1].origin == "machine":  # an approval is its own (exact) match
                    results[-1].match = self._match(state.job.prepared[i].request.source)
            cached.append(k not in owned)
            owned.discard(k)  # a repeat inside the job is free
        if self.t.consistent_names is not None:
            (self.spellings or NameSpellings()).unify(state.job.prepared, results)
        workers = {w for k in state.owned if (w := self.workers.get(k))}
        result = JobResult(
            state.job,
            results,
            cached,
            failures,
            len(state.owned),
            sum(self.resolved[k].seconds for k in state.owned if k in self.resolved),
            [{"node": n, "process": p} for n, p in sorted(workers)],
        )
        self._release(state)
        return result

    def _release(self, state: _Open) -> None:
        for k in set(state.keys):
            self.refs[k] -= 1
            if self.refs[k] <= 0:
                del self.refs[k]
                self.resolved.pop(k, None)
                self.workers.pop(k, None)


def assemble(
    document: Document,
    prepared: Sequence[PreparedSegment],
    results: Sequence[SegmentTranslation],
    cached: Sequence[bool],
    *,
    engine: EngineIdentity,
    glossary: dict[str, str] | None,
    seconds: float,
    direction: Direction = AR_EN,
) -> TranslatedDocument:
    """Put one result per prepared segment back into the document's paragraphs."""
    by_segment: dict[tuple[int, int], SentenceResult] = {}
    counts: dict[int, int] = {}
    for prep, tr, was_cached in zip(prepared, results, cached, strict=True):
        para, seg = prep.paragraph, prep.segment
        counts[para.index] = counts.get(para.index, 0) + 1
        by_segment[(para.index, seg.index)] = SentenceResult(
            index=counts[para.index] - 1,
            source=seg.content,
            # The English with its placeholders, written back in the paragraph's own syntax.
            translation=seg.render(tr.text),
            tagged=(prep.request.source, tr.text) if seg.inline is not None else None,
            notes=list(tr.notes),
            seconds=tr.seconds,
            terms=tr.terms,
            findings=[markup.named(f, seg.inline) for f in tr.findings],
            confidence=tr.confidence,
            origin=tr.origin,
            cached=was_cached,
            match=tr.match,
        )
    paragraphs = [_paragraph_result(p, by_segment) for p in document.paragraphs]
    return TranslatedDocument(document, paragraphs, engine, glossary, seconds, direction)


def _paragraph_result(para: Paragraph, by_segment: dict[tuple[int, int], SentenceResult]) -> ParagraphResult:
    text = rebuild_paragraph(para, lambda seg: by_segment[(para.index, seg.index)].translation)
    sentences = [by_segment[(para.index, s.index)] for s in para.sentences]
    return ParagraphResult(para.index, para.text, text, sentences, verbatim=para.verbatim)
