"""A run is never silent for long: a log gets a 'still translating' line after its silence limit
while no sentence finishes, and nothing more once the run is finished (``translate.progress``)."""

from __future__ import annotations

import io
import time

from tarjama.translate.progress import LineProgress


def test_a_log_hears_from_a_run_whose_sentences_take_long_and_not_after_it() -> None:
    stream = io.StringIO()
    progress = LineProgress(stream, silence=0.2)
    progress.start([0, 0, 1], [])
    time.sleep(0.7)  # nothing finishes: the engine decodes every sentence side by side
    lines = stream.getvalue().splitlines()
    assert lines[0] == "tarjama: translating 3 sentences of 2 paragraphs"
    still = [line for line in lines if line.startswith("tarjama: still translating · 0/3 sentences")]
    assert 2 <= len(still) <= 4, lines
    progress.done(0)
    progress.done(1)
    assert "paragraph 1 done · 1/2 paragraphs · 2/3 sentences" in stream.getvalue()
    progress.done(2)
    progress.finish()
    after = stream.getvalue()
    time.sleep(0.5)
    assert stream.getvalue() == after  # finished: silent
