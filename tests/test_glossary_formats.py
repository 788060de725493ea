"""Glossary exchange formats: round trips, files laid out as other tools write them, refusals.

Every sample below is written the way the tool named beside it lays its files out (TBX 2008
with ``tig`` and with ``ntig``, TBX 2019 DCA, an XLSX from a spreadsheet, DeepL's TSV and
its web export's four-column CSV, Google's equivalent-term CSV); every bad file must give
exactly one ``TarjamaError`` naming its place, and an import that fails changes nothing.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.errors import TarjamaError
from tarjama.glossary import Glossary, GlossaryEntry
from tarjama.glossary.files import FORMATS, Options, detect, make
from tarjama.glossary.files.tbx import TBX_NS, join_note, split_note
from tarjama.glossary.lint import lint_file
from tarjama.text.interchange import language_side, neutralise_cell, restore_cell

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "references" / "glossary.tsv"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def run(*argv: object) -> int:
    return main(["glossary", *map(str, argv)])


def read(path: Path, name: str | None = None, **options: object):
    return make(name or detect(path, None, writing=False), Options(**options)).read(path)  # type: ignore[arg-type]


def forms_to_english(entries: list[GlossaryEntry]) -> dict[str, str]:
    return {form: e.en for e in entries for form in e.ar_forms}


# --- round trips through the CLI ------------------------------------------------------------


@pytest.mark.parametrize(
    "name,extra",
    [("g.csv", ()), ("g.xlsx", ()), ("g.tbx", ("--tbx-version", "2")), ("g.tbx", ("--tbx-version", "3"))],
)
def test_round_trip_through_each_full_format_is_exact(
    tmp_path: Path, name: str, extra: tuple[str, ...]
) -> None:
    original = Glossary.load(SHIPPED)
    exported = tmp_path / name
    assert run("export", "-g", SHIPPED, exported, *extra) == 0
    back = read(exported).entries
    assert back == original.entries  # forms, English, kind, note and variants
    target = tmp_path / "back.tsv"
    assert run("import", "-g", target, exported) == 0
    assert Glossary.load(target).digest() == original.digest()
    before = target.read_bytes()  # importing again adds nothing and leaves the file alone
    assert run("import", "-g", target, exported) == 0
    assert target.read_bytes() == before


@pytest.mark.parametrize("fmt,name", [("deepl", "g.tsv"), ("deepl", "g.csv"), ("google", "g.csv")])
def test_mt_service_formats_keep_every_source_form_and_its_target(
    tmp_path: Path, fmt: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    original = Glossary.load(SHIPPED)
    exported = tmp_path / name
    assert run("export", "-g", SHIPPED, exported, "--format", fmt) == 0
    err = capsys.readouterr().err
    assert "left out" in err and "en_variants ×" in err and "kind ×42" in err
    rows = [line for line in exported.read_text(encoding="utf-8").splitlines() if line]
    forms = sum(len(e.ar_forms) for e in original.entries)
    assert len(rows) == forms + (fmt == "google")  # one row per source form (+ the header)
    target = tmp_path / "back.tsv"
    assert run("import", "-g", target, exported, "--format", fmt, "--kind", "organisation") == 0
    back = Glossary.load(target).entries
    assert forms_to_english(back) == forms_to_english(original.entries)
    assert {e.kind for e in back} == {"organisation"}
    merged = tmp_path / "merged.tsv"  # back into the glossary it came from: nothing to add
    merged.write_bytes(SHIPPED.read_bytes())
    assert run("import", "-g", merged, exported, "--format", fmt) == 0
    assert merged.read_bytes() == SHIPPED.read_bytes()
    if fmt == "google":  # the description column carries the note
        notes = {e.en: e.note for e in original.entries}
        assert all(e.note == notes[e.en] for e in back)


def test_export_never_writes_over_the_glossary(tmp_path: Path) -> None:
    glossary = tmp_path / "g.tsv"
    glossary.write_bytes(SHIPPED.read_bytes())
    assert run("export", "-g", glossary, glossary, "--format", "deepl") == 2
    assert glossary.read_bytes() == SHIPPED.read_bytes()


# --- TBX ------------------------------------------------------------------------------------

# As MultiTerm / memoQ / Trados export TBX-Basic 2008: DOCTYPE with an external DTD (never
# fetched), region codes, several tig per language, definitions, a subject field, a
# transaction group and a French section.
TBX2008_TIG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en-US">
  <martifHeader><fileDesc><sourceDesc><p>Exported from a termbase</p></sourceDesc></fileDesc>
    <encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc></martifHeader>
  <text><body>
    <termEntry id="eid-101">
      <descrip type="subjectField">Organization</descrip>
      <transacGrp><transac type="transactionType">origination</transac><date>2023-04-01</date></transacGrp>
      <langSet xml:lang="AR-SA">
        <tig><term>وكالة الفضاء الأوروبية</term><termNote type="partOfSpeech">noun</termNote></tig>
        <tig><term>الوكالة الأوروبية للفضاء</term></tig>
      </langSet>
      <langSet xml:lang="en-US">
        <descrip type="definition">Intergovernmental space organisation of 23 member states.</descrip>
        <tig><term>European Space Agency</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
        <tig><term>European Space Organisation</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
          <note>older name in some wire copy</note></tig>
      </langSet>
      <langSet xml:lang="fr-FR"><tig><term>Agence spatiale européenne</term></tig></langSet>
    </termEntry>
    <termEntry id="eid-102">
      <descrip type="subjectField">space debris</descrip>
      <langSet xml:lang="ar"><tig><term>الحطام الفضائي</term></tig></langSet>
      <langSet xml:lang="en-GB"><tig><term>space debris</term></tig>
        <tig><term>orbital debris</term></tig></langSet>
    </termEntry>
    <termEntry id="eid-103">
      <langSet xml:lang="en"><tig><term>Orphan term</term></tig></langSet>
      <langSet xml:lang="de"><tig><term>Waisenbegriff</term></tig></langSet>
    </termEntry>
  </body></text>
</martif>
"""

