"""The review workbench in a real browser: headless Chromium (Debian's) driven by Playwright.

The seed is translated by the real ``tarjama translate`` command (with a scripted engine
registered for the test, so it takes a second), one sentence is given fidelity findings in
its record, and ``tarjama review`` serves the JSONL. In the browser an editor approves the
flagged sentence with Ctrl+Enter, moves with Alt+Down/Up, is refused a conflicting glossary
entry, adds one from a selected Arabic span, and exports; then the exported file, the memory
and the TSV are checked, and ``tarjama translate`` run again gives the approved sentence back
with ``origin: human``. A screenshot of the document page is kept as ``artifacts/review.png``.

Skipped only when Chromium or Playwright is missing *and* ``CI`` is not ``true``. The browser is
the session's one Chromium (``conftest.playwright_browser``).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.engines import ENGINES
from tarjama.memory.store import MEMORY_NAME

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "esa-jaxa-partnership.ar.txt"
ARTIFACTS = ROOT / "artifacts"
pytestmark = pytest.mark.browser

SELECT = """(text) => {
  for (const p of document.querySelectorAll('.col.ar p')) {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const at = node.data.indexOf(text);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + text.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      p.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
      return p.closest('article').dataset.number;
    }
  }
  return null;
}"""

LAYOUT = """() => {
  const row = document.querySelector('article.sentence');
  const en = row.querySelector('.col.en').getBoundingClientRect();
  const ar = row.querySelector('.col.ar');
  const box = ar.getBoundingClientRect();
  return {arLeft: box.left, enRight: en.right, direction: getComputedStyle(ar).direction,
          sameRow: Math.abs(box.top - en.top) < 2};
}"""


def flag_sentence(path: Path, paragraph: int, sentence: int) -> str:
    """Give one sentence of a translate JSONL fidelity findings, as the checks would; returns its source."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    s = records[paragraph]["sentences"][sentence]
    s["checks"] = [{"check": "numbers", "message": "the year 2029 is missing from the English",
                    "source": None, "target": None, "severity": "error"}]
    s["needs_review"] = True
    s["confidence"] = {"mean": -0.72, "min": -5.1}
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return s["source"]


def start_review(jsonl: Path, glossary: Path, cwd: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tarjama", "review", str(jsonl), "--glossary", str(glossary), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if " at http://" in line:
            return proc, line.split(" at ", 1)[1].strip()
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"tarjama review printed no URL: {proc.communicate()[1]}")


