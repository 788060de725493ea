"""The memory's approvals most like a segment: examples for an engine, fuzzy matches for an editor.

One index (``MatchIndex``) over the memory's standing approvals
(``TranslationMemory.standing_approvals``: the latest approval of each source, none that a later
status withdrew), of one direction, compared on the normalised view of the source language
(``tarjama.text.arabic.normalize``: diacritics, tatweel and letter variants folded, Latin
letters lower-cased, whitespace runs made one space — for an English source that is case and
space folding). The texts themselves are never changed. It answers four questions:

* **examples** (``examples``), for adaptive translation: the up to ``EXAMPLES`` approvals whose
  sources share the most character 3-grams with the segment's (cosine of the two 3-gram sets,
  0–100), at least ``EXAMPLE_THRESHOLD``, least similar first (the closest sits next to the
  segment in a prompt). An approval whose source *is* the segment (the same view) is never its
  own example: an exact approval is used as it is, before any engine
  (``tarjama.translate.run``). Ties go to the smaller approval key, so the same memory gives
  the same examples in the same order whatever order its rows were written in.
  The 3-gram cosine finds approvals that share names and terms with the segment far better than
  an edit distance does: on ntrex-dev, 35 % of the reference names of a document's second half
  are in its three nearest first-half approvals by 3-gram cosine, 19 % by edit distance, out
  of the 38 % any first-half sentence of the same document holds (docs/benchmarks.md#adaptive).
* **the best fuzzy match** (``best``) and **matches** (``matches``), as a CAT tool shows them:
  the match percentage is 100 × the normalised Indel similarity of the two views (rapidfuzz
  ``fuzz.ratio``), at least ``MATCH_THRESHOLD`` (75 %, the bottom of the usual fuzzy band);
  100 is the same sentence (its approval may be of another glossary).
* **concordance** (``concordance``): approvals whose source or target holds a phrase (on the
  views), for an editor looking up how a name was translated before.

The index lives in memory; it is built once per run or review session (``of``) and grows with
each approval (``add``).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from tarjama.text.arabic import normalize
from tarjama.types import AR_EN, Direction, Example, Match

if TYPE_CHECKING:
    from tarjama.memory.store import Approval

# Approvals given to an engine as examples, and how similar (3-gram cosine, 0–100) each must be.
EXAMPLES = 3
EXAMPLE_THRESHOLD = 25.0
# The lowest fuzzy match a CAT tool shows (edit-distance percentage).
MATCH_THRESHOLD = 75.0
SIMILARITY = "char-3gram-cosine"  # what ``examples`` ranks by, as recorded in an engine identity


def view(text: str) -> str:
    """The normalised view sources are compared on (module docstring)."""
    return normalize(text)


def trigrams(text_view: str) -> frozenset[str]:
    """The character 3-grams of a view, padded with a space on each side."""
    padded = f" {text_view} "
    return frozenset(padded[i : i + 3] for i in range(max(1, len(padded) - 2)))


def cosine(a: frozenset[str], b: frozenset[str]) -> float:
    """100 × the cosine of two 3-gram sets."""
    if not a or not b:
        return 0.0
    return 100.0 * len(a & b) / math.sqrt(len(a) * len(b))


@dataclass(frozen=True)
class Entry:
    """One standing approval as the index holds it."""

    key: str
    source: str
    target: str
    editor: str
    approved: float
    glossary: str = ""


class MatchIndex:
    """Standing approvals of one direction (module docstring); safe to read from several threads."""

    def __init__(self, direction: Direction = AR_EN) -> None:
        self.direction = direction
        self._lock = threading.Lock()
        self._entries: list[Entry] = []
        self._views: list[str] = []
        self._grams: list[frozenset[str]] = []
        self._postings: dict[str, list[int]] = {}
        self._where: dict[str, int] = {}  # source -> entry (the latest approval of a source wins)

    @classmethod
    def of(cls, approvals: Iterable[Approval], direction: Direction = AR_EN) -> MatchIndex:
        """An index of ``approvals`` (``memory.store.Approval``s, oldest first) of ``direction``."""
        index = cls(direction)
        for a in approvals:
            index.add(a)
        return index

    def add(self, approval: Approval, glossary: str = "") -> None:
        """Index an approval (a later one of the same source replaces the earlier); other directions
        are left out."""
        if approval.direction != str(self.direction):
            return
        entry = Entry(approval.key, approval.source, approval.translation, approval.editor,
                      approval.approved, glossary)
        text_view = view(entry.source)
        if not text_view.strip():
            return
        with self._lock:
            at = self._where.get(entry.source)
            if at is not None:
                if self._entries[at].approved <= entry.approved:
                    self._entries[at] = entry
                return
            grams = trigrams(text_view)
            at = len(self._entries)
            self._where[entry.source] = at
            self._entries.append(entry)
            self._views.append(text_view)
            self._grams.append(grams)
            for g in grams:
                self._postings.setdefault(g, []).append(at)

    def withdraw(self, source: str) -> None:
        """Forget the approval of ``source`` (a status withdrew it)."""
        with self._lock:
            at = self._where.pop(source, None)
            if at is not None:
                self._views[at] = ""  # its postings stay; an empty view never matches
                self._grams[at] = frozenset()

    def __len__(self) -> int:
        return len(self._where)

    # -- examples -----------------------------------------------------------------------------

    def examples(
        self, source: str, *, limit: int = EXAMPLES, threshold: float = EXAMPLE_THRESHOLD
    ) -> tuple[Example, ...]:
        """The approvals to show an engine translating ``source`` (module docstring)."""
        if limit <= 0:
            return ()
        text_view = view(source)
        query = trigrams(text_view)
        with self._lock:
            overlap: Counter[int] = Counter()
            for g in query:
                for at in self._postings.get(g, ()):
                    overlap[at] += 1
            scored = []
            for at, shared in overlap.items():
                grams = self._grams[at]
                if not grams or self._views[at] == text_view:
                    continue  # withdrawn, or the segment itself
                score = 100.0 * shared / math.sqrt(len(query) * len(grams))
                if score >= threshold:
                    scored.append((score, self._entries[at]))
        best = sorted(scored, key=lambda s: (-s[0], s[1].key))[:limit]
        return tuple(Example(e.source, e.target, round(score, 1), e.key) for score, e in reversed(best))

    # -- fuzzy matches --------------------------------------------------------------------------

    def matches(
        self, source: str, *, limit: int = 5, threshold: float = MATCH_THRESHOLD, exclude: str | None = None
    ) -> list[Match]:
        """The approvals most like ``source`` by match percentage, best first (ties: the latest
        approval first); ``exclude`` leaves out matches whose target is that text."""
        with self._lock:
            views, entries = list(self._views), list(self._entries)
        if not views:
            return []
        found = process.extract(view(source), views, scorer=fuzz.ratio, score_cutoff=threshold,
                                limit=limit + 8)
        out: list[Match] = []
        seen: set[str] = set()
        ranked = sorted(found, key=lambda f: (-f[1], -entries[f[2]].approved, entries[f[2]].key))
        for _view, score, at in ranked:
            if not views[at]:
                continue
            e = entries[at]
            if e.target == exclude or e.target in seen:
                continue
            seen.add(e.target)
            out.append(Match(round(float(score), 1), e.source, e.target, e.key, e.editor, e.approved))
            if len(out) == limit:
                break
        return out

    def best(self, source: str, *, threshold: float = MATCH_THRESHOLD) -> Match | None:
        """The best fuzzy match of ``source`` (None below ``threshold``)."""
        found = self.matches(source, limit=1, threshold=threshold)
        return found[0] if found else None

    # -- concordance ----------------------------------------------------------------------------

    def concordance(self, phrase: str, *, limit: int = 50) -> list[Entry]:
        """Approvals whose source or target holds ``phrase`` (compared on views), latest first."""
        needle = view(phrase).strip()
        if not needle:
            return []
        with self._lock:
            pairs = list(zip(self._entries, self._views, strict=True))
        found = [e for e, v in pairs if v and (needle in v or needle in view(e.target))]
        return sorted(found, key=lambda e: (-e.approved, e.key))[:limit]


def describe_examples(examples: Sequence[Example]) -> str:
    """The note of an adapted segment: which approvals it was shown, by key and similarity."""
    used = ", ".join(f"{e.ref[:12]} ({e.score:.0f} %)" for e in reversed(examples))
    plural = "s" if len(examples) != 1 else ""
    return f"adapted: {len(examples)} approved example{plural} from the memory: {used}"
