"""A review session: documents, translation memories and glossary, and every action on them.

No web code here: ``tarjama.review.server`` calls these methods and renders what they return;
the tests call them directly.

* **State**: the documents (``review.documents``), one ``MemoryStore`` per memory file with
  its fuzzy-match index (``tarjama.memory.matches.MatchIndex`` of its standing approvals), the
  glossary (read again whenever its file changes on disk, whoever changed it) and the time
  logs. One lock serialises every change and every read of
  sentence state; ``snapshot`` hands the server an immutable view of a document to render.
* **Approve** checks the English and the editor's name with the glossary's text rules
  (``memory.store.vet_approval``: control characters and English in Arabic script refused,
  bidi controls removed and reported), then appends a human translation to the document's
  memory (``TranslationMemory.approve``: who, when, the machine text it replaced, the
  engine); it is committed before the call returns; the same sentence in every other
  document of that memory shows it at once. Another server on the same memory is seen on
  the next page load (``sync``).
* **Glossary scope**: the memory scopes approvals by the glossary's digest, so every glossary
  edit would orphan them. After a change, each approval of the old digest is carried over to
  the new one (appended, noted "carried over") when the change leaves the sentence's term
  hints alone, or when its English already holds every term the new glossary expects there;
  any other sentence needs review again, its earlier approval offered as a 100 % suggestion.
* **Add to glossary** validates the row like every glossary reader (``entry_from_values``)
  and lints the entries with the new one against the entries without it
  (``glossary.lint.lint_entries``); any new finding (conflict, duplicate, shadowing, variant
  clash) refuses the entry and nothing is written. The write is ``glossary.tsv.edit``: locked,
  read afresh, atomic — as ``tarjama glossary add``.
* **Export** writes ``export_path()`` beside the document, never over a file any document of
  the session was read from (outputs, sources, memories) or the glossary.
* **Needs review**: the record's one rule (``tarjama.document.record.needs_review``) over the
  sentence's findings as they stand: those recorded when it was translated, a glossary term the
  current glossary expects and its English lacks, no English at all; an approved sentence never.
* **Live QA** (``qa``): the run's own checks on the English as the editor types it — the
  fidelity checks (``tarjama.checks.Checker``), glossary terms and placeholders, through
  ``translate.stages.derived_findings`` — and the same rule. An approval over an error finding
  is refused once (``NeedsConfirmation``); the editor confirms it to approve anyway.
* **Statuses**: a sentence is *approved* (a standing approval), *rejected* or a *draft*; reject
  and back-to-draft are status rows in the memory that withdraw its approval
  (``TranslationMemory.set_status``). **Comments**: one per sentence, in the memory, exported as
  TMX and XLIFF notes.
* **Matches, concordance, learned terms**: each sentence shows the memory's best fuzzy match
  (percentage, the differences of its Arabic marked); the concordance searches the memory's
  sources and targets; ``term_suggestions`` proposes the names editors approved the same way
  (``tarjama.memory.learn``), written only when accepted, through ``add_term``.
"""

from __future__ import annotations

import difflib
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from rapidfuzz import fuzz, process

from tarjama.checks import Checker
from tarjama.document.record import needs_review
from tarjama.document.requests import segment_request
from tarjama.errors import TarjamaError
from tarjama.glossary import KINDS, Glossary, GlossaryEntry
from tarjama.glossary.lint import EntryRefused, add_entries
from tarjama.memory.learn import TermSuggestion, suggest_terms
from tarjama.memory.matches import MATCH_THRESHOLD, MatchIndex
from tarjama.memory.store import (
    DRAFT,
    MEMORY_NAME,
    NO_GLOSSARY,
    REJECTED,
    STATUSES,
    Approval,
    Comment,
    Status,
    TranslationMemory,
    vet_approval,
)
from tarjama.metrics.base import MetricScore
from tarjama.metrics.hter import HTER
from tarjama.review.confidence import level
from tarjama.review.documents import PROVENANCE, ReviewDocument, Sentence, batch_documents, jsonl_document
from tarjama.review.timelog import TimeLog, checked_seconds
from tarjama.scoring.term_marks import TermMark, paragraph_terms
from tarjama.text.arabic import normalize
from tarjama.text.language import detect_language, direction_from
from tarjama.text.terms import check_terms
from tarjama.text.textio import write_text_atomic
from tarjama.translate.run import human_result
from tarjama.translate.stages import derived_findings, terms_of
from tarjama.types import (
    COMMENT,
    ERROR,
    TERMS,
    Confidence,
    Finding,
    Match,
    Note,
    TermOutcome,
)

T = TypeVar("T")
MAX_EDITOR = 80
MAX_TEXT = 20_000


