"""Pipeline stages with a scripted engine: reassembly, journal-based resume, notes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from tarjama.document.model import parse_text
from tarjama.engines.base import Engine, SegmentDone
from tarjama.translate.run import Translator
from tarjama.types import EngineIdentity, SegmentTranslation, TranslationRequest


class ScriptedEngine(Engine):
    """Translates by a fixed dictionary; can be told to crash after N segments."""

    name = "scripted"

    def __init__(self, table: dict[str, str], crash_after: int | None = None) -> None:
        self.table = table
        self.crash_after = crash_after
        self.calls: list[str] = []

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("scripted", "table", params={"n": len(self.table)})

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        out = []
        for r in requests:
            if self.crash_after is not None and len(self.calls) >= self.crash_after:
                raise RuntimeError("killed")
            self.calls.append(r.source)
            out.append(SegmentTranslation(self.table[r.source]))
        return out


TABLE = {"جاء أحمد.": "A.", "ذهب سعيد.": "B.", "من هنا؟": "C?", "نعم": "D"}
TEXT = "جاء أحمد. ذهب سعيد.\n\nمن هنا؟\n\n\nنعم\n"


def test_reassembles_in_order() -> None:
    result = Translator(ScriptedEngine(TABLE), checks=None).translate_document(parse_text(TEXT))
    assert result.text() == "A. B.\n\nC?\n\n\nD\n"
    records = list(result.records())
    assert [r["translation"] for r in records] == ["A. B.", "C?", "D"]
    assert records[0]["engine"]["engine"] == "scripted"


@pytest.mark.parametrize("reads_context", [True, False])
def test_context_is_previous_sentences_of_the_paragraph(reads_context: bool) -> None:
    # An engine that reads context gets the paragraph's earlier sentences; one that does not
    # gets none (no context string held per sentence for it).
    seen: list[TranslationRequest] = []

    class Spy(ScriptedEngine):
        uses_context = reads_context

        def translate(self, requests, *, done=None):
            seen.extend(requests)
            return super().translate(requests)

    Translator(Spy(TABLE), checks=None).translate_document(parse_text(TEXT))
    expected = ["", "جاء أحمد.", "", ""] if reads_context else ["", "", "", ""]
    assert [r.context for r in seen] == expected


def test_resume_translates_nothing_twice(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    crashing = ScriptedEngine(TABLE, crash_after=2)
    with pytest.raises(RuntimeError):
        Translator(crashing, checks=None, batch_size=1).translate_document(parse_text(TEXT), journal=journal)
    assert crashing.calls == ["جاء أحمد.", "ذهب سعيد."]
    second = ScriptedEngine(TABLE)
    translator = Translator(second, checks=None, batch_size=1)
    result = translator.translate_document(parse_text(TEXT), journal=journal)
    assert second.calls == ["من هنا؟", "نعم"]
    assert result.text() == "A. B.\n\nC?\n\n\nD\n"
    assert result.metadata()["resumed_sentences"] == 2


def test_journal_of_another_engine_is_not_reused(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    Translator(ScriptedEngine(TABLE), checks=None).translate_document(parse_text(TEXT), journal=journal)
    other = ScriptedEngine({**TABLE, "extra": "x"})  # different identity
    Translator(other, checks=None).translate_document(parse_text(TEXT), journal=journal)
    assert len(other.calls) == 4


def test_torn_journal_line_is_ignored(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    Translator(ScriptedEngine(TABLE), checks=None).translate_document(parse_text(TEXT), journal=journal)
    with open(journal, "a", encoding="utf-8") as fh:
        fh.write('{"scope": "x", "key": ')  # a write cut short by a crash
    again = ScriptedEngine(TABLE)
    Translator(again, checks=None).translate_document(parse_text(TEXT), journal=journal)
    assert again.calls == []


def test_a_sentence_repeated_in_a_document_is_translated_once_and_placed_everywhere() -> None:
    engine = ScriptedEngine(TABLE)
    result = Translator(engine, checks=None).translate_document(parse_text("نعم\n\nمن هنا؟\n\nنعم\n"))
    assert engine.calls == ["نعم", "من هنا؟"]
    assert result.text() == "D\n\nC?\n\nD\n"
    assert [s.cached for s in result.sentences()] == [False, False, True]  # the repeat cost nothing


def test_an_engine_for_another_direction_is_refused_before_any_work() -> None:
    from tarjama.errors import TarjamaError
    from tarjama.types import EN_AR

    engine = ScriptedEngine(TABLE)
    with pytest.raises(TarjamaError, match="translates ar-en, not en-ar"):
        Translator(engine, checks=None, direction=EN_AR)
    assert engine.calls == []
