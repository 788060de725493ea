"""The translation memory in TMX 1.4b: exact round trips, CAT-tool edits, units from other tools.

Units from other tools are written here as memoQ and Trados lay out their TMX exports
(region language codes, tu/tuv dates and ids, their own ``x-`` properties, inline codes).
"""

from __future__ import annotations

import re
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tarjama.cli import main
from tarjama.document.requests import build_requests
from tarjama.errors import TarjamaError
from tarjama.formats.html import parse_html
from tarjama.glossary import Glossary
from tarjama.memory.store import Approval, TranslationMemory
from tarjama.memory.tmx import export_tmx, import_tmx
from tarjama.text.interchange import xml_unsafe
from tarjama.types import SegmentTranslation, TermHint, TranslationRequest
from test_batch_runner import Scripted, run_batch

GLOSSARY = "ar\ten\tkind\tnote\nوكالة الفضاء الأوروبية\tEuropean Space Agency\torganisation\t\n"
IDENTITY = {
    "engine": "scripted",
    "model": "rules",
    "revision": None,
    "sha256": None,
    "params": {"version": 1},
}


def memory_with_rows(path: Path) -> None:
    memory = TranslationMemory(path)
    memory.scope(IDENTITY, "g" * 64)
    hinted = TranslationRequest(
        "أعلنت وكالة الفضاء الأوروبية.",
        (TermHint("وكالة الفضاء الأوروبية", "European Space Agency", "organisation"),),
        context="جملة سابقة.",
    )
    plain = TranslationRequest("جملة ثانية.")
    memory.put_many(
        [
            (hinted.key(with_context=True), hinted,
             SegmentTranslation("ESA announced.", ["split once"], 0.5)),
            (plain.key(), plain, SegmentTranslation("Second sentence.", [], 0.25)),
        ]
    )
    memory.approve(
        plain,
        Approval(
            "",
            "",
            "The second sentence.",
            "amal",
            1_700_000_000.125,
            machine="Second sentence.",
            engine=IDENTITY,
            note="house style",
        ),
    )
    memory.approve(plain, Approval("", "", "A second sentence.", "badr", 1_700_000_100.5, via="review"))
    memory.close()


def contents(path: Path) -> tuple[list, list]:
    memory = TranslationMemory(path, readonly=True)
    try:
        return memory.machine_rows(), memory.approval_rows()
    finally:
        memory.close()


def memory_cli(*argv: object) -> int:
    return main(["memory", *map(str, argv)])


def test_memory_to_tmx_to_memory_is_exact_and_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.sqlite"
    memory_with_rows(source)
    tmx = tmp_path / "m.tmx"
    assert memory_cli("export", tmx, "--memory", source) == 0
    assert "wrote 4 translation units" in capsys.readouterr().out
    copy = tmp_path / "b.sqlite"
    assert memory_cli("import", tmx, "--memory", copy, "--no-glossary") == 0
    assert "created; imported 2 human approvals and 2 machine translations" in capsys.readouterr().out
    assert contents(copy) == contents(source)  # every column, times to the last digit, history in order
    assert memory_cli("import", tmx, "--memory", copy, "--no-glossary") == 0
    assert "(4 already present)" in capsys.readouterr().out
    assert contents(copy) == contents(source)


def test_tmx_layout_dates_and_properties(tmp_path: Path) -> None:
    source = tmp_path / "a.sqlite"
    memory_with_rows(source)
    tmx = tmp_path / "m.tmx"
    assert (
        memory_cli(
            "export",
            tmx,
            "--memory",
            source,
            "--origin",
            "human",
            "--source-lang",
            "ar-SA",
            "--target-lang",
            "en-US",
        )
        == 0
    )
    text = tmx.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
    root = ET.parse(tmx).getroot()
    assert root.get("version") == "1.4" and root.find("header").get("srclang") == "ar-SA"
    first, second = root.iter("tu")
    assert (first.get("creationdate"), first.get("creationid")) == ("20231114T221320Z", "amal")
    props = {p.get("type"): p.text for p in first.iter("prop")}
    assert props["x-tarjama-origin"] == "human" and props["x-tarjama-machine"] == "Second sentence."
    assert [n.text for n in first.iter("note")] == ["house style"]
    langs = [t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in first.iter("tuv")]
    assert langs == ["ar-SA", "en-US"] and second.find("tuv[2]/seg").text == "A second sentence."