class ReviewError(TarjamaError):
    """A request the session refuses; ``status`` is the HTTP status the server answers with."""

    def __init__(self, message: str, status: int = 400, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.details = list(details)


class NeedsConfirmation(ReviewError):
    """An approval over error findings: refused once, until the editor confirms it."""

    def __init__(self, checked: Checked) -> None:
        errors = [f for f in checked.findings if f.severity == ERROR]
        super().__init__(
            f"the English has {len(errors)} error finding{'s' if len(errors) != 1 else ''}; approve again to "
            "approve it anyway", 409, [f"{f.check}: {f.message}" for f in errors],
        )
        self.checked = checked


class MemoryStore:
    """One translation memory file, used from one thread of its own.

    A SQLite connection belongs to the thread that opened it, and the server answers requests
    from a pool of threads; so every call on the memory runs on this store's thread, in order.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.log = TimeLog(path.parent)
        self.index = MatchIndex()  # its standing approvals, for fuzzy matches
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="tarjama-memory")
        self._memory: TranslationMemory | None = None
        try:
            self._memory = self._thread.submit(TranslationMemory, path).result()
        except BaseException:
            self._thread.shutdown()
            raise

    def call(self, fn: Callable[[TranslationMemory], T]) -> T:
        assert self._memory is not None
        memory = self._memory
        return self._thread.submit(fn, memory).result()

    def close(self) -> None:
        if self._memory is not None:
            self._thread.submit(self._memory.close).result()
            self._memory = None
        self._thread.shutdown()


@dataclass(frozen=True)
class SentenceView:
    """What a page shows of one sentence (immutable: rendered outside the lock)."""

    number: int
    label: str
    source: str
    text: str  # the current English ("" when there is none)
    machine: str | None
    status: str  # "approved", "review" or "machine"
    reasons: tuple[str, ...]  # why it needs review
    source_marks: tuple[TermMark, ...]
    target_marks: tuple[TermMark, ...]
    missing: tuple[str, ...]  # expected terms absent from the translation
    findings: tuple[Finding, ...]
    confidence: Confidence | None
    notes: tuple[str, ...]
    editor: str | None  # of the approval
    approved: float | None
    state: str = DRAFT  # "approved", "rejected" or "draft"
    level: str | None = None  # the confidence as high, medium or low (``review.confidence``)
    match: Match | None = None  # the memory's best fuzzy match (its text not already this English)
    match_diff: tuple[tuple[str, bool], ...] = ()  # the match's Arabic in pieces: (text, differs)
    terms: tuple[tuple[str, str], ...] = ()  # the sentence's glossary terms: (Arabic, English)
    comment: Comment | None = None
    status_row: Status | None = None  # the rejection, when rejected
    source_lang: str = "ar"  # the languages of the two sides (the page lays each out by its own)
    target_lang: str = "en"

    @property
    def needs_review(self) -> bool:
        return self.status == "review"

    @property
    def edited(self) -> bool:
        """Approved with changes to the machine's English."""
        return self.state == "approved" and self.machine is not None and self.text != self.machine

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of finding it has (missing terms included), for the page's filters."""
        found = [f.check for f in self.findings] + ([TERMS] if self.missing else [])
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Checked:
    """The live QA of an English the editor typed: what the run's checks find, and the rule."""

    findings: tuple[Finding, ...]
    needs_review: bool
    missing: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"findings": [f.to_dict() for f in self.findings], "needs_review": self.needs_review,
                "missing": list(self.missing),
                "errors": sum(1 for f in self.findings if f.severity == ERROR)}


@dataclass(frozen=True)
class Stats:
    sentences: int
    review: int
    approved: int
    rejected: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.approved / self.sentences) if self.sentences else 100

    def to_dict(self) -> dict[str, int]:
        return {"sentences": self.sentences, "review": self.review, "approved": self.approved,
                "rejected": self.rejected, "percent": self.percent}


@dataclass(frozen=True)
class DocumentInfo:
    number: int
    name: str
    kind: str
    format: str
    engine: str
    problem: str | None
    stats: Stats
    minutes: float
    export_name: str
    source_lang: str = "ar"
    target_lang: str = "en"


@dataclass(frozen=True)
class Snapshot:
    """A document as a page shows it: sentences needing review first, each group in document order."""

    info: DocumentInfo
    views: tuple[SentenceView, ...]
    glossary: str | None  # the glossary's path, None when the session has none
    glossary_error: str | None


