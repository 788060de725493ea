"""The translation memory: every finished segment, and every human-approved translation, in SQLite.

Two kinds of rows:

* **machine translations** (table ``segments``), keyed by the engine (SHA-256 of
  ``engine.identity.to_dict()``, so another model, revision or decoding setting never reuses
  one), the glossary (``Glossary.digest()``, or ``"none"``) and the segment
  (``TranslationRequest.key``: SHA-256 of its exact source text and term hints, plus its
  context for engines that read context). A row keeps the final translation after every
  stage, its notes, its term record, its findings and the engine's confidence, so a hit is
  exactly what a fresh translation by that engine would have produced (a row of an older
  schema has no findings: the reader finds them again, ``get_many``'s ``refind``);
* **human approvals** (table ``approvals``), keyed by the glossary and the segment alone (a
  person's translation does not depend on the engine): the approved English, who approved
  it and when, and the machine text it replaced. Approvals are only ever added; the latest
  one of a segment is the one used, and it outranks any machine translation in every later
  ``translate`` and ``batch`` run with the same glossary.

Writers commit after every batch or approval. The database runs in WAL mode: a commit is one
append to the log, readers (a ``--dry-run``, another shard, the review server) do not block
the writer, and a process killed at any point loses at most the batch in flight.
``synchronous=NORMAL`` is enough for that: it survives a killed process; only a power cut can
drop the last commits, and then those segments are simply translated again.

``machine_rows``, ``approval_rows`` (``iter_*`` one row at a time) and ``add_stream`` read and
add whole memories; TMX
export and import (``tarjama memory export|import``) are built on them in ``tarjama.memory.tmx``.

A machine row, once written, is never changed (``INSERT OR IGNORE`` on its key): writing the
same finished segment twice — a re-run merging results a killed run left behind, two shards
sharing one file — keeps the first and adds nothing.

A file of an older schema is migrated in place when opened for writing (schema 1 had no
approvals, schema 2 no findings or confidence); opened read-only it is used as it is. A damaged
file (``PRAGMA quick_check`` on open, or any database error later) is refused with one line
saying how to recover.

``merge_memories`` joins memories kept apart (one per ``--shard`` machine) into a new file:
every machine row once (the first input's row wins a conflict, which is counted), every
approval once with its history, ordered so that the latest approval of a segment stays the
latest.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import heapq
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from tarjama.errors import TarjamaError
from tarjama.types import (
    Confidence,
    Finding,
    Note,
    SegmentTranslation,
    TermHint,
    TermOutcome,
    TranslationRequest,
)

SCHEMA_VERSION = 3
NO_GLOSSARY = "none"
MEMORY_NAME = ".tarjama-memory.sqlite"
# How long a statement waits for another process's write to the same memory (seconds).
BUSY_TIMEOUT = 30.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments (
    engine TEXT NOT NULL,        -- sha256 of the engine identity
    glossary TEXT NOT NULL,      -- Glossary.digest(), or 'none'
    key TEXT NOT NULL,           -- TranslationRequest.key()
    source TEXT NOT NULL,
    hints TEXT NOT NULL,         -- JSON [[source, target, kind], ...]
    translation TEXT NOT NULL,
    notes TEXT NOT NULL,         -- JSON list of notes ({"kind", "text"}; plain strings before schema 3)
    terms TEXT,                  -- JSON term record, NULL without glossary
    seconds REAL NOT NULL,
    created REAL NOT NULL,
    findings TEXT,               -- JSON list of findings (schema 3; NULL in older rows)
    confidence TEXT,             -- JSON confidence (schema 3; NULL when the engine gives none)
    PRIMARY KEY (engine, glossary, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS engines (
    engine TEXT PRIMARY KEY,     -- sha256 of the identity
    identity TEXT NOT NULL       -- the identity itself, JSON
);
-- What each --engine/--model pair resolved to last time, so --dry-run can count cached
-- segments without loading a model to learn its identity.
CREATE TABLE IF NOT EXISTS requested (
    engine_arg TEXT NOT NULL,
    model_arg TEXT NOT NULL,
    engine TEXT NOT NULL,
    used REAL NOT NULL,
    PRIMARY KEY (engine_arg, model_arg)
) WITHOUT ROWID;
-- Human-approved translations (schema 2): append-only; the latest per (glossary, key) is used.
CREATE TABLE IF NOT EXISTS approvals (
    id INTEGER PRIMARY KEY,
    glossary TEXT NOT NULL,
    key TEXT NOT NULL,           -- TranslationRequest.key() without context
    source TEXT NOT NULL,
    hints TEXT NOT NULL,
    translation TEXT NOT NULL,   -- the approved English
    editor TEXT NOT NULL,        -- who approved it ('' when not given)
    approved REAL NOT NULL,      -- when (Unix time)
    machine TEXT,                -- the machine translation it replaced, when known
    engine TEXT,                 -- the engine identity (JSON) of that machine translation
    via TEXT NOT NULL,           -- how it arrived: 'review', 'tmx', …
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS approvals_segment ON approvals (glossary, key, id);
"""
_SEGMENT_COLUMNS = (
    "engine, glossary, key, source, hints, translation, notes, terms, seconds, created, findings, confidence"
)

