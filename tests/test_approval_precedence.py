"""A human approval outranks every machine translation (issue 28's audit), tested through the
public API and the command line only, so that it holds whatever the run's internals become:

* a resumed ``translate`` never lets its journal replace an approval: a run is killed after
  two sentences, leaving their machine translations in its journal; a person then approves
  the first one; the resumed run gives the approved English, labelled ``origin: human``;
* a second ``batch`` with the *same* engine (whose machine rows for those sentences are in the
  memory) gives the approved English, not its own earlier machine text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from faults import LOG_ENV, logged
from tarjama import Translator
from tarjama.cli import main
from tarjama.engines.base import Engine, SegmentDone
from tarjama.memory.store import Approval, TranslationMemory
from tarjama.types import EngineIdentity, SegmentTranslation, TranslationRequest

TEXT = "جاء أحمد. ذهب سعيد.\n\nمن هنا؟\n"
TABLE = {"جاء أحمد.": "Ahmad came.", "ذهب سعيد.": "Said left.", "من هنا؟": "Who is here?"}


class Killed(Exception):
    pass


class Table(Engine):
    """Translates by a table; ``crash_after`` sentences it dies as a killed process would."""

    name = "table"

    def __init__(self, crash_after: int | None = None) -> None:
        self.crash_after = crash_after
        self.sources: list[str] = []

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("table", "fixed", params={"size": len(TABLE)})

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        out = []
        for r in requests:
            if self.crash_after is not None and len(self.sources) >= self.crash_after:
                raise Killed
            self.sources.append(r.source)
            out.append(SegmentTranslation(TABLE[r.source]))
        return out


def test_a_journal_hit_never_replaces_a_human_approval(tmp_path: Path) -> None:
    source = tmp_path / "a.ar.txt"
    source.write_text(TEXT, encoding="utf-8")
    output, journal = tmp_path / "a.en.txt", tmp_path / ".a.en.txt.tarjama-journal"
    memory = TranslationMemory(tmp_path / ".tarjama-memory.sqlite")
    try:
        with pytest.raises(Killed):
            Translator(Table(crash_after=2), batch_size=1, checks=None).translate_file(
                source, output, memory=memory)
        assert journal.is_file() and not output.exists()  # two machine sentences in the journal
        # Meanwhile an editor approves the first sentence.
        memory.scope(None, None)
        request = TranslationRequest("جاء أحمد.")
        memory.approve(request, Approval(request.key(), request.source, "Ahmad arrived.", "amal", 1.0,
                                         machine="Ahmad came."))
        engine = Table()
        result, _ = Translator(engine, batch_size=1, checks=None).translate_file(
            source, output, memory=memory)
    finally:
        memory.close()
    assert engine.sources == ["من هنا؟"]  # the journal and the memory answered the rest
    sentences = [s for p in (json.loads(line) for line in result.jsonl().splitlines())
                 for s in p["sentences"]]
    assert [(s["translation"], s.get("origin", "machine")) for s in sentences] == [
        ("Ahmad arrived.", "human"), ("Said left.", "machine"), ("Who is here?", "machine"),
    ]
    assert output.read_text(encoding="utf-8") == "Ahmad arrived. Said left.\n\nWho is here?\n"


def test_an_approval_outranks_the_same_engines_machine_row_in_the_next_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tarjama.engines import ENGINES

    monkeypatch.setitem(ENGINES, "fault", "faults:LoggingEngine")
    log = tmp_path / "engine.log"
    monkeypatch.setenv(LOG_ENV, str(log))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("جملة أولى. جملة ثانية.\n", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("جملة ثالثة.\n\nجملة أولى.\n", encoding="utf-8")
    argv = ["batch", str(tmp_path / "in"), "-O", str(tmp_path / "out"), "--engine", "fault", "--no-glossary",
            "--no-progress", "--no-checks"]
    assert main(argv) == 0
    assert sorted(logged(log)) == ["جملة أولى.", "جملة ثالثة.", "جملة ثانية."]
    memory = TranslationMemory(tmp_path / "out" / ".tarjama-memory.sqlite")
    memory.scope(None, None)
    request = TranslationRequest("جملة أولى.")
    memory.approve(request, Approval(request.key(), request.source, "The first sentence.", "amal", 1.0))
    memory.close()
    assert main(argv) == 0  # the same engine: its machine row of that sentence is in the memory too
    assert len(logged(log)) == 3  # nothing translated again
    out = tmp_path / "out"
    assert (out / "a.en.txt").read_text(encoding="utf-8") == "The first sentence. ⟦جملة ثانية.⟧\n"
    assert (out / "b.en.txt").read_text(encoding="utf-8") == "⟦جملة ثالثة.⟧\n\nThe first sentence.\n"