@dataclass(frozen=True)
class Report:
    """The post-editing report of one document."""

    hter: MetricScore | None  # TER of the machine text against its approved post-edit
    approved: int
    edited: int  # approved with changes
    compared: int  # approved sentences whose machine text is known (what HTER covers)
    minutes: float

    def explanation(self) -> str:
        """The HTER in words, for an editor."""
        if self.hter is None:
            return ("No approved sentence with a known machine translation yet: HTER compares the machine's "
                    "English with the English you approve.")
        score = self.hter.score
        unchanged = self.compared - self.edited
        return (
            f"HTER {score:.1f}: to turn the machine's English into the approved English of "
            f"{self.compared} sentence{'s' if self.compared != 1 else ''}, about {score:.0f} word edits were "
            f"needed per 100 words (insertions, deletions, substitutions and shifts; 0 = approved as it "
            f"was, lower is better). {unchanged} of them were approved unchanged."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "hter": None if self.hter is None else round(self.hter.score, 2),
            "signature": None if self.hter is None else self.hter.signature,
            "approved": self.approved, "edited": self.edited, "compared": self.compared,
            "minutes": round(self.minutes, 1), "explanation": self.explanation(),
        }


@dataclass(frozen=True)
class Approved:
    view: SentenceView
    stats: Stats
    overrode: Approval | None  # someone else's approval this one replaced since the page loaded
    notes: tuple[str, ...] = ()  # what was cleaned from the English or the name (bidi controls)
    report: Report | None = None  # the document's report after this approval


@dataclass(frozen=True)
class TermAdded:
    line: int
    entry: GlossaryEntry
    carried: int  # approvals carried over to the new glossary


@dataclass(frozen=True)
class Exported:
    path: Path  # absolute
    name: str  # relative to the document's folder
    size: int


