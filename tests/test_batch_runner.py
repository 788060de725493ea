"""The batch runner and the translation memory with a scripted engine (no model, fast)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from tarjama.batch import BatchOptions, BatchRunner, TranslationMemory, discover, plan
from tarjama.engines.base import Engine, SegmentDone
from tarjama.glossary import Glossary
from tarjama.translate.executor import LocalExecutor
from tarjama.translate.run import Translator
from tarjama.translate.stages import Stages
from tarjama.types import EngineIdentity, SegmentTranslation, TranslationRequest


class Scripted(Engine):
    """Uppercases a transliteration-free 'translation': ``EN(<source>)``; can fail on a source."""

    name = "scripted"

    def __init__(self, fail_on: str | None = None, version: int = 1) -> None:
        self.fail_on = fail_on
        self.version = version
        self.batches: list[list[str]] = []

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("scripted", "rules", params={"version": self.version})

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        sources = [r.source for r in requests]
        if self.fail_on is not None and self.fail_on in sources:
            raise RuntimeError("cannot translate this")
        self.batches.append(sources)
        out = []
        for r in requests:
            # Honour term hints the way a good engine would, so enforcement finds the terms.
            terms = " ".join(h.target for h in r.hints)
            out.append(SegmentTranslation(f"EN({r.source}){' ' + terms if terms else ''}", seconds=0.01))
        return out


def run_batch(
    root: Path, out: Path, engine: Engine, glossary: Glossary | None = None, batch_size: int = 4
) -> tuple[object, list[dict]]:
    found = discover([str(root)], out)
    memory = TranslationMemory(out / ".memory.sqlite")
    try:
        translator = engine if isinstance(engine, Translator) else Translator(engine, glossary, checks=None)
        runner = BatchRunner(translator, memory, BatchOptions(out_dir=out, batch_size=batch_size))
        summary = runner.run(found.files, found.problems)
    finally:
        memory.close()
    records = [
        json.loads(line) for line in (out / "provenance.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return summary, [r for r in records if r["run"] == runner.options.run_id]


def write_docs(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "a.txt").write_text("جملة أولى. جملة ثانية.\n\nجملة ثالثة.\n", encoding="utf-8")
    (root / "b.txt").write_text("جملة رابعة.\n\nجملة أولى.\n", encoding="utf-8")  # repeats a sentence of a
    (root / "c.txt").write_text("جملة خامسة. جملة سادسة. جملة سابعة.\n", encoding="utf-8")


def test_segments_are_batched_across_documents_and_repeats_cost_nothing(tmp_path: Path) -> None:
    write_docs(tmp_path / "in")
    engine = Scripted()
    summary, records = run_batch(tmp_path / "in", tmp_path / "out", engine, batch_size=4)
    # 8 segments, 7 distinct: batches of 4 mix documents a, b and c.
    assert engine.batches == [
        ["جملة أولى.", "جملة ثانية.", "جملة ثالثة.", "جملة رابعة."],
        ["جملة خامسة.", "جملة سادسة.", "جملة سابعة."],
    ]
    assert (tmp_path / "out" / "b.en.txt").read_text(
        encoding="utf-8"
    ) == "EN(جملة رابعة.)\n\nEN(جملة أولى.)\n"
    assert summary.segments == 8 and summary.translated == 7 and summary.cache_hits == 1
    by_source = {Path(r["source"]).name: r for r in records}
    assert by_source["b.txt"]["translated"] == 1 and by_source["b.txt"]["cache_hits"] == 1
    assert all(r["status"] == "done" and r["engine"]["engine"] == "scripted" for r in records)


def test_rerun_is_all_cache_hits_and_another_engine_is_not_reused(tmp_path: Path) -> None:
    write_docs(tmp_path / "in")
    run_batch(tmp_path / "in", tmp_path / "out", Scripted())
    first = (tmp_path / "out" / "a.en.txt").read_text(encoding="utf-8")
    again = Scripted()
    summary, _ = run_batch(tmp_path / "in", tmp_path / "out", again)
    assert again.batches == [] and summary.translated == 0 and summary.cache_hits == 8
    assert (tmp_path / "out" / "a.en.txt").read_text(encoding="utf-8") == first
    other = Scripted(version=2)  # another identity: nothing may be reused
    summary, _ = run_batch(tmp_path / "in", tmp_path / "out", other)
    assert summary.translated == 7
    with sqlite3.connect(tmp_path / "out" / ".memory.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 14
        assert db.execute("SELECT COUNT(DISTINCT engine) FROM segments").fetchone()[0] == 2


def test_glossary_hints_enforcement_and_term_accuracy(tmp_path: Path) -> None:
    gloss = tmp_path / "g.tsv"
    gloss.write_text("ar\ten\tkind\tnote\ten_variants\nناسا\tNASA\torganisation\t\t\n", encoding="utf-8")
    glossary = Glossary.load(gloss)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "n.txt").write_text("أعلنت ناسا خطة. ثم سكتت.\n", encoding="utf-8")
    summary, records = run_batch(tmp_path / "in", tmp_path / "out", Scripted(), glossary)
    assert summary.terms_expected == 1 and summary.terms_found == 1
    assert records[0]["glossary"]["sha256"] == glossary.digest()
    assert records[0]["terms"] == {"expected": 1, "found": 1, "accuracy": 1.0}
    with sqlite3.connect(tmp_path / "out" / ".memory.sqlite") as db:
        hints = {json.loads(h)[0][1] for (h,) in db.execute("SELECT hints FROM segments WHERE hints != '[]'")}
        glossaries = {g for (g,) in db.execute("SELECT DISTINCT glossary FROM segments")}
    assert hints == {"NASA"} and glossaries == {glossary.digest()}


def test_a_segment_the_engine_fails_on_fails_only_its_document(tmp_path: Path) -> None:
    write_docs(tmp_path / "in")
    summary, records = run_batch(tmp_path / "in", tmp_path / "out", Scripted(fail_on="جملة سادسة."))
    assert summary.done == 2 and len(summary.failures) == 1
    reason = summary.failures[0].reason
    assert (
        "c.txt: paragraph 1: engine failed on 'جملة سادسة.' (RuntimeError: cannot translate this)" in reason
    )
    assert not (tmp_path / "out" / "c.en.txt").exists()
    assert (tmp_path / "out" / "a.en.txt").exists() and (tmp_path / "out" / "b.en.txt").exists()
    # The other segments of the failed batch were translated one by one and kept.
    with sqlite3.connect(tmp_path / "out" / ".memory.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 6
    assert [r["status"] for r in records if r["source"].endswith("c.txt")] == ["failed"]


def test_plan_counts_cached_segments_without_an_engine(tmp_path: Path) -> None:
    write_docs(tmp_path / "in")
    out = tmp_path / "out"
    options = BatchOptions(out_dir=out)
    items = discover([str(tmp_path / "in")], out).files
    # Without a memory nothing is cached; b repeats a sentence of a: a repeat, not "cached".
    plain = plan(items, options, None, None)
    assert [(e.segments, e.cached, e.repeats) for e in plain] == [(3, 0, 0), (2, 0, 1), (3, 0, 0)]
    run_batch(tmp_path / "in", out, Scripted())
    memory = TranslationMemory(out / ".memory.sqlite", readonly=True)
    memory.scope(Scripted().identity.to_dict(), None)
    again = plan(items, options, None, memory)
    assert [(e.segments, e.cached, e.repeats) for e in again] == [(3, 3, 0), (2, 1, 1), (3, 3, 0)]
    memory.close()


def test_batch_size_must_be_positive(tmp_path: Path) -> None:
    from tarjama.errors import TarjamaError

    memory = TranslationMemory(tmp_path / "m.sqlite")
    with pytest.raises(TarjamaError, match="--batch-size must be at least 1"):
        BatchRunner(Translator(Scripted(), checks=None), memory, BatchOptions(out_dir=tmp_path, batch_size=0))
    memory.close()


def test_a_file_that_is_not_a_memory_is_refused(tmp_path: Path) -> None:
    from tarjama.errors import TarjamaError

    bad = tmp_path / "m.sqlite"
    bad.write_text("not a database", encoding="utf-8")
    with pytest.raises(TarjamaError, match="damaged or not a database"):
        TranslationMemory(bad)


class LastFirst(LocalExecutor):
    """Hands a wave of three batches back last batch first, as a cluster's workers may."""

    name = "last-first"

    def wave(self, batch_size: int) -> int:
        return 3 * batch_size

    def translate(self, work, batch_size, **options):  # type: ignore[no-untyped-def]
        yield from reversed(list(super().translate(work, batch_size, **options)))


