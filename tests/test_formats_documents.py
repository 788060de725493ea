"""Word and HTML as people's tools write them: Word's run fragmentation, text that is not Arabic,
a news page's head, hostile archives and markup (zip bombs, DOCTYPEs, deep nesting)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")

from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

from tarjama.cli import main  # noqa: E402
from tarjama.errors import TarjamaError  # noqa: E402
from tarjama.formats import read_source  # noqa: E402
from tarjama.formats.docx import Docx  # noqa: E402
from tarjama.formats.html import parse_html  # noqa: E402
from test_formats_docx import translated  # noqa: E402
from test_formats_html import render, tagged_english  # noqa: E402


def _run(paragraph, text: str, *props: tuple[str, dict[str, str]]) -> None:
    """A run with ``props`` as Word writes them in its rPr (element name, attributes)."""
    run = paragraph.add_run(text)
    rpr = run._r.get_or_add_rPr()
    for name, attrs in props:
        el = OxmlElement(name)
        for key, value in attrs.items():
            el.set(qn(key), value)
        rpr.append(el)


RTL = ("w:rtl", {})


def fragmented_docx(path: Path) -> Path:
    """An Arabic paragraph as Word leaves it after editing: one word in two runs that differ in
    font hint, language and proofing, a run whose complex-script size alone differs, a bold word."""
    d = docx.Document()
    p = d.add_paragraph()
    size = (("w:sz", {"w:val": "28"}), ("w:szCs", {"w:val": "28"}))
    _run(p, "و", ("w:rFonts", {"w:hint": "cs"}), *size, RTL, ("w:lang", {"w:bidi": "ar-SA"}))
    lang = ("w:lang", {"w:val": "en-US", "w:bidi": "ar-EG"})
    _run(p, "َلَمْ يكن القرار ", *size, RTL, ("w:noProof", {}), lang)
    _run(p, "مفاجئاً", ("w:b", {}), ("w:bCs", {}), *size, RTL)
    _run(p, " للجميع", ("w:sz", {"w:val": "28"}), ("w:szCs", {"w:val": "32"}), RTL)
    _run(p, ".", *size, RTL, ("w:cs", {}))
    # Bold for Arabic only (bCs without b) is a visible difference: it stays a placeholder.
    p2 = d.add_paragraph()
    _run(p2, "قال ", RTL)
    _run(p2, "المدير", ("w:bCs", {}), RTL)
    _run(p2, " ذلك.", RTL, ("w:lang", {"w:bidi": "ar-SA"}))
    d.save(path)
    return path


def test_runs_that_differ_only_for_the_arabic_are_one_run(tmp_path: Path) -> None:
    doc = Docx().read(fragmented_docx(tmp_path / "a.docx")).units[0].document
    assert [s.request_text for _p, s in doc.sentences()] == [
        "وَلَمْ يكن القرار <g1>مفاجئاً</g1> للجميع.",  # no placeholder inside a word
        "قال <g1>المدير</g1> ذلك.",
    ]
    out = docx.Document(io.BytesIO(translated(tmp_path / "a.docx")))
    first = out.paragraphs[0]
    assert first.text == "EN EN EN."
    assert [(r.text, bool(r.bold)) for r in first.runs if r.bold] == [("EN", True)]
    assert [(r.text, bool(r.bold)) for r in out.paragraphs[1].runs if r.bold] == [("EN", True)]


def other_languages_docx(path: Path) -> Path:
    """A real article's extras: an English credit line, a Bengali caption, a table of single
    letters and years, beside the Arabic."""
    d = docx.Document()
    d.add_paragraph("وقعت الوكالة اتفاقية جديدة.")
    credit = d.add_paragraph()
    _run(credit, "Reuters contributed to this report.", ("w:lang", {"w:val": "en-GB"}))
    d.add_paragraph("বাংলাদেশ মহাকাশ সংস্থা")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "A"
    table.cell(0, 1).text = "البند الأول"
    table.cell(1, 0).text = "B"
    table.cell(1, 1).text = "2025"
    d.save(path)
    return path


def test_text_without_arabic_letters_passes_through_untouched_and_counted(tmp_path: Path) -> None:
    path = other_languages_docx(tmp_path / "a.docx")
    doc = Docx().read(path).units[0].document
    assert [s.request_text for _p, s in doc.sentences()] == ["وقعت الوكالة اتفاقية جديدة.", "البند الأول"]
    assert doc.untouched == 5  # English, Bengali, "A", "B", "2025"
    out = docx.Document(io.BytesIO(translated(path)))
    assert [p.text for p in out.paragraphs] == [
        "EN.", "Reuters contributed to this report.", "বাংলাদেশ মহাকাশ সংস্থা"
    ]
    assert [[c.text for c in row.cells] for row in out.tables[0].rows] == [["A", "EN"], ["B", "2025"]]
    # Untouched means untouched: the credit line keeps its own runs (a rewritten one would be en-US).
    assert out.paragraphs[1]._p.xpath("string(.//w:lang/@w:val)") == "en-GB"


def test_an_english_sentence_inside_an_arabic_paragraph_is_not_sent(tmp_path: Path) -> None:
    page = "<p>قال المدير إن الوكالة مستعدة. <q>We are ready to launch.</q> ثم غادر.</p>"
    doc = parse_html(page).units[0].document
    assert [s.request_text for _p, s in doc.sentences()] == ["قال المدير إن الوكالة مستعدة.", "ثم غادر."]
    assert doc.untouched == 1
    assert render(page, tagged_english) == "<p>EN. <q>We are ready to launch.</q> EN.</p>"


def doctype_docx(path: Path) -> Path:
    """The probe's file: a DOCTYPE with an internal and an external entity in document.xml."""
    d = docx.Document()
    d.add_paragraph("نص")
    buffer = io.BytesIO()
    d.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                head, rest = data.split(b"?>", 1)
                doctype = '<!DOCTYPE w:document [<!ENTITY int "داخلي"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                data = head + b"?>" + doctype.encode() + rest
                text = "<w:t>نص &int; ثم &xxe; نهاية الجملة.</w:t>"
                data = data.replace("<w:t>نص</w:t>".encode(), text.encode())
            dst.writestr(item, data)
    return path


