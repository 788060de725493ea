"""The review workbench's session (tarjama.review.workspace): documents, approvals, glossary, export.

Driven directly, without a web server (the HTTP side is in test_review_server.py, the real
browser in test_review_browser.py). Documents are made with a scripted engine through the
same pipeline and batch runner the commands use.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from review_helpers import ARTICLE, Parrot, jsonl_with_findings, translate, write_glossary
from tarjama.batch import BatchOptions, BatchRunner, discover
from tarjama.cli import main
from tarjama.document.model import read_document
from tarjama.glossary import Glossary
from tarjama.memory.store import MEMORY_NAME, SCHEMA_VERSION, TranslationMemory
from tarjama.metrics.hter import HTER
from tarjama.review.workspace import ReviewError, Workspace
from tarjama.text.arabic import normalize
from tarjama.translate.run import Translator

MD = "# عنوان عن المريخ\n\nفقرة أولى عن `code` وكالة الفضاء الأوروبية. جملة ثانية.\n"
JSONL = '{"id": 1, "text": "خبر عن القمر.", "lang": "ar"}\n{"id": 2, "text": "خبر عن جاكسا. وجملة أخرى."}\n'
TSV = "id\ttext\tnote\n1\tسطر عن المريخ.\tx\n\n2\tسطر ثان.\ty\n"


def run_batch(inputs: Path, out: Path, glossary: Path | None, engine: Parrot | None = None) -> None:
    found = discover([str(inputs)], out)
    memory = TranslationMemory(out / MEMORY_NAME)
    try:
        gloss = Glossary.load(glossary) if glossary else None
        options = BatchOptions(out_dir=out, batch_size=3)
        BatchRunner(Translator(engine or Parrot(), gloss, checks=None), memory, options).run(found.files)
    finally:
        memory.close()


def batch_folder(tmp_path: Path, engine: Parrot | None = None) -> tuple[Path, Path, Path]:
    """A batch over txt, md, jsonl and tsv inputs; returns (inputs, out, glossary)."""
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "a.ar.txt").write_text(ARTICLE, encoding="utf-8")
    (inputs / "sub" / "b.md").write_text(MD, encoding="utf-8")
    (inputs / "c.jsonl").write_text(JSONL, encoding="utf-8")
    (inputs / "d.tsv").write_text(TSV, encoding="utf-8")
    glossary = write_glossary(tmp_path)
    out = tmp_path / "out"
    run_batch(inputs, out, glossary, engine)
    return inputs, out, glossary


def by_name(ws: Workspace, name: str) -> int:
    return next(d.number for d in ws.documents if d.name == name)


# --- opening documents -------------------------------------------------------------------------


def test_a_translate_jsonl_shows_every_sentence_with_terms_findings_and_confidence(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with Workspace.open([path], glossary=glossary) as ws:
        snap = ws.snapshot(0)
        assert (snap.info.stats.sentences, snap.info.stats.review, snap.info.stats.approved) == (5, 1, 0)
        first = snap.views[0]  # the flagged sentence comes first in the needs-review queue
        assert (first.label, first.status, first.reasons) == ("¶1.2", "review", ("flagged by the checks",))
        assert [f.check for f in first.findings] == ["numbers", "length"]
        assert first.confidence is not None and first.confidence.min == -4.2
        assert [v.label for v in snap.views[1:]] == ["¶1.1", "¶2.1", "¶2.2", "¶3.1"]
        ordered = ws.snapshot(0, order="document")
        assert [v.label for v in ordered.views] == ["¶1.1", "¶1.2", "¶2.1", "¶2.2", "¶3.1"]
        one = ordered.views[0]
        assert one.text.startswith("EN[وقعت") and one.machine == one.text
        # glossary terms in both languages, at the right places
        assert [(one.source[m.start:m.end], m.term) for m in one.source_marks] == [
            ("وكالة الفضاء الأوروبية", "European Space Agency"), ("جاكسا", "JAXA")]
        assert [one.text[m.start:m.end] for m in one.target_marks] == ["European Space Agency", "JAXA"]
        assert one.missing == ()


def test_a_missing_glossary_term_puts_a_sentence_in_the_queue(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path, forget=["أعلنت جاكسا عن مهمة جديدة إلى القمر."])
    with Workspace.open([path], glossary=glossary) as ws:
        views = {v.label: v for v in ws.snapshot(0).views}
        assert views["¶2.1"].status == "review" and views["¶2.1"].missing == ("JAXA", "Moon")
        assert [m.missed for m in views["¶2.1"].source_marks] == [True, True]


def test_a_batch_folder_is_rebuilt_from_its_sources_and_memory_in_every_format(tmp_path: Path) -> None:
    _, out, glossary = batch_folder(tmp_path)
    with Workspace.open([out], glossary=glossary) as ws:
        names = [d.name for d in ws.documents]
        assert names == ["a.en.txt", "c.en.jsonl", "d.en.tsv", "sub/b.en.md"]
        md = ws.snapshot(by_name(ws, "sub/b.en.md"), order="document").views
        # Markdown markup is not a sentence; inline code is a placeholder inside its sentence, as
        # batch sent it to the engine (and as a CAT tool shows a tag).
        assert [v.source for v in md] == ["عنوان عن المريخ", "فقرة أولى عن <x1/> وكالة الفضاء الأوروبية.",
                                          "جملة ثانية."]
        assert all(v.machine and v.machine.startswith("EN[") for v in md)
        rows = ws.snapshot(by_name(ws, "c.en.jsonl"), order="document").views
        assert [v.label for v in rows] == ["line 1 ¶1.1", "line 2 ¶1.1", "line 2 ¶1.2"]
        tsv = ws.snapshot(by_name(ws, "d.en.tsv"), order="document").views
        assert [v.label for v in tsv] == ["line 2 ¶1.1", "line 4 ¶1.1"]
        for number in range(len(ws.documents)):  # the export with nothing approved is batch's own output
            doc = ws.documents[number]
            assert ws.reviewed_text(number) == doc.output.read_text(encoding="utf-8"), doc.name


def test_machine_translations_are_found_after_the_glossary_changed_since_the_batch(tmp_path: Path) -> None:
    _, out, glossary = batch_folder(tmp_path)
    with glossary.open("a", encoding="utf-8") as fh:  # new hints for some sentences: new keys
        fh.write("الفريق\tthe team\tconcept\t\t\n")
    with Workspace.open([out], glossary=glossary) as ws:
        views = ws.snapshot(by_name(ws, "a.en.txt"), order="document").views
        team = next(v for v in views if "الفريق" in v.source)
        assert team.machine is not None and team.machine.startswith("EN[وسيدرس")
        assert all(v.machine for v in views)


# --- approvals --------------------------------------------------------------------------------


def test_an_approval_is_committed_at_once_and_outranks_the_machine_in_the_next_batch(tmp_path: Path) -> None:
    inputs, out, glossary = batch_folder(tmp_path)
    with Workspace.open([out], glossary=glossary) as ws:
        doc = by_name(ws, "a.en.txt")
        target = next(v for v in ws.snapshot(doc, order="document").views if v.source.startswith("أعلنت"))
        done = ws.approve(doc, target.number, "  JAXA announced a new\nmission to the Moon. ", editor="amal",
                          seconds=42)
        assert (done.view.status, done.view.text) == ("approved", "JAXA announced a new mission to the Moon.")
        # committed before approve() returned: another connection sees it now
        with sqlite3.connect(out / MEMORY_NAME) as db:
            rows = db.execute("SELECT translation, editor, machine, via FROM approvals").fetchall()
        assert rows == [("JAXA announced a new mission to the Moon.", "amal", target.machine, "review")]
        exported = ws.export(doc)
        assert exported.name == "a.en.reviewed.txt"
        reviewed = exported.path.read_text(encoding="utf-8")
    assert "JAXA announced a new mission to the Moon. EN[وقال" in reviewed
    engine = Parrot()
    run_batch(inputs, out, glossary, engine)  # a later batch: the approval, not the engine
    assert (out / "a.en.txt").read_text(encoding="utf-8") == reviewed
    assert not any("أعلنت" in s for call in engine.calls for s in call)


def test_exports_in_every_format_equal_what_the_next_batch_writes(tmp_path: Path) -> None:
    inputs, out, glossary = batch_folder(tmp_path)
    exported = {}
    with Workspace.open([out], glossary=glossary) as ws:
        for doc in ws.documents:
            first = ws.snapshot(doc.number, order="document").views[0]
            ws.approve(doc.number, first.number, f"Approved <{doc.format}> | one\ttwo")
            exported[doc.name] = ws.export(doc.number).path.read_text(encoding="utf-8")
    run_batch(inputs, out, glossary)
    for name, text in exported.items():
        assert (out / name).read_text(encoding="utf-8") == text, name
    assert json.loads(exported["c.en.jsonl"].splitlines()[0]) == {
        "id": 1, "text": "Approved <jsonl> | one two", "lang": "ar"}
    assert exported["d.en.tsv"].splitlines()[1] == "1\tApproved <tsv> | one two\tx"


def test_an_approval_shows_in_every_document_of_the_memory_and_in_translate(tmp_path: Path) -> None:
    _, out, glossary = batch_folder(tmp_path)
    (tmp_path / "in" / "e.txt").write_text("خبر عن جاكسا.\n", encoding="utf-8")  # repeats c.jsonl line 2
    run_batch(tmp_path / "in", out, glossary)
    with Workspace.open([out], glossary=glossary) as ws:
        e = by_name(ws, "e.en.txt")
        ws.approve(e, 0, "News about JAXA.", editor="badr")
        c = ws.snapshot(by_name(ws, "c.en.jsonl"), order="document").views
        assert (c[1].text, c[1].status, c[1].editor) == ("News about JAXA.", "approved", "badr")
    # the library's translate takes it from the same memory, marked human
    memory = TranslationMemory(out / MEMORY_NAME, readonly=True)
    try:
        translator = Translator(Parrot(), Glossary.load(glossary), checks=None)
        doc = translator.translate_document(read_document(tmp_path / "in" / "e.txt"), memory=memory)
    finally:
        memory.close()
    (s,) = doc.sentences()
    assert (s.translation, s.origin) == ("News about JAXA.", "human")


def test_an_empty_approval_and_unknown_places_are_refused(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with Workspace.open([path], glossary=glossary) as ws:
        with pytest.raises(ReviewError, match="empty") as empty:
            ws.approve(0, 0, " \n ")
        assert empty.value.status == 422
        with pytest.raises(ReviewError) as nowhere:
            ws.approve(0, 99, "x")
        assert nowhere.value.status == 404
        with pytest.raises(ReviewError) as nodoc:
            ws.snapshot(3)
        assert nodoc.value.status == 404
    with sqlite3.connect(path.parent / MEMORY_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM approvals").fetchone()[0] == 0


def test_two_sessions_on_one_memory_see_each_others_approvals(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with Workspace.open([path], glossary=glossary) as a, Workspace.open([path], glossary=glossary) as b:
        seen = b.snapshot(0, order="document").views[2].text
        a.approve(0, 2, "First version.", editor="amal")
        assert b.snapshot(0, order="document").views[2].text == "First version."  # read on the next page
        done = b.approve(0, 2, "Second version.", editor="badr", base=seen)
        assert done.overrode is not None and done.overrode.editor == "amal"
        assert a.snapshot(0, order="document").views[2].text == "Second version."
    memory = TranslationMemory(path.parent / MEMORY_NAME, readonly=True)
    assert [x.editor for x in memory.approvals()] == ["amal", "badr"]  # history kept
    memory.close()


# --- report, suggestions, time --------------------------------------------------------------


def test_the_report_gives_hter_with_its_signature_edits_and_minutes(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    # An English machine translation to approve as it is (the parrot's own output is in Arabic script).
    parrot = "EN[وقعت وكالة الفضاء الأوروبية اتفاقا مع جاكسا.] European Space Agency JAXA"
    english = "The European Space Agency signed an agreement with JAXA."
    path.write_text(path.read_text(encoding="utf-8").replace(parrot, english), encoding="utf-8")
    with Workspace.open([path], glossary=glossary) as ws:
        views = ws.snapshot(0, order="document").views
        assert ws.report(0).hter is None
        ws.approve(0, 0, views[0].text, seconds=30)  # approved as it was
        ws.approve(0, 3, "The director said the work has begun.", seconds=90)
        report = ws.report(0)
        expected = HTER().post_edit([views[0].machine, views[3].machine],
                                    [views[0].text, "The director said the work has begun."])
        assert report.hter is not None and report.hter.score == pytest.approx(expected.score)
        assert report.hter.signature == expected.signature and "tok:tercom" in report.hter.signature
        assert (report.approved, report.edited, report.compared) == (2, 1, 2)
        assert report.minutes == pytest.approx(2.0)
    with Workspace.open([path], glossary=glossary) as again:  # the minutes are kept beside the memory
        assert again.report(0).minutes == pytest.approx(2.0)
        assert again.documents_info()[0].minutes == pytest.approx(2.0)


def test_similar_earlier_approvals_are_suggested_from_75_percent(tmp_path: Path) -> None:
    text = ("أعلنت جاكسا عن مهمة جديدة إلى القمر.\n\nأعلنت جاكسا عن مهمة جديدة إلى المريخ.\n\n"
            "وتعمل الوكالتان على الدفع الكهربائي للمركبات.\n")
    path, glossary = jsonl_with_findings(tmp_path, text)
    with Workspace.open([path], glossary=glossary) as ws:
        views = ws.snapshot(0, order="document").views
        moon, mars, other = views[0], views[1], views[2]
        ws.approve(0, moon.number, "JAXA announced a new mission to the Moon.", editor="amal")
        (suggestion,) = ws.suggest(0, mars.number)
        score = fuzz.ratio(normalize(mars.source), normalize(moon.source))
        assert 75 <= score < 100 and suggestion.percent == pytest.approx(score, abs=0.05)
        assert suggestion.target == "JAXA announced a new mission to the Moon."
        assert suggestion.editor == "amal"
        assert fuzz.ratio(normalize(other.source), normalize(moon.source)) < 75
        assert ws.suggest(0, other.number) == []
        assert ws.suggest(0, moon.number) == []  # its own approval is its text already


# --- glossary ----------------------------------------------------------------------------------


def test_a_conflicting_or_shadowing_entry_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    before = glossary.read_bytes()
    with Workspace.open([path], glossary=glossary) as ws:
        with pytest.raises(ReviewError, match="nothing was written") as conflict:
            ws.add_term("المريخ", "the Red Planet", "place")
        assert conflict.value.status == 422 and "conflict" in conflict.value.details[0]
        with pytest.raises(ReviewError) as shadow:  # "جاكسا" inside a longer form with other English
            ws.add_term("مهمة جاكسا", "Hayabusa", "mission")
        assert any("shadowed" in d for d in shadow.value.details)
        with pytest.raises(ReviewError) as bad:
            ws.add_term("", "x", "concept")
        assert "empty" in bad.value.details[0]
        with pytest.raises(ReviewError, match="unknown kind"):
            ws.add_term("الدفع", "drive", "verb")
    assert glossary.read_bytes() == before


def test_an_added_entry_is_written_highlighted_at_once_and_approvals_follow_it(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with Workspace.open([path], glossary=glossary) as ws:
        views = ws.snapshot(0, order="document").views
        propulsion = views[4]
        ws.approve(0, 0, "The European Space Agency signed an agreement with JAXA.", editor="amal")
        ws.approve(0, propulsion.number, "The two agencies work on electric propulsion for spacecraft.")
        ws.approve(0, 3, "The director said the work had begun.")
        added = ws.add_term("الدفع الكهربائي", "electric propulsion", "concept", note="from review")
        assert added.line == len(glossary.read_text(encoding="utf-8").splitlines())
        assert glossary.read_text(encoding="utf-8").splitlines()[-1] == (
            "الدفع الكهربائي\telectric propulsion\tconcept\tfrom review")
        assert added.carried == 3  # two untouched sentences, and one whose English has the new term
        after = ws.snapshot(0, order="document").views
        assert [after[4].source[m.start:m.end] for m in after[4].source_marks] == ["الدفع الكهربائي"]
        assert [after[4].text[m.start:m.end] for m in after[4].target_marks] == ["electric propulsion"]
        assert [v.status for v in after] == ["approved", "review", "machine", "approved", "approved"]
        # approved under the new glossary: a later translate with it takes them
        new_digest = Glossary.load(glossary).digest()
        memory = TranslationMemory(path.parent / MEMORY_NAME, readonly=True)
        memory.scope(None, new_digest)
        carried = memory.approved_many(v.request.key() for v in ws.documents[0].sentences)
        memory.close()
        assert sorted(a.translation for a in carried.values()) == sorted(
            [after[0].text, after[3].text, after[4].text])
        assert all("carried over" in a.note for a in carried.values())


def test_an_entry_a_sentences_approval_lacks_sends_it_back_to_review(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with Workspace.open([path], glossary=glossary) as ws:
        ws.approve(0, 4, "The agencies work on ion engines.")
        ws.add_term("الدفع الكهربائي", "electric propulsion", "concept")
        view = ws.snapshot(0, order="document").views[4]
        assert view.status == "review" and view.missing == ("electric propulsion",)
        (old,) = ws.suggest(0, 4)  # the earlier approval, offered at 100 %
        assert old.percent == 100 and old.target == "The agencies work on ion engines."


def test_a_glossary_edited_elsewhere_is_read_again_and_a_broken_one_is_reported(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with Workspace.open([path], glossary=glossary) as ws:
        ws.approve(0, 0, "Approved first sentence.")
        time.sleep(0.01)
        with glossary.open("a", encoding="utf-8") as fh:
            fh.write("الفريق\tthe team\tconcept\t\t\n")
        snap = ws.snapshot(0, order="document")
        assert [m.term for m in snap.views[1].source_marks] == ["the team", "Mars"]
        assert snap.views[0].status == "approved"  # carried over to the edited glossary
        with glossary.open("a", encoding="utf-8") as fh:
            fh.write("broken row without tabs\n")
        snap = ws.snapshot(0, order="document")
        assert snap.glossary_error is not None and "column" in snap.glossary_error
        assert [m.term for m in snap.views[1].source_marks] == ["the team", "Mars"]


# --- memory files and the command line -----------------------------------------------------


SCHEMA_1 = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE segments (engine TEXT NOT NULL, glossary TEXT NOT NULL, key TEXT NOT NULL, source TEXT NOT NULL,
    hints TEXT NOT NULL, translation TEXT NOT NULL, notes TEXT NOT NULL, terms TEXT, seconds REAL NOT NULL,
    created REAL NOT NULL, PRIMARY KEY (engine, glossary, key)) WITHOUT ROWID;
CREATE TABLE engines (engine TEXT PRIMARY KEY, identity TEXT NOT NULL);
CREATE TABLE requested (engine_arg TEXT NOT NULL, model_arg TEXT NOT NULL, engine TEXT NOT NULL,
    used REAL NOT NULL, PRIMARY KEY (engine_arg, model_arg)) WITHOUT ROWID;
"""