def test_translate_toolkit_reads_the_tmx(tmp_path: Path) -> None:
    tmx_store = pytest.importorskip("translate.storage.tmx")
    source = tmp_path / "a.sqlite"
    memory_with_rows(source)
    path = tmp_path / "m.tmx"
    assert memory_cli("export", path, "--memory", source) == 0
    store = tmx_store.tmxfile.parsefile(str(path))
    pairs = [(u.source, u.target) for u in store.units]
    assert pairs == [
        ("أعلنت وكالة الفضاء الأوروبية.", "ESA announced."),
        ("جملة ثانية.", "Second sentence."),
        ("جملة ثانية.", "The second sentence."),
        ("جملة ثانية.", "A second sentence."),
    ]


def test_an_english_edited_in_a_cat_tool_comes_back_as_a_human_approval(tmp_path: Path) -> None:
    source = tmp_path / "a.sqlite"
    memory_with_rows(source)
    tmx = tmp_path / "m.tmx"
    assert memory_cli("export", tmx, "--memory", source, "--origin", "machine") == 0
    tree = ET.parse(tmx)
    tu = next(tree.getroot().iter("tu"))  # the ESA sentence, as a translator fixes it in a CAT tool
    tu.find("tuv[2]/seg").text = "The European Space Agency announced it."
    tu.set("changedate", "20240102T030405Z")
    tu.set("changeid", "reviewer1")
    tree.write(tmx, encoding="utf-8")
    assert memory_cli("import", tmx, "--memory", source, "--no-glossary") == 0
    machine, approvals = contents(source)
    glossary, edited = approvals[-1]
    assert glossary == "g" * 64 and edited.translation == "The European Space Agency announced it."
    assert (edited.editor, edited.approved, edited.via) == ("reviewer1", 1704164645.0, "tmx")
    assert edited.machine == "ESA announced." and edited.engine == IDENTITY
    request = TranslationRequest(
        "أعلنت وكالة الفضاء الأوروبية.",
        (TermHint("وكالة الفضاء الأوروبية", "European Space Agency", "organisation"),),
    )
    assert edited.key == request.key()  # the approval key: source and hints, no context
    assert len(machine) == 2  # the machine rows are unchanged


# As Trados Studio exports a TM: region codes, tu-level dates and ids, tool properties, inline
# codes as empty bpt/ept with type and x (its layout), a third language, a unit of two sentences
# and one without English.
FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.1" o-tmf="SDL TM8 Format"
          datatype="xml" segtype="sentence" adminlang="en-US" srclang="ar-SA"/>
  <body>
    <tu creationdate="20230510T101500Z" creationid="HQ\\\\translator1" changedate="20230511T080000Z"
        changeid="HQ\\\\reviewer" usagecount="3">
      <prop type="x-Domain">Space</prop>
      <note>checked against the ESA press release</note>
      <tuv xml:lang="ar-SA"><seg>وقّعت <bpt i="1" type="1" x="1" />وكالة الفضاء الأوروبية<ept
        i="1" /> اتفاقاً.</seg></tuv>
      <tuv xml:lang="en-US"><seg>The <bpt i="1" type="1" x="1" />European Space Agency<ept
        i="1" /> signed an agreement.</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>L'Agence spatiale européenne a signé un accord.</seg></tuv>
    </tu>
    <tu><tuv xml:lang="ar-SA"><seg>جملة أولى. جملة ثانية.</seg></tuv>
        <tuv xml:lang="en-US"><seg>First. Second.</seg></tuv></tu>
    <tu><tuv xml:lang="ar-SA"><seg>جملة بلا ترجمة.</seg></tuv></tu>
  </body>
