"""CSV and TBX-Basic import/export: round trips preserve entries; bad input names its place."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.errors import TarjamaError
from tarjama.glossary import Glossary
from tarjama.glossary.formats import TBX_NS, read_csv, read_tbx, write_csv, write_tbx

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "references" / "glossary.tsv"


def run(*argv: object) -> int:
    return main(["glossary", *map(str, argv)])


@pytest.mark.parametrize("suffix", ["csv", "tbx"])
def test_round_trip_preserves_every_entry(tmp_path: Path, suffix: str) -> None:
    original = Glossary.load(SHIPPED)
    exported = tmp_path / f"g.{suffix}"
    assert run("export", "-g", SHIPPED, exported) == 0
    back = read_csv(exported) if suffix == "csv" else read_tbx(exported)
    assert back == original.entries  # compares forms, English, kind, note and variants
    assert Glossary(back).digest() == original.digest()
    # ... and through the CLI into a fresh TSV.
    target = tmp_path / "back.tsv"
    assert run("import", "-g", target, exported) == 0
    assert Glossary.load(target).digest() == original.digest()
    # Importing again adds nothing and leaves the file alone.
    before = target.read_bytes()
    assert run("import", "-g", target, exported) == 0
    assert target.read_bytes() == before


def test_tbx_is_tbx_basic_v3(tmp_path: Path) -> None:
    path = tmp_path / "g.tbx"
    write_tbx(Glossary.load(SHIPPED).entries[:2], path)
    root = ET.parse(path).getroot()
    ns = {"t": TBX_NS}
    assert root.tag == f"{{{TBX_NS}}}tbx" and root.get("type") == "TBX-Basic"
    concepts = root.findall("t:text/t:body/t:conceptEntry", ns)
    assert len(concepts) == 2
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    langs = [ls.get(xml_lang) for ls in concepts[1].findall("t:langSec", ns)]
    assert langs == ["ar", "en"]
    en_terms = [t.text for t in concepts[1].findall("t:langSec[2]/t:termSec/t:term", ns)]
    assert en_terms == ["ESA", "Esa"]
    notes = concepts[1].iter(f"{{{TBX_NS}}}termNote")
    statuses = [n.text for n in notes if n.get("type") == "administrativeStatus"]
    assert statuses == ["preferredTerm-admn-sts", "deprecatedTerm-admn-sts"]


def test_foreign_tbx_without_kind_imports_as_concept(tmp_path: Path) -> None:
    path = tmp_path / "other.tbx"
    path.write_text(
        '<tbx type="TBX-Basic" style="dca" xmlns="urn:iso:std:iso:30042:ed-2"><text><body>'
        '<conceptEntry id="x"><langSec xml:lang="ar-EG">'
        "<termSec><term>الدفاع الكوكبي</term></termSec></langSec>"
        '<langSec xml:lang="en-GB"><termSec><term>planetary defense</term></termSec>'
        "<termSec><term>planetary defence</term><termNote type=\"administrativeStatus\">"
        "preferredTerm-admn-sts</termNote></termSec></langSec></conceptEntry></body></text></tbx>",
        encoding="utf-8",
    )
    [entry] = read_tbx(path)
    assert (entry.ar_forms, entry.en, entry.kind, entry.en_variants) == (
        ["الدفاع الكوكبي"], "planetary defence", "concept", ["planetary defense"])


def test_csv_is_spreadsheet_friendly(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    write_csv(Glossary.load(SHIPPED).entries, path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfar,en,kind,note,en_variants\r\n")


def test_bad_imports_name_the_place_and_change_nothing(tmp_path: Path) -> None:
    target = tmp_path / "g.tsv"
    target.write_text("ar\ten\tkind\tnote\nالمريخ\tMars\tplace\t\n", encoding="utf-8")
    before = target.read_bytes()
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("ar,en,kind,note\nتسوكوبا,Tsukuba,place,\nقمر,,place,\n", encoding="utf-8")
    with pytest.raises(TarjamaError, match=r"bad\.csv:3: column en is empty"):
        read_csv(bad_csv)
    assert run("import", "-g", target, bad_csv) == 2
    bad_tbx = tmp_path / "bad.tbx"
    bad_tbx.write_text("<tbx><text><body>\n<conceptEntry></body></tbx>", encoding="utf-8")
    with pytest.raises(TarjamaError, match=r"bad\.tbx:2: not well-formed XML"):
        read_tbx(bad_tbx)
    clash = tmp_path / "clash.csv"
    clash.write_text("ar,en,kind,note\nالمرّيخ,Red Planet,place,\n", encoding="utf-8")
    assert run("import", "-g", target, clash) == 2
    assert target.read_bytes() == before
    assert run("export", "-g", target, tmp_path / "out.txt") == 2  # unknown format
