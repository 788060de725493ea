"""What keeps long inputs in bounded memory, checked by structure (timings and peaks are for
``scripts/bench_scale.py``): planning a batch (``--dry-run``, progress totals) keeps a key per
segment, not the segment's request, and looks keys up a chunk at a time with the same counts.
"""

from __future__ import annotations

import weakref
from pathlib import Path

import pytest

from tarjama.batch import runner
from tarjama.batch.job import BatchJob
from tarjama.document import requests
from tarjama.engines import ENGINES
from test_batch_cli import sentence

ORIGINAL = requests.iter_requests


def test_planning_holds_no_request_per_segment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    text = " ".join(sentence(i) for i in range(300))
    (tmp_path / "in" / "one.txt").write_text(text + "\n", encoding="utf-8")
    alive: list[int] = []

    def watched(*args, **kwargs):
        refs: list[weakref.ref] = []
        for prepared in ORIGINAL(*args, **kwargs):
            refs.append(weakref.ref(prepared))
            alive.append(sum(1 for r in refs if r() is not None))
            yield prepared

    monkeypatch.setattr(requests, "iter_requests", watched)  # what build_requests calls
    monkeypatch.setattr(runner, "iter_requests", watched)
    outcome = BatchJob([str(tmp_path / "in")], tmp_path / "out").dry_run()
    assert "300 segments" in outcome.lines[-1]
    assert len(alive) == 300 and max(alive) <= 2  # this one and, at most, the one before


def test_planning_a_chunk_at_a_time_counts_as_planning_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(ENGINES, "scripted", "test_batch_runner:Scripted")
    (tmp_path / "in").mkdir()
    def write(name: str, numbers: list[int]) -> None:
        (tmp_path / "in" / name).write_text(" ".join(sentence(i) for i in numbers) + "\n", encoding="utf-8")

    write("a.txt", [0, 1, 2, 1, 3])
    out = tmp_path / "out"
    assert BatchJob([str(tmp_path / "in")], out, engine="scripted", progress=False).run().status == 0
    (tmp_path / "in" / "a.txt").unlink()
    write("b.txt", [2, 4, 4, 5, 0, 6])  # in the memory, repeated within the document, new
    write("c.txt", [1, 7, 6])  # in the memory, new, repeated from the document before
    job = BatchJob([str(tmp_path / "in")], out, engine="scripted")
    whole = job.dry_run().lines
    assert "(6 segments, 2 cached, 1 repeats)" in whole[0] and "(3 segments, 1 cached, 1 repeats)" in whole[1]
    monkeypatch.setattr(runner, "PLAN_CHUNK", 2)
    assert job.dry_run().lines == whole


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_corpus_score_read_a_chunk_at_a_time_equals_sacrebleus(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sacrebleu.metrics.base import Metric as SacreBLEUMetric

    from tarjama.metrics import base, translation_metrics

    words = ["space", "agency", "signed", "Japan", "the", "a", "moon", "on", "Tuesday", "deal"]
    if language == "ar":
        words = ["الفضاء", "وكالة", "وقعت", "اليابان", "مع", "في", "القمر", "يوم", "الثلاثاء", "اتفاق"]
    hyps = [" ".join(words[(i * k) % 10] for k in range(3 + i % 5)) for i in range(11)]
    refs = [[" ".join(words[(i + k) % 10] for k in range(4 + i % 3)) for i in range(11)],
            [" ".join(words[(2 * i + k) % 10] for k in range(5)) for i in range(11)]]
    whole = [m.corpus(hyps, refs) for m in translation_metrics(language, normalize=language == "ar")]
    cached: list[int] = []
    original = SacreBLEUMetric._cache_references

    def counted(self, references):
        cached.append(len(references[0]))
        return original(self, references)

    monkeypatch.setattr(SacreBLEUMetric, "_cache_references", counted)
    monkeypatch.setattr(base, "CORPUS_CHUNK", 3)
    chunked = [m.corpus(hyps, refs) for m in translation_metrics(language, normalize=language == "ar")]
    assert chunked == whole  # score, signature and sacrebleu's detail alike
    assert cached and max(cached) == 3  # never more than a chunk of references tabled at once


def test_a_document_run_keeps_one_key_per_segment_and_one_place_per_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tarjama.translate import run
    from test_batch_runner import Scripted

    class Silent:
        def start(self, paragraphs, resumed):
            pass

        def done(self, segment):
            pass

        def finish(self):
            pass

    text = " ".join(sentence(i) for i in range(40)) + "\n"
    translator = run.Translator(Scripted())
    keyed = []
    original_key = run.Translator.key
    monkeypatch.setattr(run.Translator, "key", lambda self, r: keyed.append(1) or original_key(self, r))
    places: list[dict] = []
    original_finish = run._Flow._finish

    def finish(self, state):
        places.append(dict(self.places))
        return original_finish(self, state)

    monkeypatch.setattr(run._Flow, "_finish", finish)
    plain = translator.translate(text)
    assert len(keyed) == 40  # without a progress display, no second key per segment for it
    assert len(places) == 1 and len(places[0]) == 1  # 40 segments, one (node, process) tuple shared
    keyed.clear()
    shown = translator.translate_document(run.parse_text(text), progress=Silent())
    assert len(keyed) == 80  # with one, each segment's position is found by its key
    assert shown.text() == plain.text() and "EN(" in plain.text()