</tmx>
"""


def test_a_unit_from_another_tool_is_an_approval_keyed_as_tarjama_keys_that_segment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    glossary_path = tmp_path / "g.tsv"
    glossary_path.write_text(GLOSSARY, encoding="utf-8")
    glossary = Glossary.load(glossary_path)
    tmx = tmp_path / "trados.tmx"
    tmx.write_text(FOREIGN, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    assert memory_cli("import", tmx, "--memory", out / ".memory.sqlite", "--glossary", glossary_path) == 0
    captured = capsys.readouterr()
    assert "imported 1 human approvals" in captured.out
    assert "1 units from other tools keyed with glossary" in captured.err
    assert (
        "not imported: unit whose Arabic is several sentences as tarjama splits text ×1 (first on line 16), "
        "unit without both an Arabic and an English segment ×1 (first on line 18)"
    ) in captured.err
    assert "1 units with inline codes kept them as placeholders" in captured.err
    assert "tuv[fr-FR] ×1" in captured.err and "prop[x-Domain] ×1" in captured.err
    [(digest, approval)] = contents(out / ".memory.sqlite")[1]
    # Keyed as a sentence of a page with that markup (the bold name a placeholder pair)...
    page = "<p>وقّعت <b>وكالة الفضاء الأوروبية</b> اتفاقاً. جملة أخرى.</p>"
    [prepared, _other] = build_requests(parse_html(page).units[0].document, glossary)
    assert prepared.request.source == "وقّعت <g1>وكالة الفضاء الأوروبية</g1> اتفاقاً."
    assert (digest, approval.key) == (glossary.digest(), prepared.request.key())
    assert approval.translation == "The <g1>European Space Agency</g1> signed an agreement."
    assert (approval.editor, approval.approved) == ("HQ\\\\reviewer", 1683792000.0)
    assert approval.note == "checked against the ESA press release" and approval.via == "tmx"
    # ...so a later batch with the same glossary takes the approved sentence, markup in place, and
    # never sends it to the engine.
    docs = tmp_path / "in"
    docs.mkdir()
    (docs / "a.html").write_text(page + "\n", encoding="utf-8")
    engine = Scripted()
    run_batch(docs, out, engine, glossary)
    assert (out / "a.en.html").read_text(encoding="utf-8").startswith(
        "<p>The <b>European Space Agency</b> signed an agreement. EN(جملة أخرى.)</p>"
    )
    assert prepared.request.source not in [s for batch in engine.batches for s in batch]


def test_same_glossary_rule_a_unit_keyed_without_the_glossary_is_not_used_with_it(tmp_path: Path) -> None:
    glossary_path = tmp_path / "g.tsv"
    glossary_path.write_text(GLOSSARY, encoding="utf-8")
    tmx = tmp_path / "trados.tmx"
    tmx.write_text(FOREIGN, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    assert memory_cli("import", tmx, "--memory", out / ".memory.sqlite", "--no-glossary") == 0
    docs = tmp_path / "in"
    docs.mkdir()
    (docs / "a.txt").write_text("وقّعت وكالة الفضاء الأوروبية اتفاقاً.\n", encoding="utf-8")
    run_batch(docs, out, Scripted(), Glossary.load(glossary_path))
    assert (out / "a.en.txt").read_text(encoding="utf-8").startswith("EN(")


@pytest.mark.parametrize(
    "text,message",
    [
        (
            '<tmx version="1.4"><body><tu><tuv xml:lang="fr"><seg>a</seg></tuv>'
            '<tuv xml:lang="de"><seg>b</seg></tuv>'
            "</tu></body></tmx>",
            r"no Arabic and no English side; the languages found are fr, de",
        ),
        ("<martif/>", r"root element is <martif>, expected <tmx>"),
        ('<tmx version="1.4"><body/></tmx>', "no <tu> translation units"),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<tmx>&x;</tmx>',
            r"m\.tmx:2: declares the external entity 'x'",
        ),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
            "<tmx>&b;</tmx>",
            r"m\.tmx:2: declares the internal entity 'a'",
        ),
        (
            '<tmx><body><tu><prop type="x-tarjama-origin">human</prop>'
            '<prop type="x-tarjama-hints">[oops</prop><tuv xml:lang="ar"><seg>جملة.</seg></tuv>'
            '<tuv xml:lang="en"><seg>A.</seg></tuv></tu></body></tmx>',
            r"m\.tmx:1: tu 1: property x-tarjama-hints is missing or not valid JSON",
        ),
    ],
)
def test_bad_tmx_is_one_line_and_changes_nothing(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.tmx"
    path.write_text(text, encoding="utf-8")
    db = tmp_path / "m.sqlite"
    memory_with_rows(db)
    before = contents(db)
    memory = TranslationMemory(db)
    with pytest.raises(TarjamaError, match=message):
        import_tmx(memory, path)
    memory.close()
    assert contents(db) == before
    assert memory_cli("import", path, "--memory", db, "--no-glossary") == 2


def test_export_errors_are_one_line(tmp_path: Path) -> None:
    assert memory_cli("export", tmp_path / "x.tmx", "--memory", tmp_path / "missing.sqlite") == 2
    db = tmp_path / "m.sqlite"
    memory_with_rows(db)
    before = db.read_bytes()
    assert memory_cli("export", db, "--memory", db) == 2  # never over the memory itself
    assert db.read_bytes() == before
    assert memory_cli("export", tmp_path / "x.tmx", "--memory", db, "--source-lang", "fr") == 2


# --- properties -----------------------------------------------------------------------------------

TEXT = st.text(
    st.one_of(
        st.sampled_from("جملةقمرESA .,'\"<>&\r\n\t\x00\x07\x7f\u2028\ufeff"),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=20,
)


CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def approvable(ar: str, en: str) -> bool:
    """The text rules every approval keeps: an Arabic letter in the Arabic, no control character,
    an English that is not the Arabic copied or mostly Arabic script."""
    arabic = len(re.findall("[\u0600-\u06ff]", en))
    latin = len(re.findall(r"[^\W\d_]", en)) - arabic
    return bool(re.search("[\u0621-\u064a]", ar)) and not CONTROL.search(ar + en) \
        and en.strip() != ar.strip() and arabic <= latin


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(TEXT.filter(str.strip), TEXT.filter(str.strip), TEXT, TEXT), min_size=1, max_size=4)
)
def test_round_trip_of_random_segments_is_exact_or_the_unit_is_left_out(
    rows: list[tuple[str, str, str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source, copy, tmx = Path(tmp) / "a.sqlite", Path(tmp) / "b.sqlite", Path(tmp) / "m.tmx"
        memory = TranslationMemory(source)
        memory.scope({"engine": "e", "note": rows[0][3]}, "g")
        for i, (ar, en, note, editor) in enumerate(rows):
            request = TranslationRequest(ar, (TermHint(ar[:3], en[:3], "concept"),))
            memory.put_many([(request.key(), request, SegmentTranslation(en, [note] if note else []))])
            memory.approve(request, Approval("", "", en[::-1] or "x", editor, 1e9 + i / 7, note=note))
        memory.close()
        memory = TranslationMemory(source, readonly=True)
        report = export_tmx(memory, tmx)
        memory.close()
        memory = TranslationMemory(copy)
        if report.machine + report.human:
            import_tmx(memory, tmx)
        memory.close()
        machine, approvals = contents(source)
        kept_machine = [
            r
            for r in machine
            if not any(xml_unsafe(t) for t in (r.source, r.translation, *r.notes, str(r.identity)))
        ]
        exported_machine = len(kept_machine)
        kept_machine = [r for r in kept_machine if not CONTROL.search(r.source + r.translation)]
        exported_human = [
            (g, a)
            for g, a in approvals
            if not any(xml_unsafe(t) for t in (a.source, a.translation, a.note, a.editor))
        ]
        kept_human = [(g, a) for g, a in exported_human if approvable(a.source, a.translation)]
        assert contents(copy) == (kept_machine, kept_human)
        assert report.machine + report.human == exported_machine + len(exported_human)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    '<tmx version="1.4">',
                    "</tmx>",
                    "<body>",
                    "</body>",
                    "<tu>",
                    "</tu>",
                    '<tuv xml:lang="ar">',
                    '<tuv xml:lang="en-GB">',
                    '<tuv lang="arb">',
                    "</tuv>",
                    "<seg>",
                    "</seg>",
                    '<bpt i="1">',
                    "</bpt>",
                    '<prop type="x-tarjama-origin">',
                    '<prop type="x-tarjama-hints">',
                    '<prop type="x-tarjama-key">',
                    '<prop type="x-tarjama-time">',
                    '<prop type="x-tarjama-target-sha256">',
                    "</prop>",
                    "<note>",
                    "</note>",
                    "human",
                    "machine",
                    "[]",
                    '[["a","b","c"]]',
                    "1e9",
                    '<tu changedate="2024">',
                    "\r\n",
                    "&amp;",
                ]
            ),
            TEXT,
        ),
        max_size=30,
    ).map("".join)
)
def test_tmx_reader_only_raises_tarjama_errors(text: str) -> None:
    """Whatever the file: one ``TarjamaError`` and nothing imported, or what the report says."""
    imported_as_reported(text)


def imported_as_reported(text: str) -> int:
    """Import ``text`` as a TMX file; check that a refusal added nothing and that a success added
    exactly the rows its report counts, each well-formed and keyed as tarjama keys its source.
    Returns the rows added (-1 for a refusal)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tmx"
        path.write_text(text, encoding="utf-8")
        memory = TranslationMemory(Path(tmp) / "m.sqlite")
        try:
            try:
                report = import_tmx(memory, path)
            except TarjamaError:
                report = None
            machine, approvals = memory.machine_rows(), memory.approval_rows()
        finally:
            memory.close()
    if report is None:
        assert (machine, approvals) == ([], [])  # a refused file adds nothing
        return -1
    assert (len(machine), len(approvals)) == (report.machine_added, report.approvals_added)
    for _glossary, a in approvals:
        assert a.source.strip() and a.translation.strip() and a.via == "tmx"
        assert a.key == TranslationRequest(a.source, tuple(TermHint(*h) for h in a.hints)).key()
    for row in machine:
        assert row.source.strip() and row.translation.strip()
    return len(machine) + len(approvals)


