"""Glossary exchange formats: CSV (for spreadsheets) and TBX-Basic (ISO 30042, TBX v3).

CSV has the glossary's columns (ar, en, kind, note, en_variants) with standard CSV quoting;
it is written with a UTF-8 byte-order mark because Excel otherwise misreads Arabic.

TBX-Basic maps one entry to one ``conceptEntry``: the Arabic ``langSec`` holds every source
form (Latin-script forms included: they are source text too), the English ``langSec``
holds the canonical form as ``preferredTerm-admn-sts`` and each variant as
``deprecatedTerm-admn-sts``. TBX-Basic has no data category for tarjama's ``kind``, so it
travels in a concept-level ``<note>kind: …</note>``; the entry's own note is a second
``<note>``. Imports from other tools without a kind note get ``concept``.

Readers validate every record with the same rules as the TSV and name the CSV line or the
TBX ``conceptEntry`` number in errors. Writers are atomic.
"""

from __future__ import annotations

import csv
import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import COLUMNS, REQUIRED_COLUMNS, GlossaryEntry, Problem, entry_from_values
from tarjama.textio import read_text, write_text_atomic

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED = "preferredTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
FORMATS = ("csv", "tbx")


def format_of(path: str | os.PathLike[str], explicit: str | None) -> str:
    """The exchange format named by ``explicit`` or by the file suffix."""
    if explicit:
        return explicit
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".tbx", ".xml"):
        return "tbx"
    raise TarjamaError(f"{path}: cannot tell the format from the suffix {suffix or '(none)'!r}; "
                       "use a .csv or .tbx file name or pass --format csv|tbx")


def _checked(values: dict[str, str], where: str, number: int) -> GlossaryEntry:
    problems: list[Problem] = []
    entry = entry_from_values(values, number, problems)
    fatal = [p for p in problems if p.fatal]
    if entry is None or fatal:
        raise TarjamaError(f"{where}: {(fatal or problems)[0].message}")
    return entry


# --- CSV ---------------------------------------------------------------------------------

def write_csv(entries: list[GlossaryEntry], path: str | os.PathLike[str]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for e in entries:
        values = e.values()
        writer.writerow([values[c] for c in COLUMNS])
    write_text_atomic(path, "\ufeff" + out.getvalue())


def read_csv(path: str | os.PathLike[str]) -> list[GlossaryEntry]:
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    try:
        header = [h.strip() for h in next(reader)]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        unknown = [c for c in header if c and c not in COLUMNS]
        if missing or unknown:
            raise TarjamaError(f"{path}:1: CSV header must name the columns {', '.join(COLUMNS)} "
                               f"(missing: {', '.join(missing) or '-'}; "
                               f"unknown: {', '.join(unknown) or '-'})")
        entries = []
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                raise TarjamaError(f"{path}:{line}: {len(cells)} fields but the header has {len(header)}")
            values = {h: cells[i] if i < len(cells) else "" for i, h in enumerate(header) if h}
            entries.append(_checked(values, f"{path}:{line}", line))
    except csv.Error as exc:
        raise TarjamaError(f"{path}:{reader.line_num}: malformed CSV ({exc}); check the quoting") from None
    return entries


# --- TBX-Basic ---------------------------------------------------------------------------

def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{TBX_NS}}}{tag}", attrs)
    el.text = text
    return el


def _term_sec(lang_sec: ET.Element, term: str, status: str | None, pos: str) -> None:
    sec = _sub(lang_sec, "termSec")
    _sub(sec, "term", term)
    _sub(sec, "termNote", pos, type="partOfSpeech")
    if status:
        _sub(sec, "termNote", status, type="administrativeStatus")


def write_tbx(entries: list[GlossaryEntry], path: str | os.PathLike[str]) -> None:
    ET.register_namespace("", TBX_NS)
    root = ET.Element(f"{{{TBX_NS}}}tbx", {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"})
    desc = _sub(_sub(_sub(root, "tbxHeader"), "fileDesc"), "sourceDesc")
    _sub(desc, "p", "tarjama glossary (Arabic source forms, canonical English)")
    body = _sub(_sub(root, "text"), "body")
    for number, e in enumerate(entries, start=1):
        concept = _sub(body, "conceptEntry", id=f"c{number}")
        _sub(concept, "note", f"kind: {e.kind}")
        if e.note:
            _sub(concept, "note", e.note)
        pos = "noun" if e.kind == "concept" else "properNoun"
        ar = _sub(concept, "langSec", **{XML_LANG: "ar"})
        for form in e.ar_forms:
            _term_sec(ar, form, None, pos)
        en = _sub(concept, "langSec", **{XML_LANG: "en"})
        _term_sec(en, e.en, PREFERRED, pos)
        for variant in e.en_variants:
            _term_sec(en, variant, DEPRECATED, pos)
    ET.indent(root)
    xml = ET.tostring(root, encoding="unicode", xml_declaration=False)
    write_text_atomic(path, '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def read_tbx(path: str | os.PathLike[str]) -> list[GlossaryEntry]:
    try:
        root = ET.fromstring(read_text(path))
    except ET.ParseError as exc:
        line, col = exc.position
        raise TarjamaError(f"{path}:{line}: not well-formed XML at column {col + 1} ({exc.msg}); "
                           "fix the markup or re-export the file") from None
    if _local(root.tag) != "tbx":
        raise TarjamaError(f"{path}: root element is <{_local(root.tag)}>, expected <tbx> (TBX-Basic)")
    entries = []
    concepts = [el for el in root.iter() if _local(el.tag) == "conceptEntry"]
    for number, concept in enumerate(concepts, start=1):
        where = f"{path}: conceptEntry {number} (id {concept.get('id', '?')})"
        kind, notes = "concept", []
        for note in _children(concept, "note"):
            text = (note.text or "").strip()
            if text.startswith("kind: "):
                kind = text.removeprefix("kind: ").strip()
            elif text:
                notes.append(text)
        ar_forms: list[str] = []
        en_terms: list[tuple[str, str]] = []
        for lang_sec in _children(concept, "langSec"):
            lang = (lang_sec.get(XML_LANG) or "").lower()
            for sec in _children(lang_sec, "termSec"):
                term = "".join(t.text or "" for t in _children(sec, "term")).strip()
                status = next((n.text or "" for n in _children(sec, "termNote")
                               if n.get("type") == "administrativeStatus"), "")
                if lang.startswith("ar"):
                    ar_forms.append(term)
                elif lang.startswith("en"):
                    en_terms.append((term, status.strip()))
        # The preferred English term is canonical; without one, the first English term is.
        en_terms.sort(key=lambda t: t[1] != PREFERRED)
        values = {
            "ar": " | ".join(ar_forms),
            "en": en_terms[0][0] if en_terms else "",
            "kind": kind,
            "note": " ".join(notes),
            "en_variants": " | ".join(t for t, _ in en_terms[1:]),
        }
        entries.append(_checked(values, where, number))
    return entries


def read_entries(path: str | os.PathLike[str], fmt: str) -> list[GlossaryEntry]:
    return read_csv(path) if fmt == "csv" else read_tbx(path)


def write_entries(entries: list[GlossaryEntry], path: str | os.PathLike[str], fmt: str) -> None:
    (write_csv if fmt == "csv" else write_tbx)(entries, path)