@dataclass
class _Scope:
    """The glossary as this session last read it."""

    glossary: Glossary | None
    stamp: tuple[int, int, int] | None
    error: str | None = None
    digest: str | None = None

    def __post_init__(self) -> None:
        self.digest = self.glossary.digest() if self.glossary is not None else None


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class Workspace:
    """A review session over the documents of one or more PATHs (see the module docstring)."""

    def __init__(self, glossary_path: Path | None) -> None:
        self.lock = threading.RLock()
        self.glossary_path = glossary_path
        glossary = Glossary.load(glossary_path) if glossary_path is not None else None
        self._scope = _Scope(glossary, _stamp(glossary_path) if glossary_path else None)
        self.documents: list[ReviewDocument] = []
        self.stores: dict[Path, MemoryStore] = {}
        self.checker = Checker()  # the run's checks, for live QA
        self._views: dict[tuple[int, int], SentenceView] = {}
        # Every sentence of a memory by its approval key: one approval shows in all of them.
        self._by_key: dict[tuple[Path, str], list[tuple[ReviewDocument, Sentence]]] = {}
        self._reports: dict[int, tuple[int, Report]] = {}
        self._versions: dict[int, int] = {}

    # -- opening and closing --------------------------------------------------------------

    @classmethod
    def open(
        cls,
        paths: Iterable[str | Path],
        *,
        memory: Path | None = None,
        glossary: Path | None = None,
        field_name: str = "text",
        column: str = "text",
    ) -> Workspace:
        """A session over ``paths`` (batch output folders and translate JSONL files)."""
        ws = cls(glossary)
        try:
            for given in paths:
                ws._add_path(Path(given), memory, field_name, column)
            if not ws.documents:
                raise TarjamaError("no documents to review: the given folders' provenance.jsonl lists no "
                                   "finished document")
            with ws.lock:
                ws._attach()
                ws._load_matches()
        except BaseException:
            ws.close()
            raise
        return ws

    def _add_path(self, path: Path, memory: Path | None, field_name: str, column: str) -> None:
        hint = "give a tarjama batch output folder (its --out-dir) or tarjama translate --format jsonl files"
        seen = {d.output for d in self.documents if d.problem is None}
        if path.is_dir():
            if not (path / PROVENANCE).is_file():
                raise TarjamaError(f"{path}: no {PROVENANCE} in this folder; {hint}")
            mem = memory or path / MEMORY_NAME
            if not mem.is_file():
                raise TarjamaError(f"{mem}: no translation memory there; name the memory tarjama batch used "
                                   "with --memory")
            store = self._store(mem)
            first = len(self.documents)
            docs = store.call(lambda m: batch_documents(
                path, m, store.path, self._scope.glossary, first_number=first, field_name=field_name,
                column=column))
            self.documents += [d for d in docs if d.output not in seen or d.problem is not None]
        elif path.is_file():
            store = self._store(memory or path.parent / MEMORY_NAME)
            doc = jsonl_document(path, store.path, number=len(self.documents))
            if doc.output not in seen:
                self.documents.append(doc)
        else:
            raise TarjamaError(f"{path}: no such file or folder; {hint}")
        for k, doc in enumerate(self.documents):
            doc.number = k

    def _store(self, path: Path) -> MemoryStore:
        resolved = path.resolve()
        if resolved not in self.stores:
            self.stores[resolved] = MemoryStore(resolved)
        return self.stores[resolved]

    def close(self) -> None:
        for store in self.stores.values():
            store.close()
        self.stores.clear()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- state against the current glossary ------------------------------------------------

    @property
    def digest(self) -> str | None:
        return self._scope.digest

    @property
    def glossary(self) -> Glossary | None:
        return self._scope.glossary

    def _reviewable(self) -> list[ReviewDocument]:
        return [d for d in self.documents if d.problem is None]

    def _attach(self) -> None:
        """Requests, term hints and approvals of every sentence under the current glossary."""
        self._views.clear()
        self._reports.clear()
        self._by_key.clear()
        for doc in self._reviewable():
            for s in doc.sentences:
                s.attach(*segment_request(s.source, self.glossary, direction=doc.direction))
                self._by_key.setdefault((doc.memory_path, s.key), []).append((doc, s))
        for doc in self._reviewable():
            self._sync(doc)

    def _sync(self, doc: ReviewDocument, sentences: list[Sentence] | None = None) -> bool:
        """Take the memory's latest approvals of ``doc``'s sentences (or of ``sentences``); True on a change.

        Other processes (another server, a TMX import) may have approved some since.
        """
        digest = self.digest
        sentences = doc.sentences if sentences is None else sentences
        keys = [s.key for s in sentences]

        sources = [s.source for s in sentences]

        def read(m: TranslationMemory) -> tuple[dict[str, Approval], dict[str, Status], dict[str, Comment]]:
            m.scope(None, digest)
            return m.approved_many(keys), m.statuses(sources), m.comments(sources)

        approved, statuses, comments = self.stores[doc.memory_path].call(read)
        changed = False
        for s in sentences:
            new = approved.get(s.key)
            if not _same(new, s.approval):
                self._set_approval(doc, s, new)
                changed = True
            status, comment = statuses.get(s.source), comments.get(s.source)
            if status != s.status or comment != s.comment:
                s.status, s.comment = status, comment
                self._views.pop((doc.number, s.number), None)
                changed = True
        return changed

    def _set_approval(self, doc: ReviewDocument, s: Sentence, approval: Approval | None) -> None:
        s.approval = approval
        if approval is not None and s.machine is None and approval.machine is not None:
            s.machine = approval.machine
        self._views.pop((doc.number, s.number), None)
        self._versions[doc.number] = self._versions.get(doc.number, 0) + 1

    def refresh(self) -> None:
        """Read the glossary again if its file changed on disk; carry approvals over to it."""
        with self.lock:
            self._refresh()

    def _refresh(self) -> int:
        path = self.glossary_path
        if path is None:
            return 0
        stamp = _stamp(path)
        if stamp == self._scope.stamp:
            return 0
        try:
            glossary = Glossary.load(path)
        except TarjamaError as exc:
            # A half-edited file: keep working with the last good version and say so.
            self._scope.stamp, self._scope.error = stamp, str(exc)
            return 0
        old = self._scope.digest
        self._scope = _Scope(glossary, stamp)
        if self._scope.digest == old:
            return 0
        carried = sum(self._carry_over(store, old, glossary) for store in self.stores.values()) if old else 0
        self._attach()
        self._load_matches()
        return carried

    def _carry_over(self, store: MemoryStore, old: str, glossary: Glossary) -> int:
        new = glossary.digest()

        def work(m: TranslationMemory) -> int:
            latest: dict[str, Approval] = {}
            for a in m.approvals(old or NO_GLOSSARY):
                latest[a.key] = a
            moves = []
            for a in latest.values():
                # An approval's direction is its source's language (an English source: en-ar).
                direction = direction_from("en" if detect_language(a.source) == "en" else "ar")
                request, expected = segment_request(a.source, glossary, direction=direction)
                if request.key() != a.key and check_terms(a.translation, expected):
                    continue  # the new glossary expects a term this approval lacks: review again
                moves.append((request, a))
            m.scope(None, new)
            there = m.approved_many(r.key() for r, _ in moves)
            count = 0
            for request, a in moves:
                current = there.get(request.key())
                if current is not None and current.approved >= a.approved:
                    continue
                moved = f"carried over from glossary {old[:12]} to {new[:12]}"
                note = f"{a.note}; {moved}" if a.note else moved
                m.approve(request, replace(a, key=request.key(), note=note))
                count += 1
            return count

        return store.call(work)

    def _matches_changed(self, memory: Path, source: str) -> None:
        """An approval of ``source`` came or went: forget the views whose best match it may change
        (sentences of that memory at least ``MATCH_THRESHOLD`` like it), and no others — a page of
        a thousand sentences is not matched again after every approval."""
        sentences = [(d, s) for d in self._reviewable() if d.memory_path == memory for s in d.sentences]
        if not sentences:
            return
        views = [normalize(s.source) for _, s in sentences]
        near = process.extract(normalize(source), views, scorer=fuzz.ratio, score_cutoff=MATCH_THRESHOLD,
                               limit=None)
        for _view, _score, at in near:
            doc, s = sentences[at]
            self._views.pop((doc.number, s.number), None)

    def _load_matches(self) -> None:
        for store in self.stores.values():
            store.index = MatchIndex.of(store.call(lambda m: m.standing_approvals()))
        self._views.clear()

    # -- reading -------------------------------------------------------------------------

    def document(self, number: int) -> ReviewDocument:
        if not 0 <= number < len(self.documents):
            raise ReviewError(f"no document {number}; the list has {len(self.documents)}", 404)
        doc = self.documents[number]
        if doc.problem is not None:
            raise ReviewError(f"{doc.name} cannot be reviewed: {doc.problem}", 409)
        return doc

    def direction_of(self, number: int, sentence: int) -> str:
        """The direction (``ar-en``, ``en-ar``) of a sentence: what its approval's text must be in."""
        with self.lock:
            return str(self._sentence(self.document(number), sentence).request.direction)

    def _sentence(self, doc: ReviewDocument, number: int) -> Sentence:
        if not 0 <= number < len(doc.sentences):
            raise ReviewError(f"{doc.name} has no sentence {number}", 404)
        return doc.sentences[number]

    def view(self, doc: ReviewDocument, s: Sentence) -> SentenceView:
        key = (doc.number, s.number)
        cached = self._views.get(key)
        if cached is None:
            cached = self._views[key] = self._make_view(doc, s)
        return cached

    def _make_view(self, doc: ReviewDocument, s: Sentence) -> SentenceView:
        direction = doc.direction
        text = s.current or ""
        source_marks: tuple[TermMark, ...] = ()
        target_marks: tuple[TermMark, ...] = ()
        missing: tuple[str, ...] = ()
        if self.glossary is not None and s.expected:
            terms = paragraph_terms(self.glossary, s.source, text, [], direction=direction)
            source_marks, target_marks = tuple(terms.source), tuple(terms.hypothesis)
            missing = tuple(dict.fromkeys(terms.missed))
        # What the checks find in the English as it stands: the record's findings belong to the
        # machine's English, an approved English is checked afresh (as a run checks an approval).
        recorded = s.findings if s.approval is None else derived_findings(s.request, text, None, self.checker)
        findings = [f for f in recorded if f.check != TERMS]  # terms as the current glossary has them
        findings += [Finding(TERMS, f"glossary term missing: {en}") for en in missing]
        if not text:
            findings.append(Finding(_EMPTY, "no translation in the memory"))
        flagged = needs_review(findings, "human" if s.approval is not None else "machine")
        reasons = _reasons(findings, missing) if flagged else []
        status = "approved" if s.approval is not None else ("review" if flagged else "machine")
        state = "approved" if s.approval is not None else DRAFT
        if s.approval is None and s.status is not None and s.status.status == REJECTED:
            state = status = REJECTED
            reasons = [f"rejected{' by ' + s.status.editor if s.status.editor else ''}"
                       + (f": {s.status.note}" if s.status.note else "")]
        match = self.stores[doc.memory_path].index.best(s.source) if s.source else None
        if match is not None and match.target == text:
            match = None  # the sentence's English is that match already
        return SentenceView(
            number=s.number, label=s.label, source=s.source, text=text, machine=s.machine, status=status,
            reasons=tuple(reasons), source_marks=source_marks, target_marks=target_marks, missing=missing,
            findings=tuple(f for f in findings if f.check not in (TERMS, _EMPTY)), confidence=s.confidence,
            notes=tuple(s.notes),
            editor=s.approval.editor if s.approval else None,
            approved=s.approval.approved if s.approval else None,
            state=state,
            level=level(s.confidence, (doc.engine or {}).get("engine")),
            match=match,
            match_diff=differences(match.source, s.source) if match is not None else (),
            terms=tuple(dict.fromkeys((h.source, h.target) for h in s.request.hints)),
            comment=s.comment,
            status_row=s.status if state == REJECTED else None,
            source_lang=direction.source, target_lang=direction.target,
        )

    def _stats(self, doc: ReviewDocument) -> Stats:
        views = [self.view(doc, s) for s in doc.sentences]
        review = sum(v.needs_review for v in views)
        return Stats(len(views), review, sum(v.state == "approved" for v in views),
                     sum(v.state == REJECTED for v in views))

    def _info(self, doc: ReviewDocument) -> DocumentInfo:
        ok = doc.problem is None
        stats = self._stats(doc) if ok else Stats(0, 0, 0)
        minutes = self.stores[doc.memory_path].log.seconds(doc.output) / 60 if ok else 0.0
        return DocumentInfo(doc.number, doc.name, doc.kind, doc.format, doc.engine_name, doc.problem, stats,
                            minutes, doc.export_path().name if ok else "", doc.direction.source,
                            doc.direction.target)

    def documents_info(self) -> list[DocumentInfo]:
        with self.lock:
            self._refresh()
            return [self._info(d) for d in self.documents]

    def snapshot(self, number: int, *, order: str = "review") -> Snapshot:
        """A document's sentences as the page shows them (``order``: "review" first, or "document")."""
        with self.lock:
            self._refresh()
            doc = self.document(number)
            self._sync(doc)
            views = [self.view(doc, s) for s in doc.sentences]
            if order == "review":
                views.sort(key=lambda v: (not v.needs_review, v.number))
            glossary = str(self.glossary_path) if self.glossary_path else None
            return Snapshot(self._info(doc), tuple(views), glossary, self._scope.error)

    def suggest(self, number: int, sentence: int) -> list[Match]:
        """The memory's fuzzy matches of a sentence (≥ 75 %), best first, its own English left out."""
        with self.lock:
            doc = self.document(number)
            s = self._sentence(doc, sentence)
            source, current = s.source, s.current
            index = self.stores[doc.memory_path].index
        return index.matches(source, exclude=current)

    def qa(self, number: int, sentence: int, translation: str) -> Checked:
        """Live QA of ``translation`` as the English of a sentence (module docstring); writes nothing."""
        text = " ".join(str(translation).split())
        with self.lock:
            self._refresh()
            doc = self.document(number)
            s = self._sentence(doc, sentence)
            request, expected, glossary = s.request, list(s.expected), self.glossary
        terms = terms_of(text, expected) if glossary is not None else None
        findings = derived_findings(request, text, terms, self.checker)
        if not text:
            findings.append(Finding(_EMPTY, "the English is empty"))
        missing = tuple(terms.missing) if terms is not None else ()
        return Checked(tuple(findings), needs_review(findings, "machine"), missing)

    def concordance(self, phrase: str, limit: int = 50) -> list[dict[str, Any]]:
        """Sentences of every memory of the session whose source or target holds ``phrase``
        (compared on the normalised view): approvals first, then machine translations."""
        phrase = " ".join(str(phrase).split())
        if len(phrase) < 2:
            raise ReviewError("type at least two characters to search the memory", 422)
        found: list[dict[str, Any]] = []
        for store in list(self.stores.values()):
            found += store.call(lambda m: m.concordance(phrase, limit))
        found.sort(key=lambda r: (r["origin"] != "human", -r["time"]))
        return found[:limit]

    def term_suggestions(self) -> list[TermSuggestion]:
        """Glossary entries the approvals propose (``tarjama.memory.learn``); nothing is written."""
        with self.lock:
            self._refresh()
            glossary = self.glossary
            stores = list(self.stores.values())
        approvals = [a for store in stores for a in store.call(lambda m: m.standing_approvals())]
        return suggest_terms(approvals, glossary)

    def report(self, number: int) -> Report:
        """HTER, sentences approved and edited, minutes spent (cached until the next approval)."""
        with self.lock:
            doc = self.document(number)
            version = self._versions.get(number, 0)
            cached = self._reports.get(number)
            if cached is not None and cached[0] == version:
                return replace(cached[1], minutes=self.stores[doc.memory_path].log.seconds(doc.output) / 60)
            pairs = [(s.machine, s.approval.translation) for s in doc.sentences
                     if s.approval is not None and s.machine is not None]
            approved = sum(1 for s in doc.sentences if s.approval is not None)
            minutes = self.stores[doc.memory_path].log.seconds(doc.output) / 60
        hter = HTER().post_edit([m for m, _ in pairs], [e for _, e in pairs]) if pairs else None
        report = Report(hter, approved, sum(1 for m, e in pairs if m != e), len(pairs), minutes)
        with self.lock:
            self._reports[number] = (version, report)
        return report

    # -- actions -------------------------------------------------------------------------

    def approve(
        self,
        number: int,
        sentence: int,
        translation: str,
        *,
        editor: str = "",
        seconds: float = 0.0,
        base: str | None = None,
        confirm: bool = True,
    ) -> Approved:
        """Store ``translation`` as the approved English of a sentence; committed when this returns.

        ``base`` is the English the editor started from; when someone else's approval has
        replaced it meanwhile, the result says whose (both stay in the memory's history).
        Without ``confirm`` an English with error findings (``qa``) is refused with
        ``NeedsConfirmation`` and nothing is stored.
        """
        if len(str(translation)) > MAX_TEXT:
            raise ReviewError(f"the English is longer than {MAX_TEXT} characters; is this one sentence?", 422)
        direction = self.direction_of(number, sentence)  # an unknown document or sentence: 404
        try:
            seconds = checked_seconds(seconds)
            # The glossary's text rules, before whitespace is tidied (str.split eats \x1c-\x1f).
            vetted, notes = vet_approval(Approval("", "", str(translation), str(editor)[:1000], 0.0,
                                                  direction=direction))
        except TarjamaError as exc:
            raise ReviewError(f"not approved: {exc}", 422) from None
        text = " ".join(vetted.translation.split())
        if not text:
            raise ReviewError("the English is empty; type the translation before approving", 422)
        editor = " ".join(vetted.editor.split())[:MAX_EDITOR]
        if not confirm:
            checked = self.qa(number, sentence, text)
            if any(f.severity == ERROR for f in checked.findings):
                raise NeedsConfirmation(checked)
        with self.lock:
            self._refresh()
            doc = self.document(number)
            s = self._sentence(doc, sentence)
            self._sync(doc, [s])
            before = s.approval
            approval = Approval(
                key=s.key, source=s.source, translation=text, editor=editor, approved=time.time(),
                machine=s.machine, engine=doc.engine, via="review",
            )
            request, digest = s.request, self.digest
            store = self.stores[doc.memory_path]

            def commit(m: TranslationMemory) -> None:
                m.scope(None, digest)
                m.approve(request, approval)

            store.call(commit)
            store.log.add(doc.output, approval.key, editor, seconds)
            for other_doc, t in self._by_key.get((doc.memory_path, approval.key), []):
                self._set_approval(other_doc, t, approval)
            store.index.add(approval)
            self._matches_changed(doc.memory_path, s.source)
            replaced = before is not None and base is not None and before.translation != base
            overrode = before if replaced else None
            view, stats = self.view(doc, s), self._stats(doc)
        return Approved(view, stats, overrode, tuple(notes), report=self.report(number))

    def set_status(
        self, number: int, sentence: int, status: str, *, editor: str = "", note: str = ""
    ) -> Approved:
        """Reject a sentence's translation or send it back to draft: a status row in the memory,
        committed when this returns, which withdraws its approval (module docstring)."""
        if status not in STATUSES:
            raise ReviewError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}", 422)
        editor = " ".join(str(editor).split())[:MAX_EDITOR]
        note = " ".join(str(note).split())[:MAX_TEXT]
        with self.lock:
            self._refresh()
            doc = self.document(number)
            s = self._sentence(doc, sentence)
            row = Status(str(s.request.direction), s.source, status, editor, time.time(), note)
            store = self.stores[doc.memory_path]
            store.call(lambda m: m.set_status(row))
            store.index.withdraw(s.source)
            self._matches_changed(doc.memory_path, s.source)
            for other in self._reviewable():
                if other.memory_path == doc.memory_path:
                    self._sync(other, [t for t in other.sentences if t.source == s.source])
            view, stats = self.view(doc, s), self._stats(doc)
        return Approved(view, stats, None, report=self.report(number))

    def comment(self, number: int, sentence: int, text: str, *, editor: str = "") -> SentenceView:
        """Keep a comment on a sentence in the memory ('' clears it); committed when this returns."""
        text = " ".join(str(text).split())
        if len(text) > MAX_TEXT:
            raise ReviewError(f"the comment is longer than {MAX_TEXT} characters", 422)
        editor = " ".join(str(editor).split())[:MAX_EDITOR]
        with self.lock:
            doc = self.document(number)
            s = self._sentence(doc, sentence)
            row = Comment(str(s.request.direction), s.source, text, editor, time.time())
            self.stores[doc.memory_path].call(lambda m: m.comment(row))
            for other in self._reviewable():
                if other.memory_path == doc.memory_path:
                    self._sync(other, [t for t in other.sentences if t.source == s.source])
            return self.view(doc, s)

    def add_term(self, ar: str, en: str, kind: str, note: str = "") -> TermAdded:
        """Append a linted glossary entry (see the module docstring); nothing is written on a finding."""
        if self.glossary_path is None:
            raise ReviewError("this session has no glossary; start tarjama review with --glossary FILE", 409)
        if kind not in KINDS:
            raise ReviewError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}", 422)
        values = {"ar": str(ar), "en": str(en), "kind": kind, "note": str(note)}
        with self.lock:
            self._refresh()
            try:
                (entry,) = add_entries(self.glossary_path, [values])
            except EntryRefused as exc:
                raise ReviewError(str(exc), 422, exc.details) from None
            carried = self._refresh()
            return TermAdded(entry.line, entry, carried)

    def reviewed_text(self, number: int) -> str:
        """The document in its output format, approved sentences in place."""
        with self.lock:
            doc = self.document(number)
            self._sync(doc)
            empty = [s.label for s in doc.sentences if s.current is None]
            if empty:
                shown = ", ".join(empty[:5]) + ("…" if len(empty) > 5 else "")
                raise ReviewError(f"{doc.name}: {len(empty)} sentence(s) have no English yet ({shown}); "
                                  "translate or approve them first", 409)
            glossary = self.glossary

            def human(s: Sentence) -> tuple[str, TermOutcome | None]:
                assert s.approval is not None
                result = human_result(s.approval, s.request, s.expected if glossary is not None else None)
                return result.notes[0], result.terms

            return doc.render([s.current or "" for s in doc.sentences], human)

    def export_xliff(self, number: int) -> Exported:
        """Write the reviewed document as XLIFF 1.2 beside its output (``<stem>.reviewed.xlf``):
        approved sentences ``final``, every comment a note, atomically, never over an input."""
        with self.lock:
            doc = self.document(number)
            self._sync(doc)
            empty = [s.label for s in doc.sentences if s.current is None]
            if empty:
                raise ReviewError(f"{doc.name}: {len(empty)} sentence(s) have no English yet; translate or "
                                  "approve them first", 409)
            notes = [[Note(f"comment by {s.comment.editor or 'an editor'}: {s.comment.text}", COMMENT)]
                     if s.comment is not None else [] for s in doc.sentences]
            try:
                text = doc.xliff([s.current or "" for s in doc.sentences], notes,
                                 [s.approval is not None for s in doc.sentences])
            except TarjamaError as exc:
                raise ReviewError(str(exc), 409) from None
            path = doc.export_path().with_suffix(".xlf")
            if path.resolve() in {p.resolve() for p in doc.inputs()}:
                raise ReviewError(f"{path}: is one of the inputs; not written", 409)
        write_text_atomic(path, text)
        return Exported(path.resolve(), path.relative_to(doc.root).as_posix(), len(text.encode("utf-8")))

    def export(self, number: int) -> Exported:
        """Write the reviewed document beside its output (atomically, never over an input)."""
        text = self.reviewed_text(number)
        doc = self.document(number)
        path = doc.export_path()
        target = path.resolve()
        if target in {p.resolve() for p in doc.inputs()} or (
            self.glossary_path is not None and target == self.glossary_path.resolve()
        ):
            raise ReviewError(f"{path}: is one of the inputs; not written", 409)
        # Nor over any file another document of this session was read from (its output, source, memory).
        for other in self.documents:
            if target in {p.resolve() for p in other.inputs()}:
                raise ReviewError(
                    f"{path}: is a file of document {other.number} ({other.name}) opened in this review; "
                    "not written: review that document under another name, or export this one after "
                    "closing it", 409)
        write_text_atomic(path, text)
        return Exported(path.resolve(), path.relative_to(doc.root).as_posix(), len(text.encode("utf-8")))