def test_a_word_file_with_a_doctype_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = doctype_docx(tmp_path / "dtd.docx")
    with pytest.raises(TarjamaError, match=r"part word/document\.xml declares a DOCTYPE, which Word never"):
        Docx().read(path)
    assert main(["translate", str(path), "-o", str(tmp_path / "o.docx"), "--no-glossary"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "declares a DOCTYPE" in err[0] and not (tmp_path / "o.docx").exists()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CT = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>')


def bomb(path: Path, copies: int) -> Path:
    """The probe's zip bomb: a tiny .docx whose document.xml is ``copies`` × 10,000 paragraphs."""
    paragraph = "<w:p><w:r><w:t>جملة عربية قصيرة عن الفضاء.</w:t></w:r></w:p>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0"?><w:document {W}><w:body>'.encode())
            for _ in range(copies):
                f.write((paragraph * 10000).encode())
            f.write(b"</w:body></w:document>")
    return path


def test_a_word_zip_bomb_is_refused_before_it_is_unpacked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = bomb(tmp_path / "bomb.docx", 2)
    assert path.stat().st_size < 20_000  # 1.6 MB of XML in a few kilobytes
    refusal = r"member word/document\.xml expands [\d,]+ times .* over the limit of 100 times \(a zip bomb"
    with pytest.raises(TarjamaError, match=refusal):
        Docx().read(path)
    argv = ["batch", str(path), "--out-dir", str(tmp_path / "o"), "--dry-run", "--no-glossary"]
    assert main(argv) != 0
    assert "tarjama --limit ratio=" in capsys.readouterr().out + capsys.readouterr().err


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_every_archive_has_a_member_count_and_size_limit_that_can_be_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    if kind == "docx":
        path = tmp_path / "a.docx"
        d = docx.Document()
        d.add_paragraph("وقعت الوكالة اتفاقية جديدة.")
        d.save(path)
        argv = ["translate", str(path), "-o", str(tmp_path / "o.docx"), "--engine", "marian", "--model",
                str(tmp_path / "none"), "--no-glossary"]  # fmt: skip
    else:
        openpyxl = pytest.importorskip("openpyxl")
        path = tmp_path / "g.xlsx"
        workbook = openpyxl.Workbook()
        workbook.active.append(["ar", "en"])
        workbook.active.append(["قمر", "Moon"])
        workbook.save(path)
        argv = ["glossary", "import", "-g", str(tmp_path / "g.tsv"), str(path)]
    members = len(zipfile.ZipFile(path).infolist())
    assert main(["--limit", "entries=3", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"holds {members} archive members, over the limit of 3" in err[0]
    assert f"tarjama --limit entries={members * 2} COMMAND" in err[0]
    assert main(["--limit", "unpacked=1K", *argv]) == 2
    assert "over the limit of 1 KiB (a zip bomb?)" in capsys.readouterr().err
    # Raised, the archive is read (the Word run then stops at the missing model, the import ends).
    code = main(["--limit", f"entries={members}", *argv])
    err = capsys.readouterr().err
    assert "archive members" not in err and (code == 0 if kind == "xlsx" else "--model" in err)


# The head of an Arabic news page as CMSs write it: <title>, description, Open Graph and Twitter
# cards; English titles on abbreviations and a credit line.
NEWS = """<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>وكالة الفضاء الأوروبية توقع اتفاقية مع جاكسا | أخبار الفضاء</title>
<meta name="description" content="وقعت وكالة الفضاء الأوروبية اتفاقية تعاون مع جاكسا.">
<meta property="og:locale" content="ar_AR">
<meta property="og:type" content="article">
<meta property="og:title" content="وكالة الفضاء الأوروبية توقع اتفاقية مع جاكسا">
<meta property="og:description" content="وقعت الوكالتان اتفاقية في طوكيو.">
<meta property="og:url" content="https://example.com/ar/esa-jaxa">
<meta property="og:image" content="https://example.com/img/esa.jpg">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="وكالة الفضاء الأوروبية توقع اتفاقية مع جاكسا">
<meta name="twitter:description" content="وقعت الوكالتان اتفاقية في طوكيو.">
</head>
<body>
<h1 title="ESA and JAXA sign an agreement">توقيع الاتفاقية</h1>
<p>قالت <abbr title="European Space Agency">الوكالة</abbr> إن التعاون سيستمر.</p>
<p class="credit">Reuters</p>
</body>
</html>
"""


def test_a_news_page_head_is_translated_and_english_is_left_alone() -> None:
    out = render(NEWS, tagged_english)
    assert "<title>EN | EN</title>" in out
    assert '<meta name="description" content="EN.">' in out
    assert '<meta property="og:title" content="EN">' in out
    assert '<meta name="twitter:title" content="EN">' in out
    assert out.count('content="EN.">') == 3  # description, og:description and twitter:description
    assert '<meta property="og:locale" content="en_US">' in out
    for kept in ('<meta property="og:type" content="article">', 'content="https://example.com/ar/esa-jaxa"',
                 '<meta name="twitter:card" content="summary_large_image">',
                 '<h1 title="ESA and JAXA sign an agreement">', '<abbr title="European Space Agency">',
                 '<p class="credit">Reuters</p>'):  # fmt: skip
        assert kept in out, kept
    assert parse_html(NEWS).units[0].document.untouched == 3  # two English titles and the credit


def test_deeply_nested_inline_markup_is_read_and_written_back(tmp_path: Path) -> None:
    n = 20_000
    page = "<html><body><p>" + "<span>" * n + "نص عميق جدا." + "</span>" * n + "</p></body></html>"
    doc = parse_html(page).units[0].document
    assert [s.request_text for _p, s in doc.sentences()] == ["نص عميق جدا."]
    out = render(page, tagged_english)
    assert out == page.replace("نص عميق جدا.", "EN.")
    (tmp_path / "deep.html").write_text(page, encoding="utf-8")
    assert len(read_source(tmp_path / "deep.html").units[0].document.sentences()) == 1
    assert re.search("(<span>){100}", out)
