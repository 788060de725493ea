"""XLIFF 1.2 and 2.1 in and out, read back by translate-toolkit's own readers."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("translate.storage.xliff")

from translate.storage import xliff, xliff2

from tarjama.cli import main
from tarjama.document.requests import build_requests
from tarjama.engines.base import Engine
from tarjama.errors import TarjamaError
from tarjama.formats import read_source
from tarjama.glossary import Glossary
from tarjama.translate.markup import ensure
from tarjama.translate.run import assemble
from tarjama.translate.stages import Stages
from tarjama.types import EngineIdentity, SegmentTranslation
from test_formats_html import tagged_english

ROOT = Path(__file__).resolve().parents[1]

XLIFF_12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="article.html" source-language="ar" datatype="html">
    <body>
      <trans-unit id="1">
        <source>وقعت <g id="1" ctype="bold">وكالة الفضاء الأوروبية</g> اتفاقية<x id="2"/> مع جاكسا.</source>
      </trans-unit>
      <trans-unit id="2">
        <source>نص موقع.</source>
        <target state="signed-off">Signed text.</target>
      </trans-unit>
      <trans-unit id="3" translate="no">
        <source>لا تترجم</source>
      </trans-unit>
      <trans-unit id="4">
        <source>انظر <ph id="3">&lt;br/&gt;</ph> هنا &amp; هناك.</source>
        <target state="needs-translation"></target>
        <note from="author">ملاحظة المؤلف</note>
      </trans-unit>
      <trans-unit id="5" approved="yes">
        <source>معتمد.</source>
        <target>Approved.</target>
      </trans-unit>
      <trans-unit id="6">
        <source>ترجمة بشرية.</source>
        <target state="translated">A human translation.</target>
      </trans-unit>
      <trans-unit id="7">
        <source>نهائي فارغ.</source>
        <target state="final"></target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

XLIFF_21 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.1" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="ar">
  <file id="f1">
    <unit id="u1">
      <segment id="s1">
        <source>وقعت <pc id="1">وكالة الفضاء الأوروبية</pc> اتفاقية<ph id="2"/> مع جاكسا.</source>
      </segment>
      <segment id="s2" state="final">
        <source>نص.</source>
        <target>Text.</target>
      </segment>
      <segment id="s3">
        <source>انظر <mrk id="m1" translate="no">لا تترجم</mrk> هنا.</source>
      </segment>
    </unit>
    <unit id="u2">
      <notes><note category="author">سياق</note></notes>
      <segment>
        <source>مرحبا بكم.</source>
        <target></target>
      </segment>
    </unit>
  </file>
</xliff>
"""


def fill(path: Path, glossary: Glossary | None, translate=tagged_english) -> str:
    """Read an XLIFF, translate it with a stand-in engine (glossary checked), write it back."""
    source = read_source(path)
    doc = source.units[0].document
    prepared = build_requests(doc, glossary)

    class Fake(Engine):
        name = "fake"
        handles_markup = True
        handles_term_hints = True
        identity = EngineIdentity("t", "t")  # type: ignore[assignment]

        def translate(self, requests, *, done=None):
            return [translate(r.source) for r in requests]

    results = Stages(Fake(), glossary).translate(  # type: ignore[arg-type]
        [p.request for p in prepared], [p.expected for p in prepared]
    )
    ensure([p.request for p in prepared], results)
    result = assemble(
        doc, prepared, results, [False] * len(prepared), engine=EngineIdentity("t", "t"), glossary=None,
        seconds=0.0,
    )
    return source.render([result])


def by_id(store) -> dict:
    """Units by id (translate-toolkit prefixes 1.x ids with the file name and a \\x04)."""
    return {u.getid().split("\x04")[-1]: u for u in store.units}


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load(ROOT / "references" / "glossary.tsv")


def test_xliff_12_targets_states_notes_and_inline_codes(tmp_path: Path, glossary: Glossary) -> None:
    path = tmp_path / "a.xlf"
    path.write_text(XLIFF_12, encoding="utf-8")
    doc = read_source(path).units[0].document
    assert [s.request_text for _p, s in doc.sentences()] == [
        "وقعت <g1>وكالة الفضاء الأوروبية</g1> اتفاقية<x2/> مع جاكسا.",
        "انظر <x1/> هنا & هناك.",
    ]
    out = tmp_path / "a.en.xlf"
    out.write_text(fill(path, glossary), encoding="utf-8")
    store = xliff.xlifffile.parsefile(str(out))  # translate-toolkit's own XLIFF 1.2 reader
    units = by_id(store)
    first = units["1"]
    assert first.source == "وقعت وكالة الفضاء الأوروبية اتفاقية مع جاكسا."
    target = first.get_target_dom()
    assert target.get("state") == "needs-review-translation"  # the stand-in lost two glossary terms
    assert [(el.tag.split("}")[1], el.get("id"), el.get("ctype")) for el in target] == [
        ("g", "1", "bold"),
        ("x", "2", None),
    ]
    assert "".join(target.itertext()) == "EN EN EN EN."
    assert first.getnotes("tarjama") == "glossary terms missing: European Space Agency, JAXA"
    fourth = units["4"]
    assert (
        fourth.get_target_dom().get("state") == "translated" and fourth.target == "EN <br/> EN & EN."
    )  # the ph element keeps its native code
    assert fourth.getnotes("author") == "ملاحظة المؤلف" and fourth.getnotes("tarjama") == ""
    # Signed off, approved, human-translated and translate="no" units are untouched.
    assert units["2"].target == "Signed text." and units["2"].get_target_dom().get("state") == "signed-off"
    assert units["5"].target == "Approved." and units["6"].target == "A human translation."
    assert units["3"].get_target_dom() is None
    assert units["7"].get_target_dom().get("state") == "final" and units["7"].target == ""
    # Filling a filled file again changes nothing.
    again = tmp_path / "again.xlf"
    again.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
    assert read_source(again).units[0].document.paragraphs == []