# The kind of the finding a sentence without any English has.
_EMPTY = "empty"


def _reasons(findings: Sequence[Finding], missing: Sequence[str]) -> list[str]:
    """Why a sentence needs review, in words: no English, the checks' errors, missing terms."""
    reasons = []
    if any(f.check == _EMPTY for f in findings):
        reasons.append("no translation in the memory")
    if any(f.severity == ERROR and f.check not in (TERMS, _EMPTY) for f in findings):
        reasons.append("flagged by the checks")
    if missing:
        reasons.append("missing term" + ("s" if len(missing) > 1 else "") + ": " + ", ".join(missing))
    return reasons


def differences(match_source: str, source: str) -> tuple[tuple[str, bool], ...]:
    """A match's Arabic in pieces, each marked True where it differs from ``source`` (words compared
    on the normalised view), as a CAT tool highlights what to change."""
    theirs, ours = match_source.split(" "), source.split(" ")
    matcher = difflib.SequenceMatcher(None, [normalize(w) for w in theirs], [normalize(w) for w in ours],
                                      autojunk=False)
    pieces: list[tuple[str, bool]] = []
    for tag, a0, a1, _b0, _b1 in matcher.get_opcodes():
        if a1 > a0:
            pieces.append((" ".join(theirs[a0:a1]), tag != "equal"))
    out: list[tuple[str, bool]] = []
    for k, (text, differs) in enumerate(pieces):
        out.append((text + (" " if k < len(pieces) - 1 else ""), differs))
    return tuple(out)


def _same(a: Approval | None, b: Approval | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.translation, a.editor, a.approved, a.note) == (b.translation, b.editor, b.approved, b.note)
