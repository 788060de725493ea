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

What the review workbench keeps besides approvals (schema 4), keyed by the direction and the
exact source text, so that they survive a glossary edit:

* **statuses** (table ``statuses``): an editor sent a sentence back to ``draft`` or ``rejected``
  its translation. Append-only; a status row newer than a sentence's latest approval
  withdraws that approval: ``approved_many`` (and so every run) no longer uses it, and it is
  no longer offered as an example or a match. Approving again makes it approved again.
* **comments** (table ``comments``): one comment per sentence, the latest row wins (an empty
  text clears it); exported as TMX and XLIFF notes.

A file of an older schema is migrated in place when opened for writing (schema 1 had no
approvals, schema 2 no findings or confidence, schema 3 no approval direction, statuses or
comments); opened read-only it is used as it is, and an empty (0-byte) file is an empty
memory either way. Opened read-only, a memory is only read: no ``-wal``/``-shm`` files are
left beside it, and one in a read-only folder can still be read.

tarjama never moves, replaces or deletes a memory it did not just create. A database error is
one line that says which of these it is, and its fix (``explain``): *locked* by another
process; *disk full*; a *read-only* folder or file; a file that *cannot be opened*; or
*damaged* (``PRAGMA quick_check`` on open, or SQLite reporting corruption) — only then is the
file called damaged, and the line says to keep it and run with another ``--memory``, never to
remove it (it may hold human approvals).

