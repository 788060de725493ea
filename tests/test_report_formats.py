"""Markdown, JSON and HTML reports: content, escaping and self-containment.

Terms come from a real glossary file through ``Glossary.load`` and ``term_accuracy``, so
highlights and the accuracy figure are checked together.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tarjama.glossary import Glossary
from tarjama.report import format_for_path, render
from tarjama.scoring.core import ScoreReport, score_texts
from tarjama.scoring.term_marks import paragraph_terms

SOURCES = [
    "أعلنت وكالة الفضاء الأوروبية (ESA) ووكالة استكشاف الفضاء اليابانية (JAXA) عن شراكة مُعززة "
    "تشمل مُختلف المساعي الفضائية.",
    "يُحدد بيانهما المُشترك تعاونا جديدا في العديد من المجالات الرئيسية: الدفاع الكوكبي، "
    "ومراقبة الأرض، واستكشاف المريخ.",
    "كما تستكشف JAXA و ESA بعثات هبوط صغيرة مشتركة إلى المريخ في ثلاثينيات القرن الحادي والعشرين.",
]
HYPS = [
    "The European Space Agency (ESA) and the Japan Aerospace Exploration Agency (JAXA) announced an "
    "enhanced partnership covering various space endeavours.",
    "Their joint statement sets out new cooperation in several key areas: planetary defense, Earth "
    "monitoring and the exploration of Mars.",
    "JAXA and ESA are also exploring small joint landing missions to Mars in the 2030s.",
]
REFS = [
    "ESA and the Japan Aerospace Exploration Agency (JAXA) have announced a strengthened partnership "
    "spanning various space endeavours.",
    "Their joint statement outlines new cooperation in key areas: planetary defence, Earth observation "
    "and Mars exploration.",
    "JAXA and ESA are also exploring joint small Mars landing missions in the 2030s.",
]
BASELINE = [
    "ESA and JAXA said a partnership.",
    "The statement is about defence, Earth and Mars.",
    "JAXA and ESA look at Mars landers.",
]
GLOSSARY = """ar\ten\tkind\tnote\ten_variants
وكالة الفضاء الأوروبية\tEuropean Space Agency\torganisation\t\t
الدفاع الكوكبي\tplanetary defence\tconcept\t\t
مراقبة الأرض\tEarth observation\tconcept\t\t
المريخ\tMars\tplace\t\t
"""


def glossary_file(folder: Path, text: str = GLOSSARY) -> Path:
    path = folder / "glossary.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def sample_report(folder: Path, compare: bool = True) -> ScoreReport:
    """Three news paragraphs with glossary terms (two missed) and a baseline comparison."""
    return score_texts(
        HYPS, [REFS], SOURCES,
        glossary=glossary_file(folder),
        baseline=BASELINE if compare else None, n_samples=200,
        labels={"hypothesis": "out/hyp.en.txt", "references": ["refs/ref.en.txt"],
                "source": "seeds/src.ar.txt", "baseline": "out/baseline.en.txt",
                "engines": [{"engine": "marian", "model": "opus-mt-ar-en", "sha256": "ab12cd"}]},
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ScoreReport:
    return sample_report(tmp_path_factory.mktemp("glossary"))


# --- term spans -------------------------------------------------------------------------

def test_term_spans_pair_source_and_hypothesis(report: ScoreReport) -> None:
    assert report.terms is not None
    p0, p1, p2 = report.terms.paragraphs
    assert [(SOURCES[0][m.start:m.end], m.missed) for m in p0.source] == [("وكالة الفضاء الأوروبية", False)]
    assert [HYPS[0][m.start:m.end] for m in p0.hypothesis] == ["European Space Agency"]
    assert sorted(p1.missed) == ["Earth observation", "planetary defence"]
    assert [HYPS[1][m.start:m.end] for m in p1.hypothesis] == ["Mars"]
    # The reference does use both terms the hypothesis missed.
    assert {m.term for m in p1.references[0]} == {"planetary defence", "Earth observation", "Mars"}
    assert p2.missed == []
    assert (report.terms.correct, report.terms.total) == (3, 5)
    assert report.terms.score == pytest.approx(60.0)
    # Highlights agree with term_accuracy's own per-paragraph result.
    per_segment = report.terms.accuracy.per_segment
    assert [sorted(p.missed) for p in report.terms.paragraphs] == [sorted(m) for _, _, m in per_segment]


def test_second_occurrence_without_partner_is_missed(tmp_path: Path) -> None:
    glossary = Glossary.load(glossary_file(tmp_path))
    terms = paragraph_terms(glossary, "المريخ ثم المريخ", "Mars and then the red planet", [])
    assert [m.missed for m in terms.source] == [False, True]


def test_english_follows_the_glossary_case_and_word_rules(tmp_path: Path) -> None:
    glossary = Glossary.load(glossary_file(tmp_path))
    # A concept may start a sentence with a capital; a name must keep its case.
    assert paragraph_terms(glossary, "الدفاع الكوكبي", "Planetary defence matters.", []).missed == []
    assert paragraph_terms(glossary, "المريخ", "MARS rover", []).missed == ["Mars"]
    assert paragraph_terms(glossary, "المريخ", "Marseille", []).missed == ["Mars"]
    terms = paragraph_terms(glossary, "المريخ", "Mars's moons", [])
    assert terms.missed == [] and [(m.start, m.end) for m in terms.hypothesis] == [(0, 4)]


def test_no_terms_in_source_gives_no_score(tmp_path: Path) -> None:
    report = score_texts(["Hello there."], [["Hello there."]], ["مرحبا"], glossary=glossary_file(tmp_path))
    assert report.terms is not None and report.terms.score is None and report.terms.total == 0
    assert "| Term accuracy (%) | n/a | 0/0 terms |" in render(report, "markdown")
    assert ">n/a</div>" in render(report, "html")


# --- Markdown ---------------------------------------------------------------------------

def test_markdown_headline_table_has_every_metric_with_its_signature(report: ScoreReport) -> None:
    md = render(report, "markdown")
    for m in report.corpus:
        sig = m.signature.replace("|", "\\|")
        row = rf"^\| {re.escape(m.name)}( ↓)? \| {m.score:.1f} \| `{re.escape(sig)}` \|$"
        assert re.search(row, md, re.M)
    assert "| Term accuracy (%) | 60.0 | 3/5 terms |" in md
    assert "Engine: engine=marian, model=opus-mt-ar-en, sha256=ab12cd" in md


def test_markdown_per_paragraph_table_and_missed_terms(report: ScoreReport) -> None:
    md = render(report, "markdown", width=2)
    section = md.split("## Per paragraph")[1].split("## Terminology")[0]
    rows = [line for line in section.splitlines() if re.match(r"^\| \d+ \|", line)]
    assert len(rows) == 3
    seg = report.segments[1]
    bleu, chrf, ter = (seg.scores[n] for n in ("BLEU", "chrF2++", "TER"))
    assert rows[1].startswith(f"| 2 | {bleu:.2f} | {chrf:.2f} | {ter:.2f} |")
    assert "planetary defence" in rows[1] and "Earth observation" in rows[1]
    terms = md.split("## Terminology")[1]
    assert "**3/5** (60.0%)" in terms
    assert "| 2 | planetary defence |" in terms and "| 2 | Earth observation |" in terms


def test_markdown_comparison_section(report: ScoreReport) -> None:
    md = render(report, "markdown")
    comparison = md.split("## Comparison (paired bootstrap)")[1]
    assert "200 resamples, seed 12345" in comparison and "`out/baseline.en.txt`" in comparison
    assert report.comparison is not None
    bleu = report.comparison.results[0]
    assert f"| {bleu.delta:+.1f} |" in comparison and f"| {bleu.p_value:.4f} |" in comparison
    assert "bs:200\\|seed:12345" in comparison


def test_markdown_table_cells_cannot_be_broken_by_pipes() -> None:
    hyps = ["A | B | C is a pipe-laden line of text.", "Second."]
    report = score_texts(hyps, [["A B C is a line.", "Second."]])
    rows = [line for line in render(report, "markdown").splitlines() if line.startswith("| 1 |")]
    assert len(rows) == 1
    assert len(re.split(r"(?<!\\)\|", rows[0])) == len(re.split(r"(?<!\\)\|", "| 1 | x | x | x | x |"))


# --- JSON -------------------------------------------------------------------------------

def test_json_has_everything(report: ScoreReport) -> None:
    data = json.loads(render(report, "json"))
    assert data["schema"] == 1
    assert data["inputs"]["paragraphs"] == 3 and data["inputs"]["references"] == ["refs/ref.en.txt"]
    assert {m["name"]: m["score"] for m in data["corpus"]} == {m.name: m.score for m in report.corpus}
    assert all(m["signature"].startswith("nrefs:1|") for m in data["corpus"])
    assert data["segment_signatures"]["BLEU"].startswith("nrefs:1|case:mixed|eff:yes")
    para = data["paragraphs"][1]
    assert para["source"] == SOURCES[1] and para["references"] == [REFS[1]]
    assert sorted(para["missed_terms"]) == ["Earth observation", "planetary defence"]
    assert data["terms"]["correct"] == 3 and data["terms"]["total"] == 5
    assert data["comparison"]["seed"] == 12345 and data["comparison"]["n_samples"] == 200
    assert all(0 <= r["p_value"] <= 1 for r in data["comparison"]["results"])
    assert data["versions"]["sacrebleu"]


def test_json_keeps_arabic_readable(report: ScoreReport) -> None:
    assert "وكالة الفضاء الأوروبية" in render(report, "json")


def test_format_for_path() -> None:
    assert format_for_path("x/report.HTML") == "html"
    assert format_for_path("r.json") == "json" and format_for_path("r.md") == "markdown"
    assert format_for_path("r.txt") is None


# --- HTML -------------------------------------------------------------------------------

class Collector(HTMLParser):
    """Tags with attributes, and the text inside each ``<mark>``."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[tuple[dict[str, str | None], str]] = []
        self._in_mark: dict[str, str | None] | None = None
        self._text = ""
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "mark":
            self._in_mark, self._text = dict(attrs), ""
        if tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self._in_mark is not None:
            self.marks.append((self._in_mark, self._text))
            self._in_mark = None

    def handle_data(self, data: str) -> None:
        if self._in_mark is not None:
            self._text += data


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    return c