def test_xliff_21_segments_states_and_unit_notes(tmp_path: Path, glossary: Glossary) -> None:
    path = tmp_path / "a.xlf"
    path.write_text(XLIFF_21, encoding="utf-8")
    doc = read_source(path).units[0].document
    assert [s.request_text for _p, s in doc.sentences()] == [
        "وقعت <g1>وكالة الفضاء الأوروبية</g1> اتفاقية<x2/> مع جاكسا.",
        "انظر <x1/> هنا.",  # translate="no" markup is never sent
        "مرحبا بكم.",
    ]
    out = tmp_path / "a.en.xlf"
    out.write_text(fill(path, glossary), encoding="utf-8")
    store = xliff2.Xliff2File.parsefile(str(out))  # translate-toolkit's own XLIFF 2 reader
    units = by_id(store)
    assert set(units) == {"u1::s1", "u1::s2", "u1::s3", "u2"}
    s1 = units["u1::s1"]
    assert s1.xmlelement.get("state") == "initial" and s1.xmlelement.get("subState") == "tarjama:needs-review"
    assert [el.tag.split("}")[1] for el in s1.get_target_dom()] == ["pc", "ph"]
    assert units["u1::s2"].target == "Text." and units["u1::s2"].xmlelement.get("state") == "final"
    s3 = units["u1::s3"]
    assert [el.get("translate") for el in s3.get_target_dom()] == ["no"] and "لا تترجم" in s3.target
    assert units["u2"].xmlelement.get("state") == "translated" and units["u2"].target == "EN."
    # Notes live in the unit's <notes>, where XLIFF 2 puts them (translate-toolkit 3.20 reads
    # notes from inside <segment>, which XLIFF 2 does not allow, so they are read from the unit).
    ns = "{urn:oasis:names:tc:xliff:document:2.0}"
    u1_notes = s1.getunitelement().find(ns + "notes")
    assert [(n.get("category"), n.text) for n in u1_notes] == [
        ("tarjama", "glossary terms missing: European Space Agency, JAXA")
    ]
    u2_notes = units["u2"].getunitelement().find(ns + "notes")
    assert [(n.get("category"), n.text) for n in u2_notes] == [("author", "سياق")]
    assert store.gettargetlanguage() == "en"


def test_lost_inline_codes_are_placed_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    path.write_text(XLIFF_12, encoding="utf-8")
    out = tmp_path / "a.en.xlf"
    out.write_text(fill(path, None, lambda r: SegmentTranslation("No codes here.")), encoding="utf-8")
    units = by_id(xliff.xlifffile.parsefile(str(out)))
    target = units["4"].get_target_dom()
    assert target.get("state") == "needs-review-translation"
    assert [el.tag.split("}")[1] for el in target] == ["ph"] and target[0].text == "<br/>"
    assert "placed at the end of the sentence" in units["4"].getnotes("tarjama")


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE xliff [<!ENTITY ext SYSTEM "file:///etc/hostname">]>',
    ],
)
def test_entity_declarations_are_refused(
    tmp_path: Path, doctype: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bomb.xlf"
    path.write_text(
        XLIFF_12.replace("<xliff ", doctype + "\n<xliff ", 1).replace("نص موقع.", "&b;"), encoding="utf-8"
    )
    with pytest.raises(TarjamaError, match="declares XML entities"):
        read_source(path)
    assert main(["translate", str(path), "--no-glossary"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "declares XML entities" in err[0]


def test_an_undefined_entity_or_broken_xml_is_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlf"
    path.write_text(XLIFF_12.replace("</body>", ""), encoding="utf-8")
    with pytest.raises(TarjamaError, match=r"broken\.xlf(:\d+)?: not a readable XLIFF 1\.x file"):
        read_source(path)


@pytest.mark.parametrize("version", ["1.2", "2.1"])
def test_translate_exports_an_xliff_a_cat_tool_reads(
    tiny_marian: Path, tmp_path: Path, version: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "article.md"
    src.write_text(
        "# إطلاق **القمر**\n\nاقرأ [البيان](https://esa.int/s) الآن. شغّل `run` هنا.\n", encoding="utf-8"
    )
    out = tmp_path / "article.xlf"
    argv = ["translate", str(src), "-o", str(out), "--engine", "marian", "--model", str(tiny_marian),
            "--no-glossary", "--no-progress", "--xliff-version", version]  # fmt: skip
    assert main(argv) == 0
    reader = xliff.xlifffile if version == "1.2" else xliff2.Xliff2File
    store = reader.parsefile(str(out))
    assert list(by_id(store)) == ["p1.s1", "p2.s1", "p2.s2"]
    assert [u.source for u in store.units] == ["إطلاق القمر", "اقرأ البيان الآن.", "شغّل  هنا."]
    assert all(u.target for u in store.units)
    codes = [[el.tag.split("}")[1] for el in u.get_source_dom()] for u in store.units]
    assert codes == ([["g"], ["g"], ["x"]] if version == "1.2" else [["pc"], ["pc"], ["ph"]])
    code = store.units[2].get_source_dom()[0]
    assert code.get("equiv-text" if version == "1.2" else "disp") == "`run`"
    # The random model loses the placeholders: each such unit is marked for review, with a note.
    for unit in store.units:
        state = unit.get_target_dom().get("state") if version == "1.2" else unit.xmlelement.get("subState")
        assert state == ("needs-review-translation" if version == "1.2" else "tarjama:needs-review")
    if version == "1.2":
        assert "markup (error)" in store.units[1].getnotes("tarjama")
