"""Progress of a translation as it goes: a bar on a terminal, one line per paragraph otherwise.

The pipeline calls ``start`` with the paragraph of every segment (and the segments resumed
from a journal), ``done`` as each segment is translated, and ``finish`` at the end. Nothing
here changes what is translated; a run is never silent for minutes:

* ``BarProgress``: a tqdm bar on stderr with sentences done, the rate and an ETA;
* ``LineProgress``: a line when the work starts, then one per finished paragraph (for logs and
  pipes), e.g. ``tarjama: paragraph 3 done · 2/9 paragraphs · 8/20 sentences · 12.4 s``;
* ``for_stream`` picks one: the bar when the stream is a terminal, lines otherwise.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol, TextIO


class Progress(Protocol):
    def start(self, paragraphs: Sequence[int], resumed: Sequence[int]) -> None:
        """``paragraphs[k]``: the paragraph of segment ``k``; ``resumed``: segments already done."""

    def done(self, segment: int) -> None:
        """Segment ``segment`` is translated."""

    def finish(self) -> None: ...


class _Counting:
    """Shared bookkeeping: sentences left per paragraph."""

    def __init__(self) -> None:
        self.paragraph_of: list[int] = []
        self.left: Counter[int] = Counter()
        self.total = 0
        self.finished = 0
        self.started = time.perf_counter()

    def start(self, paragraphs: Sequence[int], resumed: Sequence[int]) -> None:
        self.paragraph_of = list(paragraphs)
        self.left = Counter(self.paragraph_of)
        self.total = len(self.paragraph_of)
        self.paragraphs = len(self.left)
        self.started = time.perf_counter()
        for k in resumed:
            self._count(k)

    def _count(self, segment: int) -> bool:
        """Count a finished segment; True when it completed its paragraph."""
        self.finished += 1
        para = self.paragraph_of[segment]
        self.left[para] -= 1
        return self.left[para] == 0


class LineProgress(_Counting):
    """One line per finished paragraph on ``stream``."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self.paragraphs_done = 0

    def start(self, paragraphs: Sequence[int], resumed: Sequence[int]) -> None:
        super().start(paragraphs, resumed)
        self.paragraphs_done = sum(1 for left in self.left.values() if left == 0)
        todo = self.total - self.finished
        print(
            f"tarjama: translating {todo} sentences of {self.paragraphs} paragraphs"
            + (f" ({self.finished} resumed)" if self.finished else ""),
            file=self.stream,
            flush=True,
        )

    def done(self, segment: int) -> None:
        if self._count(segment):
            self.paragraphs_done += 1
            elapsed = time.perf_counter() - self.started
            print(
                f"tarjama: paragraph {self.paragraph_of[segment] + 1} done · "
                f"{self.paragraphs_done}/{self.paragraphs} paragraphs · "
                f"{self.finished}/{self.total} sentences · {elapsed:.1f} s",
                file=self.stream,
                flush=True,
            )

    def finish(self) -> None:
        pass


class BarProgress(_Counting):
    """A tqdm bar: sentences done, rate and ETA."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self._bar: Any = None

    def start(self, paragraphs: Sequence[int], resumed: Sequence[int]) -> None:
        from tqdm import tqdm

        super().start(paragraphs, resumed)
        self._bar = tqdm(
            total=self.total, initial=self.finished, unit="sent", desc="translating", file=self.stream,
            leave=False, dynamic_ncols=True,
        )

    def done(self, segment: int) -> None:
        self._count(segment)
        if self._bar is not None:
            self._bar.update(1)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def for_stream(stream: TextIO | None = None, *, enabled: bool | None = None) -> Progress | None:
    """The bar on a terminal (or with ``enabled=True``), lines elsewhere, none with ``enabled=False``."""
    stream = stream or sys.stderr
    if enabled is False:
        return None
    return BarProgress(stream) if enabled or stream.isatty() else LineProgress(stream)
