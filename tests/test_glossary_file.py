"""The glossary file: loading, digest, lint findings, and the `tarjama glossary` editing commands."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.errors import TarjamaError
from tarjama.glossary import Glossary
from tarjama.glossary.lint import lint_file

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "references" / "glossary.tsv"
HEADER = "ar\ten\tkind\tnote\ten_variants\n"

GOOD = (
    "# a comment that must survive edits\n"
    + HEADER
    + "المريخ\tMars\tplace\tthe planet\t\n"
    + "\n"
    + "# agencies\n"
    + "ESA | إيسا\tESA\torganisation\tacronym\tEsa\n"
)


def write(tmp_path: Path, text: str, name: str = "g.tsv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def run(*argv: str | os.PathLike[str]) -> int:
    return main(["glossary", *map(str, argv)])


def test_load_entries_and_lines(tmp_path: Path) -> None:
    g = Glossary.load(write(tmp_path, GOOD))
    assert [(e.ar_forms, e.en, e.kind, e.line) for e in g.entries] == [
        (["المريخ"], "Mars", "place", 3), (["ESA", "إيسا"], "ESA", "organisation", 6)]
    assert g.entries[1].en_variants == ["Esa"]


def test_digest_ignores_layout_but_not_content(tmp_path: Path) -> None:
    a = Glossary.load(write(tmp_path, GOOD)).digest()
    relaid = GOOD.replace("# agencies\n", "").replace("\n\n", "\n") + "# trailing comment\n"
    assert Glossary.load(write(tmp_path, relaid, "b.tsv")).digest() == a
    changed = GOOD.replace("the planet", "the red planet")
    assert Glossary.load(write(tmp_path, changed, "c.tsv")).digest() != a
    assert len(a) == 64


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("المريخ\tMars\tplanet\t\n", 2, "unknown kind"),
        ("المريخ\t\tplace\t\n", 2, "column en is empty"),
        ("المريخ | \tMars\tplace\t\n", 2, "empty item"),
        ("المريخ\tMars\tplace\tnote\t\textra\n", 2, "6 tab-separated fields"),
        ("ok\tOK\tplace\t\n\tMars\tplace\t\n", 3, "column ar is empty"),
    ],
)
def test_malformed_rows_name_their_line(tmp_path: Path, body: str, line: int, words: str) -> None:
    path = write(tmp_path, HEADER + body)
    with pytest.raises(TarjamaError, match=rf"g\.tsv:{line}: .*{words}"):
        Glossary.load(path)


def test_bad_header_and_bad_bytes(tmp_path: Path) -> None:
    with pytest.raises(TarjamaError, match="no header line"):
        Glossary.load(write(tmp_path, "# only a comment\n"))
    with pytest.raises(TarjamaError, match=r":1: unknown column 'arabic'"):
        Glossary.load(write(tmp_path, "arabic\ten\tkind\tnote\n"))
    with pytest.raises(TarjamaError, match="lacks column"):
        Glossary.load(write(tmp_path, "ar\ten\tkind\n"))
    path = tmp_path / "latin1.tsv"
    path.write_bytes(HEADER.encode() + b"caf\xe9\tcafe\tplace\t\n")
    with pytest.raises(TarjamaError, match="line 2"):
        Glossary.load(path)


def test_tolerated_spreadsheet_quirks_load(tmp_path: Path) -> None:
    text = "ar\ten\tkind\tnote\t\t\n" + " المريخ \tMars\tplace\n"
    text += "\u200fESA\u200f\tESA\torganisation\t\t\t\n"
    g = Glossary.load(write(tmp_path, text))
    assert [(e.ar_forms, e.en, e.note) for e in g.entries] == [(["المريخ"], "Mars", ""), (["ESA"], "ESA", "")]


LINT_CASES = {
    "columns": "a\tA\tplace\tn\t\tx\n",
    "empty": "a | \tA\tplace\t\t\n",
    "kind": "a\tA\tthing\t\t\n",
    "stray-tab": "a\tA\tplace\tn\t\t\t\n",
    "space": "a\t A\tplace\t\t\n",
    "bidi": "a\u200e\tA\tplace\t\t\n",
    "duplicate": "المريخ\tMars\tplace\t\t\nالمريخ\tMars\tplace\tsame\t\n",
    "conflict": "ESA\tESA\torganisation\t\t\nESA\tEuropean Space Agency\torganisation\t\t\n",
    "normalised-equal": "أبولّو\tApophis\tplace\t\t\nابولو\tApollo\tprogramme\t\t\n",
    "shadowed": "الفضاء\touter space\tconcept\t\t\n"
    "محطة الفضاء الدولية\tInternational Space Station\tplace\t\t\n",
    "variant-conflict": "JAXA\tJAXA\torganisation\t\tJaxa\nجاكسا\tJAXA agency\torganisation\t\tjaxa\n",
}


@pytest.mark.parametrize("code", sorted(LINT_CASES))
def test_each_lint_finding(tmp_path: Path, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, HEADER + LINT_CASES[code])
    findings = lint_file(path)
    assert code in {f.code for f in findings}
    assert run("lint", "--glossary", path) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{path}:") and f": {code}: " in line for line in out)
    line_no = int(next(line for line in out if f": {code}: " in line).split(":")[1])
    assert 2 <= line_no <= 3


def test_lint_does_not_flag_consistent_nesting(tmp_path: Path) -> None:
    text = HEADER + (
        "Apophis | أبولّو\tApophis\tplace\t\t\n"
        "Rapid Apophis Mission for Space Safety\tRapid Apophis Mission for Space Safety\tmission\t\t\n"
        "هاكامادا\tHakamada\tperson\t\t\n"
        "تاكيشي هاكامادا\tTakeshi Hakamada\tperson\t\t\n"
    )
    assert lint_file(write(tmp_path, text)) == []


def test_shipped_glossary_is_lint_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("lint", "--glossary", SHIPPED) == 0, capsys.readouterr().out


def test_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, GOOD)
    assert run("list", "--glossary", path, "--kind", "place") == 0
    assert capsys.readouterr().out == "3\tplace\tMars\tالمريخ\n"


def test_add_appends_and_keeps_comments(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    assert run("add", "--glossary", path, "--ar", "تسوكوبا", "--en", "Tsukuba", "--kind", "place") == 0
    assert path.read_text(encoding="utf-8") == GOOD + "تسوكوبا\tTsukuba\tplace\n"
    assert run("add", "-g", path, "--ar", "JAXA | جاكسا", "--en", "JAXA", "--kind", "organisation",
               "--note", "agency", "--variant", "Jaxa") == 0
    g = Glossary.load(path)
    assert g.entries[-1].ar_forms == ["JAXA", "جاكسا"] and g.entries[-1].en_variants == ["Jaxa"]


def test_add_creates_a_missing_file_and_refuses_clashes(tmp_path: Path) -> None:
    path = tmp_path / "new.tsv"
    assert run("add", "-g", path, "--ar", "المريخ", "--en", "Mars", "--kind", "place") == 0
    assert [e.en for e in Glossary.load(path).entries] == ["Mars"]
    before = path.read_bytes()
    assert run("add", "-g", path, "--ar", "المرّيخ", "--en", "Mars!", "--kind", "place") == 2
    assert run("add", "-g", path, "--ar", "x\ty", "--en", "X", "--kind", "place") == 2
    assert path.read_bytes() == before


def test_add_adds_the_variants_column_when_missing(tmp_path: Path) -> None:
    path = write(tmp_path, "ar\ten\tkind\tnote\nالمريخ\tMars\tplace\t\n")
    assert run("add", "-g", path, "--ar", "ESA", "--en", "ESA", "--kind", "body", "--variant", "Esa") == 0
    assert path.read_text(encoding="utf-8").splitlines()[0] == "ar\ten\tkind\tnote\ten_variants"
    assert Glossary.load(path).entries[1].en_variants == ["Esa"]


def test_remove_keeps_everything_else(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    assert run("remove", "-g", path, "--en", "Mars") == 0
    assert path.read_text(encoding="utf-8") == GOOD.replace("المريخ\tMars\tplace\tthe planet\t\n", "")
    assert run("remove", "-g", path, "--ar", "إيسا") == 0
    assert Glossary.load(path).entries == []
    assert "# a comment that must survive edits" in path.read_text(encoding="utf-8")
    assert run("remove", "-g", path, "--en", "Nothing") == 2


def test_remove_by_line_and_crlf_is_kept(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("\n", "\r\n"))
    assert run("remove", "-g", path, "--line", "3") == 0
    assert path.read_bytes() == GOOD.replace("المريخ\tMars\tplace\tthe planet\t\n", "").replace(
        "\n", "\r\n").encode()


@pytest.mark.parametrize(
    "argv",
    [
        ["add", "--ar", "تسوكوبا", "--en", "Tsukuba", "--kind", "place"],
        ["remove", "--en", "Mars"],
        ["import", "IMPORT"],
    ],
)
def test_malformed_file_is_left_byte_identical(tmp_path: Path, argv: list[str]) -> None:
    bad = GOOD + "القمر\tMoon\tsatellite\t\t\n"  # unknown kind on line 7
    path = write(tmp_path, bad)
    source = write(tmp_path, "ar,en,kind,note,en_variants\nتسوكوبا,Tsukuba,place,,\n", "in.csv")
    argv = [str(source) if a == "IMPORT" else a for a in argv]
    assert run(*argv, "--glossary", path) == 2
    assert path.read_bytes() == bad.encode()


def test_writes_are_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, GOOD)

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("tarjama.text.textio.os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        run("add", "-g", path, "--ar", "تسوكوبا", "--en", "Tsukuba", "--kind", "place")
    assert path.read_bytes() == GOOD.encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.tsv"]  # no temporary file left behind


def test_concurrent_adds_from_several_processes_all_land(tmp_path: Path) -> None:
    """Two processes adding ten entries each to one glossary: all twenty rows are there."""
    import subprocess
    import sys

    path = tmp_path / "g.tsv"
    path.write_text("ar\ten\tkind\tnote\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from tarjama.cli import main\n"
        "for i in range(10):\n"
        "    code = main(['glossary', 'add', '-g', sys.argv[1], '--ar', f'اسم{sys.argv[2]}ا{i}',"
        " '--en', f'Name {sys.argv[2]}-{i}', '--kind', 'person'])\n"
        "    assert code == 0\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(path), tag], stdout=subprocess.DEVNULL)
        for tag in ("a", "b")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    entries = Glossary.load(path).entries
    assert sorted(e.en for e in entries) == sorted(f"Name {t}-{i}" for t in "ab" for i in range(10))
