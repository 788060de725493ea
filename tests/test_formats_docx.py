"""Word documents in and out: runs carried through placeholders, right-to-left switched off,
and the English copy opened by independent readers (python-docx and pandoc)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")

from docx.enum.text import WD_BREAK  # noqa: E402
from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

from tarjama.cli import main  # noqa: E402
from tarjama.document.requests import build_requests  # noqa: E402
from tarjama.errors import TarjamaError  # noqa: E402
from tarjama.formats.docx import Docx  # noqa: E402
from tarjama.translate.run import assemble  # noqa: E402
from tarjama.types import EngineIdentity  # noqa: E402
from test_formats_html import tagged_english  # noqa: E402


def _rtl(paragraph) -> None:
    paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))


def _field(paragraph, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, result, end) as Word writes it."""
    for kind, text in (
        ("begin", None),
        (None, instruction),
        ("separate", None),
        (None, shown),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            run._r.append(fc)
        elif text == instruction:
            it = OxmlElement("w:instrText")
            it.text = text
            run._r.append(it)
        else:
            run.text = text


def make_docx(path: Path) -> Path:
    d = docx.Document()
    p = d.add_paragraph()
    _rtl(p)
    p.add_run("وقعت ")
    p.add_run("وكالة الفضاء الأوروبية").bold = True
    p.add_run(" اتفاقية مع ")
    p.add_run("جاكسا").italic = True
    p.add_run(" في طوكيو.\tثم ")
    underlined = p.add_run("أعلنت")
    underlined.underline = True
    p.add_run(" الخبر.")
    p2 = d.add_paragraph()
    _rtl(p2)
    p2.add_run("اقرأ ")
    rid = d.part.relate_to("https://esa.int/x", RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "البيان الكامل"
    run.append(text)
    link.append(run)
    p2._p.append(link)
    p2.add_run(" على الموقع.")
    p2.add_run().add_break(WD_BREAK.LINE)
    cs_bold = p2.add_run("عريض للعربية فقط")
    rpr = cs_bold._r.get_or_add_rPr()
    rpr.append(OxmlElement("w:bCs"))
    rpr.append(OxmlElement("w:rtl"))
    d.add_paragraph("")  # empty: not a paragraph to translate
    table = d.add_table(rows=1, cols=2)
    table._tbl.tblPr.append(OxmlElement("w:bidiVisual"))
    table.cell(0, 0).text = "ليت بيرد"
    table.cell(0, 1).text = "٢٠٢٧"
    d.sections[0].header.paragraphs[0].text = "نشرة الأخبار"
    footer = d.sections[0].footer.paragraphs[0]
    footer.add_run("صفحة ")
    _field(footer, " PAGE ", "1")
    d.sections[0]._sectPr.append(OxmlElement("w:bidi"))
    d.styles["Normal"].element.get_or_add_pPr().append(OxmlElement("w:bidi"))
    d.save(path)
    return path


def translated(path: Path, translate=tagged_english) -> bytes:
    source = Docx().read(path)
    doc = source.units[0].document
    prepared = build_requests(doc, None)
    result = assemble(
        doc, prepared, [translate(p.request.source) for p in prepared], [False] * len(prepared),
        engine=EngineIdentity("test", "test"), glossary=None, seconds=0.0,
    )
    return source.render([result])


def all_xml(document) -> str:
    parts = [document.element, document.styles.element]
    parts += [
        rel.target_part.element
        for rel in document.part.rels.values()
        if rel.reltype in (RT.HEADER, RT.FOOTER)
    ]
    from lxml import etree

    return "".join(etree.tostring(p, encoding="unicode") for p in parts)


def test_paragraphs_runs_links_tables_headers_and_footers_reach_the_engine(tmp_path: Path) -> None:
    doc = Docx().read(make_docx(tmp_path / "a.docx")).units[0].document
    assert [s.request_text for _p, s in doc.sentences()] == [
        "وقعت <g1>وكالة الفضاء الأوروبية</g1> اتفاقية مع <g2>جاكسا</g2> في طوكيو.",  # a tab ends a sentence
        "ثم <g1>أعلنت</g1> الخبر.",
        "اقرأ <g1>البيان الكامل</g1> على الموقع.",  # the line break ends the sentence, outside the request
        "عريض للعربية فقط",  # all of its sentence in one formatting: peeled off
        "ليت بيرد",
        "٢٠٢٧",
        "صفحة <x1/>",  # the page-number field: one standalone placeholder
        "نشرة الأخبار",
    ]


def test_the_english_copy_keeps_formatting_links_fields_and_is_left_to_right(tmp_path: Path) -> None:
    out = docx.Document(io.BytesIO(translated(make_docx(tmp_path / "a.docx"))))
    first, second = out.paragraphs[0], out.paragraphs[1]
    assert first.text == "EN EN EN EN EN.\tEN EN EN."
    formatted = [
        (r.text, r.bold, r.italic, r.underline) for r in first.runs if r.bold or r.italic or r.underline
    ]
    assert formatted == [("EN", True, None, None), ("EN", None, True, None), ("EN", None, None, True)]
    (link,) = second.hyperlinks
    assert link.text == "EN" and link.url == "https://esa.int/x"
    cs_bold = second.runs[-1]
    assert cs_bold.text == "EN" and cs_bold.bold  # bold for complex script only: bold in English too
    assert out.tables[0].cell(0, 0).text == "EN" and out.tables[0].cell(0, 1).text == "EN"
    assert out.sections[0].header.paragraphs[0].text == "EN"
    footer = out.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("EN") and len(footer._p.findall(".//" + qn("w:fldChar"))) == 3
    xml = all_xml(out)
    for rtl in ("w:bidi", "w:rtl", "w:bidiVisual"):
        assert f"<{rtl}" not in xml, rtl


def test_a_paragraph_whose_placeholders_are_lost_keeps_its_runs_valid(tmp_path: Path) -> None:
    from tarjama.types import SegmentTranslation

    data = translated(make_docx(tmp_path / "a.docx"), lambda r: SegmentTranslation("Plain English."))
    out = docx.Document(io.BytesIO(data))
    assert out.paragraphs[0].text.startswith("Plain English.")


def _pandoc() -> str | None:
    found = shutil.which("pandoc")
    if found is None and os.environ.get("CI"):
        pytest.fail("pandoc is missing: `bash scripts/setup.sh test` installs it")
    if found is None:
        pytest.skip("pandoc is not installed (apt-get install pandoc)")
    return found


def test_pandoc_reads_the_english_copy(tmp_path: Path) -> None:
    pandoc = _pandoc()
    path = tmp_path / "a.en.docx"
    path.write_bytes(translated(make_docx(tmp_path / "a.docx")))
    proc = subprocess.run([pandoc, "-f", "docx", "-t", "markdown", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "EN **EN** EN *EN* EN." in proc.stdout and "[EN]{.underline}" in proc.stdout
    assert "[EN](https://esa.int/x)" in proc.stdout


def test_not_a_word_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(TarjamaError, match=r"bad\.docx: not a Word \.docx file"):
        Docx().read(bad)


def test_a_tiny_model_translation_opens_in_pandoc_and_python_docx(
    tiny_marian: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = make_docx(tmp_path / "a.ar.docx")
    out = tmp_path / "a.en.docx"
    argv = ["translate", str(src), "-o", str(out), "--engine", "marian", "--model", str(tiny_marian),
            "--no-glossary", "--no-progress"]  # fmt: skip
    assert main(argv) == 0
    english = docx.Document(str(out))
    assert len(english.paragraphs) == len(docx.Document(str(src)).paragraphs)
    assert english.tables[0].cell(0, 0).text != "ليت بيرد"
    proc = subprocess.run([_pandoc(), "-f", "docx", "-t", "plain", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    capsys.readouterr()
    # Standard output cannot take a binary file.
    assert (
        main(["translate", str(src), "--engine", "marian", "--model", str(tiny_marian), "--no-glossary"]) == 2
    )
    assert "give its path with -o" in capsys.readouterr().err
