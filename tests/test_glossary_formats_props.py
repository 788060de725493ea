"""Property tests of the glossary formats (hypothesis): random Unicode, control characters, CRLF.

* Writers: any valid glossary either round-trips exactly through CSV, XLSX and both TBX
  generations (the note's labelled parts in canonical order for TBX), keeps every source
  form → English pair through DeepL and Google, or is refused with a ``TarjamaError`` for a
  character the format cannot carry — never anything else.
* Readers: any file content gives entries or one ``TarjamaError``, never another exception.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import KINDS, GlossaryEntry, Problem, entry_from_values
from tarjama.glossary.files import make
from tarjama.glossary.files.base import Options
from tarjama.glossary.files.tbx import join_note, split_note
from tarjama.text.interchange import xml_unsafe

# Arabic, Latin, digits, the characters the formats treat specially, controls, CR/LF, and any
# other code point but surrogates (a decoded file never holds one).
SPECIAL = "|'\"=+-@,;\t\r\n\x00\x01\x07\x1b\x7f\x85\u00a0\u200f\u2028\ufeff[]<>&"
TEXT = st.text(
    st.one_of(
        st.sampled_from("ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإىةـًٌٍَُِّْ "),
        st.sampled_from("abcXYZ 019"),
        st.sampled_from(SPECIAL),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=24,
)
# A cell of a valid glossary: no tab, line break or other C0 control or DEL (fatal in every
# glossary cell), no '|' inside one form.
CONTROLS = [*range(0x20), 0x7F]
CELL = TEXT.map(lambda t: t.translate({**dict.fromkeys(CONTROLS), ord("|"): None}))
FORM = st.tuples(st.sampled_from("قمرESAأجاكسا"), CELL).map("".join)
NOTE = TEXT.map(lambda t: t.translate({**dict.fromkeys(CONTROLS), **{ord(c): " " for c in "\t\r\n"}}))
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def glossaries(draw: st.DrawFn) -> list[GlossaryEntry]:
    entries = []
    for number in range(1, draw(st.integers(1, 4)) + 1):
        values = {
            "ar": " | ".join(draw(st.lists(FORM, min_size=1, max_size=3))),
            "en": draw(FORM),
            "kind": draw(st.sampled_from(KINDS)),
            "note": draw(NOTE),
            "en_variants": " | ".join(draw(st.lists(FORM, max_size=2))),
        }
        entry = entry_from_values(values, number, problems := [])  # type: ignore[var-annotated]
        _ = problems  # non-fatal problems are cleaned, as when a TSV row is read
        assume(entry is not None)
        entries.append(entry)
    return entries


def _unique(items: list[str], drop: str | None = None) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen and item != drop:
            seen.append(item)
    return seen


def _tbx_canonical(e: GlossaryEntry) -> GlossaryEntry:
    """What TBX can hold of ``e``: forms and variants once each, note parts in canonical order."""
    problems: list[Problem] = []
    values = {
        "ar": " | ".join(_unique(e.ar_forms)),
        "en": e.en,
        "kind": e.kind,
        "note": join_note(*split_note(e.note)),
        "en_variants": " | ".join(_unique(e.en_variants, e.en)),
    }
    entry = entry_from_values(values, e.line, problems)
    assert entry is not None
    return entry


def _xml_refused(entries: list[GlossaryEntry]) -> bool:
    return any(xml_unsafe(v) for e in entries for v in e.values().values())


def _round_trip(
    fmt: str, suffix: str, entries: list[GlossaryEntry], version: int = 3
) -> list[GlossaryEntry] | None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"g{suffix}"
        try:
            make(fmt, Options(tbx_version=version)).write(entries, path)
        except TarjamaError:
            return None
        return make(fmt).read(path).entries


@SETTINGS
@given(glossaries())
def test_csv_round_trip_is_exact(entries: list[GlossaryEntry]) -> None:
    assert _round_trip("csv", ".csv", entries) == entries


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(glossaries())
def test_xlsx_round_trip_is_exact_or_refused(entries: list[GlossaryEntry]) -> None:
    back = _round_trip("xlsx", ".xlsx", entries)
    if back is None:
        assert _xml_refused(entries)
    else:
        assert back == entries


@SETTINGS
@given(glossaries(), st.sampled_from([2, 3]))
def test_tbx_round_trip_is_exact_or_refused(entries: list[GlossaryEntry], version: int) -> None:
    back = _round_trip("tbx", ".tbx", entries, version)
    if back is None:
        assert _xml_refused(entries)
    else:
        assert back == [_tbx_canonical(e) for e in entries]


@SETTINGS
@given(glossaries(), st.sampled_from([("deepl", ".tsv"), ("deepl", ".csv"), ("google", ".csv")]))
def test_mt_service_formats_keep_every_pair_or_refuse(
    entries: list[GlossaryEntry], fmt: tuple[str, str]
) -> None:
    first = entries[0]
    # A headerless file whose first row reads like a header (ar,en / source,target) is ambiguous.
    assume(
        fmt[0] == "google"
        or [first.ar_forms[0].lower(), first.en.lower()] not in (["source", "target"], ["ar", "en"])
    )
    back = _round_trip(*fmt, entries)
    pairs: dict[str, str] = {}
    conflict = False
    for e in entries:
        for form in e.ar_forms:
            conflict |= pairs.setdefault(form, e.en) != e.en
    if back is None:
        assert conflict or any(
            any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in t)
            or len(t.encode()) > 1024
            for e in entries
            for t in (e.en, *e.ar_forms)
        )
    else:
        assert not conflict
        assert {f: e.en for e in back for f in e.ar_forms} == pairs


# --- readers never fail with anything but a TarjamaError -------------------------------------

XMLISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                '<?xml version="1.0"?>',
                "<martif>",
                "</martif>",
                "<tbx>",
                "</tbx>",
                "<text>",
                "</text>",
                "<body>",
                "</body>",
                "<termEntry>",
                "</termEntry>",
                "<conceptEntry>",
                "</conceptEntry>",
                '<langSet xml:lang="ar">',
                '<langSet xml:lang="en-US">',
                "</langSet>",
                '<langSec xml:lang="arb">',
                '<langSec xml:lang="EN">',
                "</langSec>",
                "<tig>",
                "</tig>",
                "<ntig><termGrp>",
                "</termGrp></ntig>",
                "<termSec>",
                "</termSec>",
                "<term>",
                "</term>",
                '<termNote type="administrativeStatus">',
                "</termNote>",
                "<note>kind: ",
                "</note>",
                '<descrip type="definition">',
                '<descrip type="subjectField">',
                "</descrip>",
                '<!DOCTYPE martif [<!ENTITY a "b">]>',
                "&a;",
                "&amp;",
                "\r\n",
                "<![CDATA[x]]>",
            ]
        ),
        TEXT,
    ),
    max_size=30,
).map("".join)


def _read_only_tarjama_errors(fmt: str, suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in{suffix}"
        path.write_bytes(data)
        try:
            result = make(fmt).read(path)
        except TarjamaError as exc:
            assert "\n" not in str(exc).strip() or "line" in str(exc)
            return
        for e in result.entries:  # whatever came in is a valid entry
            assert e.ar_forms and e.en and e.kind in KINDS


@SETTINGS
@given(XMLISH)
def test_tbx_reader_only_raises_tarjama_errors(text: str) -> None:
    _read_only_tarjama_errors("tbx", ".tbx", text.encode("utf-8"))


@SETTINGS
@given(
    st.lists(st.lists(TEXT, max_size=5), max_size=6),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(
        [("csv", ".csv", ","), ("google", ".csv", ","), ("deepl", ".csv", ","), ("deepl", ".tsv", "\t")]
    ),
    st.booleans(),
)
def test_delimited_readers_only_raise_tarjama_errors(
    rows: list[list[str]], newline: str, fmt: tuple[str, str, str], header: bool
) -> None:
    name, suffix, sep = fmt
    lines = [sep.join(["ar", "en", "kind", "note"] if name == "csv" else ["ar", "en"])] if header else []
    lines += [sep.join(row) for row in rows]
    _read_only_tarjama_errors(name, suffix, newline.join(lines).encode("utf-8"))


@SETTINGS
@given(st.binary(max_size=200))
def test_readers_of_random_bytes_only_raise_tarjama_errors(data: bytes) -> None:
    for fmt, suffix in (
        ("csv", ".csv"),
        ("deepl", ".tsv"),
        ("google", ".csv"),
        ("tbx", ".tbx"),
        ("xlsx", ".xlsx"),
    ):
        _read_only_tarjama_errors(fmt, suffix, data)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=80), min_size=1, max_size=4))
def test_xlsx_reader_of_a_damaged_archive_only_raises_tarjama_errors(parts: list[bytes]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        names = ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "_rels/.rels"]
        for name, data in zip(names, parts, strict=False):
            archive.writestr(name, data)
    _read_only_tarjama_errors("xlsx", ".xlsx", out.getvalue())
