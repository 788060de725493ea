"""Fuzzy suggestions for a sentence from earlier approvals (translation-memory "fuzzy matches").

Sources are compared on the glossary's normalised view of the Arabic (``tarjama.text.arabic.normalize``:
diacritics and tatweel removed, alef/yeh/teh marbuta variants folded), never on the text
itself, with rapidfuzz's ``fuzz.ratio`` (100 × normalised Indel similarity, as TM tools
report fuzzy matches). A suggestion needs at least ``THRESHOLD`` (75 %). Every approval of
every glossary counts, so an approval made before a glossary edit is still offered (at
100 % for the same sentence). The index is in memory, rebuilt at start and extended with each
approval.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from tarjama.text.arabic import normalize

THRESHOLD = 75.0
LIMIT = 5


@dataclass(frozen=True)
class Suggestion:
    source: str
    translation: str
    editor: str
    approved: float
    score: float  # 0–100

    def to_dict(self) -> dict[str, object]:
        return {"source": self.source, "translation": self.translation, "editor": self.editor,
                "approved": self.approved, "score": round(self.score, 1)}


class SuggestionIndex:
    """Approved (source, translation) pairs, latest approval of each pair kept."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._views: list[str] = []
        self._items: list[Suggestion] = []
        self._where: dict[tuple[str, str], int] = {}

    def add(self, source: str, translation: str, editor: str, approved: float) -> None:
        item = Suggestion(source, translation, editor, approved, 100.0)
        with self._lock:
            at = self._where.get((source, translation))
            if at is not None:
                if self._items[at].approved <= approved:
                    self._items[at] = item
                return
            self._where[(source, translation)] = len(self._items)
            self._items.append(item)
            self._views.append(normalize(source))

    def add_many(self, approvals: Iterable[tuple[str, str, str, float]]) -> None:
        for source, translation, editor, approved in approvals:
            self.add(source, translation, editor, approved)

    def __len__(self) -> int:
        return len(self._items)

    def suggest(self, source: str, *, exclude: str | None = None, limit: int = LIMIT) -> list[Suggestion]:
        """The best earlier approvals for ``source`` scoring ≥ THRESHOLD, best first.

        ``exclude`` drops suggestions whose translation is already the sentence's English.
        """
        with self._lock:
            views, items = list(self._views), list(self._items)
        if not views:
            return []
        found = process.extract(
            normalize(source), views, scorer=fuzz.ratio, score_cutoff=THRESHOLD, limit=limit + 8
        )
        out: list[Suggestion] = []
        seen: set[str] = set()
        for _view, score, k in sorted(found, key=lambda f: (-f[1], -items[f[2]].approved)):
            item = items[k]
            if item.translation == exclude or item.translation in seen:
                continue
            seen.add(item.translation)
            out.append(Suggestion(item.source, item.translation, item.editor, item.approved, float(score)))
            if len(out) == limit:
                break
        return out