F = TypeVar("F", bound=Callable[..., Any])


def engine_hash(identity: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def hints_of(request: TranslationRequest) -> list[list[str]]:
    return [[h.source, h.target, h.kind] for h in request.hints]


# Re-finds the findings of a row stored before schema 3, from its request and translation.
Refind = Callable[[TranslationRequest, SegmentTranslation], list[Finding]]


@dataclass(frozen=True)
class Approval:
    """A human-approved translation of one segment."""

    key: str
    source: str
    translation: str
    editor: str
    approved: float
    machine: str | None = None
    engine: dict[str, Any] | None = None
    via: str = "review"
    note: str = ""
    hints: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class MachineRow:
    """One machine translation as stored, with the identity of the engine that made it."""

    engine: str                              # sha256 of the identity
    identity: dict[str, Any] | None          # None when the memory lost it
    glossary: str
    key: str
    source: str
    hints: tuple[tuple[str, str, str], ...]
    translation: str
    notes: list[str]
    terms: dict[str, Any] | None
    seconds: float
    created: float


@dataclass
class Added:
    """What ``add_stream`` added, and what it found already present."""

    machine: int = 0
    machine_present: int = 0
    approvals: int = 0
    approvals_present: int = 0


def _guarded(method: F) -> F:
    """Turn a database error inside ``method`` into one line saying how to recover."""

    @functools.wraps(method)
    def wrapper(self: TranslationMemory, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise self.damaged(exc) from None

    return wrapper  # type: ignore[return-value]


class TranslationMemory:
    """The memory file, opened for one engine and glossary scope at a time (see ``scope``)."""

    def __init__(self, path: Path, *, readonly: bool = False, check: bool = True) -> None:
        self.path = path
        self.readonly = readonly
        try:
            if readonly:
                uri = f"{path.resolve().as_uri()}?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
            if check:
                result = self._db.execute("PRAGMA quick_check").fetchone()
                if result is None or result[0] != "ok":
                    raise sqlite3.DatabaseError(result[0] if result else "quick_check returned nothing")
            version = self._version()
            if version is not None and version > SCHEMA_VERSION:
                raise TarjamaError(
                    f"{path}: translation memory schema {version} is newer than this tarjama's "
                    f"{SCHEMA_VERSION}; upgrade tarjama or give another --memory"
                )
            if not readonly:
                # WAL: cheap per-batch commits and readers that never block the writer.
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
                for column in ("findings", "confidence"):  # schema 2 files gain them
                    if column not in self._columns("segments"):
                        self._db.execute(f"ALTER TABLE segments ADD COLUMN {column} TEXT")
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                # Migration in place: schema 1 files gain the approvals table above.
                self._db.execute("UPDATE meta SET value = ? WHERE name = 'schema'", (str(SCHEMA_VERSION),))
                self._db.commit()
            elif version is None:
                raise TarjamaError(f"{path}: not a tarjama translation memory (no schema record); "
                                   "give another --memory")
        except sqlite3.DatabaseError as exc:
            raise self.damaged(exc) from None
        self.has_approvals = self._table_exists("approvals")
        # A read-only file of an older schema has no findings or confidence columns.
        self._stage_columns = {"findings", "confidence"} <= self._columns("segments")
        self.engine = ""
        self.glossary = NO_GLOSSARY

    def damaged(self, exc: BaseException) -> TarjamaError:
        """The one-line error for a memory file SQLite cannot use (or, busy, cannot use now)."""
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return TarjamaError(
                f"{self.path}: the translation memory stayed locked by another process for "
                f"{BUSY_TIMEOUT:.0f} s ({exc}); let the other run finish and run again, or give another "
                "--memory"
            )
        return TarjamaError(
            f"{self.path}: the translation memory is damaged or not a database ({exc}); move it aside "
            f"(mv {self.path} {self.path}.damaged) and run again: outputs are correct without it, "
            "only what it held is translated again"
        )

    def _version(self) -> int | None:
        if not self._table_exists("meta"):
            return None
        row = self._db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        try:
            return int(row[0]) if row else None
        except ValueError:
            return None

    def _columns(self, table: str) -> set[str]:
        return {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}

    def _table_exists(self, name: str) -> bool:
        row = self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return row.fetchone() is not None

    # -- scope ---------------------------------------------------------------------------

    @_guarded
    def scope(self, identity: dict[str, Any] | None, glossary_digest: str | None) -> None:
        """Use rows of this engine identity and glossary from now on (and record the identity).

        ``identity`` None scopes to the glossary only (approvals need no engine).
        """
        self.engine = engine_hash(identity) if identity is not None else ""
        self.glossary = glossary_digest or NO_GLOSSARY
        if identity is not None and not self.readonly:
            self._db.execute(
                "INSERT OR IGNORE INTO engines VALUES (?, ?)",
                (self.engine, json.dumps(identity, sort_keys=True, ensure_ascii=False)),
            )
            self._db.commit()

    @_guarded
    def remember_request(self, engine_arg: str, model_arg: str) -> None:
        """Note which identity this ``--engine``/``--model`` pair resolved to (for ``--dry-run``)."""
        self._db.execute(
            "INSERT OR REPLACE INTO requested VALUES (?, ?, ?, ?)",
            (engine_arg, model_arg, self.engine, time.time()),
        )
        self._db.commit()

    @_guarded
    def scope_from_request(self, engine_arg: str, model_arg: str, glossary_digest: str | None) -> bool:
        """Scope to what this pair resolved to last time; False if it was never used."""
        row = self._db.execute(
            "SELECT engine FROM requested WHERE engine_arg = ? AND model_arg = ?", (engine_arg, model_arg)
        ).fetchone()
        if row is None:
            return False
        self.engine, self.glossary = row[0], glossary_digest or NO_GLOSSARY
        return True

    # -- machine translations ---------------------------------------------------------------

    @_guarded
    def get_many(self, keys: Iterable[str], refind: Refind | None = None) -> dict[str, SegmentTranslation]:
        """This engine's translations of those of ``keys`` that are in the memory.

        A row stored before schema 3 has no findings: ``refind`` finds them again (else none).
        """
        return self._machine_rows("key", keys, refind)

    @_guarded
    def machine_by_source(
        self, sources: Iterable[str], refind: Refind | None = None
    ) -> dict[str, SegmentTranslation]:
        """This engine's latest translation of each of ``sources``, whatever its hints and context.

        For a reader that can no longer rebuild a segment's exact key (the glossary changed
        since the run); ``get_many`` is the exact lookup.
        """
        return self._machine_rows("source", sources, refind)

    def _machine_rows(
        self, column: str, values: Iterable[str], refind: Refind | None
    ) -> dict[str, SegmentTranslation]:
        """This engine's rows whose ``column`` (key or source) is one of ``values``, by that value;
        rows in creation order, so for a source with several rows the latest wins."""
        assert column in ("key", "source")
        stage = "findings, confidence" if self._stage_columns else "NULL, NULL"
        found: dict[str, SegmentTranslation] = {}
        for chunk in _chunks(list(dict.fromkeys(values))):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                # Only the column names (fixed strings) and the '?' placeholders are formatted in.
                f"SELECT {column}, source, hints, translation, notes, terms, seconds, {stage} FROM segments "
                f"WHERE engine = ? AND glossary = ? AND {column} IN ({marks}) ORDER BY created",
                (self.engine, self.glossary, *chunk),
            )
            for value, source, hints, translation, notes, terms, seconds, findings, confidence in rows:
                outcome = TermOutcome.from_dict(json.loads(terms)) if terms else None
                result = SegmentTranslation(
                    translation, json.loads(notes), seconds,
                    Confidence.from_dict(json.loads(confidence)) if confidence else None,
                    [Finding.from_dict(f) for f in json.loads(findings)] if findings else [], outcome,
                )
                if findings is None and refind is not None:
                    request = TranslationRequest(source, tuple(TermHint(*h) for h in json.loads(hints)))
                    result.findings = refind(request, result)
                found[value] = result
        return found

    @_guarded
    def put_many(self, items: Sequence[tuple[str, TranslationRequest, SegmentTranslation]]) -> None:
        """Store finished machine translations and commit: after this returns they survive a kill.

        A key already stored keeps its row (see the module docstring); approvals are not stored here.
        """
        now = time.time()
        self._db.executemany(
            f"INSERT OR IGNORE INTO segments ({_SEGMENT_COLUMNS}) VALUES ({', '.join('?' * 12)})",
            [
                (
                    self.engine,
                    self.glossary,
                    key,
                    request.source,
                    json.dumps(hints_of(request), ensure_ascii=False),
                    result.text,
                    json.dumps([n.to_dict() for n in result.notes], ensure_ascii=False),
                    None if result.terms is None else json.dumps(result.terms.to_dict(), ensure_ascii=False),
                    result.seconds,
                    now,
                    json.dumps([f.to_dict() for f in result.findings], ensure_ascii=False),
                    None if result.confidence is None else json.dumps(result.confidence.to_dict()),
                )
                for key, request, result in items
                if result.origin == "machine"
            ],
        )
        self._db.commit()

    @_guarded
    def count(self) -> int:
        """Machine rows in the current scope."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM segments WHERE engine = ? AND glossary = ?", (self.engine, self.glossary)
        ).fetchone()
        return int(row[0])

    # -- human approvals --------------------------------------------------------------------

    @_guarded
    def approve(self, request: TranslationRequest, approval: Approval) -> None:
        """Record a human translation of ``request`` (current glossary scope) and commit at once."""
        if self.readonly:
            raise TarjamaError(f"{self.path}: opened read-only; cannot store an approval")
        self._db.execute(
            "INSERT INTO approvals (glossary, key, source, hints, translation, editor, approved, machine, "
            "engine, via, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.glossary,
                request.key(),
                request.source,
                json.dumps(hints_of(request), ensure_ascii=False),
                approval.translation,
                approval.editor,
                approval.approved,
                approval.machine,
                None if approval.engine is None else json.dumps(approval.engine, sort_keys=True),
                approval.via,
                approval.note,
            ),
        )
        self._db.commit()

    @_guarded
    def approved_many(self, keys: Iterable[str]) -> dict[str, Approval]:
        """The latest approval of each of ``keys`` in the current glossary scope."""
        if not self.has_approvals:
            return {}
        found: dict[str, Approval] = {}
        for chunk in _chunks(list(dict.fromkeys(keys))):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, source, translation, editor, approved, machine, engine, via, note, hints "
                f"FROM approvals WHERE glossary = ? AND key IN ({marks}) ORDER BY id",
                (self.glossary, *chunk),
            )
            for key, source, translation, editor, approved, machine, engine, via, note, hints in rows:
                found[key] = Approval(  # later rows (higher id) replace earlier ones
                    key, source, translation, editor, approved, machine,
                    json.loads(engine) if engine else None, via, note,
                    tuple(tuple(h) for h in json.loads(hints)),  # type: ignore[misc]
                )
        return found

    @_guarded
    def approvals(self, glossary: str | None = None) -> list[Approval]:
        """Every approval (of one glossary scope, when given), oldest first, history included."""
        if not self.has_approvals:
            return []
        query = ("SELECT key, source, translation, editor, approved, machine, engine, via, note, hints "
                 "FROM approvals")
        rows = self._db.execute(query + (" WHERE glossary = ? ORDER BY id" if glossary else " ORDER BY id"),
                                (glossary,) if glossary else ())
        return [
            Approval(k, s, t, e, a, m, json.loads(eng) if eng else None, v, n,
                     tuple(tuple(h) for h in json.loads(hints)))  # type: ignore[misc]
            for k, s, t, e, a, m, eng, v, n, hints in rows
        ]

    # -- whole-memory reading and bulk import (TMX export/import: tarjama.memory.tmx) ----------------

    def machine_rows(self) -> list[MachineRow]:
        """Every machine translation, of every engine and glossary, with its engine identity."""
        return list(self.iter_machine_rows())

    def iter_machine_rows(self) -> Iterator[MachineRow]:
        """``machine_rows`` one row at a time (memory stays flat whatever the memory's size)."""
        try:
            rows = self._db.execute(
                "SELECT s.engine, e.identity, s.glossary, s.key, s.source, s.hints, s.translation, s.notes, "
                "s.terms, s.seconds, s.created FROM segments s LEFT JOIN engines e ON e.engine = s.engine "
                "ORDER BY s.created, s.engine, s.glossary, s.key"
            )
            for eng, ident, gl, key, src, hints, tr, notes, terms, secs, created in rows:
                yield MachineRow(eng, json.loads(ident) if ident else None, gl, key, src,
                                 tuple(tuple(h) for h in json.loads(hints)),  # type: ignore[misc]
                                 tr, [str(Note.load(n)) for n in json.loads(notes)],
                                 json.loads(terms) if terms else None, secs, created)
        except sqlite3.DatabaseError as exc:
            raise self.damaged(exc) from None

    def approval_rows(self) -> list[tuple[str, Approval]]:
        """Every approval with its glossary digest, oldest first (history included)."""
        return list(self.iter_approval_rows())

    def iter_approval_rows(self) -> Iterator[tuple[str, Approval]]:
        """``approval_rows`` one row at a time."""
        if not self.has_approvals:
            return
        try:
            rows = self._db.execute(
                "SELECT glossary, key, source, translation, editor, approved, machine, engine, via, note, "
                "hints FROM approvals ORDER BY id"
            )
            for g, k, s, t, e, a, m, eng, v, n, hints in rows:
                yield g, Approval(k, s, t, e, a, m, json.loads(eng) if eng else None, v, n,
                                  tuple(tuple(h) for h in json.loads(hints)))  # type: ignore[misc]
        except sqlite3.DatabaseError as exc:
            raise self.damaged(exc) from None

    @_guarded
    def machine_translation(self, engine: str, glossary: str, key: str) -> str | None:
        """The machine translation stored under exactly this engine hash, glossary and key."""
        row = self._db.execute(
            "SELECT translation FROM segments WHERE engine = ? AND glossary = ? AND key = ?",
            (engine, glossary, key),
        ).fetchone()
        return row[0] if row else None

    def add_records(
        self, machine: Sequence[MachineRow], approvals: Sequence[tuple[str, Approval]]
    ) -> tuple[int, int]:
        """Add rows from another memory in one transaction; return (machine added, approvals added).

        See ``add_stream``: every approval here is dated.
        """
        added = self.add_stream([*machine, *((g, a, False) for g, a in approvals)])
        return added.machine, added.approvals

    @_guarded
    def add_stream(self, records: Iterable[MachineRow | tuple[str, Approval, bool]]) -> Added:
        """Add rows as ``records`` yields them, all in one transaction (an exception from the
        iterable, or any error, adds nothing).

        A machine row whose engine, glossary and key are already present is kept as it is; an
        approval identical to one already recorded (glossary, key, translation, editor, time)
        is not added twice, so importing the same file again changes nothing. An approval
        given with ``True`` is *undated* (its file gave no time, so ``approved`` is the time of
        the import): it is present when the same glossary, key, translation and editor are
        recorded at any time.
        """
        if self.readonly:
            raise TarjamaError(f"{self.path}: opened read-only; cannot import into it")
        added = Added()
        with self._db:
            for record in records:
                if isinstance(record, MachineRow):
                    row = record
                    if row.identity is not None:
                        identity = json.dumps(row.identity, sort_keys=True, ensure_ascii=False)
                        self._db.execute("INSERT OR IGNORE INTO engines VALUES (?, ?)",
                                         (row.engine, identity))
                    cursor = self._db.execute(
                        f"INSERT OR IGNORE INTO segments ({_SEGMENT_COLUMNS}) VALUES ({', '.join('?' * 12)})",
                        (row.engine, row.glossary, row.key, row.source,
                         json.dumps([list(h) for h in row.hints], ensure_ascii=False), row.translation,
                         json.dumps(row.notes, ensure_ascii=False),
                         None if row.terms is None else json.dumps(row.terms, ensure_ascii=False),
                         row.seconds, row.created, None, None),
                    )
                    added.machine += cursor.rowcount
                    added.machine_present += 1 - cursor.rowcount
                    continue
                glossary, a, undated = record
                same = ("SELECT 1 FROM approvals WHERE glossary = ? AND key = ? AND translation = ? "
                        "AND editor = ?")
                present = self._db.execute(
                    same if undated else same + " AND approved = ?",
                    (glossary, a.key, a.translation, a.editor, *(() if undated else (a.approved,))),
                ).fetchone()
                if present:
                    added.approvals_present += 1
                    continue
                self._db.execute(
                    "INSERT INTO approvals (glossary, key, source, hints, translation, editor, approved, "
                    "machine, engine, via, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (glossary, a.key, a.source, json.dumps([list(h) for h in a.hints], ensure_ascii=False),
                     a.translation, a.editor, a.approved, a.machine,
                     None if a.engine is None else json.dumps(a.engine, sort_keys=True), a.via, a.note),
                )
                added.approvals += 1
        self.has_approvals = self._table_exists("approvals")
        return added

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()


# -- merging memories ---------------------------------------------------------------------------

_APPROVAL_COLUMNS = "glossary, key, source, hints, translation, editor, approved, machine, engine, via, note"


@dataclass
class MergeReport:
    """What ``merge_memories`` read and wrote."""

    inputs: int = 0
    segments_read: int = 0
    segments: int = 0  # machine rows written: each (engine, glossary, key) once
    conflicts: int = 0  # same key, another translation: the earlier input's row was kept
    approvals_read: int = 0
    approvals: int = 0  # approvals written: each distinct approval once, history included
    engines: int = 0

    def line(self, output: Path) -> str:
        conflicts = (
            f" ({self.conflicts} with another translation of the same key in a later input: "
            "the earlier input's kept)"
            if self.conflicts
            else ""
        )
        return (
            f"tarjama memory merge: {self.inputs} memories → {output}: {self.segments} machine rows "
            f"of {self.segments_read} read{conflicts}, {self.approvals} approvals of {self.approvals_read} "
            f"read, {self.engines} engines"
        )


def merge_memories(inputs: Sequence[Path], output: Path) -> MergeReport:
    """Write a new memory at ``output`` holding every row of ``inputs`` once.

    Machine rows are keyed by (engine, glossary, segment key); when two inputs disagree on one,
    the row of the input given first is kept and the conflict counted. Approvals are events:
    identical ones (same segment, text, editor, time, origin…) are kept once, all others kept,
    in an order that keeps each input's own order and otherwise follows approval time, so the
    latest approval of a segment is still the one used. ``requested`` keeps each pair's most
    recent resolution. Inputs are opened read-only (and checked); ``output`` must not exist
    yet, and is written atomically: it appears complete or not at all.
    """
    if output.exists():
        raise TarjamaError(
            f"{output}: already exists; merging would replace it: choose a new -o path "
            "(list the existing memory as an input to include its rows)"
        )
    if not inputs:
        raise TarjamaError("no memories to merge: give at least one memory file")
    for path in inputs:
        if not path.is_file():
            raise TarjamaError(f"{path}: no such translation memory file")
        TranslationMemory(path, readonly=True).close()  # quick_check and schema, one clear line
    from tarjama.text.textio import sibling_temp

    fd, name = sibling_temp(output, ".sqlite.tmp")
    os.close(fd)
    tmp = Path(name)
    report = MergeReport(inputs=len(inputs))
    try:
        TranslationMemory(tmp, check=False).close()  # the schema
        db = sqlite3.connect(tmp.resolve().as_uri(), uri=True, timeout=30)
        try:
            approvals: list[list[tuple[Any, ...]]] = []
            for path in inputs:
                db.execute("ATTACH DATABASE ? AS src", (f"{path.resolve().as_uri()}?mode=ro",))
                try:
                    approvals.append(_merge_one(db, report))
                finally:
                    db.commit()
                    db.execute("DETACH DATABASE src")
            seen: set[tuple[Any, ...]] = set()
            rows = []
            # Each input's approvals in its own order (id), inputs interleaved by approval time.
            for row in heapq.merge(*approvals, key=lambda r: r[6]):
                report.approvals_read += 1
                if row not in seen:
                    seen.add(row)
                    rows.append(row)
            marks = ", ".join("?" * len(_APPROVAL_COLUMNS.split(",")))
            db.executemany(f"INSERT INTO approvals ({_APPROVAL_COLUMNS}) VALUES ({marks})", rows)
            report.approvals = len(rows)
            report.segments = db.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
            report.engines = db.execute("SELECT COUNT(*) FROM engines").fetchone()[0]
            db.commit()
            # One self-contained file: fold the log in, so no -wal sidecar has to travel with it.
            db.execute("PRAGMA journal_mode=DELETE")
        finally:
            db.close()
        os.replace(tmp, output)
    except sqlite3.DatabaseError as exc:
        raise TarjamaError(f"cannot merge into {output} ({exc}); nothing was written") from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    return report


def _merge_one(db: sqlite3.Connection, report: MergeReport) -> list[tuple[Any, ...]]:
    """Copy the attached memory ``src`` into ``main``; return its approvals (for ordering)."""
    tables = {row[0] for row in db.execute("SELECT name FROM src.sqlite_master WHERE type = 'table'")}
    if "segments" in tables:
        report.segments_read += db.execute("SELECT COUNT(*) FROM src.segments").fetchone()[0]
        report.conflicts += db.execute(
            "SELECT COUNT(*) FROM src.segments s JOIN main.segments m "
            "ON s.engine = m.engine AND s.glossary = m.glossary AND s.key = m.key "
            "WHERE s.translation IS NOT m.translation OR s.notes IS NOT m.notes OR s.terms IS NOT m.terms"
        ).fetchone()[0]
        present = {row[1] for row in db.execute("PRAGMA src.table_info(segments)")}
        columns = ", ".join(c if c in present else "NULL" for c in _SEGMENT_COLUMNS.split(", "))
        db.execute(
            f"INSERT OR IGNORE INTO main.segments ({_SEGMENT_COLUMNS}) SELECT {columns} FROM src.segments"
        )
    if "engines" in tables:
        db.execute(
            "INSERT OR IGNORE INTO main.engines (engine, identity) SELECT engine, identity FROM src.engines"
        )
    if "requested" in tables:
        db.execute(
            "INSERT INTO main.requested (engine_arg, model_arg, engine, used) "
            "SELECT engine_arg, model_arg, engine, used FROM src.requested WHERE true "
            "ON CONFLICT (engine_arg, model_arg) DO UPDATE SET "
            "engine = excluded.engine, used = excluded.used WHERE excluded.used > requested.used"
        )
    if "approvals" not in tables:
        return []
    return [tuple(r) for r in db.execute(f"SELECT {_APPROVAL_COLUMNS} FROM src.approvals ORDER BY id")]


def _chunks(keys: list[str], size: int = 500) -> Iterable[list[str]]:
    # Stay well below SQLite's limit on bound parameters.
    for start in range(0, len(keys), size):
        yield keys[start : start + size]
