"""The workbench's session without a browser: live QA, the one confirmation over errors, statuses,
comments, the concordance, the XLIFF export and the calibrated confidence levels."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from review_helpers import ARTICLE, jsonl_with_findings, serving
from tarjama.memory.store import MEMORY_NAME, TranslationMemory
from tarjama.review.confidence import HIGH_FROM, LOW_BELOW, level
from tarjama.review.workspace import NeedsConfirmation, Workspace
from tarjama.types import Confidence

NEXT_YEAR = 1  # "وسيدرس الفريق المريخ في العام المقبل." — Mars, next year
PROPULSION = 4  # "وتعمل الوكالتان على الدفع الكهربائي للمركبات."


def test_live_qa_finds_what_the_run_would_on_the_edited_english(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path, ARTICLE)
    with Workspace.open([path], glossary=glossary) as ws:
        wrong = ws.qa(0, NEXT_YEAR, "The team will study the Red Planet in 2031.")
        assert {(f.check, f.severity) for f in wrong.findings} >= {("numbers", "error"), ("terms", "error")}
        assert wrong.needs_review and wrong.missing == ("Mars",)
        right = ws.qa(0, NEXT_YEAR, "The team will study Mars next year.")
        assert right.findings == () and not right.needs_review
        # An old finding of the record does not stick to an English that no longer has the problem.
        assert ws.snapshot(0, order="document").views[NEXT_YEAR].findings  # recorded at translation
        assert ws.qa(0, 3, "").needs_review  # no English at all


def test_an_approval_over_an_error_is_refused_once_and_stores_nothing(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path, ARTICLE)
    with Workspace.open([path], glossary=glossary) as ws:
        with pytest.raises(NeedsConfirmation) as refused:
            ws.approve(0, NEXT_YEAR, "The team will study Mars in 2031.", confirm=False)
        assert refused.value.status == 409 and "number 2031 is not in the source" in refused.value.details[0]
        assert ws.snapshot(0).info.stats.approved == 0
        ws.approve(0, NEXT_YEAR, "The team will study Mars next year.", confirm=False)  # no error: stored
        done = ws.approve(0, 0, "The ESA signed a deal with JAXA in 2031.", confirm=True)  # confirmed
        assert done.view.state == "approved" and done.report is not None and done.report.approved == 2
        assert "word edits were needed per 100 words" in done.report.explanation()


def test_a_rejection_withdraws_the_approval_in_every_document_of_the_memory(tmp_path: Path) -> None:
    first, glossary = jsonl_with_findings(tmp_path / "a", ARTICLE)
    second, _ = jsonl_with_findings(tmp_path / "a", ARTICLE, name="again.en.jsonl")
    with Workspace.open([first, second], glossary=glossary) as ws:
        ws.approve(0, PROPULSION, "Both agencies work on electric propulsion.", editor="amal")
        assert ws.snapshot(1, order="document").views[PROPULSION].state == "approved"
        done = ws.set_status(0, PROPULSION, "rejected", editor="badr", note="wrong term")
        assert done.view.state == "rejected" and done.stats.rejected == 1 and done.stats.approved == 0
        assert done.view.reasons == ("rejected by badr: wrong term",)
        other = ws.snapshot(1, order="document").views[PROPULSION]
        assert other.state == "rejected" and other.text == other.machine
        assert ws.set_status(0, PROPULSION, "draft").view.state == "draft"
    with Workspace.open([first], glossary=glossary) as again:  # kept in the memory
        assert again.snapshot(0, order="document").views[PROPULSION].state == "draft"


def test_comments_concordance_and_the_xliff_export(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path, ARTICLE)
    with serving([path], glossary=glossary) as (ws, _server, client):
        ws.approve(0, 2, "JAXA announced a new mission to the Moon.", editor="amal")
        question = "Is 'electric propulsion' the agencies' own term?"
        view = ws.comment(0, PROPULSION, f"  {question} ", editor="badr")
        assert view.comment is not None and view.comment.text == question
        found = client.get("/api/concordance?q=" + quote("القمر")).json()["results"]  # the Moon
        moon = "JAXA announced a new mission to the Moon."
        assert [(r["origin"], r["target"]) for r in found] == [("human", moon)]
        assert client.get("/api/concordance?q=x").status == 422
        reply = client.post("/api/doc/0/export-xliff").json()
        assert reply["path"] == str(path.with_name("article.en.reviewed.xlf").resolve())
    text = Path(reply["path"]).read_text(encoding="utf-8")
    assert f">comment by badr: {question}</note>" in text.replace("&apos;", "'")
    assert text.count('state="final"') == 1 and "JAXA announced a new mission to the Moon." in text
    memory = TranslationMemory(tmp_path / MEMORY_NAME, readonly=True)
    assert list(memory.comments()) == [view.source]
    memory.close()


def test_confidence_levels_follow_the_measured_thresholds_for_the_embedded_model_only() -> None:
    assert LOW_BELOW < HIGH_FROM < 0
    assert level(Confidence(LOW_BELOW - 0.01, -3.0)) == "low"
    assert level(Confidence(LOW_BELOW, -3.0)) == "medium"
    assert level(Confidence(HIGH_FROM, -1.0)) == "high"
    assert level(None) is None
    assert level(Confidence(-0.1, -1.0), "marian") is None  # another engine's figure is on another scale


def test_an_approval_becomes_the_match_of_similar_sentences_at_once(tmp_path: Path) -> None:
    text = ("أعلنت جاكسا عن مهمة جديدة إلى القمر.\n\nأعلنت جاكسا عن مهمة جديدة إلى المريخ.\n\n"
            "وتعمل الوكالتان على الدفع الكهربائي للمركبات.\n")
    path, glossary = jsonl_with_findings(tmp_path, text)
    with Workspace.open([path], glossary=glossary) as ws:
        assert [v.match for v in ws.snapshot(0, order="document").views] == [None, None, None]
        ws.approve(0, 0, "JAXA announced a new mission to the Moon.", editor="amal")
        views = ws.snapshot(0, order="document").views
        assert views[0].match is None  # its own English already
        assert views[1].match is not None
        assert views[1].match.target == "JAXA announced a new mission to the Moon."
        assert [text for text, differs in views[1].match_diff if differs] == ["القمر."]
        assert views[2].match is None
        ws.set_status(0, 0, "rejected")  # withdrawn: no longer offered
        assert ws.snapshot(0, order="document").views[1].match is None
