"""Glossaries from other tools into tarjama's: Weblate's TBX (one Arabic term, two English terms),
TBX-Basic 2019 in DCT style, regional Arabic codes, every problem of a file in one run, XLSX
written by streaming writers, and an import that stays linear.

The Weblate file is written by translate-toolkit's TBX writer, which Weblate uses for its
glossary downloads; the others copy their specifications' examples.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.glossary import Glossary

# (English, Arabic) as a Weblate glossary of an English → Arabic project holds them: the Arabic
# "حفظ" answers two English terms, and so does "إطلاق".
WEBLATE_TERMS = [
    ("Save", "حفظ"), ("Mission", "مهمة"), ("Store", "حفظ"), ("Launch", "إطلاق"), ("Agency", "وكالة"),
    ("Liftoff", "إطلاق"), ("Orbit", "مدار"),
]  # fmt: skip


def weblate_tbx(path: Path, terms: list[tuple[str, str]] = WEBLATE_TERMS) -> Path:
    tbx = pytest.importorskip("translate.storage.tbx")
    store = tbx.tbxfile(sourcelanguage="en", targetlanguage="ar")
    for en, ar in terms:
        unit = store.addsourceunit(en)
        unit.settarget(ar)
        unit.addnote("Weblate glossary", origin="developer")
    path.write_bytes(bytes(store))
    return path


def line_of(path: Path, text: str) -> int:
    """The line of the <termEntry> that holds ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if text in line)
    return next(i for i in range(at, -1, -1) if "<termEntry" in lines[i]) + 1


def glossary_cli(*argv: object) -> int:
    return main(["glossary", *map(str, argv)])


def test_every_conflict_is_reported_with_its_line_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tbx = weblate_tbx(tmp_path / "weblate.tbx")
    target = tmp_path / "g.tsv"
    assert glossary_cli("import", "-g", target, tbx) == 2
    err = capsys.readouterr().err.strip().splitlines()
    store_line, saved_line = line_of(tbx, "<term>Store</term>"), line_of(tbx, "<term>Save</term>")
    assert len(err) == 1 and "2 problems (2 conflicts with source forms another entry has)" in err[0]
    assert (f"the first, line {store_line}: source form 'حفظ' → 'Store' here, but → 'Save' on line "
            f"{saved_line} of this file") in err[0]
    assert "nothing was imported" in err[0] and not target.exists()
    # --report lists them all, with the lines of the file (not entry numbers), and imports nothing.
    assert glossary_cli("import", "-g", target, tbx, "--report") == 1
    out = capsys.readouterr().out.strip().splitlines()
    liftoff, launch = line_of(tbx, "<term>Liftoff</term>"), line_of(tbx, "<term>Launch</term>")
    assert out == [
        f"{tbx}:{store_line}: source form 'حفظ' → 'Store' here, but → 'Save' on line {saved_line} of this "
        "file; one source form needs one English: keep one, or import with --skip-conflicts or "
        "--conflicts-as-variants",
        f"{tbx}:{liftoff}: source form 'إطلاق' → 'Liftoff' here, but → 'Launch' on line {launch} of this "
        "file; one source form needs one English: keep one, or import with --skip-conflicts or "
        "--conflicts-as-variants",
    ]
    assert store_line > 20 and not target.exists()


def test_conflicts_skipped_and_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tbx = weblate_tbx(tmp_path / "weblate.tbx")
    target = tmp_path / "g.tsv"
    assert glossary_cli("import", "-g", target, tbx, "--skip-conflicts") == 0
    captured = capsys.readouterr()
    assert "imported 5 entries" in captured.out and "skipped 2 entries whose source form" in captured.err
    english = {form: e.en for e in Glossary.load(target).entries for form in e.ar_forms}
    assert english == {
        "حفظ": "Save", "مهمة": "Mission", "إطلاق": "Launch", "وكالة": "Agency", "مدار": "Orbit"
    }  # fmt: skip


