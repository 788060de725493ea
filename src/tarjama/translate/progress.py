"""Progress of a translation as it goes: a bar on a terminal, one line per paragraph otherwise.

The pipeline calls ``start`` with the paragraph of every segment (and the segments resumed
from a journal), ``done`` as each segment is translated, and ``finish`` at the end. Nothing
here changes what is translated; a run is never silent for minutes:

* ``BarProgress``: a tqdm bar on stderr with sentences done, the rate and an ETA;
* ``LineProgress``: a line when the work starts, then one per finished paragraph (for logs and
  pipes), e.g. ``tarjama: paragraph 3 done · 2/9 paragraphs · 8/20 sentences · 12.4 s``;
* ``for_stream`` picks one: the bar when the stream is a terminal, lines otherwise.

Both keep talking while nothing finishes (the embedded engine decodes a call's sentences side
by side, so the first may finish minutes after the start on a loaded machine): the bar is
redrawn every ``BAR_REFRESH`` seconds (its elapsed time moves), and a log gets a ``still
translating`` line after ``LINE_SILENCE`` seconds without one.
"""

from __future__ import annotations

import sys
import threading
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


# Seconds a log may stay without a line, and between two redraws of a terminal's bar.
LINE_SILENCE = 25.0
BAR_REFRESH = 5.0


class _Heartbeat:
    """Calls ``beat`` from a daemon thread whenever ``every`` seconds passed since ``touch``."""

    def __init__(self, every: float, beat: Any) -> None:
        self.every = every
        self.beat = beat
        self.last = time.perf_counter()
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tarjama-progress", daemon=True)
        self._thread.start()

    def touch(self) -> None:
        self.last = time.perf_counter()

    def _run(self) -> None:
        tick = min(1.0, self.every / 4)
        while not self._stop.wait(tick):
            with self.lock:
                if time.perf_counter() - self.last >= self.every:
                    self.beat()
                    self.touch()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


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
    """One line per finished paragraph on ``stream``, and one after ``silence`` seconds without."""

    def __init__(self, stream: TextIO | None = None, silence: float = LINE_SILENCE) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self.paragraphs_done = 0
        self.silence = silence
        self._heart: _Heartbeat | None = None

    def _still(self) -> None:
        elapsed = time.perf_counter() - self.started
        print(f"tarjama: still translating · {self.finished}/{self.total} sentences · {elapsed:.1f} s",
              file=self.stream, flush=True)

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
        if self._heart is None:
            self._heart = _Heartbeat(self.silence, self._still)
        self._heart.touch()

    def done(self, segment: int) -> None:
        heart = self._heart
        with heart.lock if heart is not None else threading.Lock():
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
                if heart is not None:
                    heart.touch()

    def finish(self) -> None:
        if self._heart is not None:
            self._heart.stop()
            self._heart = None


class BarProgress(_Counting):
    """A tqdm bar: sentences done, rate and ETA."""

    def __init__(self, stream: TextIO | None = None, refresh: float = BAR_REFRESH) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self._bar: Any = None
        self.refresh = refresh
        self._heart: _Heartbeat | None = None

    def start(self, paragraphs: Sequence[int], resumed: Sequence[int]) -> None:
        from tqdm import tqdm

        super().start(paragraphs, resumed)
        self._bar = tqdm(
            total=self.total, initial=self.finished, unit="sent", desc="translating", file=self.stream,
            leave=False, dynamic_ncols=True,
        )
        if self._heart is None:
            self._heart = _Heartbeat(self.refresh, self._redraw)

    def _redraw(self) -> None:
        if self._bar is not None:
            self._bar.refresh()  # the elapsed time moves even while no sentence finishes

    def done(self, segment: int) -> None:
        heart = self._heart
        with heart.lock if heart is not None else threading.Lock():
            self._count(segment)
            if self._bar is not None:
                self._bar.update(1)
            if heart is not None:
                heart.touch()

    def finish(self) -> None:
        if self._heart is not None:
            self._heart.stop()
            self._heart = None
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def for_stream(stream: TextIO | None = None, *, enabled: bool | None = None) -> Progress | None:
    """The bar on a terminal (or with ``enabled=True``), lines elsewhere, none with ``enabled=False``."""
    stream = stream or sys.stderr
    if enabled is False:
        return None
    return BarProgress(stream) if enabled or stream.isatty() else LineProgress(stream)
