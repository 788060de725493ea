"""XLIFF as CAT tools and frameworks write it: Xcode, Angular, memoQ, Trados, Okapi, XLIFF 2.0.

Each fixture copies its tool's layout (namespaces, headers, attributes, inline codes, the
whitespace of its pretty-printing). The run translates Arabic to English: a file in any other
direction is refused before any work; one in the run's direction is filled.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

pytest.importorskip("translate.storage.xliff")

from translate.storage import xliff

from tarjama.cli import main
from tarjama.errors import TarjamaError
from tarjama.formats import ReadOptions, read_source
from tarjama.text.interchange import direction_problem
from test_formats_xliff import by_id, fill

# Xcode 15 "Export Localizations…": English development language, Arabic target.
XCODE = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
version="1.2" xsi:schemaLocation="urn:oasis:names:tc:xliff:document:1.2 \
http://docs.oasis-open.org/xliff/v1.2/os/xliff-core-1.2-strict.xsd">
  <file original="NewsReader/en.lproj/Localizable.strings" source-language="en" target-language="ar" \
datatype="plaintext">
    <header>
      <tool tool-id="com.apple.dt.xcode" tool-name="Xcode" tool-version="15.0" build-num="15A240d"/>
    </header>
    <body>
      <trans-unit id="Settings" xml:space="preserve">
        <source>Settings</source>
        <target>الإعدادات</target>
        <note>Title of the settings screen</note>
      </trans-unit>
      <trans-unit id="Sign in to read the full article." xml:space="preserve">
        <source>Sign in to read the full article.</source>
        <note>Paywall prompt</note>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

# memoQ 10 bilingual export (.mqxliff): English to French, mq: extensions, preserved spaces.
MEMOQ = """<?xml version="1.0" encoding="utf-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:mq="MQXliff">
  <file original="C:\\\\Projects\\\\esa\\\\report.docx" source-language="en-us" target-language="fr-fr" \
datatype="x-docx" mq:docid="4f5a1f9c-5e0b-4f53-9c58-3c0f5b5b9d11">
    <body>
      <trans-unit id="1" mq:status="NotStarted" mq:segmentguid="b1c0e1a2-0000-4000-8000-000000000001" \
xml:space="preserve">
        <source xml:space="preserve">The agency signed an agreement with JAXA.</source>
        <target xml:space="preserve"></target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

# Okapi Rainbow "Extraction" of an HTML page: English to French, okp: and ITS namespaces.
OKAPI = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2" \
xmlns:okp="okapi-framework:xliff-extensions" xmlns:its="http://www.w3.org/2005/11/its" \
xmlns:itsxlf="http://www.w3.org/ns/its-xliff/" its:version="2.0">
<file original="article.html" source-language="en" target-language="fr" datatype="x-text/html" \
okp:inputEncoding="UTF-8">
<body>
<trans-unit id="tu1" resname="title"><source xml:lang="en">It was a unique
<g id="1">bill</g>.</source><target xml:lang="fr"></target></trans-unit>
</body>
</file>
</xliff>
"""

# XLIFF 2.0 (as Okapi and the Angular 2.0 serializer write it): English to Portuguese.
XLIFF20_EN_PT = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="pt">
  <file id="ngi18n" original="ng.template">
    <unit id="welcome">
      <segment>
        <source>Welcome to the mission page.</source>
      </segment>
    </unit>
  </file>
</xliff>
"""