def test_html_has_rtl_arabic_column_after_english_column(report: ScoreReport) -> None:
    html = render(report, "html")
    cols = [(t, a) for t, a in parse(html).tags if "col" in (a.get("class") or "").split()]
    assert len(cols) == 6
    for en, ar in zip(cols[::2], cols[1::2], strict=True):
        assert en[1]["class"] == "col en" and en[1]["lang"] == "en"
        assert ar[1]["class"] == "col ar" and ar[1]["dir"] == "rtl" and ar[1]["lang"] == "ar"
    assert SOURCES[2].split(" المريخ")[0] in html


def test_html_marks_terms_on_both_sides_and_missed_ones(report: ScoreReport) -> None:
    marks = parse(render(report, "html")).marks
    found = [(a["data-term"], text) for a, text in marks if a["class"] == "term"]
    missed = [(a["data-term"], text) for a, text in marks if a["class"] == "term missed"]
    assert ("European Space Agency", "وكالة الفضاء الأوروبية") in found
    assert ("European Space Agency", "European Space Agency") in found
    assert ("Mars", "Mars") in found and ("Mars", "المريخ") in found
    assert sorted(missed) == [("Earth observation", "مراقبة الأرض"), ("planetary defence", "الدفاع الكوكبي")]


def test_html_escapes_everything(tmp_path: Path) -> None:
    nasty = '<script>alert("x")</script> & <b>bold</b> \'q\''
    glossary = glossary_file(tmp_path, GLOSSARY + 'القمر\t"><img src=x onerror=alert(1)>\tplace\t\t\n')
    report = score_texts(
        [f"Mars {nasty} one.", "Two & two."], [[f"Mars {nasty} uno.", "Two."]], [f"المريخ {nasty}", "القمر"],
        glossary=glossary,
        labels={"hypothesis": 'hyp"<x>.txt', "references": ["ref&.txt"], "source": "src.txt"},
    )
    html = render(report, "html")
    parsed = parse(html)
    assert parsed.scripts == 1  # only the report's own script
    assert not any(t in {"b", "img"} for t, _ in parsed.tags)
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; &#x27;q&#x27;"
    assert html.count(escaped) == 3  # hypothesis, reference, source
    assert "hyp&quot;&lt;x&gt;.txt" in html and "ref&amp;.txt" in html
    assert 'data-term="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in html


def test_html_is_self_contained(report: ScoreReport) -> None:
    html = render(report, "html")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert not re.search(r"<link\b|\bsrc=|@import|url\(|https?://", html)
    assert html.count("<article") == 3


def test_html_without_source_is_a_single_column() -> None:
    report = score_texts(HYPS, [REFS])
    html = render(report, "html")
    assert 'class="paragraphs single"' in html and 'dir="rtl"' not in html
