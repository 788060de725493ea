"""HTML in and out: text and alt/title/aria-label translated, every other byte as it was."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.document.inline import tokens
from tarjama.document.requests import build_requests
from tarjama.formats.html import parse_html
from tarjama.translate.run import assemble
from tarjama.types import EngineIdentity, SegmentTranslation

PARAGRAPH = (
    '<p>اقرأ <a href="https://esa.int/x?a=1&amp;b=2" class=link>البيان الكامل</a> على موقع الوكالة. '
    'شغّل <code>run --fast</code> الآن.<br>سطر <img src="m.png" alt=صورة> ثان.</p>'
)
PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>وكالة الفضاء</title>
<style>p::before { content: "<b>نص</b>"; }</style>
<script>const s = "<p>لا يترجم</p>";</script></head>
<body>
  <!-- تعليق -->
  <h1 title='عنوان "فرعي" &amp; آخر'>إطلاق <b>القمر</b> الجديد</h1>
  PARAGRAPH
  <p translate="no">لا تترجم <b>هذا</b></p>
  <pre>نص   محفوظ</pre>
  <ul><li><span lang="ar-EG">بند</span> أول</li><li aria-label="قائمة">١٢٣</li><li>   </li></ul>
  <button title="زر">إرسال</button>
</body></html>
""".replace("PARAGRAPH", PARAGRAPH)


def echo(text: str) -> SegmentTranslation:
    return SegmentTranslation(text)


def tagged_english(request: str) -> SegmentTranslation:
    """A stand-in translation: each run of Arabic becomes "EN", placeholders and the rest stay."""
    out = []
    for kind, value in tokens(request):
        if kind == "text":
            out.append(re.sub(r"[\u0600-\u06FF]+(?:[\s\u0660-\u0669]+[\u0600-\u06FF]+)*", "EN", str(value)))
        else:
            out.append({"open": "<g{}>", "close": "</g{}>", "atom": "<x{}/>"}[kind].format(value))
    return SegmentTranslation("".join(out))


def render(text: str, translate) -> str:
    source = parse_html(text)
    doc = source.units[0].document
    prepared = build_requests(doc, None)
    result = assemble(
        doc, prepared, [translate(p.request.source) for p in prepared], [False] * len(prepared),
        engine=EngineIdentity("test", "test"), glossary=None, seconds=0.0,
    )
    return source.render([result])


def test_paragraphs_and_what_the_engine_reads() -> None:
    doc = parse_html(PAGE).units[0].document
    requests = [s.request_text for _p, s in doc.sentences()]
    assert requests == [
        "وكالة الفضاء",
        'عنوان "فرعي" & آخر',
        "إطلاق <g1>القمر</g1> الجديد",
        "اقرأ <g1>البيان الكامل</g1> على موقع الوكالة.",
        "شغّل <x1/> الآن.",
        "سطر <x1/> ثان.",
        "صورة",
        "<g1>بند</g1> أول",
        "قائمة",
        "١٢٣",
        "إرسال",  # an inline element's text run starts at its tag, before its attributes
        "زر",
    ]
    # Scripts, styles, code, translate="no", pre, comments and link targets never go out.
    assert not any(
        w in r for r in requests for w in ("لا يترجم", "لا تترجم", "محفوظ", "run", "https", "تعليق")
    )


def test_an_untouched_translation_gives_the_file_back_byte_for_byte_but_lang_and_dir() -> None:
    out = render(PAGE, echo)
    expected = PAGE.replace('lang="ar" dir="rtl"', 'lang="en" dir="ltr"').replace('lang="ar-EG"', 'lang="en"')
    # A translated attribute value gets quotes if it had none.
    expected = expected.replace("alt=صورة", 'alt="صورة"')
    assert out == expected


def test_translated_text_and_attributes_are_escaped_and_everything_else_kept() -> None:
    out = render(PAGE, tagged_english)
    assert "<title>EN</title>" in out
    assert "<h1 title='EN \"EN\" &amp; EN'>EN <b>EN</b> EN</h1>" in out
    assert '<a href="https://esa.int/x?a=1&amp;b=2" class=link>EN</a>' in out
    assert "<code>run --fast</code>" in out and '<img src="m.png" alt="EN">' in out
    assert '<li aria-label="EN">EN</li>' in out and '<button title="EN">EN</button>' in out
    kept = [
        '<p translate="no">لا تترجم <b>هذا</b></p>',
        "<pre>نص   محفوظ</pre>",
        "<!-- تعليق -->",
        "<li>   </li>",
    ]
    kept += [
        '<script>const s = "<p>لا يترجم</p>";</script>',
        '<style>p::before { content: "<b>نص</b>"; }</style>',
    ]
    for element in kept:
        assert element in out, element
    english = parse_html(out, language="en").units[0].document  # the English page, read as English
    assert len(english.paragraphs) == len(parse_html(PAGE).units[0].document.paragraphs)


def test_a_translation_with_markup_characters_stays_well_formed() -> None:
    out = render("<p>نص <b>مهم</b>.</p>", lambda r: SegmentTranslation("a < b & <g1>c > d</g1>."))
    assert out == "<p>a &lt; b &amp; <b>c &gt; d</b>.</p>"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        self.tags.append("/" + tag)


def tag_sequence(text: str) -> list[str]:
    parser = _Tags()
    parser.feed(text)
    return parser.tags


def test_a_tiny_model_translation_parses_back_with_every_element(
    tiny_marian: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "page.ar.html"
    src.write_text(PAGE, encoding="utf-8")
    out = tmp_path / "page.en.html"
    assert main(["translate", str(src), "-o", str(out), "--engine", "marian", "--model", str(tiny_marian),
                 "--no-glossary", "--no-progress"]) == 0  # fmt: skip
    english = out.read_text(encoding="utf-8")
    # The random model drops placeholders: the repaired markup leaves out only what it could not
    # place (a translated inline element), never a block, a kept element or a standalone one.
    source_tags, english_tags = tag_sequence(PAGE), tag_sequence(english)
    inline_pairs = {"b", "/b", "a", "/a", "span", "/span"}
    assert [t for t in source_tags if t not in inline_pairs] == [
        t for t in english_tags if t not in inline_pairs
    ]
    assert english.startswith('<!DOCTYPE html>\n<html lang="en" dir="ltr">')
    assert "<code>run --fast</code>" in english and '<p translate="no">لا تترجم <b>هذا</b></p>' in english