# The same generation with ntig/termGrp (TBX 2008 allows both; some termbases use only ntig).
TBX2008_NTIG = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en">
  <text><body>
    <termEntry id="t1">
      <note>kind: mission</note>
      <langSet xml:lang="arb">
        <ntig><termGrp><term>مهمة هيرا</term><termNote type="termType">fullForm</termNote></termGrp>
          <admin type="source">ESA style guide</admin></ntig>
        <ntig><termGrp><term>هيرا</term>
          <termCompList type="termElement"><termCompGrp><termComp>هيرا</termComp></termCompGrp></termCompList>
        </termGrp></ntig>
      </langSet>
      <langSet xml:lang="EN">
        <ntig><termGrp><term>Hera mission</term>
          <termNote type="normativeAuthorization">admittedTerm</termNote></termGrp></ntig>
        <ntig><termGrp><term>Hera</term>
          <termNote type="normativeAuthorization">preferredTerm</termNote></termGrp></ntig>
      </langSet>
    </termEntry>
  </body></text>
</martif>
"""

TBX2019 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>termbase</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="x">
      <langSec xml:lang="ar-EG"><termSec><term>الدفاع الكوكبي</term></termSec></langSec>
      <langSec xml:lang="en-GB">
        <descrip type="definition">Detecting and deflecting asteroids that could hit Earth.</descrip>
        <termSec><term>planetary defense</term></termSec>
        <termSec><term>planetary defence</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
      </langSec>
      <xref target="https://example.org/pd">more</xref>
    </conceptEntry>
  </body></text>
</tbx>
"""


