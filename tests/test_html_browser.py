"""The HTML report rendered by a real browser (headless Chromium).

Static HTML checks cannot tell whether the Arabic really flows right to left or really sits
in the right-hand column; layout can. A copy of the report gets a small script that
measures the page and writes the results into ``<body data-checks=…>``; ``--dump-dom``
returns the DOM after the script ran. A screenshot of the plain report is kept as
``artifacts/report.png`` for people to look at.

Skipped only when no Chromium is installed *and* ``CI`` is not ``true``: in CI a missing
browser is a failure, not a skip.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tarjama.report import render
from test_report_formats import sample_report

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
pytestmark = pytest.mark.browser

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

CHECK_SCRIPT = """
<script>
(function () {
  var out = {columns: [], terms: 0, missed: 0, arTerms: 0, enTerms: 0};
  document.querySelectorAll('article.para').forEach(function (para) {
    var en = para.querySelector('.col.en'), ar = para.querySelector('.col.ar');
    var e = en.getBoundingClientRect(), a = ar.getBoundingClientRect();
    // Where does the first character of the Arabic text land? In right-to-left order it
    // starts at the column's right edge.
    var text = ar.querySelector('p').firstChild;
    var range = document.createRange();
    range.setStart(text, 0); range.setEnd(text, 1);
    var first = range.getBoundingClientRect();
    var style = getComputedStyle(ar.querySelector('p'));
    out.columns.push({
      arDirection: getComputedStyle(ar).direction,
      enDirection: getComputedStyle(en).direction,
      arLeft: a.left, arRight: a.right, enLeft: e.left, enRight: e.right,
      sameRow: Math.abs(a.top - e.top) < 2,
      firstCharRight: first.right,
      arContentRight: a.right - parseFloat(getComputedStyle(ar).paddingRight),
      arContentLeft: a.left + parseFloat(getComputedStyle(ar).paddingLeft),
      pDirection: style.direction
    });
  });
  var found = document.querySelector('mark.term:not(.missed)');
  var missed = document.querySelector('mark.term.missed');
  out.terms = document.querySelectorAll('mark.term').length;
  out.missed = document.querySelectorAll('mark.term.missed').length;
  out.arTerms = document.querySelectorAll('.col.ar mark.term').length;
  out.enTerms = document.querySelectorAll('.col.en mark.term').length;
  out.missedLooksDifferent = !!(found && missed &&
    getComputedStyle(found).backgroundColor !== getComputedStyle(missed).backgroundColor);
  out.missedVisible = !!(missed && missed.getBoundingClientRect().width > 0);
  out.viewportWidth = window.innerWidth;
  document.body.setAttribute('data-checks', JSON.stringify(out));
})();
</script>
"""


def find_browser() -> str | None:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    return None


@pytest.fixture(scope="module")
def browser() -> str:
    path = find_browser()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no Chromium is installed; install it (apt-get install -y chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium); required when CI=true")
    return path


def run_browser(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
        f"--user-data-dir={profile}", *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("html")
    text = render(sample_report(folder), "html")
    path = folder / "report.html"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.fixture(scope="module")
def checks(browser: str, report_html: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    path, text = report_html
    probe = path.with_name("probe.html")
    probe.write_text(text.replace("</body>", CHECK_SCRIPT + "</body>"), encoding="utf-8")
    proc = run_browser(browser, tmp_path_factory.mktemp("profile"), "--window-size=1280,900",
                       "--dump-dom", probe.as_uri())
    m = re.search(r'<body[^>]*\bdata-checks="([^"]*)"', proc.stdout)
    assert m, f"no check results in the dumped DOM (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(html.unescape(m.group(1)))


def test_arabic_column_is_rtl(checks: dict) -> None:
    assert len(checks["columns"]) == 3
    for col in checks["columns"]:
        assert col["arDirection"] == "rtl" and col["pDirection"] == "rtl"
        assert col["enDirection"] == "ltr"


def test_arabic_column_is_right_of_english_column(checks: dict) -> None:
    assert checks["viewportWidth"] >= 1000
    for col in checks["columns"]:
        assert col["sameRow"]
        assert col["arLeft"] >= col["enRight"], col
        assert col["arLeft"] > checks["viewportWidth"] / 3


def test_arabic_text_starts_at_the_right_edge(checks: dict) -> None:
    for col in checks["columns"]:
        # The first character sits at the right end of its line, not the left.
        assert col["firstCharRight"] > (col["arContentLeft"] + col["arContentRight"]) / 2, col
        assert abs(col["firstCharRight"] - col["arContentRight"]) < 4, col


def test_terms_highlighted_on_both_sides_and_missed_ones_marked(checks: dict) -> None:
    assert checks["arTerms"] == 5 and checks["enTerms"] >= 3
    assert checks["missed"] == 2
    assert checks["missedLooksDifferent"] and checks["missedVisible"]


def test_screenshot_artifact(browser: str, report_html: tuple[Path, str],
                             tmp_path_factory: pytest.TempPathFactory) -> None:
    path, _ = report_html
    ARTIFACTS.mkdir(exist_ok=True)
    # The first screen (scores), and the whole page, whose side-by-side view is below the fold.
    for name, size in (("report.png", (1280, 900)), ("report-full.png", (1280, 2200))):
        shot = ARTIFACTS / name
        shot.unlink(missing_ok=True)
        proc = run_browser(browser, tmp_path_factory.mktemp("profile"), f"--window-size={size[0]},{size[1]}",
                           f"--screenshot={shot}", path.as_uri())
        assert shot.exists(), proc.stderr[-2000:]
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == size
        # A blank page compresses to a few kilobytes; rendered text and tables do not.
        assert len(data) > 30_000, f"{name} looks blank ({len(data)} bytes)"
