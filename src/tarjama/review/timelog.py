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
line is skipped when read.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections import Counter
from pathlib import Path

LOG_NAME = ".tarjama-review.jsonl"
MAX_SECONDS = 3600.0  # one approval never counts for more than an hour


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
                    self._seconds[str(record["document"])] += float(record["seconds"])

    def name(self, document: Path) -> str:
        """How the log names ``document``."""
        return Path(os.path.relpath(document, self.folder)).as_posix()

    def add(self, document: Path, key: str, editor: str, seconds: float) -> None:
        seconds = min(max(float(seconds), 0.0), MAX_SECONDS)
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