def test_tbx_2008_with_tig_as_termbases_export_it(tmp_path: Path) -> None:
    path = tmp_path / "termbase.tbx"
    path.write_text(TBX2008_TIG, encoding="utf-8")
    result = read(path)
    esa, debris = result.entries
    assert esa.ar_forms == ["وكالة الفضاء الأوروبية", "الوكالة الأوروبية للفضاء"]
    assert (esa.en, esa.en_variants, esa.kind) == (
        "European Space Agency",
        ["European Space Organisation"],
        "organisation",
    )  # subject field named a kind
    assert esa.note == (
        "older name in some wire copy [definition] Intergovernmental space organisation of 23 member states."
    )
    assert (debris.en, debris.en_variants, debris.kind) == ("space debris", ["orbital debris"], "concept")
    assert debris.note == "[subject] space debris"  # a subject field that is not a kind is kept
    assert result.skipped == {"termEntry without an Arabic term": 1}
    assert result.dropped == {
        "transacGrp": 1,
        "langSet[fr-FR]": 1,
        "langSet[de]": 1,
        "termNote[partOfSpeech]": 1,
    }  # 'noun' on a proper name
    assert result.into_note == {"definition": 1, "subjectField": 1}


def test_tbx_2008_with_ntig(tmp_path: Path) -> None:
    path = tmp_path / "ntig.tbx"
    path.write_text(TBX2008_NTIG, encoding="utf-8")
    result = read(path)
    [hera] = result.entries
    assert (hera.ar_forms, hera.en, hera.en_variants, hera.kind) == (
        ["مهمة هيرا", "هيرا"],
        "Hera",
        ["Hera mission"],
        "mission",
    )
    assert result.dropped == {"termNote[termType]": 1, "admin[source]": 1, "termCompList[termElement]": 1}


def test_tbx_2019_dca_from_another_tool(tmp_path: Path) -> None:
    path = tmp_path / "other.tbx"
    path.write_text(TBX2019, encoding="utf-8")
    result = read(path)
    [entry] = result.entries
    assert (entry.ar_forms, entry.en, entry.kind, entry.en_variants) == (
        ["الدفاع الكوكبي"],
        "planetary defence",
        "concept",
        ["planetary defense"],
    )
    assert entry.note == "[definition] Detecting and deflecting asteroids that could hit Earth."
    assert result.dropped == {"xref": 1}


def test_cli_import_says_what_was_dropped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "termbase.tbx"
    path.write_text(TBX2008_TIG, encoding="utf-8")
    assert run("import", "-g", tmp_path / "g.tsv", path) == 0
    out, err = capsys.readouterr()
    assert "imported 2 entries" in out
    assert "not imported: termEntry without an Arabic term ×1" in err
    assert "dropped (no column in the glossary): " in err and "langSet[fr-FR] ×1" in err
    assert "kept in the note column: definition ×1, subjectField ×1" in err


@pytest.mark.parametrize("version", [2, 3])
def test_tbx_written_in_either_generation(tmp_path: Path, version: int) -> None:
    path = tmp_path / "g.tbx"
    assert run("export", "-g", SHIPPED, path, "--tbx-version", version) == 0
    root = ET.parse(path).getroot()
    ns = "" if version == 2 else f"{{{TBX_NS}}}"
    assert root.tag == ns + ("martif" if version == 2 else "tbx") and root.get("type") == "TBX-Basic"
    concept, lang, term = (
        ("termEntry", "langSet", "tig") if version == 2 else ("conceptEntry", "langSec", "termSec")
    )
    concepts = root.findall(f"{ns}text/{ns}body/{ns}{concept}")
    assert len(concepts) == len(Glossary.load(SHIPPED).entries)
    assert [ls.get(XML_LANG) for ls in concepts[1].findall(f"{ns}{lang}")] == ["ar", "en"]
    en_terms = [t.text for t in concepts[1].findall(f"{ns}{lang}[2]/{ns}{term}/{ns}term")]
    assert en_terms == ["ESA", "Esa"]
    statuses = [n.text for n in concepts[1].iter(f"{ns}termNote") if n.get("type") == "administrativeStatus"]
    assert statuses == ["preferredTerm-admn-sts", "deprecatedTerm-admn-sts"]
    if version == 2:
        assert b'<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">' in path.read_bytes()