def test_an_editor_reviews_the_seed_in_a_browser(playwright_browser, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import expect

    monkeypatch.setitem(ENGINES, "parrot", "review_helpers:Parrot")
    glossary = tmp_path / "glossary.tsv"
    shutil.copy(ROOT / "references" / "glossary.tsv", glossary)
    jsonl = tmp_path / "out" / "seed.en.jsonl"
    jsonl.parent.mkdir()
    # No checks: the scripted engine's "EN[…]" would be flagged everywhere; one sentence is
    # flagged by hand below, as the checks would.
    translate = ["translate", str(SEED), "-o", str(jsonl), "--engine", "parrot", "--glossary", str(glossary),
                 "--no-progress", "--no-checks"]
    assert main(translate) == 0
    flagged_source = flag_sentence(jsonl, 2, 0)  # ¶3.1: the Apophis sentence
    machine = {s["source"]: s["translation"] for line in jsonl.read_text(encoding="utf-8").splitlines()
               for s in json.loads(line)["sentences"]}
    tsv_before = glossary.read_text(encoding="utf-8")
    approved_text = ("A key element of the expanded cooperation is to accelerate the study of possible "
                     "cooperation on ESA's Rapid Apophis Mission for Space Safety (RAMSES), ahead of "
                     "Apophis's close approach in 2029.")

    proc, url = start_review(jsonl, glossary, tmp_path)
    problems: list[str] = []
    context = playwright_browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        # (the refused glossary entry below is a 422 answer, which Chromium logs as an error)
        page.on("console", lambda m: m.type == "error" and "status of 422" not in m.text
                and problems.append(f"console: {m.text}"))
        page.goto(url)
        expect(page.locator("table.docs tbody tr")).to_have_count(1)
        page.fill("#editor-name", "Layla")
        page.click("text=seed.en.jsonl")

        # The flagged sentence comes first, open for editing, its findings beside it.
        active = page.locator("article.sentence.active")
        expect(active).to_have_count(1)
        expect(active.locator(".col.ar")).to_contain_text(flagged_source[:30])
        expect(active.locator(".findings")).to_contain_text("the year 2029 is missing")
        expect(active.locator(".conf")).to_contain_text("-0.72")
        layout = page.evaluate(LAYOUT)
        assert layout["direction"] == "rtl" and layout["sameRow"]
        assert layout["arLeft"] >= layout["enRight"]  # Arabic on the right
        assert page.locator(".col.ar mark.term").count() > 40  # terms highlighted in both languages
        assert page.locator(".col.en mark.term").count() > 40
        flagged = active.get_attribute("data-number")

        # Edit, Ctrl+Enter: approved, and the next sentence is opened.
        active.locator("textarea").fill(approved_text)
        page.keyboard.press("Control+Enter")
        row = page.locator(f"#s{flagged}")
        expect(row).to_have_attribute("data-status", "approved")
        expect(row.locator(".who")).to_contain_text("Layla")
        expect(page.locator("#stat-approved")).to_have_text("1")
        expect(page.locator("article.sentence.active")).not_to_have_attribute("data-number", flagged)
        after_approval = page.locator("article.sentence.active").get_attribute("data-number")
        page.keyboard.press("Alt+ArrowDown")
        moved = page.locator("article.sentence.active").get_attribute("data-number")
        assert moved != after_approval
        page.keyboard.press("Alt+ArrowUp")
        expect(page.locator("article.sentence.active")).to_have_attribute("data-number", after_approval)
        expect(page.locator("#report-hter")).not_to_have_text("…")

        # A conflicting entry is refused with lint's finding; the TSV is not touched.
        page.click("#add-term")
        page.fill("#glossary-form input[name=ar]", "المريخ")
        page.fill("#glossary-form input[name=en]", "Red Planet")
        page.click("#glossary-form button[type=submit]")
        expect(page.locator("#glossary-findings")).to_contain_text("conflict")
        assert glossary.read_text(encoding="utf-8") == tsv_before
        page.click("#glossary-cancel")

        # Select an Arabic span, add it with its English: highlighted at once.
        assert page.evaluate(SELECT, "الدفع الكهربائي") is not None
        page.click("button.float-add")
        expect(page.locator("#glossary-form input[name=ar]")).to_have_value("الدفع الكهربائي")
        page.fill("#glossary-form input[name=en]", "electric propulsion")
        page.select_option("#glossary-form select[name=kind]", "concept")
        page.click("#glossary-form button[type=submit]")
        expect(page.locator("#glossary-result")).to_contain_text("Added “electric propulsion”")
        expect(page.locator('.col.ar mark.term[data-term="electric propulsion"]')).to_have_count(1)
        expect(page.locator(f"#s{flagged}")).to_have_attribute("data-status", "approved")
        page.click("#glossary-cancel")

        page.click("#export")
        # The export's full path, so the editor knows where to find it.
        exported_path = jsonl.with_name("seed.en.reviewed.jsonl").resolve()
        expect(page.locator("#export-result")).to_contain_text(f"Written: {exported_path} (")

        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "review.png"
        shot.unlink(missing_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(shot))
        page.locator(f"#s{flagged}").screenshot(path=str(ARTIFACTS / "review-approved.png"))
    finally:
        context.close()
        proc.terminate()
        proc.communicate(timeout=30)
    assert problems == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000, f"{shot} looks blank"

    exported = [json.loads(line) for line in
                jsonl.with_name("seed.en.reviewed.jsonl").read_text(encoding="utf-8").splitlines()]
    sentence = exported[2]["sentences"][0]
    assert (sentence["translation"], sentence["origin"]) == (approved_text, "human")
    assert exported[2]["translation"].startswith(approved_text + " ")
    assert sum(s.get("origin") == "human" for r in exported for s in r["sentences"]) == 1

    with sqlite3.connect(jsonl.parent / MEMORY_NAME) as db:
        rows = db.execute("SELECT translation, editor, machine, via FROM approvals ORDER BY id").fetchall()
    # the approval, then the same approval carried over to the glossary with the new entry
    assert [r[:3] for r in rows] == [(approved_text, "Layla", machine[flagged_source])] * 2
    new_row = "الدفع الكهربائي\telectric propulsion\tconcept\n"
    assert glossary.read_text(encoding="utf-8") == tsv_before + new_row

    assert main(translate) == 0  # the next run: the approval outranks the engine
    again = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    sentence = again[2]["sentences"][0]
    assert (sentence["translation"], sentence["origin"]) == (approved_text, "human")
    assert sentence["terms"]["missing"] == []