# Angular `ng extract-i18n` (messages.xlf, XLIFF 1.2) of an Arabic-first app: units of
# datatype="html", interpolations as <x id="INTERPOLATION"/>, markup inside ICU-like text escaped.
ANGULAR = """<?xml version="1.0" encoding="UTF-8" ?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="ar" datatype="plaintext" original="ng2.template">
    <body>
      <trans-unit id="introductionHeader" datatype="html">
        <source>مرحبا <x id="INTERPOLATION" equiv-text="{{ name }}"/>، هذه نشرة الوكالة.</source>
        <context-group purpose="location">
          <context context-type="sourcefile">src/app/app.component.html</context>
          <context context-type="linenumber">3</context>
        </context-group>
        <note priority="1" from="description">An introduction header for this sample</note>
      </trans-unit>
      <trans-unit id="readStatement" datatype="html">
        <source>اقرأ &lt;a href="<x id="INTERPOLATION" equiv-text="{{ url }}"/>"&gt;البيان الكامل&lt;/a&gt; \
على موقع &lt;b&gt;الوكالة&lt;/b&gt;.</source>
        <context-group purpose="location">
          <context context-type="sourcefile">src/app/news/news.component.html</context>
          <context context-type="linenumber">12</context>
        </context-group>
      </trans-unit>
      <trans-unit id="brand" datatype="html">
        <source>NASA <x id="INTERPOLATION" equiv-text="{{ year }}"/></source>
      </trans-unit>
      <trans-unit id="launchLine" datatype="html">
        <source>
          كانت مهمة
          <x id="START_BOLD_TEXT" ctype="x-b" equiv-text="&lt;b&gt;"/>فريدة<x id="CLOSE_BOLD_TEXT" \
ctype="x-b" equiv-text="&lt;/b&gt;"/>
          من نوعها.
        </source>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

# Trados Studio 2022 .sdlxliff: the segmented source in <seg-source>, empty segments in <target>.
SDLXLIFF = """<?xml version="1.0" encoding="utf-8"?>
<xliff xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0" xmlns="urn:oasis:names:tc:xliff:document:1.2" \
version="1.2" sdl:version="1.0">
  <file original="C:\\\\Projects\\\\news\\\\ar-SA\\\\article.docx" datatype="x-sdlfilterframework2" \
source-language="ar-SA" target-language="en-US">
    <header>
      <file-info xmlns="http://sdl.com/FileTypes/SdlXliff/1.0"><value key="SDL:FileId">9f1d</value>\
</file-info>
      <tag-defs xmlns="http://sdl.com/FileTypes/SdlXliff/1.0">
        <tag id="pt1"><bpt name="cf" word-end="false">&lt;cf bold=True&gt;</bpt><ept name="cf" \
word-end="false">&lt;/cf&gt;</ept></tag>
      </tag-defs>
    </header>
    <body>
      <group>
        <sdl:cxts><sdl:cxt id="1"/></sdl:cxts>
        <trans-unit id="0f4e9d3a-1d2b-4a55-9d7e-6b8d0b1c2a10">
          <source>وقعت <g id="pt1">وكالة الفضاء الأوروبية</g> اتفاقية مع جاكسا. وستطلق المهمة في \
2030.</source>
          <seg-source><mrk mtype="seg" mid="1">وقعت <g id="pt1">وكالة الفضاء الأوروبية</g> اتفاقية مع \
جاكسا.</mrk> <mrk mtype="seg" mid="2">وستطلق المهمة في 2030.</mrk></seg-source>
          <target><mrk mtype="seg" mid="1"/> <mrk mtype="seg" mid="2"/></target>
          <sdl:seg-defs><sdl:seg id="1"/><sdl:seg id="2"/></sdl:seg-defs>
        </trans-unit>
      </group>
    </body>
  </file>