def test_tbx_2008_export_is_read_by_translate_toolkit(tmp_path: Path) -> None:
    """Interoperability: the toolkit Weblate uses reads our TBX 2008 terms as we wrote them."""
    tbx = pytest.importorskip("translate.storage.tbx")
    path = tmp_path / "g.tbx"
    assert run("export", "-g", SHIPPED, path, "--tbx-version", "2") == 0
    store = tbx.tbxfile.parsefile(str(path))
    entries = Glossary.load(SHIPPED).entries
    assert len(store.units) == len(entries)
    for unit, entry in zip(store.units, entries, strict=True):
        assert [t.text for t in unit.get_source_terms()] == entry.ar_forms
        assert [t.text for t in unit.get_target_terms()] == [entry.en, *entry.en_variants]


def test_labelled_note_parts_go_to_their_tbx_elements_and_back(tmp_path: Path) -> None:
    note = "acronym [note] second note [definition] what it is [subject] space law"
    entry = GlossaryEntry(["إيسا"], "ESA", "organisation", note)
    assert split_note(note) == (["acronym", "second note"], ["what it is"], ["space law"])
    assert join_note(*split_note(note)) == note
    for version in (2, 3):
        path = tmp_path / f"v{version}.tbx"
        make("tbx", Options(tbx_version=version)).write([entry], path)
        text = path.read_text(encoding="utf-8")
        assert '<descrip type="subjectField">space law</descrip>' in text
        assert '<descrip type="definition">what it is</descrip>' in text
        assert read(path).entries == [entry]


ENTITY_BOMB = """<?xml version="1.0"?>
<!DOCTYPE {root} [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<{root}><text><body><{entry}><{lang} xml:lang="ar"><{sec}><term>&c;</term></{sec}></{lang}>
<{lang} xml:lang="en"><{sec}><term>x</term></{sec}></{lang}></{entry}></body></text></{root}>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE {root} [<!ENTITY secret SYSTEM "{target}">]>
<{root}><text><body><{entry}><{lang} xml:lang="ar"><{sec}><term>&secret;</term></{sec}></{lang}>
<{lang} xml:lang="en"><{sec}><term>x</term></{sec}></{lang}></{entry}></body></text></{root}>
"""
PARAMETER = """<?xml version="1.0"?>
<!DOCTYPE {root} [<!ENTITY % remote SYSTEM "{target}"> %remote;]>
<{root}/>
"""
GENERATIONS = {
    "2008": dict(root="martif", entry="termEntry", lang="langSet", sec="tig"),
    "2019": dict(root="tbx", entry="conceptEntry", lang="langSec", sec="termSec"),
}


