"""Splitting of over-long segments, shared by the sequence-to-sequence engines.

A segment longer than a model's input limit is never truncated silently: it is cut at the
safest boundary (clause punctuation, then before the conjunction و, then any space, and
characters only as a last resort), the pieces are translated separately and joined, and the
output carries a note saying so. The engines differ only in how they count tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from tarjama.engines.base import SegmentTranslation

# Where a long segment may be cut, best first: clause punctuation, then any space.
SAFE_BREAKS = (re.compile(r"(?<=[،؛:;,])\s+"), re.compile(r"\s+(?=و)"), re.compile(r"\s+"))


def split_to_fit(text: str, count: Callable[[str], int], limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` tokens (as ``count`` measures them)."""
    if count(text) <= limit or len(text) < 2:
        return [text]
    for pattern in SAFE_BREAKS:
        cuts = list(pattern.finditer(text))
        if not cuts:
            continue
        # Cut at the boundary closest to the middle so both halves shrink.
        mid = len(text) / 2
        best = min(cuts, key=lambda m: abs(m.start() - mid))
        left, right = text[: best.start()].strip(), text[best.end() :].strip()
        if left and right:
            return split_to_fit(left, count, limit) + split_to_fit(right, count, limit)
    # No boundary at all (one enormous token run): cut by characters as a last resort.
    half = len(text) // 2
    return split_to_fit(text[:half], count, limit) + split_to_fit(text[half:], count, limit)


def split_note(pieces: int, limit: int) -> str:
    """The note a split segment carries, identical for every engine."""
    return f"split into {pieces} pieces: longer than the model's limit of {limit} tokens"


def join_pieces(
    plans: Sequence[Sequence[str]], outputs: Sequence[str], limit: int, seconds: float
) -> list[SegmentTranslation]:
    """One ``SegmentTranslation`` per plan from the flat ``outputs`` of all its pieces.

    ``seconds`` is the wall time of the whole call; it is shared out per piece, since the
    pieces of one segment may have been translated in different batches.
    """
    total = sum(len(plan) for plan in plans)
    if len(outputs) != total:
        raise ValueError(f"{len(outputs)} outputs for {total} pieces")
    per_piece = seconds / max(1, total)
    results: list[SegmentTranslation] = []
    k = 0
    for plan in plans:
        parts = outputs[k : k + len(plan)]
        k += len(plan)
        notes = [split_note(len(plan), limit)] if len(plan) > 1 else []
        results.append(SegmentTranslation(" ".join(p.strip() for p in parts), notes, per_piece * len(plan)))
    return results