def test_conflicts_as_english_variants(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tbx = weblate_tbx(tmp_path / "weblate.tbx")
    target = tmp_path / "g.tsv"
    target.write_text("ar\ten\tkind\tnote\nمدار\tOrbit path\tconcept\t\n", encoding="utf-8")
    assert glossary_cli("import", "-g", target, tbx, "--conflicts-as-variants") == 0
    assert "3 English terms added as English variants" in capsys.readouterr().err
    entries = {e.ar_forms[0]: (e.en, e.en_variants) for e in Glossary.load(target).entries}
    assert entries["حفظ"] == ("Save", ["Store"]) and entries["إطلاق"] == ("Launch", ["Liftoff"])
    assert entries["مدار"] == ("Orbit path", ["Orbit"])  # the glossary's own entry gained the variant
    assert len(entries) == 5
    # Importing the same file again adds nothing.
    assert glossary_cli("import", "-g", target, tbx, "--conflicts-as-variants") == 0
    assert "imported 0 entries" in capsys.readouterr().out


def test_every_refused_record_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tbx = weblate_tbx(tmp_path / "w.tbx", [("Save", "حفظ"), ("Bell", "جرس\x7f"), ("Moon", "قمر"),
                                            ("Sun | Star", "شمس")])  # fmt: skip
    target = tmp_path / "g.tsv"
    assert glossary_cli("import", "-g", target, tbx, "--report") == 1
    out = capsys.readouterr().out.strip().splitlines()
    bell, sun = line_of(tbx, "<term>Bell</term>"), line_of(tbx, "<term>Sun | Star</term>")
    assert [line.split(": ", 1)[0] for line in out] == [f"{tbx}:{bell}", f"{tbx}:{sun}"]
    assert "control character U+007F (DEL)" in out[0] and "not a '|' list" in out[1]
    assert glossary_cli("import", "-g", target, tbx) == 2
    err = capsys.readouterr().err
    assert "2 problems (2 refused records)" in err and not target.exists()


# TBX-Basic 2019 in DCT style, as the TBX-Basic specification's DCT sample writes it.
DCT = """<?xml version="1.0" encoding="UTF-8"?>
<?xml-model \
href="https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCT/TBX-Basic_DCT.nvdl" \
type="application/xml" schematypens="http://purl.oclc.org/dsdl/nvdl/ns/structure/1.0"?>
<tbx type="TBX-Basic" style="dct" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2" \
xmlns:basic="http://www.tbxinfo.net/ns/basic">
  <tbxHeader>
    <fileDesc>
      <sourceDesc><p>ESA terminology extract</p></sourceDesc>
    </fileDesc>
  </tbxHeader>
  <text>
    <body>
      <conceptEntry id="c1">
        <basic:subjectField>organization</basic:subjectField>
        <langSec xml:lang="ar">
          <termSec>
            <term>وكالة الفضاء الأوروبية</term>
            <basic:partOfSpeech>properNoun</basic:partOfSpeech>
          </termSec>
        </langSec>
        <langSec xml:lang="en">
          <descripGrp>
            <basic:definition>The intergovernmental space agency of Europe.</basic:definition>
            <basic:source>esa.int</basic:source>
          </descripGrp>
          <termSec>
            <term>ESA agency</term>
            <basic:administrativeStatus>deprecatedTerm-admn-sts</basic:administrativeStatus>
          </termSec>
          <termSec>
            <term>European Space Agency</term>
            <basic:termType>fullForm</basic:termType>
            <basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus>
          </termSec>
        </langSec>
      </conceptEntry>
    </body>
  </text>
</tbx>
"""


def test_tbx_basic_2019_dct_reads_as_its_dca_twin(tmp_path: Path) -> None:
    dct = tmp_path / "dct.tbx"
    dct.write_text(DCT, encoding="utf-8")
    dca = tmp_path / "dca.tbx"
    dca.write_text(
        DCT.replace('style="dct"', 'style="dca"')
        .replace(' xmlns:basic="http://www.tbxinfo.net/ns/basic"', "")
        .replace("<basic:subjectField>organization</basic:subjectField>",
                 '<descrip type="subjectField">organization</descrip>')
        .replace("<basic:partOfSpeech>properNoun</basic:partOfSpeech>",
                 '<termNote type="partOfSpeech">properNoun</termNote>')
        .replace("<basic:definition>The intergovernmental space agency of Europe.</basic:definition>",
                 '<descrip type="definition">The intergovernmental space agency of Europe.</descrip>')
        .replace("<basic:source>esa.int</basic:source>", '<admin type="source">esa.int</admin>')
        .replace("<basic:termType>fullForm</basic:termType>", '<termNote type="termType">fullForm</termNote>')
        .replace("<basic:administrativeStatus>", '<termNote type="administrativeStatus">')
        .replace("</basic:administrativeStatus>", "</termNote>"),
        encoding="utf-8",
    )
    for path in (dct, dca):
        target = tmp_path / f"{path.stem}.tsv"
        assert glossary_cli("import", "-g", target, path) == 0
    assert (tmp_path / "dct.tsv").read_bytes() == (tmp_path / "dca.tsv").read_bytes()
    [entry] = Glossary.load(tmp_path / "dct.tsv").entries
    assert (entry.en, entry.kind) == ("European Space Agency", "organisation")
    assert entry.en_variants == ["ESA agency"]
    assert entry.note == "[definition] The intergovernmental space agency of Europe."


@pytest.mark.parametrize("code", ["arz", "ars", "apc", "ary", "arb", "ar-EG", "AR_sa"])
def test_regional_arabic_codes_are_arabic_by_default(tmp_path: Path, code: str) -> None:
    tbx = weblate_tbx(tmp_path / "w.tbx", [("Orbit", "مدار")])
    tbx.write_text(tbx.read_text(encoding="utf-8").replace('xml:lang="ar"', f'xml:lang="{code}"'),
                   encoding="utf-8")
    assert glossary_cli("import", "-g", tmp_path / "g.tsv", tbx) == 0


def test_more_arabic_codes_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tbx = weblate_tbx(tmp_path / "w.tbx", [("Orbit", "مدار")])
    text = tbx.read_text(encoding="utf-8")
    tbx.write_text(text.replace('xml:lang="ar"', 'xml:lang="qaa"'), encoding="utf-8")
    target = tmp_path / "g.tsv"
    assert glossary_cli("import", "-g", target, tbx) == 2
    err = capsys.readouterr().err
    assert "no Arabic side; the languages found are en, qaa" in err and "--arabic-codes" in err
    assert glossary_cli("import", "-g", target, tbx, "--arabic-codes", "qaa,x-ar") == 0
    assert Glossary.load(target).entries[0].ar_forms == ["مدار"]


def test_xlsx_rows_past_a_stale_dimension_are_read(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["ar", "en", "kind"])
    for i in range(100):
        sheet.append([f"مصطلح{i}", f"Term{i}", "concept"])
    full = tmp_path / "full.xlsx"
    workbook.save(full)
    stale = tmp_path / "stale.xlsx"  # as streaming writers leave it: <dimension> names two rows
    with zipfile.ZipFile(full) as src, zipfile.ZipFile(stale, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:C101"/>' in data
                data = data.replace(b'<dimension ref="A1:C101"/>', b'<dimension ref="A1:C2"/>')
            dst.writestr(item, data)
    target = tmp_path / "g.tsv"
    assert glossary_cli("import", "-g", target, stale) == 0
    assert len(Glossary.load(target).entries) == 100


def test_import_is_linear_in_the_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each entry is looked up, not compared with every other: the normalisations done grow with
    the entries, not with their square."""
    import tarjama.commands.glossary as command
    import tarjama.glossary.importing as importing
    from tarjama.text import arabic

    calls = [0]

    def counting(text: str) -> str:
        calls[0] += 1
        return arabic.normalize(text)

    monkeypatch.setattr(importing, "normalize", counting)
    monkeypatch.setattr(command, "normalize", counting)
    counts = []
    for n in (200, 800):
        source = tmp_path / f"src{n}.csv"
        source.write_text("ar,en,kind,note\n" + "".join(f"مصطلح{i},Term{i},concept,\n" for i in range(n)),
                          encoding="utf-8")
        target = tmp_path / f"g{n}.tsv"
        target.write_text("ar\ten\tkind\tnote\n" + "".join(f"قديم{i}\tOld{i}\tconcept\t\n" for i in range(n)),
                          encoding="utf-8")
        calls[0] = 0
        assert glossary_cli("import", "-g", target, source) == 0
        counts.append(calls[0])
    assert counts[1] <= 4 * counts[0] + 10 and counts[1] <= 4 * 800  # 4× the entries, ≤ 4× the work
