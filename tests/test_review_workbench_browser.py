"""The post-editor's workbench in a real browser (the session's headless Chromium).

A translate JSONL of a small article (scripted engine, one sentence flagged by the checks with a
low confidence, recorded as the embedded engine's) is reviewed beside a memory that already holds
approvals: one close to a sentence of the article (a fuzzy match), two naming the same person (a
learned glossary entry). In the page an editor sees the match with its percentage and its
differences, takes it with Alt+M; types an English whose number the source lacks and sees live QA
flag it, is asked once before approving it; inserts a glossary term from the pane with Alt+1;
rejects a sentence; filters; comments; searches the memory; accepts a learned term; exports XLIFF;
and comes back on another port to find their name kept. The memory, the TMX export and the files
are checked afterwards. A screenshot is kept as ``artifacts/review-workbench.png``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from review_helpers import ARTICLE, FLAGGED_CONFIDENCE, jsonl_with_findings, serving
from tarjama.cli import main
from tarjama.document.requests import segment_request
from tarjama.glossary import Glossary
from tarjama.memory.store import MEMORY_NAME, Approval, TranslationMemory
from tarjama.text.arabic import normalize

pytestmark = pytest.mark.browser

MARS = "أعلنت جاكسا عن مهمة جديدة إلى المريخ."
PERSON = [
    ("وقال هيروشي ياماكاوا إن الوكالة مستعدة.", "Hiroshi Yamakawa said the agency was ready."),
    ("وأكد هيروشي ياماكاوا أن العمل سيستمر.", "Hiroshi Yamakawa confirmed that the work would go on."),
]


def prepare(folder: Path) -> tuple[Path, Path]:
    """The JSONL (as the embedded engine's) and its glossary, with the memory's earlier approvals."""
    path, glossary = jsonl_with_findings(folder, ARTICLE)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        # Confidence levels are measured for the embedded model's figures.
        record["engine"] = {**record["engine"], "engine": "gguf"}
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    memory = TranslationMemory(folder / MEMORY_NAME)
    gloss = Glossary.load(glossary)
    memory.scope(None, gloss.digest())
    for k, (ar, en) in enumerate([(MARS, "JAXA announced a new mission to Mars."), *PERSON]):
        request, _ = segment_request(ar, gloss)
        memory.approve(request, Approval(request.key(), ar, en, "badr", 1_700_000_000.0 + k))
    memory.close()
    return path, glossary


def test_a_post_editor_works_through_a_document(playwright_browser, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    path, glossary = prepare(tmp_path)
    problems: list[str] = []
    context = playwright_browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        with serving([path], glossary=glossary) as (_ws, server, _client):
            page = context.new_page()
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
            page.on("console", lambda m: m.type == "error" and "status of 4" not in m.text
                    and problems.append(f"console: {m.text}"))
            page.goto(server.url)
            page.fill("#editor-name", "Layla")
            page.click("text=article.en.jsonl")

            # The flagged sentence: low confidence as a level, the raw figure on hover.
            flagged = page.locator("#s1")
            expect(flagged.locator(".conf")).to_have_text("confidence low")
            assert f"{FLAGGED_CONFIDENCE:.2f}" in flagged.locator(".conf").get_attribute("title")

            # The fuzzy match: its percentage, its differing words marked; Alt+M takes it.
            moon = page.locator("#s2")
            arabic = moon.locator(".col.ar").inner_text().strip()
            percent = int(fuzz.ratio(normalize(MARS), normalize(arabic)))
            expect(moon.locator(".tm-match .pct")).to_have_text(f"{percent} %")
            expect(moon.locator(".tm-match mark.diff")).to_have_text("المريخ.")
            moon.locator(".col.ar").click()
            page.keyboard.press("Alt+m")
            expect(moon.locator("textarea")).to_have_value("JAXA announced a new mission to Mars.")

            # Live QA as the editor types: a number the source does not have, then none.
            flagged.locator(".col.ar").click()
            area = flagged.locator("textarea")
            area.fill("The team will study Mars in 2031.")
            expect(flagged.locator(".live-qa")).to_contain_text("number 2031 is not in the source")
            # An approval over an error finding asks once; the same English approved again goes through.
            page.keyboard.press("Control+Enter")
            expect(page.locator("#notice")).to_contain_text("approve again")
            expect(flagged).to_have_attribute("data-state", "draft")
            page.keyboard.press("Control+Enter")
            expect(page.locator("#s1")).to_have_attribute("data-state", "approved")
            explanation = page.locator("#report-explanation")
            expect(explanation).to_contain_text("word edits were needed per 100 words")

            # The glossary pane: the sentence's terms, Alt+1 inserts the first target.
            first = page.locator("#s0")
            first.locator(".col.ar").click()
            expect(first.locator(".terms-pane")).to_be_visible()
            expect(first.locator(".terms-pane li")).to_have_count(2)
            first.locator("textarea").fill("")
            page.keyboard.press("Alt+1")
            expect(first.locator("textarea")).to_have_value("European Space Agency")

            # Reject a sentence; the filters show each kind of sentence.
            page.locator("#s3 .col.ar").click()
            page.keyboard.press("Alt+r")
            expect(page.locator("#s3")).to_have_attribute("data-state", "rejected")
            expect(page.locator("#stat-rejected")).to_have_text("1")
            visible = ("() => [...document.querySelectorAll('article.sentence')]"
                       ".filter(r => !r.hidden).map(r => r.id)")
            page.locator("#s4 .col.ar").click()  # the active row always stays visible: park it on s4
            for choice, rows in (("approved", ["s1"]), ("rejected", ["s3"]), ("low", ["s1"]),
                                 ("kind:numbers", ["s1"]), ("edited", ["s1"])):
                page.select_option("#filter", choice)
                assert sorted(set(page.evaluate(visible)) - {"s4"}) == rows, choice
            page.select_option("#filter", "all")

            # A comment, kept in the memory.
            note = page.locator("#s4 .comment-form input")
            note.fill("Check whether the agencies named the spacecraft.")
            note.press("Enter")
            expect(page.locator("#s4 .comment")).to_contain_text("Check whether the agencies")

            # Concordance: the memory's approvals and their English.
            page.fill("#concordance-q", "ياماكاوا")
            page.click("#concordance button[type=submit]")
            expect(page.locator("#concordance-results tr")).to_have_count(2)
            expect(page.locator("#concordance-results")).to_contain_text("Hiroshi Yamakawa confirmed")

            # A name two approvals agree on is proposed; nothing is written until it is added.
            tsv_before = glossary.read_text(encoding="utf-8")
            page.click("#show-suggestions")
            suggestion = page.locator("#term-suggestion-list li", has_text="Hiroshi Yamakawa")
            expect(suggestion).to_contain_text("هيروشي ياماكاوا")
            assert glossary.read_text(encoding="utf-8") == tsv_before
            suggestion.locator("button").click()
            expect(page.locator("#glossary-form input[name=en]")).to_have_value("Hiroshi Yamakawa")
            page.click("#glossary-form button[type=submit]")
            expect(page.locator("#glossary-result")).to_contain_text("Added “Hiroshi Yamakawa”")
            page.click("#glossary-cancel")

            shot = Path(__file__).resolve().parents[1] / "artifacts" / "review-workbench.png"
            shot.parent.mkdir(exist_ok=True)
            page.locator("#s1 .col.ar").click()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(shot), full_page=True)  # for people to look at

            page.click("#export-xliff")
            xliff = path.with_name("article.en.reviewed.xlf")
            expect(page.locator("#export-result")).to_contain_text(f"Written: {xliff.resolve()} (")
            # Closed before its server stops: a request the page still sends (a time-spent log,
            # a panel's refresh) would otherwise meet a closed port, not a workbench error.
            page.close()
        with serving([path], glossary=glossary) as (_ws, server, _client):  # another visit, another port
            page = context.new_page()
            page.goto(server.url)
            expect(page.locator("#editor-name")).to_have_value("Layla")
    finally:
        context.close()
    assert problems == []

    row = "هيروشي ياماكاوا\tHiroshi Yamakawa\tperson\tapproved in 2 sentences"
    assert row in glossary.read_text(encoding="utf-8")
    memory = TranslationMemory(tmp_path / MEMORY_NAME, readonly=True)
    try:
        (comment,) = memory.comments().values()
        assert (comment.text, comment.editor) == ("Check whether the agencies named the spacecraft.", "Layla")
        assert [(s.status, s.editor) for s in memory.status_rows()] == [("rejected", "Layla")]
    finally:
        memory.close()
    text = xliff.read_text(encoding="utf-8")
    assert "comment by Layla: Check whether the agencies named the spacecraft." in text
    assert text.count('state="final"') == 1  # the one approved sentence
    # The memory through TMX: the comment and the rejection come back in another memory.
    tmx = tmp_path / "memory.tmx"
    assert main(["memory", "export", str(tmx), "--memory", str(tmp_path / MEMORY_NAME)]) == 0
    copy_path = tmp_path / "copy.sqlite"
    assert main(["memory", "import", str(tmx), "--memory", str(copy_path), "--no-glossary"]) == 0
    copy = TranslationMemory(copy_path, readonly=True)
    try:
        assert [c.text for c in copy.comments().values()] == [comment.text]
        assert [s.status for s in copy.status_rows()] == ["rejected"]
    finally:
        copy.close()
