"""Schema 4 of the translation memory: approval directions, statuses and comments, migrated in
place, kept through ``memory merge`` and TMX; names learned from approvals (``tarjama glossary
suggest``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.memory.learn import english_names, sound_alike, suggest_terms
from tarjama.memory.store import (
    SCHEMA_VERSION,
    Approval,
    Comment,
    Status,
    TranslationMemory,
    merge_memories,
)
from tarjama.memory.tmx import export_tmx, import_tmx
from tarjama.types import AR_EN, EN_AR, TranslationRequest

SOURCE = "وقال هيروشي ياماكاوا إن الوكالة مستعدة."


def approve(
    memory: TranslationMemory, source: str, text: str, when: float, direction=AR_EN
) -> TranslationRequest:
    request = TranslationRequest(source, direction=direction)
    memory.approve(request, Approval(request.key(), source, text, "amal", when))
    return request


def schema_3(path: Path) -> None:
    """A memory as schema 3 wrote it: approvals without a direction, no statuses or comments."""
    memory = TranslationMemory(path)
    approve(memory, SOURCE, "Hiroshi Yamakawa said the agency was ready.", 1.0)
    memory.close()
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE statuses")
        db.execute("DROP TABLE comments")
        db.execute("ALTER TABLE approvals DROP COLUMN direction")
        db.execute("UPDATE meta SET value = '3' WHERE name = 'schema'")


def test_a_schema_3_memory_is_used_read_only_and_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    schema_3(path)
    key = TranslationRequest(SOURCE).key()
    readonly = TranslationMemory(path, readonly=True)
    assert readonly.approved_many([key])[key].direction == "ar-en"
    assert readonly.statuses([SOURCE]) == {} and readonly.comments() == {}
    readonly.close()
    memory = TranslationMemory(path)
    assert memory.approved_many([key])[key].direction == "ar-en"
    memory.set_status(Status("ar-en", SOURCE, "rejected", "badr", 2.0))
    memory.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone() == (str(SCHEMA_VERSION),)
        assert db.execute("SELECT direction FROM approvals").fetchall() == [("ar-en",)]


def test_a_later_status_withdraws_an_approval_and_a_later_approval_restores_it(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite")
    request = approve(memory, SOURCE, "first", 1.0)
    key = request.key()
    memory.set_status(Status("ar-en", SOURCE, "rejected", "badr", 2.0, "wrong name"))
    assert memory.approved_many([key]) == {} and memory.standing_approvals() == []
    assert memory.statuses([SOURCE])[SOURCE].note == "wrong name"
    approve(memory, SOURCE, "second", 3.0)
    assert memory.approved_many([key])[key].translation == "second"
    memory.set_status(Status("ar-en", SOURCE, "draft", "badr", 4.0))
    assert memory.approved_many([key]) == {}
    with pytest.raises(Exception, match="unknown status"):
        memory.set_status(Status("ar-en", SOURCE, "maybe", "badr", 5.0))
    memory.close()


def test_comments_the_latest_wins_and_an_empty_one_clears(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite")
    memory.comment(Comment("ar-en", SOURCE, "check the name", "amal", 1.0))
    memory.comment(Comment("ar-en", SOURCE, "the name is right", "badr", 2.0))
    assert memory.comments([SOURCE])[SOURCE].text == "the name is right"
    memory.comment(Comment("ar-en", SOURCE, "", "badr", 3.0))
    assert memory.comments() == {} and len(memory.comment_rows()) == 3
    memory.close()


def reviewed(path: Path) -> None:
    memory = TranslationMemory(path)
    approve(memory, SOURCE, "Hiroshi Yamakawa said the agency was ready.", 1.0)
    approve(memory, "The agency is ready.", "الوكالة مستعدة.", 2.0, direction=EN_AR)
    memory.set_status(Status("ar-en", "جملة مرفوضة.", "rejected", "badr", 3.0))
    memory.comment(Comment("ar-en", SOURCE, "check the spelling of the name", "amal", 4.0))
    memory.close()


def test_merge_and_tmx_carry_directions_statuses_and_comments(tmp_path: Path) -> None:
    reviewed(tmp_path / "a.sqlite")
    report = merge_memories([tmp_path / "a.sqlite", tmp_path / "a.sqlite"], tmp_path / "merged.sqlite")
    assert (report.approvals, report.statuses, report.comments) == (2, 1, 1)
    tmx = tmp_path / "m.tmx"
    merged = TranslationMemory(tmp_path / "merged.sqlite", readonly=True)
    exported = export_tmx(merged, tmx)
    merged.close()
    assert (exported.human, exported.comments, exported.statuses) == (2, 1, 1)
    text = tmx.read_text(encoding="utf-8")
    assert "<note>comment by amal: check the spelling of the name</note>" in text
    assert 'x-tarjama-direction">en-ar<' in text
    copy = TranslationMemory(tmp_path / "copy.sqlite")
    imported = import_tmx(copy, tmx)
    assert imported.approvals_added == 2 and import_tmx(copy, tmx).approvals_added == 0  # idempotent
    rows = sorted((a.direction, a.source, a.translation, a.note) for _, a in copy.approval_rows())
    assert rows == [("ar-en", SOURCE, "Hiroshi Yamakawa said the agency was ready.", ""),
                    ("en-ar", "The agency is ready.", "الوكالة مستعدة.", "")]
    assert [c.text for c in copy.comment_rows()] == ["check the spelling of the name"]
    assert [(s.source, s.status) for s in copy.status_rows()] == [("جملة مرفوضة.", "rejected")]
    key = TranslationRequest("The agency is ready.", direction=EN_AR).key()
    assert copy.approved_many([key])[key].translation == "الوكالة مستعدة."
    copy.close()


# --- names learned from approvals ---------------------------------------------------------------

NAMED = [
    ("وقال هيروشي ياماكاوا إن الوكالة مستعدة.", "Hiroshi Yamakawa said the agency was ready."),
    ("وأكد هيروشي ياماكاوا أن العمل سيستمر.", "Hiroshi Yamakawa confirmed that the work would go on."),
    ("والتقى هيروشي ياماكاوا بوزير الصناعة.", "Hiroshi Yamakawa met the industry minister."),
    ("وقالت المحكمة العليا إنها ستنظر في القضية.", "The Supreme Court said it would hear the case."),
    ("ورفضت المحكمة العليا الطعن يوم الاثنين.", "The Supreme Court rejected the appeal on Monday."),
    ("وتنظر المحكمة العليا في ثلاث قضايا.", "The Supreme Court is hearing three cases."),
    ("وزار جوزيف أشباخر المركز.", "Josef Aschbacher visited the centre."),  # once: not enough
]


def approvals(pairs) -> list[Approval]:
    return [Approval(str(k), ar, en, "amal", float(k)) for k, (ar, en) in enumerate(pairs)]


def test_names_approved_the_same_way_in_several_sentences_are_proposed() -> None:
    found = {s.en: s for s in suggest_terms(approvals(NAMED))}
    assert set(found) == {"Hiroshi Yamakawa", "Supreme Court"}  # Aschbacher once; Monday is a day
    assert (found["Hiroshi Yamakawa"].ar, found["Hiroshi Yamakawa"].support) == ("هيروشي ياماكاوا", 3)
    assert found["Hiroshi Yamakawa"].kind == "person"
    assert (found["Supreme Court"].ar, found["Supreme Court"].kind) == ("المحكمة العليا", "organisation")
    # Two sentences alone cannot tell a translated name from its neighbours: not proposed.
    assert "Supreme Court" not in {s.en for s in suggest_terms(approvals(NAMED[3:5]))}
    assert english_names("The Supreme Court said on Monday that Ri Yong Ho's visit...") == [
        "Supreme Court", "Ri Yong Ho"]
    assert sound_alike("ياماكاوا", "Yamakawa") > 0.9 > 0.5 > sound_alike("الوكالة", "Yamakawa")


def test_what_the_glossary_has_is_not_proposed(tmp_path: Path) -> None:
    from tarjama.glossary import Glossary

    path = tmp_path / "g.tsv"
    path.write_text("ar\ten\tkind\tnote\nالمحكمة العليا\tSupreme Court\tbody\t\n", encoding="utf-8")
    assert [s.en for s in suggest_terms(approvals(NAMED), Glossary.load(path))] == ["Hiroshi Yamakawa"]


def test_glossary_suggest_writes_nothing_until_accepted_and_lints_first(tmp_path: Path, capsys) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite")
    for k, (ar, en) in enumerate(NAMED):
        approve(memory, ar, en, float(k))
    memory.close()
    glossary = tmp_path / "g.tsv"
    # Another spelling of the surname: a longer entry whose English lacks it would shadow it.
    glossary.write_text("ar\ten\tkind\tnote\nياماكاوا\tYamakava\tperson\t\n", encoding="utf-8")
    before = glossary.read_text(encoding="utf-8")
    args = ["glossary", "suggest", "--memory", str(tmp_path / "m.sqlite"), "--glossary", str(glossary)]
    assert main(args) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[2] for line in listing] == ["Hiroshi Yamakawa", "Supreme Court"]
    assert glossary.read_text(encoding="utf-8") == before
    assert main([*args, "--accept", "2"]) == 0
    added = "المحكمة العليا\tSupreme Court\torganisation\tapproved in 3 sentences\n"
    assert glossary.read_text(encoding="utf-8") == before + added
    # "هيروشي ياماكاوا → Hiroshi Yamakawa" would shadow "ياماكاوا → Yamakava": refused, nothing written.
    capsys.readouterr()
    assert main([*args, "--accept", "1"]) == 2
    error = capsys.readouterr().err
    assert "lint found 1 problem" in error and "shadowed" in error and error.count("\n") == 1
    assert glossary.read_text(encoding="utf-8") == before + added
