"""SQLite translation memory: every finished segment, reusable by any later run.

A row is keyed by the engine (SHA-256 of ``engine.identity.to_dict()``, so another model,
revision or decoding setting never reuses it), the glossary (``Glossary.digest()``, or
``"none"``) and the segment (``TranslationRequest.key``: SHA-256 of its exact source text and
its term hints, plus its context for engines that read context). It keeps
the final translation after glossary enforcement, its notes and its term record, so a hit
is exactly what a fresh translation would have produced by that engine.

The runner commits after every engine batch. The database runs in WAL mode: a commit is one
append to the log, readers (a ``--dry-run``, another shard sharing the file) do not block
the writer, and a process killed at any point loses at most the batch in flight.
``synchronous=NORMAL`` is enough for that: it survives a killed process; only a power cut
can drop the last commits, and then those segments are simply translated again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tarjama.engines.base import TranslationRequest
from tarjama.errors import TarjamaError
from tarjama.record import TermOutcome

SCHEMA_VERSION = 1
NO_GLOSSARY = "none"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments (
    engine TEXT NOT NULL,        -- sha256 of the engine identity
    glossary TEXT NOT NULL,      -- Glossary.digest(), or 'none'
    key TEXT NOT NULL,           -- sha256 of source text + term hints
    source TEXT NOT NULL,
    hints TEXT NOT NULL,         -- JSON [[source, target, kind], ...]
    translation TEXT NOT NULL,
    notes TEXT NOT NULL,         -- JSON list of strings
    terms TEXT,                  -- JSON term record, NULL without glossary
    seconds REAL NOT NULL,
    created REAL NOT NULL,
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
"""


def engine_hash(identity: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def hints_of(request: TranslationRequest) -> list[list[str]]:
    return [[h.source, h.target, h.kind] for h in request.hints]


@dataclass
class MemoryEntry:
    translation: str
    notes: list[str] = field(default_factory=list)
    terms: TermOutcome | None = None
    seconds: float = 0.0


class TranslationMemory:
    """The memory file, opened for one engine scope at a time (see ``scope``)."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        try:
            if readonly:
                self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path, timeout=30)
                # WAL: cheap per-batch commits and readers that never block the writer.
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                self._db.commit()
            version = self._db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise TarjamaError(
                f"{path}: cannot use as a translation memory ({exc}); "
                "give another --memory or delete the file"
            ) from None
        if version is None or int(version[0]) != SCHEMA_VERSION:
            raise TarjamaError(
                f"{path}: translation memory schema {version and version[0]} is not {SCHEMA_VERSION}; "
                "give another --memory or delete the file"
            )
        self.engine = ""
        self.glossary = NO_GLOSSARY

    # -- scope ---------------------------------------------------------------------------

    def scope(self, identity: dict[str, Any], glossary_digest: str | None) -> None:
        """Use rows of this engine identity and glossary from now on (and record the identity)."""
        self.engine = engine_hash(identity)
        self.glossary = glossary_digest or NO_GLOSSARY
        if not self.readonly:
            self._db.execute(
                "INSERT OR IGNORE INTO engines VALUES (?, ?)",
                (self.engine, json.dumps(identity, sort_keys=True, ensure_ascii=False)),
            )
            self._db.commit()

    def remember_request(self, engine_arg: str, model_arg: str) -> None:
        """Note which identity this ``--engine``/``--model`` pair resolved to (for ``--dry-run``)."""
        self._db.execute(
            "INSERT OR REPLACE INTO requested VALUES (?, ?, ?, ?)",
            (engine_arg, model_arg, self.engine, time.time()),
        )
        self._db.commit()

    def scope_from_request(self, engine_arg: str, model_arg: str, glossary_digest: str | None) -> bool:
        """Scope to what this pair resolved to last time; False if it was never used."""
        row = self._db.execute(
            "SELECT engine FROM requested WHERE engine_arg = ? AND model_arg = ?", (engine_arg, model_arg)
        ).fetchone()
        if row is None:
            return False
        self.engine, self.glossary = row[0], glossary_digest or NO_GLOSSARY
        return True

    # -- rows ----------------------------------------------------------------------------

    def get_many(self, keys: Iterable[str]) -> dict[str, MemoryEntry]:
        """Entries for those of ``keys`` that are in the memory (current scope)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, MemoryEntry] = {}
        # Stay well below SQLite's limit on bound parameters.
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                # Only the '?' placeholders are formatted into the statement.
                f"SELECT key, translation, notes, terms, seconds FROM segments "
                f"WHERE engine = ? AND glossary = ? AND key IN ({marks})",
                (self.engine, self.glossary, *chunk),
            )
            for key, translation, notes, terms, seconds in rows:
                outcome = TermOutcome.from_dict(json.loads(terms)) if terms else None
                found[key] = MemoryEntry(translation, json.loads(notes), outcome, seconds)
        return found

    def put_many(self, items: Sequence[tuple[str, TranslationRequest, MemoryEntry]]) -> None:
        """Store finished segments and commit: after this returns they survive a kill."""
        now = time.time()
        self._db.executemany(
            "INSERT OR REPLACE INTO segments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    self.engine,
                    self.glossary,
                    key,
                    request.source,
                    json.dumps(hints_of(request), ensure_ascii=False),
                    entry.translation,
                    json.dumps(entry.notes, ensure_ascii=False),
                    None if entry.terms is None else json.dumps(entry.terms.to_dict(), ensure_ascii=False),
                    entry.seconds,
                    now,
                )
                for key, request, entry in items
            ],
        )
        self._db.commit()

    def count(self) -> int:
        """Rows in the current scope."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM segments WHERE engine = ? AND glossary = ?", (self.engine, self.glossary)
        ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