VOLATILE = ("run", "seconds", "engine_seconds", "finished", "runner", "workers", "output", "source")


def test_batches_merged_in_any_order_give_the_same_outputs_and_provenance(tmp_path: Path) -> None:
    write_docs(tmp_path / "in")
    (tmp_path / "in" / "d.txt").write_text("جملة ثامنة. جملة تاسعة.\n\nجملة خامسة.\n", encoding="utf-8")
    _, plain = run_batch(tmp_path / "in", tmp_path / "plain", Scripted(), batch_size=2)
    last_first = Translator(executor=LastFirst(Stages(Scripted())))
    _, shuffled = run_batch(tmp_path / "in", tmp_path / "shuffled", last_first, batch_size=2)
    for name in ("a", "b", "c", "d"):
        assert (tmp_path / "shuffled" / f"{name}.en.txt").read_bytes() == (
            tmp_path / "plain" / f"{name}.en.txt"
        ).read_bytes()

    def stable(records: list[dict]) -> dict[str, dict]:
        return {Path(r["source"]).name: {k: v for k, v in r.items() if k not in VOLATILE} for r in records}

    assert stable(shuffled) == stable(plain) and len(plain) == 4
    assert {r["runner"] for r in shuffled} == {"last-first"} and {r["runner"] for r in plain} == {"local"}
    # Every document that paid for a translation names the process that made it.
    assert all(r["workers"] for r in plain if r["translated"])