@pytest.mark.parametrize("generation", GENERATIONS)
@pytest.mark.parametrize(
    "template,what",
    [
        (ENTITY_BOMB, "internal entity 'a'"),
        (EXTERNAL, "external entity 'secret'"),
        (PARAMETER, "external entity 'remote'"),
    ],
)
def test_entity_expansion_and_external_entities_are_refused(
    tmp_path: Path, generation: str, template: str, what: str, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    path = tmp_path / "evil.tbx"
    path.write_text(template.format(target=secret.as_uri(), **GENERATIONS[generation]), encoding="utf-8")
    with pytest.raises(TarjamaError, match=f"evil.tbx:2: declares the {what}; tarjama refuses entity"):
        read(path)
    target = tmp_path / "g.tsv"
    assert run("import", "-g", target, path) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TOP SECRET" not in err and not target.exists()


@pytest.mark.parametrize(
    "text,message",
    [
        ("<tbx><text><body>\n<conceptEntry></body></tbx>", r"bad\.tbx:2: not well-formed XML at column"),
        ("<glossary/>", r"root element is <glossary>, expected <martif> \(TBX 2008\) or <tbx> \(TBX 2019\)"),
        ('<tbx style="dct"/>', r"no <conceptEntry> in this TBX 2019 \(tbx, DCT\) file"),
        ("<martif><text><body/></text></martif>", "no <termEntry>"),
        (
            '<martif><text><body><termEntry><langSet xml:lang="de"><tig><term>x</term></tig></langSet>'
            '<langSet xml:lang="en-US"><tig><term>y</term></tig></langSet></termEntry>'
            "</body></text></martif>",
            r"no Arabic side; the languages found are de, en-US; tarjama needs ar, ar-XX or arb",
        ),
        ("", "the file is empty"),
        ("<martif>\xff</martif>", None),
    ],
)
def test_bad_tbx_is_one_line(tmp_path: Path, text: str, message: str | None) -> None:
    path = tmp_path / "bad.tbx"
    path.write_bytes(text.encode("utf-8") if message else b"<martif>\xff</martif>")
    with pytest.raises(TarjamaError, match=message or r"not valid UTF-8 at line 1, byte 8"):
        read(path, "tbx")


def test_tbx_in_utf16_as_some_termbases_write_it(tmp_path: Path) -> None:
    path = tmp_path / "u16.tbx"
    path.write_bytes(TBX2019.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    assert read(path).entries[0].en == "planetary defence"


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_is_spreadsheet_ready(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "g.xlsx"
    assert run("export", "-g", SHIPPED, path) == 0
    sheet = openpyxl.load_workbook(path).active
    assert [c.value for c in sheet[1]] == ["ar", "en", "kind", "note", "en_variants"]
    assert sheet["A2"].value == "وكالة الفضاء الأوروبية"
    assert sheet["A2"].alignment.readingOrder == 2 and sheet["A2"].alignment.horizontal == "right"
    assert sheet["B2"].alignment.readingOrder != 2
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold


def test_xlsx_from_another_tool_with_language_headers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "terms.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["AR-SA", "en-US", "Comment", "note"])
    sheet.append(
        ["المحطة الفضائية الدولية | محطة الفضاء الدولية", "International Space Station", "ok", "ISS"]
    )
    sheet.append([None, None, None, None])
    sheet.append(["أرتميس 2", "Artemis II", None, 2024])  # a number in a text column
    book.create_sheet("notes")
    book.save(path)
    result = read(path, kind="mission")
    iss, artemis = result.entries
    assert iss.ar_forms == ["المحطة الفضائية الدولية", "محطة الفضاء الدولية"] and iss.kind == "mission"
    assert artemis.note == "2024"
    assert result.dropped == {"column 'Comment'": 1, "other sheets": 1}
    assert run("import", "-g", tmp_path / "g.tsv", path, "--kind", "mission") == 0
    assert (
        "dropped (no column in the glossary): column 'Comment' ×1, other sheets ×1" in capsys.readouterr().err
    )


def test_xlsx_formula_cells_are_refused_and_bad_workbooks_are_one_line(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "f.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["ar", "en"])
    book.active.append(["قمر", '=HYPERLINK("http://x","Moon")'])
    book.save(path)
    with pytest.raises(TarjamaError, match=r"f\.xlsx: sheet 'Sheet': cell B2 holds a formula"):
        read(path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(TarjamaError, match="not an XLSX workbook"):
        read(broken)
    german = tmp_path / "de.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["de", "en"])
    book.save(german)
    with pytest.raises(TarjamaError, match=r"no ar column \(it has 'de', 'en'\)"):
        read(german)


# --- DeepL and Google -------------------------------------------------------------------------


def test_deepl_tsv_and_deepl_web_csv_export(tmp_path: Path) -> None:
    tsv = tmp_path / "deepl.tsv"
    tsv.write_text("ناسا\tNASA\nوكالة ناسا\tNASA\nالقمر\tthe Moon\n", encoding="utf-8")
    result = read(tsv)
    assert [(e.ar_forms, e.en, e.kind) for e in result.entries] == [
        (["ناسا", "وكالة ناسا"], "NASA", "concept"),
        (["القمر"], "the Moon", "concept"),
    ]
    web = tmp_path / "deepl-export.csv"  # DeepL's web app exports source,target,source_lang,target_lang
    web.write_text('"ناسا","NASA","AR","EN"\n"المريخ","Mars","AR","EN-US"\n', encoding="utf-8")
    assert detect(web, None, writing=False) == "deepl"
    assert forms_to_english(read(web).entries) == {"ناسا": "NASA", "المريخ": "Mars"}
    reverse = tmp_path / "reverse.csv"
    reverse.write_text("NASA,ناسا,EN,AR\n", encoding="utf-8")
    with pytest.raises(
        TarjamaError, match=r"reverse\.csv:1: the glossary goes EN → AR; tarjama needs Arabic → English"
    ):
        read(reverse)
    conflict = tmp_path / "conflict.tsv"
    conflict.write_text("ناسا\tNASA\nناسا\tNasa agency\n", encoding="utf-8")
    # Read as two rows; the import names the conflict with both lines (and changes nothing).
    assert [(e.line, e.en) for e in read(conflict).entries] == [(1, "NASA"), (2, "Nasa agency")]
    target = tmp_path / "g.tsv"
    assert main(["glossary", "import", "-g", str(target), str(conflict)]) == 2
    assert not target.exists()
    ours = tmp_path / "ours.tsv"
    ours.write_bytes(SHIPPED.read_bytes())
    with pytest.raises(TarjamaError, match="glossary with tarjama's columns, not a DeepL glossary"):
        read(ours)


def test_deepl_export_refuses_what_deepl_refuses(tmp_path: Path) -> None:
    two_targets = [
        GlossaryEntry(["ناسا"], "NASA", "organisation", line=3),
        GlossaryEntry(["ناسا"], "Nasa", "organisation", line=7),
    ]
    with pytest.raises(
        TarjamaError, match=r"'ناسا' → 'Nasa' on line 7 but → 'NASA' on line 3; DeepL takes one"
    ):
        make("deepl").write(two_targets, tmp_path / "x.tsv")
    long = [GlossaryEntry(["ق" * 600], "Moon", "place", line=2)]
    with pytest.raises(TarjamaError, match="over 1024 UTF-8 bytes"):
        make("deepl").write(long, tmp_path / "x.tsv")
    control = [GlossaryEntry(["قمر\x07"], "Moon", "place", line=2)]
    with pytest.raises(TarjamaError, match="U\\+0007, which Google Cloud Translation refuses"):
        make("google").write(control, tmp_path / "x.csv")
    assert not (tmp_path / "x.tsv").exists() and not (tmp_path / "x.csv").exists()


def test_google_equivalent_term_sets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "google.csv"
    path.write_text(
        "ar,ar-EG,en-US,fr,pos,description\n"
        "القمر,,the Moon,la Lune,noun,Earth's natural satellite\n"
        "المريخ,المريخ الأحمر,Mars,Mars,noun,\n"
        ",,Venus,Vénus,noun,\n",
        encoding="utf-8",
    )
    assert detect(path, None, writing=False) == "google"
    result = read(path)
    moon, mars = result.entries
    assert (moon.ar_forms, moon.en, moon.note) == (["القمر"], "the Moon", "Earth's natural satellite")
    assert mars.ar_forms == ["المريخ", "المريخ الأحمر"]
    assert result.dropped == {"column 'fr'": 2, "column 'pos'": 2}
    assert result.skipped == {"row without both an Arabic and an English term": 1}
    french = tmp_path / "fr.csv"
    french.write_text("fr,en\nLune,Moon\n", encoding="utf-8")
    with pytest.raises(
        TarjamaError, match=r"fr\.csv:1 \(header row\): no Arabic side; the languages found are fr, en"
    ):
        read(french)
    exported = tmp_path / "out.csv"
    assert run("export", "-g", SHIPPED, exported, "--format", "google") == 0
    assert exported.read_text(encoding="utf-8").startswith("ar,en,description\n")


# --- language codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code,side",
    [
        ("ar", "ar"),
        ("AR", "ar"),
        ("ar-SA", "ar"),
        ("ar_EG", "ar"),
        ("arb", "ar"),
        ("ARB", "ar"),
        ("ar-Arab-EG", "ar"),
        ("en", "en"),
        ("EN-us", "en"),
        ("en_GB", "en"),
        ("eng", "en"),
        ("fr", None),
        ("are", None),
        ("english", None),
        ("", None),
        ("a", None),
        ("ar-", None),
        (None, None),
    ],
)
def test_language_codes(code: str | None, side: str | None) -> None:
    assert language_side(code) == side


# --- CSV: formula cells, quotes ---------------------------------------------------------------------


def test_csv_neutralises_formula_cells_and_reads_them_back_exactly(tmp_path: Path) -> None:
    risky = GlossaryEntry(
        ['=HYPERLINK("http://x")', "قمر"], "+Moon", "place", "@SUM(A1)", ["-Moon", "'=already quoted"]
    )
    path = tmp_path / "g.csv"
    make("csv").write([risky], path)
    row = path.read_text(encoding="utf-8-sig").splitlines()[1]
    assert row.startswith('"\'=HYPERLINK(""http://x"") | قمر",\'+Moon,place,\'@SUM(A1),\'-Moon | \'=already')
    assert read(path).entries == [risky]
    for cell in ("=1", "'=1", "''-x", "'plain", "plain", "", "@", "\t1"):
        assert restore_cell(neutralise_cell(cell)) == cell


def test_xlsx_formula_cells_are_text_with_the_quote_prefix(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    risky = GlossaryEntry(["قمر"], "=1+1", "place", "-note")
    path = tmp_path / "g.xlsx"
    make("xlsx").write([risky], path)
    cell = openpyxl.load_workbook(path).active["B2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
    assert read(path).entries == [risky]


def test_lint_reports_formula_cells_and_keeps_the_file(tmp_path: Path) -> None:
    glossary = tmp_path / "g.tsv"
    text = "ar\ten\tkind\tnote\nقمر\tMoon\tplace\t=cmd|' /C calc'!A0\nشمس\tSun\tplace\tplain\n"
    glossary.write_text(text, encoding="utf-8")
    findings = lint_file(glossary)
    assert [(f.line, f.code) for f in findings] == [(2, "formula")]
    assert "column note starts with '='" in findings[0].message
    assert glossary.read_text(encoding="utf-8") == text
    assert all(f.code != "formula" for f in lint_file(SHIPPED))


def test_an_unclosed_csv_quote_says_so(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('ar,en,kind,note\nقمر,Moon,place,"the\nشمس,Sun,place,\n', encoding="utf-8")
    with pytest.raises(
        TarjamaError, match=r"q\.csv:2: a quoted field starts on this line and its closing quote"
    ):
        read(path)
    broken = tmp_path / "b.csv"
    broken.write_text('ar,en,kind,note\nقمر,"Moon"s,place,\n', encoding="utf-8")
    with pytest.raises(TarjamaError, match=r"b\.csv:2: malformed CSV"):
        read(broken)
    multi = tmp_path / "m.csv"
    multi.write_text('ar,en,kind,note\nقمر,Moon,place,"two\nlines"\n', encoding="utf-8")
    with pytest.raises(TarjamaError, match=r"m\.csv:2: a quoted field runs from line 2 to line 3"):
        read(multi)


def test_bad_imports_name_the_place_and_change_nothing(tmp_path: Path) -> None:
    target = tmp_path / "g.tsv"
    target.write_text("ar\ten\tkind\tnote\nالمريخ\tMars\tplace\t\n", encoding="utf-8")
    before = target.read_bytes()
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("ar,en,kind,note\nتسوكوبا,Tsukuba,place,\nقمر,,place,\n", encoding="utf-8")
    [problem] = read(bad_csv).problems
    assert (problem.line, problem.message) == (3, "column en is empty; fill it in or delete the row")
    assert run("import", "-g", target, bad_csv) == 2
    clash = tmp_path / "clash.csv"
    clash.write_text("ar,en,kind,note\nالمرّيخ,Red Planet,place,\n", encoding="utf-8")
    assert run("import", "-g", target, clash) == 2
    assert target.read_bytes() == before
    assert run("export", "-g", target, tmp_path / "out.txt") == 2  # unknown format
    assert run("import", "-g", target, tmp_path / "missing.tbx") == 2


def test_every_registered_format_is_offered_by_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["glossary", "export", "--help"]) == 0
    out = capsys.readouterr().out
    for name in FORMATS:
        assert name in out