def _unit(ar: str, en: str) -> str:
    return (f'<tu><tuv xml:lang="ar"><seg>{escape(ar)}</seg></tuv>'
            f'<tuv xml:lang="en"><seg>{escape(en)}</seg></tuv></tu>')


TMX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="x" '
            'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="ar" '
            'datatype="plaintext"/><body>')
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.builds(_unit, TEXT, TEXT),
            st.builds(_unit, st.sampled_from(["جملة عن القمر.", "وكالة الفضاء"]), st.sampled_from(
                ["A sentence.", "ESA", "جملة عن القمر."])),
            st.sampled_from(["<tu></tu>", '<tu><tuv xml:lang="ar"><seg>قمر</seg></tuv></tu>', "&amp;"]),
        ),
        max_size=6,
    ).map(lambda units: TMX_HEAD + "".join(units) + "</body></tmx>")
)
def test_random_units_of_another_tool_import_as_the_report_says(text: str) -> None:
    imported_as_reported(text)


def test_timestamps_survive_to_the_last_digit(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    memory = TranslationMemory(db)
    memory.scope(None, None)
    memory.approve(TranslationRequest("جملة."), Approval("", "", "A sentence.", "", time.time()))
    memory.close()
    assert memory_cli("export", tmp_path / "m.tmx", "--memory", db) == 0
    assert memory_cli("import", tmp_path / "m.tmx", "--memory", tmp_path / "b.sqlite", "--no-glossary") == 0
    assert contents(tmp_path / "b.sqlite") == contents(db)
