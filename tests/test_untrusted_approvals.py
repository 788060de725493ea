"""Approvals from outside — the review server, another memory — are untrusted input (issue 29:
D5, D6, D7, D8, D21 and item 4). Requests go over real sockets to a real server."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from review_helpers import serving
from tarjama.memory.store import MEMORY_NAME, Approval, TranslationMemory, merge_memories
from tarjama.review.timelog import LOG_NAME, TimeLog
from tarjama.review.workspace import ReviewError, Workspace
from tarjama.types import TranslationRequest

RECORD = {"index": 0, "source": "جملة أولى.", "translation": "First.",
          "sentences": [{"index": 0, "source": "جملة أولى.", "translation": "First."}]}


def write_record(path: Path, translation: str = "First.") -> Path:
    record = json.loads(json.dumps(RECORD).replace("First.", translation))
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def approvals(folder: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(folder / MEMORY_NAME) as db:
        return db.execute("SELECT translation, editor FROM approvals ORDER BY id").fetchall()


def test_export_never_overwrites_another_document_of_the_same_review(tmp_path: Path) -> None:
    first = write_record(tmp_path / "a.jsonl")
    reviewed = write_record(tmp_path / "a.reviewed.jsonl", "KEEP ME")
    with serving([first, reviewed]) as (ws, _server, client):
        assert [d.name for d in ws.documents] == ["a.jsonl", "a.reviewed.jsonl"]
        reply = client.post("/api/doc/0/export")
        assert reply.status == 409, reply.text
        assert "document 1 (a.reviewed.jsonl)" in reply.json()["error"]
        assert client.post("/api/doc/1/export").status == 200  # a.reviewed.reviewed.jsonl: nobody's input
    assert "KEEP ME" in reviewed.read_text(encoding="utf-8")
    assert (tmp_path / "a.reviewed.reviewed.jsonl").is_file()


@pytest.mark.parametrize("seconds", ["NaN", "Infinity", "-Infinity", "-5", "1e308", "86401", "true", '"9"'])
def test_seconds_that_are_not_a_measurement_are_refused(tmp_path: Path, seconds: str) -> None:
    path = write_record(tmp_path / "a.en.jsonl")
    with serving([path]) as (_ws, _server, client):
        body = f'{{"sentence": 0, "translation": "First one.", "seconds": {seconds}}}'.encode()
        reply = client.request("POST", "/api/doc/0/approve", raw=body)
        assert reply.status in (400, 422), reply.text
        assert "error" in reply.json()
        assert client.get("/api/doc/0/report").status == 200
        ok = client.request("POST", "/api/doc/0/approve",
                            raw=b'{"sentence": 0, "translation": "First one.", "seconds": 4000}')
        assert ok.status == 200  # more than an hour counts as an hour
        assert client.get("/api/doc/0/report").json()["minutes"] == 60.0
    assert approvals(tmp_path) == [("First one.", "")]


def test_a_log_with_nan_written_by_an_older_version_still_gives_a_report(tmp_path: Path) -> None:
    path = write_record(tmp_path / "a.en.jsonl")
    lines = [{"at": 1.0, "document": "a.en.jsonl", "key": "k", "editor": "", "seconds": value}
             for value in (float("nan"), float("inf"), -3.0, 30.0)]
    (tmp_path / LOG_NAME).write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert TimeLog(tmp_path).seconds(path) == 30.0
    with serving([path]) as (_ws, _server, client):
        reply = client.get("/api/doc/0/report")
        assert reply.status == 200 and reply.json()["minutes"] == 0.5
        assert ">nan<" not in client.get("/").text


def test_a_deeply_nested_body_is_one_4xx_line(tmp_path: Path) -> None:
    path = write_record(tmp_path / "a.en.jsonl")
    with serving([path]) as (_ws, _server, client):
        reply = client.request("POST", "/api/doc/0/approve", raw=b"[" * 100_000 + b"]" * 100_000)
        assert reply.status == 400 and "nested too deeply" in reply.json()["error"]
        assert client.approve(0, 0, "First one.").status == 200  # the server is fine


@pytest.mark.parametrize("field", ["translation", "editor"])
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1c"])
def test_control_characters_are_refused_in_an_approval_and_a_name(
    tmp_path: Path, field: str, char: str
) -> None:
    path = write_record(tmp_path / "a.en.jsonl")
    with serving([path]) as (_ws, _server, client):
        body = {"sentence": 0, "translation": "First one.", "editor": "amal"}
        body[field] = f"Fir{char}st{char}."
        reply = client.post("/api/doc/0/approve", body)
        assert reply.status == 422, reply.text
        error = reply.json()["error"]
        assert f"U+{ord(char):04X}" in error and "control character" in error
    assert approvals(tmp_path) == []


def test_bidi_controls_are_removed_and_reported(tmp_path: Path) -> None:
    path = write_record(tmp_path / "a.en.jsonl")
    with serving([path]) as (_ws, _server, client):
        reply = client.approve(0, 0, "First\u202e one.", editor="\u202eevil")
        assert reply.status == 200, reply.text
        notes = reply.json()["notes"]
        assert any("U+202E" in n and "the English" in n for n in notes)
        assert any("U+202E" in n and "editor's name" in n for n in notes)
    assert approvals(tmp_path) == [("First one.", "evil")]


def test_english_in_arabic_script_is_never_a_human_approval(tmp_path: Path) -> None:
    path = write_record(tmp_path / "a.en.jsonl")
    with serving([path]) as (_ws, _server, client):
        reply = client.approve(0, 0, "جملة أولى.")  # the source copied into the target
        assert reply.status == 422 and "Arabic script" in reply.json()["error"]
        assert client.approve(0, 0, "The first sentence (جملة أولى).").status == 200  # a quoted word is fine
    assert approvals(tmp_path) == [("The first sentence (جملة أولى).", "")]


def test_the_workspace_applies_the_same_rules(tmp_path: Path) -> None:
    path = write_record(tmp_path / "a.en.jsonl")
    with Workspace.open([path]) as ws:
        for text, seconds in (("Fir\x00st.", 0.0), ("جملة أولى.", 0.0), ("First.", float("nan"))):
            with pytest.raises(ReviewError):
                ws.approve(0, 0, text, seconds=seconds)
        assert ws.approve(0, 0, "First\u200f.").notes


def test_the_token_url_never_redirects_off_site(tmp_path: Path) -> None:
    path = write_record(tmp_path / "a.en.jsonl")
    with serving([path]) as (_ws, server, client):
        token = server.access.token
        for given in ("//evil.com/x", "///evil.com/x", "/\\evil.com/x", "/\\/evil.com"):
            reply = client.get(f"{given}?token={token}", token=False)
            assert reply.status == 303
            location = reply.headers["Location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        reply = client.get(f"/doc/0?order=document&token={token}", token=False)
        assert reply.headers["Location"] == "/doc/0?order=document"


def test_memory_merge_applies_the_text_rules_to_approvals(tmp_path: Path) -> None:
    a = tmp_path / "a.sqlite"
    memory = TranslationMemory(a)
    memory.scope(None, None)
    rows = ((1, "Good one.", "amal"), (2, "Bad\x07 one.", "amal"), (3, "جملة رقم 3.", "bob"),
            (4, "Fine\u202e one.", "\u202ebob"))
    for n, english, editor in rows:
        request = TranslationRequest(f"جملة رقم {n}.")
        # Written as another tool (or an older tarjama) would: straight into the table.
        memory._db.execute(
            "INSERT INTO approvals (glossary, key, source, hints, translation, editor, approved, via) "
            "VALUES ('none', ?, ?, '[]', ?, ?, ?, 'tmx')",
            (request.key(), request.source, english, editor, n),
        )
    memory._db.commit()
    memory.close()
    report = merge_memories([a], tmp_path / "m.sqlite")
    assert report.approvals == 2 and report.refused == {"in Arabic script": 1, "with a control character": 1}
    assert report.cleaned == 1 and "left out 2 approvals" in report.line(tmp_path / "m.sqlite")
    with sqlite3.connect(tmp_path / "m.sqlite") as db:
        merged = db.execute("SELECT translation, editor FROM approvals ORDER BY approved").fetchall()
    assert merged == [("Good one.", "amal"), ("Fine one.", "bob")]


def test_a_run_after_review_writes_no_control_characters(tmp_path: Path) -> None:
    """The probe's D8: approve through the server, then translate: the English is clean."""
    path = write_record(tmp_path / "a.en.jsonl")
    with serving([path]) as (_ws, _server, client):
        assert client.approve(0, 0, "Fir\x00st\x07.").status == 422
        assert client.approve(0, 0, "First\u202e.").status == 200
    memory = TranslationMemory(tmp_path / MEMORY_NAME, readonly=True)
    memory.scope(None, None)
    found = memory.approved_many([TranslationRequest("جملة أولى.").key()])
    memory.close()
    assert [a.translation for a in found.values()] == ["First."]
    proc = subprocess.run([sys.executable, "-m", "tarjama", "memory", "export", "x.tmx"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "left out" not in proc.stderr, proc.stderr
    assert Approval  # the type the memory stores
