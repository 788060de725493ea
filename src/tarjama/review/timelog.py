"""The minutes an editor spent on each document, measured by the page and kept beside the memory.

The document page counts the seconds a sentence is being edited (its editor active, the tab
visible, a key or the mouse used in the last minute) and sends them with the approval. Each
approval appends one line to ``.tarjama-review.jsonl`` in the memory's folder, written
through to the operating system after the approval itself is committed to the memory (like
the memory's commits, it survives a killed process; a power cut may drop the last lines)::

    {"at": 1767000000.0, "document": "a/b.en.txt", "key": "…", "editor": "amal", "seconds": 41.5}

``document`` is the document's path relative to the log's folder, so the log survives a move
of the whole folder. The translation memory stays the record of *what* was approved; this
log only adds how long it took (the memory's schema has no place for it). A torn or foreign
line is skipped when read, and so is a line whose seconds are not a number from 0 to
``MAX_CLAIM`` (NaN, infinity: written by an older version). An approval claiming such seconds
is refused (``checked_seconds``); one claiming more than ``MAX_SECONDS`` counts for that.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import threading
import time
from collections import Counter
from pathlib import Path

from tarjama.errors import TarjamaError

LOG_NAME = ".tarjama-review.jsonl"
MAX_SECONDS = 3600.0  # one approval never counts for more than an hour
MAX_CLAIM = 86400.0  # more than a day on one sentence is not a measurement


def checked_seconds(seconds: object) -> float:
    """``seconds`` as a count of seconds (0 to ``MAX_CLAIM``), or one ``TarjamaError`` line."""
    try:
        value = float(seconds)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(seconds, bool) or not math.isfinite(value) or not 0.0 <= value <= MAX_CLAIM:
        raise TarjamaError(f"seconds must be a number from 0 to {MAX_CLAIM:.0f}, not {seconds!r}")
    return value


def _counted(seconds: object) -> float:
    """What a log line's seconds add: 0 to ``MAX_SECONDS``; a ValueError for nonsense."""
    try:
        value = checked_seconds(seconds)
    except TarjamaError as exc:
        raise ValueError(str(exc)) from None
    return min(value, MAX_SECONDS)


class TimeLog:
    def __init__(self, folder: Path) -> None:
        self.path = folder / LOG_NAME
        self.folder = folder
        self._lock = threading.Lock()
        self._seconds: Counter[str] = Counter()
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
                    record = json.loads(line)
                    self._seconds[str(record["document"])] += _counted(record["seconds"])

    def name(self, document: Path) -> str:
        """How the log names ``document``."""
        return Path(os.path.relpath(document, self.folder)).as_posix()

    def add(self, document: Path, key: str, editor: str, seconds: float) -> None:
        seconds = _counted(seconds)
        name = self.name(document)
        record = {"at": round(time.time(), 3), "document": name, "key": key, "editor": editor,
                  "seconds": round(seconds, 1)}
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(line)
            self._seconds[name] += seconds

    def seconds(self, document: Path) -> float:
        with self._lock:
            return self._seconds[self.name(document)]