</xliff>
"""


def test_an_xcode_export_from_english_into_arabic_is_read_in_its_direction(tmp_path: Path) -> None:
    path = tmp_path / "Localizable.xliff"
    path.write_text(XCODE, encoding="utf-8")
    source = read_source(path)
    assert source.units[0].document.sentences()  # English sentences to translate, none untouched
    with pytest.raises(TarjamaError, match="the file is en → ar; this run translates Arabic → English"):
        read_source(path, options=ReadOptions(languages=("ar", "en")))  # a run stated the other way


@pytest.mark.parametrize(
    "name,text,languages",
    [
        ("report.docx.mqxliff.xlf", MEMOQ, "en-us → fr-fr"),
        ("article.html.xlf", OKAPI, "en → fr"),
        ("messages.pt.xlf", XLIFF20_EN_PT, "en → pt"),
    ],
)
def test_a_file_in_another_direction_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, languages: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    both = "tarjama translates Arabic → English and English → Arabic"
    with pytest.raises(TarjamaError, match=f"the file is {languages}; {both}"):
        read_source(path)
    # The engine named cannot even be loaded: the refusal comes before the model is touched.
    argv = ["translate", str(path), "-o", str(tmp_path / "out.xlf"), "--engine", "marian", "--model",
            str(tmp_path / "no-such-model"), "--no-glossary"]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"the file is {languages}" in err[0] and "no-such-model" not in err[0]
    assert not (tmp_path / "out.xlf").exists()


def test_the_direction_rule_is_a_function_of_the_two_languages() -> None:
    assert direction_problem("ar", "en") is None
    assert direction_problem("ar-SA", None) is None  # a missing target is the run's
    for arabic in ("arb", "arz-EG", "ars", "apc", "ary", "AR_eg"):
        assert direction_problem(arabic, "en-GB") is None, arabic
    assert direction_problem("en", "ar") == "the file is en → ar; this run translates Arabic → English"
    assert direction_problem("en", "ar", ("en", "ar")) is None  # the other direction, when a run has it
    assert direction_problem("ar", "en", ("en", "ar")) is not None
    assert "does not say its source language" in (direction_problem(None, "en") or "")


def test_an_arabic_file_is_read_in_the_run_s_direction_only(tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    path.write_text(SDLXLIFF, encoding="utf-8")
    assert read_source(path).units[0].document.paragraphs
    with pytest.raises(TarjamaError, match="the file is ar-SA → en-US; this run translates English → Arabic"):
        read_source(path, options=ReadOptions(languages=("en", "ar")))


def test_source_and_target_options_are_the_direction_a_declared_file_must_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny_marian_en_ar: Path
) -> None:
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "a.xlf"
    path.write_text(SDLXLIFF, encoding="utf-8")
    refusal = "the file is ar-SA → en-US; this run translates English → Arabic"
    # translate: refused before the model is loaded
    argv = ["translate", str(path), "-o", str(tmp_path / "out.xlf"), "--source", "en",
            "--engine", "marian", "--model", str(tmp_path / "no-such-model"), "--no-glossary"]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert refusal in err and "no-such-model" not in err
    assert not (tmp_path / "out.xlf").exists()
    # batch: the file fails alone, with the same line
    argv = ["batch", str(path.parent), "--out-dir", str(tmp_path / "out"), "--target", "ar",
            "--engine", "marian", "--model", str(tiny_marian_en_ar), "--no-glossary", "--no-progress"]
    assert main(argv) != 0
    assert refusal in capsys.readouterr().err
    assert not (tmp_path / "out" / "a.xlf").exists()


def test_angular_escaped_markup_becomes_placeholders_and_goes_back_escaped(tmp_path: Path) -> None:
    path = tmp_path / "messages.xlf"
    path.write_text(ANGULAR, encoding="utf-8")
    doc = read_source(path).units[0].document
    assert [s.request_text for _p, s in doc.sentences()] == [
        "مرحبا <x1/>، هذه نشرة الوكالة.",
        "اقرأ <g1>البيان الكامل</g1> على موقع <g2>الوكالة</g2>.",
        "كانت مهمة <x1/>فريدة<x2/> من نوعها.",  # the layout's line breaks are one space
    ]
    out = tmp_path / "messages.en.xlf"
    out.write_text(fill(path, None), encoding="utf-8")
    raw = out.read_text(encoding="utf-8")
    # The link comes back as the escaped markup it was, its interpolation in the attribute, no
    # attribute invented; the bold too.
    assert re.search(
        r'<target xml:lang="en"[^>]*>EN &lt;a href="<x id="INTERPOLATION" equiv-text="\{\{ url \}\}"/>"&gt;EN'
        r"&lt;/a&gt; EN &lt;b&gt;EN&lt;/b&gt;\.</target>",
        raw,
    ), raw
    units = by_id(xliff.xlifffile.parsefile(str(out)))
    assert units["brand"].get_target_dom() is None  # nothing Arabic in it: left as it is, and counted
    assert read_source(path).units[0].document.untouched == 1
    launch = units["launchLine"].get_target_dom()
    assert [el.get("id") for el in launch] == ["START_BOLD_TEXT", "CLOSE_BOLD_TEXT"]
    assert "".join(launch.itertext()) == "EN EN EN."


def test_text_of_escaped_markup_is_escaped_as_html(tmp_path: Path) -> None:
    from tarjama.types import SegmentTranslation

    path = tmp_path / "messages.xlf"
    path.write_text(ANGULAR, encoding="utf-8")
    out = tmp_path / "out.xlf"
    out.write_text(fill(path, None, lambda r: SegmentTranslation(
        re.sub(r"[\u0600-\u06FF]+(?:[\s\u0660-\u0669،]+[\u0600-\u06FF]+)*", "a<b & c&amp;", r)
    )), encoding="utf-8")  # fmt: skip
    first = by_id(xliff.xlifffile.parsefile(str(out)))["introductionHeader"].get_target_dom()
    # The stored text is HTML: "<" escaped, a bare "&" kept, an "&amp;" that was text escaped.
    assert "".join(first.itertext()) == "a&lt;b & c&amp;amp; a&lt;b & c&amp;amp;."


def test_line_breaks_of_an_xml_source_do_not_split_sentences(tmp_path: Path) -> None:
    text = OKAPI.replace('source-language="en" target-language="fr"',
                         'source-language="ar" target-language="en"')
    text = text.replace('It was a unique\n<g id="1">bill</g>.', 'كانت فاتورة\n<g id="1">فريدة</g>. وأضاف.')
    path = tmp_path / "a.xlf"
    path.write_text(text, encoding="utf-8")
    doc = read_source(path).units[0].document
    assert [s.request_text for _p, s in doc.sentences()] == ["كانت فاتورة <g1>فريدة</g1>.", "وأضاف."]
    preserved = text.replace('<trans-unit id="tu1"', '<trans-unit id="tu1" xml:space="preserve"')
    path.write_text(preserved, encoding="utf-8")
    kept = [s.request_text for _p, s in read_source(path).units[0].document.sentences()]
    assert kept[0] == "كانت فاتورة"  # with xml:space="preserve" the line break is the file's own


def test_trados_segments_are_filled_into_their_target_mrk(tmp_path: Path) -> None:
    path = tmp_path / "article.docx.sdlxliff"
    path.write_text(SDLXLIFF, encoding="utf-8")
    doc = read_source(path).units[0].document
    assert [s.request_text for _p, s in doc.sentences()] == [
        "وقعت <g1>وكالة الفضاء الأوروبية</g1> اتفاقية مع جاكسا.",
        "وستطلق المهمة في 2030.",
    ]
    out = tmp_path / "out.sdlxliff"
    out.write_text(fill(path, None), encoding="utf-8")
    unit = xliff.xlifffile.parsefile(str(out)).units[0]
    target = unit.get_target_dom()
    segments = [(el.get("mtype"), el.get("mid"), "".join(el.itertext())) for el in target]
    assert segments == [("seg", "1", "EN EN EN."), ("seg", "2", "EN 2030.")]
    assert [el.get("id") for el in target[0]] == ["pt1"]


@pytest.mark.parametrize(
    "bom,encoding",
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"), (b"", "utf-16-le")],
)
def test_utf16_xliff_is_read(tmp_path: Path, bom: bytes, encoding: str) -> None:
    text = SDLXLIFF.replace('encoding="utf-8"', 'encoding="UTF-16"')
    path = tmp_path / "a.xlf"
    path.write_bytes(bom + text.encode(encoding))
    doc = read_source(path).units[0].document
    assert len(doc.sentences()) == 2


ENTITIES = ('<!DOCTYPE xliff [<!ENTITY int "داخلي"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            '<!-- \u783c\u696c\u6666 -->')  # these 3 characters are the bytes "<xliff" in UTF-16LE


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-be", "utf-32", "iso-8859-6"])
def test_entity_declarations_are_refused_in_every_encoding(
    tmp_path: Path, encoding: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n{ENTITIES}'
            '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="x" '
            'source-language="ar" target-language="en" datatype="plaintext"><body><trans-unit id="1">'
            "<source>وقعت الوكالة &int; اتفاقا &xxe; نهاية.</source></trans-unit></body></file></xliff>")
    if encoding == "iso-8859-6":  # Arabic ISO: no room for the CJK comment nor for a BOM
        text = text.replace("<!-- \u783c\u696c\u6666 -->", "")
    path = tmp_path / "e.xlf"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(TarjamaError, match="declares XML entities"):
        read_source(path)
    assert main(["batch", str(path), "--out-dir", str(tmp_path / "o"), "--dry-run", "--no-glossary"]) != 0
    captured = capsys.readouterr()
    assert "e.xlf: declares XML entities" in captured.out + captured.err


def test_an_unknown_encoding_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    path.write_bytes(SDLXLIFF.replace('encoding="utf-8"', 'encoding="x-martian"').encode())
    with pytest.raises(TarjamaError, match="declares the encoding 'x-martian', which tarjama cannot read"):
        read_source(path)
