"""Deterministic sharding: N machines, each given ``--shard K/N``, cover every document once.

A document belongs to shard ``sha256(relative path) mod N``. The relative path (the one the
output mirrors) is the same on every machine that sees the same input tree, unlike absolute
paths or listing order, and a hash spreads documents evenly whatever their names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TypeVar

from tarjama.errors import TarjamaError

T = TypeVar("T")
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` (1 ≤ K ≤ N) → (K, N)."""
    m = _SHARD.match(text)
    if not m:
        raise TarjamaError(f"--shard {text!r}: expected K/N, e.g. --shard 1/4 for the first of four machines")
    k, n = int(m.group(1)), int(m.group(2))
    if n < 1 or not 1 <= k <= n:
        raise TarjamaError(f"--shard {text!r}: K must be between 1 and N (N ≥ 1), e.g. 1/{max(n, 1)}")
    return k, n


def shard_index(relative: str, n: int) -> int:
    """0-based shard of a document, from its relative path with forward slashes."""
    digest = hashlib.sha256(relative.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n


def select_shard(items: Sequence[T], k: int, n: int, key: str = "relative") -> list[T]:
    """The items of shard ``k`` of ``n`` (1-based ``k``), in their original order."""
    return [item for item in items if shard_index(str(getattr(item, key)), n) == k - 1]