``merge_memories`` joins memories kept apart (one per ``--shard`` machine) into a new file:
every machine row once (the first input's row wins a conflict, which is counted), every
approval, status and comment once with its history, ordered by time so that the latest of a
segment stays the latest. Approvals from outside — the review page, another memory — pass
``vet_approval`` (the glossary's text rules, ``tarjama.text.untrusted``): a merge leaves out,
and counts, those it refuses.
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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from tarjama.errors import TarjamaError
from tarjama.text.textio import folder_lock
from tarjama.types import (
    Confidence,
    Finding,
    Note,
    SegmentTranslation,
    TermHint,
    TermOutcome,
    TranslationRequest,
)

SCHEMA_VERSION = 4
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
    note TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL DEFAULT 'ar-en'  -- of the source (schema 4; older rows are ar-en)
);
CREATE INDEX IF NOT EXISTS approvals_segment ON approvals (glossary, key, id);
-- A sentence sent back to draft or rejected (schema 4): append-only, keyed by its exact source.
CREATE TABLE IF NOT EXISTS statuses (
    id INTEGER PRIMARY KEY,
    direction TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,        -- 'draft' or 'rejected'
    editor TEXT NOT NULL,
    created REAL NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS statuses_source ON statuses (direction, source, created);
-- An editor's comment on a sentence (schema 4): the latest row of a source wins; '' clears it.
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY,
    direction TEXT NOT NULL,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    editor TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS comments_source ON comments (direction, source, id);
"""
_SEGMENT_COLUMNS = (
    "engine, glossary, key, source, hints, translation, notes, terms, seconds, created, findings, confidence"
)

F = TypeVar("F", bound=Callable[..., Any])


# Identity parameters left out of the engine hash: the run's adaptation setting (``Translator``)
# changes nothing for a segment without examples, and a segment's examples are in its key.
UNHASHED_PARAMS = ("adapt",)


def engine_hash(identity: dict[str, Any]) -> str:
    """The memory's engine scope: SHA-256 of the identity (less ``UNHASHED_PARAMS``)."""
    params = identity.get("params")
    if isinstance(params, dict) and any(p in params for p in UNHASHED_PARAMS):
        identity = {**identity, "params": {k: v for k, v in params.items() if k not in UNHASHED_PARAMS}}
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
    direction: str = "ar-en"


# A sentence's statuses besides "approved" (an approval): sent back to draft, or rejected.
DRAFT = "draft"
REJECTED = "rejected"
STATUSES = (DRAFT, REJECTED)


@dataclass(frozen=True)
class Status:
    """An editor set a sentence (its exact source, in a direction) to ``draft`` or ``rejected``."""

    direction: str
    source: str
    status: str
    editor: str
    created: float
    note: str = ""


@dataclass(frozen=True)
class Comment:
    """An editor's comment on a sentence (its exact source, in a direction); ``text`` '' clears it."""

    direction: str
    source: str
    text: str
    editor: str
    created: float


def vet_approval(approval: Approval) -> tuple[Approval, list[str]]:
    """An approval from outside (the review page, another memory) under ``tarjama.text.untrusted``'s rules.

    A control character in the translation or the editor's name, or a translation in the
    source's script (English in Arabic script; for ``en-ar``, Arabic with no Arabic letters)
    refuses it (``TarjamaError``, one line); bidi controls are removed, and the notes say so.
    """
    from tarjama.text.untrusted import arabic_target, clean_field

    english = clean_field(approval.translation, "the English")
    editor = clean_field(approval.editor, "the editor's name")
    if approval.direction == "en-ar":
        if not arabic_target(english.text):
            raise TarjamaError(
                "the Arabic is not in Arabic script (a copy of the source, or the languages swapped); "
                "an approval must be the Arabic translation"
            )
    elif arabic_target(english.text):
        raise TarjamaError(
            "the English is in Arabic script (a copy of the source, or the languages swapped); "
            "an approval must be the English translation"
        )
    notes = [n for n in (english.note("the English"), editor.note("the editor's name")) if n]
    if notes:
        approval = replace(approval, translation=english.text.strip(), editor=editor.text.strip())
    return approval, notes


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
        except (sqlite3.DatabaseError, OSError) as exc:
            raise self.explain(exc) from None

    return wrapper  # type: ignore[return-value]


# SQLite errors that may come from the folder or the disk rather than from the file's content.
_ACCESS_CODES = (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_PERM)


def _errno_of(exc: BaseException) -> int | None:
    return exc.errno if isinstance(exc, OSError) else None


def _folder_problem(path: Path) -> str | None:
    """"read-only" or "full" when a file cannot be created beside ``path`` for that reason.

    A real file, not ``os.access``: root passes access checks on folders it may not write.
    """
    import errno
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return "read-only"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return "full"
        return None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)
    if path.exists() and not os.access(path, os.W_OK):
        return "read-only file"
    return None


class TranslationMemory:
    """The memory file, opened for one engine and glossary scope at a time (see ``scope``)."""

    def __init__(self, path: Path, *, readonly: bool = False, check: bool = True) -> None:
        self.path = path
        self.readonly = readonly
        # How another connection may attach this file for reading (``merge_memories``).
        self.read_uri = f"{path.resolve().as_uri()}?mode=ro"
        if not readonly:
            with contextlib.suppress(OSError):  # a folder that cannot be made is explained below
                path.parent.mkdir(parents=True, exist_ok=True)
        # Creating, upgrading and first opening are serialised between processes (two batches
        # started at once on a new memory): SQLite answers "locked" at once, without waiting,
        # to a second process switching a new file to WAL, and a first open that fails removes
        # the file it made, which another process may be opening.
        busy = (f"{path}: another process has been opening a translation memory in its folder for "
                f"{BUSY_TIMEOUT:.0f} s; let the other run finish and run again, or give another --memory")
        lock = folder_lock(path, timeout=BUSY_TIMEOUT, busy=busy, required=False)
        with contextlib.nullcontext() if readonly else lock:
            existed = path.exists()
            try:
                if readonly:
                    self._db = self._open_for_reading(path)
                else:
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
                    if "direction" not in self._columns("approvals"):  # schema 3 files: all ar-en
                        self._db.execute(
                            "ALTER TABLE approvals ADD COLUMN direction TEXT NOT NULL DEFAULT 'ar-en'")
                    schema = (str(SCHEMA_VERSION),)
                    self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", schema)
                    # Migration in place: schema 1 files gain the approvals table above.
                    self._db.execute("UPDATE meta SET value = ? WHERE name = 'schema'", schema)
                    self._db.commit()
                elif version is None:
                    raise TarjamaError(f"{path}: not a tarjama translation memory (no schema record); "
                                       "give another --memory")
            except (sqlite3.DatabaseError, OSError) as exc:
                error = self.explain(exc)
                self.close()
                if not existed:
                    self._remove_new_file()
                raise error from None
            except TarjamaError:
                self.close()
                raise
        self.has_approvals = self._table_exists("approvals")
        # A read-only file of an older schema has no findings or confidence columns, no approval
        # direction, no statuses and no comments.
        self._stage_columns = {"findings", "confidence"} <= self._columns("segments")
        self._direction = "direction" in self._columns("approvals") if self.has_approvals else False
        self.has_reviews = self._table_exists("statuses") and self._table_exists("comments")
        self.engine = ""
        self.glossary = NO_GLOSSARY

    def _open_for_reading(self, path: Path) -> sqlite3.Connection:
        """A connection that only reads ``path`` and leaves nothing beside it.

        A 0-byte file is an empty memory (what a run would make of it). A WAL database opened
        read-only leaves ``-wal``/``-shm`` files behind; so unless they already exist (another
        process has the memory open), the file is opened for writing with ``query_only`` (the
        last connection to close removes them), and in a read-only folder as ``immutable``
        (no process can be writing there).
        """
        if not path.is_file():
            raise TarjamaError(f"{path}: no such translation memory file; check --memory")
        if path.stat().st_size == 0:
            db = sqlite3.connect(":memory:")
            db.executescript(_SCHEMA)
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            return db
        uri = path.resolve().as_uri()
        self.read_uri = f"{uri}?mode=ro"
        if Path(f"{path}-wal").exists():
            return sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
        db = None
        try:
            db = sqlite3.connect(f"{uri}?mode=rw", uri=True, timeout=BUSY_TIMEOUT)
            db.execute("PRAGMA query_only = 1")
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError as exc:
            if db is not None:
                db.close()
            if _code(exc) not in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY) and not str(
                exc
            ).startswith(("unable to open", "attempt to write a readonly")):
                raise
            if _folder_problem(path) is None:
                raise
        self.read_uri = f"{uri}?immutable=1"
        return sqlite3.connect(self.read_uri, uri=True)

    def _remove_new_file(self) -> None:
        """Remove what a failed first open left of a memory this process was creating (0 bytes)."""
        with contextlib.suppress(OSError):
            if self.path.stat().st_size == 0 and not Path(f"{self.path}-wal").exists():
                self.path.unlink()
                for extra in ("-shm", "-journal"):
                    Path(f"{self.path}{extra}").unlink(missing_ok=True)

    def damaged(self, exc: BaseException) -> TarjamaError:
        """The one-line error for ``exc`` (the name readers used before causes were told apart)."""
        return self.explain(exc)

    def explain(self, exc: BaseException) -> TarjamaError:
        """The one-line error for a memory SQLite cannot use, by cause, each with its fix.

        None of them says to move or delete the memory: it may hold human approvals.
        """
        code = _code(exc)
        text = str(exc)
        try:
            held = self.path.stat().st_size > 0
        except OSError:
            held = False
        kept = "the memory is intact (everything stored before stays)" if held else "nothing was written"
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text:
            return TarjamaError(
                f"{self.path}: the translation memory stayed locked by another process for "
                f"{BUSY_TIMEOUT:.0f} s ({exc}); let the other run finish and run again, or give another "
                "--memory"
            )
        import errno

        full = code == sqlite3.SQLITE_FULL or _errno_of(exc) in (errno.ENOSPC, errno.EDQUOT)
        problem = "full" if full else None
        if problem is None and (
            code in _ACCESS_CODES
            or isinstance(exc, OSError)
            or text.startswith(("unable to open", "attempt to write a readonly", "disk I/O error"))
        ):
            problem = _folder_problem(self.path)
            if problem is None and code == sqlite3.SQLITE_READONLY:
                problem = "read-only file"
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if problem == "full":
            return TarjamaError(
                f"{self.path}: the disk holding the translation memory is full ({exc}); {kept}: free "
                "space on it (or give --memory a file on another disk) and run again"
            )
        if problem == "read-only":
            return TarjamaError(
                f"{self.path}: cannot write the translation memory: its folder {folder} is read-only "
                f"({exc}); {kept}: make {folder} writable, or copy the memory into a writable folder "
                "and give the copy with --memory"
            )
        if problem == "read-only file":
            return TarjamaError(
                f"{self.path}: cannot write the translation memory: the file is read-only ({exc}); "
                f"{kept}: make it writable (chmod u+w {self.path}) or give a writable copy with --memory"
            )
        damaged = code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
        if damaged or (code is None and isinstance(exc, sqlite3.DatabaseError)):  # quick_check's finding
            return TarjamaError(
                f"{self.path}: the translation memory is damaged or not a database ({exc}); tarjama "
                f"leaves it as it is (it may hold human approvals): run with another --memory to go on "
                f"without it, and salvage its rows into a new file with sqlite3's .recover "
                f"(sqlite3 {self.path} .recover | sqlite3 recovered.sqlite)"
            )
        reason = (exc.strerror or text) if isinstance(exc, OSError) else text
        return TarjamaError(
            f"{self.path}: cannot use the translation memory ({reason}); {kept}: check that it is a "
            "file you may read and write on a working disk, or give another --memory"
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
        rows = self._rows_in(
            # Only the column names (fixed strings) and the '?' placeholders are formatted in.
            f"SELECT {column}, source, hints, translation, notes, terms, seconds, {stage} FROM segments "
            f"WHERE engine = ? AND glossary = ? AND {column} IN ({{marks}}) ORDER BY created",
            values, self.engine, self.glossary,
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

    def _rows_in(self, sql: str, values: Iterable[str], *params: Any) -> Iterator[tuple[Any, ...]]:
        """The rows of ``sql`` for all of ``values`` (each asked once): its ``IN ({marks})`` is
        filled chunk by chunk, under SQLite's limit on bound parameters; ``params`` come first."""
        for chunk in _chunks(list(dict.fromkeys(values))):
            yield from self._db.execute(sql.format(marks=",".join("?" * len(chunk))), (*params, *chunk))

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
            f"INSERT INTO approvals ({_APPROVAL_COLUMNS}) VALUES ({_APPROVAL_MARKS})",
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
                str(request.direction),
            ),
        )
        self._db.commit()

    @_guarded
    def approved_many(self, keys: Iterable[str]) -> dict[str, Approval]:
        """The latest approval of each of ``keys`` in the current glossary scope (one a later
        status withdrew does not count: module docstring)."""
        if not self.has_approvals:
            return {}
        found: dict[str, Approval] = {}
        rows = self._rows_in(
            f"SELECT {self._approval_select()} FROM approvals a WHERE glossary = ? AND key IN ({{marks}}) "
            f"{self._not_withdrawn()} ORDER BY id",
            keys, self.glossary,
        )
        for row in rows:
            approval = _approval(row)
            found[approval.key] = approval  # later rows (higher id) replace earlier ones
        return found

    def _approval_select(self, prefix: str = "") -> str:
        """The columns ``_approval`` reads (a file of schema 3 or older has no direction: ar-en)."""
        direction = f"{prefix}direction" if self._direction else "'ar-en'"
        return (f"{prefix}key, {prefix}source, {prefix}translation, {prefix}editor, {prefix}approved, "
                f"{prefix}machine, {prefix}engine, {prefix}via, {prefix}note, {prefix}hints, {direction}")

    def _not_withdrawn(self) -> str:
        """SQL: the approval ``a`` has no later status row (draft, rejected) for its source."""
        if not self.has_reviews:
            return ""
        direction = "a.direction" if self._direction else "'ar-en'"
        return (f"AND NOT EXISTS (SELECT 1 FROM statuses s WHERE s.direction = {direction} "
                "AND s.source = a.source AND s.created > a.approved)")

    @_guarded
    def approvals(self, glossary: str | None = None) -> list[Approval]:
        """Every approval (of one glossary scope, when given), oldest first, history included."""
        if not self.has_approvals:
            return []
        query = f"SELECT {self._approval_select()} FROM approvals"
        rows = self._db.execute(query + (" WHERE glossary = ? ORDER BY id" if glossary else " ORDER BY id"),
                                (glossary,) if glossary else ())
        return [_approval(row) for row in rows]

    @_guarded
    def standing_approvals(self) -> list[Approval]:
        """The latest approval of each source (any glossary), leaving out those a status withdrew:
        what a person stands by now, oldest first (the examples and matches of
        ``tarjama.memory.matches``)."""
        if not self.has_approvals:
            return []
        rows = self._db.execute(
            f"SELECT {self._approval_select()} FROM approvals a WHERE true {self._not_withdrawn()} "
            "ORDER BY id"
        )
        latest: dict[tuple[str, str], Approval] = {}
        for row in rows:
            approval = _approval(row)
            latest.pop((approval.direction, approval.source), None)
            latest[(approval.direction, approval.source)] = approval
        return list(latest.values())

    # -- statuses and comments (schema 4) ------------------------------------------------------

    def _writable_reviews(self) -> None:
        if self.readonly:
            raise TarjamaError(f"{self.path}: opened read-only; cannot store a status or comment")

    @_guarded
    def set_status(self, status: Status) -> None:
        """Record that a sentence went back to draft or was rejected (withdrawing its approval); commit."""
        self._writable_reviews()
        if status.status not in STATUSES:
            raise TarjamaError(f"unknown status {status.status!r}; use one of {', '.join(STATUSES)}")
        self._db.execute(
            f"INSERT INTO statuses ({_STATUS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            (status.direction, status.source, status.status, status.editor, status.created, status.note),
        )
        self._db.commit()

    @_guarded
    def statuses(self, sources: Iterable[str], direction: str = "ar-en") -> dict[str, Status]:
        """The latest status row of each of ``sources`` (exact source text), when it has one."""
        if not self.has_reviews:
            return {}
        found: dict[str, Status] = {}
        rows = self._rows_in(
            "SELECT direction, source, status, editor, created, note FROM statuses "
            "WHERE direction = ? AND source IN ({marks}) ORDER BY created, id",
            sources, direction,
        )
        for row in rows:
            found[row[1]] = Status(*row)
        return found

    @_guarded
    def comment(self, comment: Comment) -> None:
        """Record a sentence's comment (the latest wins; '' clears it) and commit."""
        self._writable_reviews()
        self._db.execute(
            "INSERT INTO comments (direction, source, text, editor, created) VALUES (?, ?, ?, ?, ?)",
            (comment.direction, comment.source, comment.text, comment.editor, comment.created),
        )
        self._db.commit()

    @_guarded
    def comments(self, sources: Iterable[str] | None = None, direction: str = "ar-en") -> dict[str, Comment]:
        """The standing comment of each of ``sources`` (every source when None), cleared ones left out."""
        if not self.has_reviews:
            return {}
        latest: dict[str, Comment] = {}
        if sources is None:
            rows: Iterable[tuple[Any, ...]] = self._db.execute(
                f"SELECT {_COMMENT_COLUMNS} FROM comments WHERE direction = ? ORDER BY id",
                (direction,),
            )
        else:
            rows = self._rows_in(
                f"SELECT {_COMMENT_COLUMNS} FROM comments "
                "WHERE direction = ? AND source IN ({marks}) ORDER BY id",
                sources, direction,
            )
        for row in rows:
            latest[row[1]] = Comment(*row)
        return {source: c for source, c in latest.items() if c.text}

    @_guarded
    def concordance(self, phrase: str, limit: int = 50) -> list[dict[str, Any]]:
        """Standing approvals, then machine translations, whose source or target holds ``phrase``,
        compared on the normalised view (``tarjama.text.arabic.normalize``), latest first."""
        from tarjama.text.arabic import normalize

        needle = normalize(phrase).strip()
        if not needle:
            return []
        self._db.create_function("tarjama_view", 1, normalize, deterministic=True)
        found: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        for a in reversed(self.standing_approvals()):
            if needle in normalize(a.source) or needle in normalize(a.translation):
                found.append({"origin": "human", "source": a.source, "target": a.translation,
                              "editor": a.editor, "time": a.approved})
                seen.add((a.source, a.translation))
                if len(found) >= limit:
                    return found
        rows = self._db.execute(
            "SELECT source, translation, created FROM segments WHERE instr(tarjama_view(source), ?) > 0 "
            "OR instr(tarjama_view(translation), ?) > 0 ORDER BY created DESC LIMIT ?",
            (needle, needle, 4 * limit),
        )
        for source, translation, created in rows:
            if (source, translation) not in seen and len(found) < limit:
                seen.add((source, translation))
                found.append({"origin": "machine", "source": source, "target": translation, "editor": "",
                              "time": created})
        return found

    @_guarded
    def status_rows(self) -> list[Status]:
        """Every status row, oldest first (TMX export, merge)."""
        if not self.has_reviews:
            return []
        rows = self._db.execute(
            "SELECT direction, source, status, editor, created, note FROM statuses ORDER BY created, id")
        return [Status(*row) for row in rows]

    @_guarded
    def comment_rows(self) -> list[Comment]:
        """Every comment row, oldest first, cleared ones included (TMX export, merge)."""
        if not self.has_reviews:
            return []
        rows = self._db.execute("SELECT direction, source, text, editor, created FROM comments ORDER BY id")
        return [Comment(*row) for row in rows]

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
            rows = self._db.execute(f"SELECT glossary, {self._approval_select()} FROM approvals ORDER BY id")
            for row in rows:
                yield row[0], _approval(row[1:])
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
        self,
        machine: Sequence[MachineRow],
        approvals: Sequence[tuple[str, Approval]],
        comments: Sequence[Comment] = (),
        statuses: Sequence[Status] = (),
    ) -> tuple[int, int]:
        """Add rows from another memory in one transaction; return (machine added, approvals added).

        See ``add_stream``: every approval here is dated.
        """
        added = self.add_stream([*machine, *((g, a, False) for g, a in approvals), *comments, *statuses])
        return added.machine, added.approvals

    @_guarded
    def add_stream(
        self, records: Iterable[MachineRow | tuple[str, Approval, bool] | Comment | Status]
    ) -> Added:
        """Add rows as ``records`` yields them, all in one transaction (an exception from the
        iterable, or any error, adds nothing).

        A machine row whose engine, glossary and key are already present is kept as it is; an
        approval identical to one already recorded (glossary, key, translation, editor, time)
        is not added twice, nor is a comment or status identical to one recorded, so importing
        the same file again changes nothing. An approval given with ``True`` is *undated* (its
        file gave no time, so ``approved`` is the time of the import): it is present when the
        same glossary, key, translation and editor are recorded at any time.
        """
        if self.readonly:
            raise TarjamaError(f"{self.path}: opened read-only; cannot import into it")
        added = Added()
        with self._db:
            for record in records:
                if isinstance(record, Comment):
                    crow = (record.direction, record.source, record.text, record.editor, record.created)
                    same = "direction = ? AND source = ? AND text = ? AND editor = ? AND created = ?"
                    if not self._db.execute(f"SELECT 1 FROM comments WHERE {same}", crow).fetchone():
                        self._db.execute(
                            f"INSERT INTO comments ({_COMMENT_COLUMNS}) VALUES ({_marks(5)})", crow)
                    continue
                if isinstance(record, Status):
                    srow = (record.direction, record.source, record.status, record.editor, record.created,
                            record.note)
                    same = " AND ".join(f"{c} = ?" for c in _STATUS_COLUMNS.split(", "))
                    if not self._db.execute(f"SELECT 1 FROM statuses WHERE {same}", srow).fetchone():
                        self._db.execute(
                            f"INSERT INTO statuses ({_STATUS_COLUMNS}) VALUES ({_marks(6)})", srow)
                    continue
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
                    f"INSERT INTO approvals ({_APPROVAL_COLUMNS}) VALUES ({_APPROVAL_MARKS})",
                    (glossary, a.key, a.source, json.dumps([list(h) for h in a.hints], ensure_ascii=False),
                     a.translation, a.editor, a.approved, a.machine,
                     None if a.engine is None else json.dumps(a.engine, sort_keys=True), a.via, a.note,
                     a.direction),
                )
                added.approvals += 1
        self.has_approvals = self._table_exists("approvals")
        return added

    def close(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()


def remove_unused(path: Path) -> bool:
    """Remove a memory this command created if it holds no row (a refused first import); True if removed.

    Only for a path that did not exist before the command: a memory with any machine row or
    approval, or one SQLite cannot read, is left alone.
    """
    try:
        if path.stat().st_size:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
            try:
                for table in ("segments", "approvals"):
                    if db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():  # two fixed names
                        return False
            finally:
                db.close()
    except (OSError, sqlite3.Error):
        return False
    for extra in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{path}{extra}").unlink()
    return True


# -- merging memories ---------------------------------------------------------------------------

_APPROVAL_COLUMNS = (
    "glossary, key, source, hints, translation, editor, approved, machine, engine, via, note, direction"
)
_APPROVAL_MARKS = ", ".join("?" * len(_APPROVAL_COLUMNS.split(",")))
_STATUS_COLUMNS = "direction, source, status, editor, created, note"
_COMMENT_COLUMNS = "direction, source, text, editor, created"


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
    # Approvals the text rules refuse (``vet_approval``), by reason; approvals cleaned of bidi controls.
    refused: dict[str, int] = field(default_factory=dict)
    cleaned: int = 0
    statuses: int = 0  # status rows (draft, rejected) written, each once
    comments: int = 0  # comment rows written, each once

    def line(self, output: Path) -> str:
        conflicts = (
            f" ({self.conflicts} with another translation of the same key in a later input: "
            "the earlier input's kept)"
            if self.conflicts
            else ""
        )
        vetted = ""
        if self.refused:
            reasons = ", ".join(f"{n} {why}" for why, n in sorted(self.refused.items()))
            vetted += f"; left out {sum(self.refused.values())} approvals ({reasons})"
        if self.cleaned:
            vetted += f"; removed bidi control characters from {self.cleaned} approvals"
        return (
            f"tarjama memory merge: {self.inputs} memories → {output}: {self.segments} machine rows "
            f"of {self.segments_read} read{conflicts}, {self.approvals} approvals of {self.approvals_read} "
            f"read, {self.engines} engines"
            + (f", {self.statuses} statuses" if self.statuses else "")
            + (f", {self.comments} comments" if self.comments else "")
            + vetted
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
            statuses: list[list[tuple[Any, ...]]] = []
            comments: list[list[tuple[Any, ...]]] = []
            for path in inputs:
                # The reader holds the input open while it is attached: closing it last removes
                # the -wal/-shm files an attached WAL database gets, so the input is left as found.
                reader = TranslationMemory(path, readonly=True, check=False)
                try:
                    db.execute("ATTACH DATABASE ? AS src", (reader.read_uri,))
                    try:
                        approval_rows, status_rows, comment_rows = _merge_one(db, report)
                        approvals.append(approval_rows)
                        statuses.append(status_rows)
                        comments.append(comment_rows)
                    finally:
                        db.commit()
                        db.execute("DETACH DATABASE src")
                finally:
                    reader.close()
            seen: set[tuple[Any, ...]] = set()
            rows = []
            # Each input's approvals in its own order (id), inputs interleaved by approval time.
            for row in heapq.merge(*approvals, key=lambda r: r[6]):
                report.approvals_read += 1
                vetted = _vet_row(row, report)
                if vetted is not None and vetted not in seen:
                    seen.add(vetted)
                    rows.append(vetted)
            db.executemany(f"INSERT INTO approvals ({_APPROVAL_COLUMNS}) VALUES ({_APPROVAL_MARKS})", rows)
            report.approvals = len(rows)
            rows = _events(statuses, 4)
            db.executemany(f"INSERT INTO statuses ({_STATUS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", rows)
            report.statuses = len(rows)
            rows = _events(comments, 4)
            db.executemany(f"INSERT INTO comments ({_COMMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?)", rows)
            report.comments = len(rows)
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


def _vet_row(row: tuple[Any, ...], report: MergeReport) -> tuple[Any, ...] | None:
    """An approval row (``_APPROVAL_COLUMNS``) under ``vet_approval``; None when it is refused."""
    _glossary, key, source, _hints, translation, editor, approved = row[:7]
    direction = row[_APPROVAL_COLUMNS.replace(" ", "").split(",").index("direction")]
    try:
        clean, notes = vet_approval(Approval(key, source, str(translation), str(editor), approved,
                                             direction=str(direction)))
    except TarjamaError as exc:
        message = str(exc)
        why = ("in Arabic script" if "is in Arabic script" in message
               else "not in Arabic script" if "not in Arabic script" in message
               else "with a control character")
        report.refused[why] = report.refused.get(why, 0) + 1
        return None
    if not notes:
        return row
    report.cleaned += 1
    return (*row[:4], clean.translation, clean.editor, *row[6:])


def _events(inputs: list[list[tuple[Any, ...]]], when: int) -> list[tuple[Any, ...]]:
    """Rows of several inputs (each in its own order), interleaved by column ``when``, each row once."""
    seen: set[tuple[Any, ...]] = set()
    rows = []
    for row in heapq.merge(*inputs, key=lambda r: r[when]):
        if row not in seen:
            seen.add(row)
            rows.append(row)
    return rows


def _merge_one(
    db: sqlite3.Connection, report: MergeReport
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Copy the attached memory ``src`` into ``main``; return its approvals, statuses and comments
    (for ordering)."""
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
    approvals: list[tuple[Any, ...]] = []
    if "approvals" in tables:
        present = {row[1] for row in db.execute("PRAGMA src.table_info(approvals)")}
        # A schema 3 or older input has no direction: its approvals are Arabic into English.
        columns = _APPROVAL_COLUMNS.replace("direction", "direction" if "direction" in present else "'ar-en'")
        approvals = [tuple(r) for r in db.execute(f"SELECT {columns} FROM src.approvals ORDER BY id")]
    statuses: list[tuple[Any, ...]] = []
    comments: list[tuple[Any, ...]] = []
    if "statuses" in tables:
        statuses = [tuple(r) for r in db.execute(f"SELECT {_STATUS_COLUMNS} FROM src.statuses ORDER BY id")]
    if "comments" in tables:
        comments = [tuple(r) for r in db.execute(f"SELECT {_COMMENT_COLUMNS} FROM src.comments ORDER BY id")]
    return approvals, statuses, comments


def _approval(row: Sequence[Any]) -> Approval:
    """An approval from the columns of ``TranslationMemory._approval_select``."""
    key, source, translation, editor, approved, machine, engine, via, note, hints, direction = row
    return Approval(
        key, source, translation, editor, approved, machine, json.loads(engine) if engine else None, via,
        note, tuple(tuple(h) for h in json.loads(hints)), direction,  # type: ignore[arg-type]
    )


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _code(exc: BaseException) -> int | None:
    """SQLite's primary result code of an error (``SQLITE_FULL``, …), None when not SQLite's."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _chunks(keys: list[str], size: int = 500) -> Iterable[list[str]]:
    # Stay well below SQLite's limit on bound parameters.
    for start in range(0, len(keys), size):
        yield keys[start : start + size]
