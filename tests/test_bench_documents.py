"""The real-document benchmark's inputs and checker (``scripts/bench_documents.py``), without the
model: the Word article and the news page it builds read as such, and with a stand-in
translation that keeps every placeholder its checker finds every formatting kept."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("docx")

from test_formats_docx import translated
from test_formats_html import render, tagged_english

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench_documents.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_documents", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _all_kept(report: dict) -> None:
    assert report["paragraphs_source"] == report["paragraphs_output"]
    assert report["untranslated"] == []
    assert report["cells"]["source"] == report["cells"]["translated"] == 7
    for kind in ("bold", "italic", "link"):
        assert report[kind]["source"] > 0
        assert report[kind]["kept"] == report[kind]["source"], report[kind]["lost"]
    assert report["pandoc"] == "reads"


def test_the_word_article_comes_back_with_its_formatting(tmp_path: Path, bench) -> None:
    source = bench.make_docx(tmp_path / "article.ar.docx")
    output = tmp_path / "article.en.docx"
    output.write_bytes(translated(source, tagged_english))
    report = bench.check_docx(source, output)
    _all_kept(report)
    assert report["zip_ok"] and report["same_parts"] and not report["xml_parts_unparsable"]
    assert report["rtl_left"] == {"bidi": 0, "rtl": 0, "bidiVisual": 0}
    assert report["lang_ar_left"] == 0
    assert (report["bold"]["source"], report["italic"]["source"], report["link"]["source"]) == (8, 4, 3)


def test_the_news_page_comes_back_with_its_tags_and_left_to_right(tmp_path: Path, bench) -> None:
    source = bench.make_html(tmp_path / "news.ar.html")
    output = tmp_path / "news.en.html"
    output.write_text(render(source.read_text(encoding="utf-8"), tagged_english), encoding="utf-8")
    report = bench.check_html(source, output)
    _all_kept(report)
    assert report["same_tags"]
    assert report["html_element"] == '<html lang="en" dir="ltr">'
    assert report["lang_dir_left"] == {"lang_ar": 0, "dir_rtl": 0}
    assert report["og_locale"] == ["en_US"]
    assert report["text_with_arabic"] == report["attributes_with_arabic"] == []


def test_the_checker_sees_a_lost_link_and_text_left_in_arabic(tmp_path: Path, bench) -> None:
    source = bench.make_html(tmp_path / "news.ar.html")
    output = tmp_path / "news.en.html"
    english = render(source.read_text(encoding="utf-8"), tagged_english)
    english = english.replace('<a href="https://www.esa.int/ISS">EN (ISS)</a>', "EN (ISS)")
    english = english.replace("<figcaption>EN</figcaption>", "<figcaption>مهام</figcaption>")
    output.write_text(english, encoding="utf-8")
    report = bench.check_html(source, output)
    assert not report["same_tags"]
    assert report["link"]["kept"] == report["link"]["source"] - 1
    assert [u["text"] for u in report["untranslated"]] == ["مهام"]
