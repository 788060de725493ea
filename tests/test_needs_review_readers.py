"""One "needs review" rule, read the same by all seven readers (``tarjama.document.record.needs_review``).

One flagged sentence (the English drops the Arabic's 2030: a ``numbers`` error no rewrite can
fix), one with a warning only (the engine's low confidence: shown, not counted) and one clean sentence go
through every place that says whether a sentence needs review: the translate summary line, the
JSONL, the ``.meta.json``, ``tarjama check``, the review page, an XLIFF's unit states and the
batch summary (and its provenance). All must name the same one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.engines import ENGINES
from tarjama.engines.base import Engine, SegmentDone
from tarjama.review.workspace import Workspace
from tarjama.types import Confidence, EngineIdentity, SegmentTranslation, TranslationRequest

FLAGGED = "وقالت الوكالة إن المهمة ستنطلق في عام 2030."
WARNED = "وقال المتحدث إن الفريق وصل إلى المحطة الفضائية صباح اليوم."
CLEAN = "ووصل الفريق إلى المحطة."
ENGLISH = {
    FLAGGED: "The agency said the mission would launch soon.",
    WARNED: "The spokesman said the team reached the space station this morning.",
    CLEAN: "The team arrived at the station.",
}


class Fixed(Engine):
    """The same English every time: one translation without its year, one the engine was unsure of,
    one faithful."""

    name = "fixed"

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("fixed", "table")

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        return [SegmentTranslation(ENGLISH[r.source], confidence=Confidence(-2.5, -6.0) if r.source == WARNED
                                   else Confidence(-0.2, -1.0)) for r in requests]


@pytest.fixture
def article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(ENGINES, "fixed", "test_needs_review_readers:Fixed")
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "article.ar.txt"
    src.write_text(f"{FLAGGED}\n\n{WARNED}\n\n{CLEAN}\n", encoding="utf-8")
    return src


RUN = ["--engine", "fixed", "--no-glossary", "--no-progress"]


def test_the_seven_readers_agree_on_which_sentence_needs_review(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flagged = {FLAGGED}
    # 1. the translate summary line, and 2. the JSONL
    jsonl = tmp_path / "article.en.jsonl"
    assert main(["translate", str(article), "-o", str(jsonl), *RUN]) == 0
    assert "· 1 sentences need review" in capsys.readouterr().err
    sentences = [s for line in jsonl.read_text(encoding="utf-8").splitlines()
                 for s in json.loads(line)["sentences"]]
    assert {s["source"] for s in sentences if s.get("needs_review")} == flagged
    assert {s["source"] for s in sentences if s.get("checks")} == {FLAGGED, WARNED}
    # 3. the .meta.json beside a text output
    text = tmp_path / "article.en.txt"
    assert main(["translate", str(article), "-o", str(text), *RUN]) == 0
    capsys.readouterr()
    meta = json.loads((tmp_path / "article.en.txt.meta.json").read_text(encoding="utf-8"))
    assert meta["needs_review"] == 1
    assert [(c["paragraph"], c["needs_review"]) for c in meta["checks"]] == [(0, True), (1, False)]
    # 4. tarjama check on the JSONL
    report = tmp_path / "check.json"
    command = ["check", str(article), str(jsonl), "--no-glossary", "--format", "json", "-o", str(report)]
    assert main(command) == 0
    capsys.readouterr()
    checked = json.loads(report.read_text(encoding="utf-8"))
    assert {u["source"] for u in checked["units"] if u["needs_review"]} == flagged
    assert checked["totals"]["needs_review"] == 1
    # 5. the review page
    with Workspace.open([jsonl]) as ws:
        views = ws.snapshot(0).views
        assert {v.source for v in views if v.status == "review"} == flagged
        assert ws.snapshot(0).info.stats.review == 1
    # 6. XLIFF unit states
    xlf = tmp_path / "article.en.xlf"
    assert main(["translate", str(article), "-o", str(xlf), *RUN]) == 0
    capsys.readouterr()
    states = _xliff_states(xlf)
    assert states == {FLAGGED: "needs-review-translation", WARNED: "translated", CLEAN: "translated"}
    # 7. the batch summary and its provenance
    out = tmp_path / "batch"
    assert main(["batch", str(article), "--out-dir", str(out), *RUN]) == 0
    assert "· 1 segments need review" in capsys.readouterr().err
    provenance = (out / "provenance.jsonl").read_text(encoding="utf-8").splitlines()
    (record,) = [json.loads(line) for line in provenance]
    assert record["needs_review"] == 1


def _xliff_states(path: Path) -> dict[str, str]:
    from lxml import etree

    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    tree = etree.parse(str(path))
    states = {}
    for unit in tree.iterfind(".//x:trans-unit", ns):
        source = "".join(unit.find("x:source", ns).itertext()).strip()
        states[source] = unit.find("x:target", ns).get("state")
    return states