def test_a_memory_written_before_approvals_existed_is_migrated_and_reviewed(tmp_path: Path) -> None:
    _, out, glossary = batch_folder(tmp_path)
    old = out / MEMORY_NAME
    with sqlite3.connect(old) as db:  # rewrite the batch's memory as schema 1 (no approvals table)
        rows = db.execute("SELECT engine, glossary, key, source, hints, translation, notes, terms, seconds, "
                          "created FROM segments").fetchall()
        engines = db.execute("SELECT * FROM engines").fetchall()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{old}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(old) as db:
        db.executescript(SCHEMA_1)
        db.execute("INSERT INTO meta VALUES ('schema', '1')")
        db.executemany("INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO engines VALUES (?, ?)", engines)
    with Workspace.open([out], glossary=glossary) as ws:
        doc = by_name(ws, "a.en.txt")
        assert all(v.machine for v in ws.snapshot(doc).views)
        ws.approve(doc, 0, "Approved.")
    with sqlite3.connect(old) as db:
        assert db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone() == (str(SCHEMA_VERSION),)
        assert db.execute("SELECT COUNT(*) FROM approvals").fetchone() == (1,)


def test_outputs_outside_the_folder_are_never_opened(tmp_path: Path) -> None:
    _, out, glossary = batch_folder(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for review\n", encoding="utf-8")
    (out / "link.en.txt").symlink_to(secret)
    record = json.loads((out / "provenance.jsonl").read_text(encoding="utf-8").splitlines()[0])
    with (out / "provenance.jsonl").open("a", encoding="utf-8") as fh:
        for output in ("../secret.txt", str(secret), "link.en.txt"):
            fh.write(json.dumps({**record, "output": output, "source": str(secret)}) + "\n")
    with Workspace.open([out], glossary=glossary) as ws:
        refused = [d for d in ws.documents if d.problem]
        assert len(refused) == 3 and all("only files under the given folder" in d.problem for d in refused)
        assert all(d.sentences == [] for d in refused)
        with pytest.raises(ReviewError) as exc:
            ws.snapshot(refused[0].number)
        assert exc.value.status == 409


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tarjama", "review", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=60)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere.jsonl"], "no such file or folder"),
        (["folder"], "no provenance.jsonl"),
        (["bad.jsonl"], "bad.jsonl:1: not valid JSON"),
        (["good.jsonl", "--port", "70000"], "--port must be between 0 and 65535"),
        (["good.jsonl", "--glossary", "missing.tsv"], "glossary not found"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    jsonl_with_findings(tmp_path, name="good.jsonl")
    proc = cli(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in proc.stderr


def test_review_is_a_command_with_help() -> None:
    assert main(["review", "--help"]) == 0


def test_translate_keeps_its_own_content_unchanged_when_nothing_was_approved(tmp_path: Path) -> None:
    # The reviewed export of an untouched translate JSONL is the file itself.
    source = tmp_path / "a.ar.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    glossary = write_glossary(tmp_path)
    path = tmp_path / "a.en.jsonl"
    path.write_text(translate(source, glossary).jsonl(), encoding="utf-8")
    with Workspace.open([path], glossary=glossary) as ws:
        assert ws.reviewed_text(0) == path.read_text(encoding="utf-8")


def test_a_reviewed_translate_jsonl_is_what_translate_writes_next(tmp_path: Path) -> None:
    source = tmp_path / "a.ar.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    glossary = write_glossary(tmp_path)
    path = tmp_path / "a.en.jsonl"
    path.write_text(translate(source, glossary).jsonl(), encoding="utf-8")
    with Workspace.open([path], glossary=glossary) as ws:
        ws.approve(0, 1, "The team will study Mars next year.", editor="amal")
        ws.approve(0, 4, "Both agencies work on electric propulsion for spacecraft.")
        exported = ws.export(0).path.read_text(encoding="utf-8")
    memory = TranslationMemory(tmp_path / MEMORY_NAME, readonly=True)
    try:
        translator = Translator(Parrot(), Glossary.load(glossary), checks=None)
        again = translator.translate_document(read_document(source), memory=memory)
    finally:
        memory.close()
    assert exported == again.jsonl()
