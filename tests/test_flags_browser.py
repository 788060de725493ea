"""Fidelity flags as a browser shows them (headless Chromium): the ``tarjama check`` page and the
score report of a checked JSONL translation.

A probe script measures the rendered page: each flagged unit is marked, its evidence is a
visible ``mark.flag`` in the English column *and* in the right-to-left Arabic column on its
right, the mark looks different from the surrounding text, and the reasons are listed. A
screenshot of the check page is kept as ``artifacts/check.png``.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from tarjama.cli import main
from test_check_cli import BAD, SOURCE, jsonl_translation
from test_html_browser import ARTIFACTS, browser, run_browser  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

PROBE = """
<script>
(function () {
  var out = {units: []};
  document.querySelectorAll('article.para').forEach(function (unit) {
    var en = unit.querySelector('.col.en'), ar = unit.querySelector('.col.ar');
    var marks = function (col) {
      return Array.prototype.map.call(col.querySelectorAll('mark.flag'), function (m) {
        var r = m.getBoundingClientRect();
        return {text: m.textContent, title: m.title, width: r.width, left: r.left, right: r.right,
                background: getComputedStyle(m).backgroundColor,
                parentBackground: getComputedStyle(m.parentElement).backgroundColor};
      });
    };
    out.units.push({
      review: unit.classList.contains('review'),
      border: getComputedStyle(unit).borderLeftColor,
      enMarks: marks(en), arMarks: marks(ar),
      arDirection: getComputedStyle(ar).direction,
      arLeft: ar.getBoundingClientRect().left, enRight: en.getBoundingClientRect().right,
      reasons: Array.prototype.map.call(unit.querySelectorAll('ul.reasons li'), function (li) {
        return {text: li.textContent, visible: li.getBoundingClientRect().height > 0};
      })
    });
  });
  document.body.setAttribute('data-probe', JSON.stringify(out));
})();
</script>
"""


def probe(browser: str, page: Path, profile: Path) -> dict:  # noqa: F811 - the fixture's value
    probed = page.with_name("probe-" + page.name)
    probed.write_text(
        page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8"
    )
    proc = run_browser(browser, profile, "--window-size=1280,900", "--dump-dom", probed.as_uri())
    m = re.search(r'<body[^>]*\bdata-probe="([^"]*)"', proc.stdout)
    assert m, f"no probe results in the dumped DOM (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(html.unescape(m.group(1)))


def assert_marked_on_both_sides(unit: dict, english: str, arabic: str) -> None:
    assert unit["review"]
    assert unit["arDirection"] == "rtl" and unit["arLeft"] >= unit["enRight"]
    en = next(m for m in unit["enMarks"] if m["text"] == english)
    ar = next(m for m in unit["arMarks"] if m["text"] == arabic)
    for m in (en, ar):
        assert m["width"] > 0 and m["background"] != m["parentBackground"]
    assert ar["left"] >= unit["enRight"]
    assert all(r["visible"] for r in unit["reasons"]) and unit["reasons"]


def test_check_page_marks_evidence_in_both_columns(browser: str, tmp_path: Path) -> None:  # noqa: F811
    src, hyp, page = tmp_path / "src.ar.txt", tmp_path / "bad.en.txt", tmp_path / "check.html"
    src.write_text(SOURCE, encoding="utf-8")
    hyp.write_text(BAD, encoding="utf-8")
    assert main(["check", str(src), str(hyp), "--no-glossary", "-o", str(page)]) == 0
    result = probe(browser, page, tmp_path / "profile")
    chinese, decade = result["units"]
    # "Chinese" has no Arabic evidence (an invention): marked in the English only.
    assert chinese["review"] and [m["text"] for m in chinese["enMarks"]] == ["Chinese"]
    assert any("Chinese" in r["text"] for r in chinese["reasons"])
    assert_marked_on_both_sides(decade, "1970s", "ثلاثينيات القرن الحادي والعشرين")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "check.png"
    shot.unlink(missing_ok=True)
    run_browser(
        browser, tmp_path / "profile2", "--window-size=1280,900", f"--screenshot={shot}", page.as_uri()
    )
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_score_report_marks_sentences_that_need_review(browser: str, tmp_path: Path, capsys) -> None:  # noqa: F811
    _src, hyp = jsonl_translation(tmp_path)
    ref = tmp_path / "ref.en.txt"
    ref.write_text("The two sides plan to send joint landers to Mars in the 2030s.\n", encoding="utf-8")
    page = tmp_path / "score.html"
    assert main(["score", str(hyp), "--ref", str(ref), "-o", str(page)]) == 0
    (unit,) = probe(browser, page, tmp_path / "profile")["units"]
    assert_marked_on_both_sides(unit, "1970s", "ثلاثينيات القرن الحادي والعشرين")
