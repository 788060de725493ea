"""TBX-Basic, both generations: TBX 2008 (``<martif>``) and TBX 2019 / TBX v3 (``<tbx>``, DCA or DCT).

The two generations have one structure under different names, so one reader and one writer
serve both (``Dialect``):

=================  ==========================  ============================
                   TBX 2008 (ISO 30042:2008)   TBX 2019 (ISO 30042:2019)
=================  ==========================  ============================
root               ``martif``                  ``tbx style="dca"|"dct"``
concept            ``termEntry``               ``conceptEntry``
language           ``langSet``                 ``langSec``
term               ``tig`` or ``ntig/termGrp``  ``termSec``
=================  ==========================  ============================

TBX 2019 comes in two styles: DCA names each data category in a ``type`` attribute
(``<descrip type="definition">``), DCT makes it an element of the dialect's namespace
(``<basic:definition>``, ``<basic:administrativeStatus>``). Both are read; a DCT element is
read as its DCA equivalent (``DCT_CATEGORIES``), so one reader serves both.

**Reading** (the generation is told by the root element), streamed one concept at a time.
One concept becomes one entry:

* ``ar``: every term of every Arabic language section (``ar``, ``ar-SA``, ``arb``, ``arz``,
  ``ars``… the default set of ``tarjama.text.interchange``, plus ``--arabic-codes``) in file
  order — synonyms become ` | ` source forms; Latin-script terms there are source text too;
* ``en``: the first English term whose ``administrativeStatus`` (or TBX 2008
  ``normativeAuthorization``) is preferred, else the first English term that is not
  deprecated or superseded, else the first; every other English term goes to
  ``en_variants`` (forms rewritten to the canonical one);
* ``kind``: a concept-level ``<note>kind: …</note>`` (what tarjama writes), else a
  ``subjectField`` that names a kind (``organization`` and ``program`` are accepted
  spellings), else ``--kind`` (default ``concept``);
* ``note``: the notes (``note`` at any level), then each definition (``descrip
  type="definition"``) as ``[definition] …``, then each other subject field as
  ``[subject] …``; a second note is written ``[note] …``.

Everything else is dropped and counted per element (``transacGrp``, ``xref``,
``descrip[context]``, ``langSet[fr]``, a ``termNote[partOfSpeech]`` other than the one tarjama
writes for the kind…). A concept without an Arabic or without an English term is skipped and
counted: term bases are multilingual and rarely complete. A concept whose values break the
glossary's rules is a problem at the concept's line in the file; every one is reported
(``Imported.problems``). A file with no Arabic or no English section at all is refused,
naming the languages it has.

**Writing** (``--tbx-version 2`` or ``3``, default 3): one concept per entry with
``<note>kind: …</note>``, the labelled parts of the note back in their elements
(``[subject]`` → concept ``descrip type="subjectField"``, ``[definition]`` → English
``descrip type="definition"``, the rest → concept ``note``), an Arabic section with every
source form and an English section with the canonical form as ``preferredTerm-admn-sts`` and
each variant as ``deprecatedTerm-admn-sts``; every term carries a ``partOfSpeech`` (``noun``
for a concept, else ``properNoun``). So TSV → TBX → TSV is exact, except that the labelled
parts of a note come back in the order notes, definitions, subjects. A character XML cannot
carry (a control character) refuses the export with the entry's line.

Parsing goes through ``tarjama.text.interchange.iter_xml`` (entity declarations refused,
nothing fetched, the input limit applies); writing through lxml, atomically.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import KINDS, GlossaryEntry
from tarjama.glossary.files.base import Exported, GlossaryFormat, Imported
from tarjama.text.interchange import iter_xml, language_side, local_name, pick_sides, xml_unsafe
from tarjama.text.textio import atomic_writer

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED = "preferredTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
STATUS_TYPES = ("administrativeStatus", "normativeAuthorization")
KIND_NOTE = "kind: "
# Subject-field values that name a kind (other spellings of tarjama's kinds).
KIND_NAMES = {k: k for k in KINDS} | {"organization": "organisation", "program": "programme"}
LABELS = ("note", "definition", "subject")
DESCRIPTION = "tarjama glossary (Arabic source forms, canonical English)"
LABEL_RE = re.compile(r"\[(note|definition|subject)\]")


@dataclass(frozen=True)
class Dialect:
    version: int
    root: str
    entry: str
    lang: str
    term_secs: tuple[str, ...]
    namespace: str | None
    style: str = "dca"

    def describe(self) -> str:
        return "TBX 2008 (martif)" if self.version == 2 else f"TBX 2019 (tbx, {self.style.upper()})"


TBX2008 = Dialect(2, "martif", "termEntry", "langSet", ("tig", "ntig"), None)
TBX2019 = Dialect(3, "tbx", "conceptEntry", "langSec", ("termSec",), TBX_NS)
TBX2019_DCT = Dialect(3, "tbx", "conceptEntry", "langSec", ("termSec",), TBX_NS, "dct")
# TBX-Basic's data categories as DCT elements → the DCA element and type they stand for.
DCT_CATEGORIES = {
    "definition": ("descrip", "definition"),
    "subjectField": ("descrip", "subjectField"),
    "context": ("descrip", "context"),
    "administrativeStatus": ("termNote", "administrativeStatus"),
    "normativeAuthorization": ("termNote", "normativeAuthorization"),
    "partOfSpeech": ("termNote", "partOfSpeech"),
    "termType": ("termNote", "termType"),
    "grammaticalGender": ("termNote", "grammaticalGender"),
    "geographicalUsage": ("termNote", "geographicalUsage"),
    "termLocation": ("termNote", "termLocation"),
    "customerSubset": ("admin", "customerSubset"),
    "projectSubset": ("admin", "projectSubset"),
    "source": ("admin", "source"),
    "transactionType": ("transacNote", "transactionType"),
    "responsibility": ("transacNote", "responsibility"),
    "crossReference": ("ref", "crossReference"),
    "externalCrossReference": ("xref", "externalCrossReference"),
    "xGraphic": ("xref", "xGraphic"),
}
# The core structure's elements (never data categories).
_CORE = {"tbx", "martif", "tbxHeader", "martifHeader", "text", "body", "back", "conceptEntry", "termEntry",
         "langSec", "langSet", "termSec", "tig", "ntig", "termGrp", "term", "note", "descripGrp", "adminGrp",
         "transacGrp", "termNoteGrp", "date", "descrip", "termNote", "admin", "transac", "transacNote",
         "ref", "xref", "hi", "foreign", "sc", "ec", "ph"}  # fmt: skip


def category(el: Element) -> tuple[str, str]:
    """(element, type) of a TBX element as DCA writes it: ``<basic:definition>`` (DCT) and
    ``<descrip type="definition">`` (DCA) both give ``("descrip", "definition")``."""
    name = local_name(el.tag)
    if name not in _CORE and name in DCT_CATEGORIES:
        return DCT_CATEGORIES[name]
    return name, el.get("type") or ""


def split_note(note: str) -> tuple[list[str], list[str], list[str]]:
    """The note column as (notes, definitions, subjects) by its ``[label]`` parts."""
    parts: dict[str, list[str]] = {label: [] for label in LABELS}
    pieces = LABEL_RE.split(note)
    lead = pieces[0].strip()
    if lead:
        parts["note"].append(lead)
    for label, text in zip(pieces[1::2], pieces[2::2], strict=True):
        if text.strip():
            parts[label].append(text.strip())
    return parts["note"], parts["definition"], parts["subject"]


def join_note(notes: list[str], definitions: list[str], subjects: list[str]) -> str:
    """The inverse of ``split_note`` (in the order notes, definitions, subjects)."""
    pieces = [n if i == 0 else f"[note] {n}" for i, n in enumerate(notes)]
    pieces += [f"[definition] {d}" for d in definitions]
    pieces += [f"[subject] {s}" for s in subjects]
    return " ".join(pieces)


def _text(el: Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _label(el: Element) -> str:
    name, kind = category(el)
    return f"{name}[{kind}]" if kind else name


def _status_rank(status: str) -> int:
    s = status.strip().lower()
    if s.startswith("preferred"):
        return 0
    if s.startswith(("deprecated", "superseded")):
        return 2
    return 1


@dataclass
class _Concept:
    """What one concept holds, gathered while walking it."""

    kind: str | None = None
    notes: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    ar: list[str] = field(default_factory=list)
    en: list[tuple[str, int]] = field(default_factory=list)  # (term, status rank)
    pos: list[str] = field(default_factory=list)


class _Reader:
    def __init__(self, dialect: Dialect, result: Imported, arabic_codes: tuple[str, ...] = ()) -> None:
        self.d = dialect
        self.result = result
        self.arabic_codes = arabic_codes
        self.langs: dict[str, None] = {}  # every language section's code, once

    def meta(self, el: Element, c: _Concept, concept_level: bool) -> None:
        """A descriptive element at concept, language or term level."""
        (name, kind), text = category(el), _text(el)
        if name == "note":
            if concept_level and c.kind is None and text.startswith(KIND_NOTE):
                c.kind = text.removeprefix(KIND_NOTE).strip()
            elif text:
                c.notes.append(text)
        elif name == "descrip" and kind == "definition":
            if text:
                c.definitions.append(text)
                self.result.into_note["definition"] += 1
        elif name == "descrip" and kind == "subjectField":
            if text:
                c.subjects.append(text)
        elif name == "descripGrp":
            for child in el:
                self.meta(child, c, concept_level)
        else:
            self.result.dropped[_label(el)] += 1

    def term_section(self, sec: Element, side: str, c: _Concept) -> None:
        parts = list(sec)
        for grp in [p for p in parts if local_name(p.tag) == "termGrp"]:  # ntig
            parts.remove(grp)
            parts[:0] = list(grp)
        term, rank = "", 1
        for child in parts:
            name, kind = category(child)
            if name == "term":
                term = _text(child)
            elif name == "termNote" and kind in STATUS_TYPES:
                rank = _status_rank(_text(child))
            elif name == "termNote" and kind == "partOfSpeech":
                c.pos.append(_text(child))
            elif name in ("termNote", "termCompList"):
                self.result.dropped[_label(child)] += 1
            else:
                self.meta(child, c, concept_level=False)
        if not term:
            self.result.skipped["empty term"] += 1
        elif side == "ar":
            if term not in c.ar:
                c.ar.append(term)
        elif term not in [t for t, _ in c.en]:
            c.en.append((term, rank))

    def concept(self, el: Element) -> _Concept:
        c = _Concept()
        for child in el:
            if local_name(child.tag) != self.d.lang:
                self.meta(child, c, concept_level=True)
                continue
            lang = child.get(XML_LANG) or child.get("lang") or ""
            self.langs.setdefault(lang)
            side = language_side(lang, self.arabic_codes)
            if side is None:
                self.result.dropped[f"{self.d.lang}[{lang or 'no language'}]"] += 1
                continue
            for part in child:
                if local_name(part.tag) in self.d.term_secs:
                    self.term_section(part, side, c)
                else:
                    self.meta(part, c, concept_level=False)
        return c


def _dialect(root: Element, path: str | os.PathLike[str]) -> Dialect:
    name = local_name(root.tag)
    if name == "martif":
        return TBX2008
    if name == "tbx":
        return TBX2019_DCT if (root.get("style") or "dca").lower() == "dct" else TBX2019
    raise TarjamaError(f"{path}: root element is <{name}>, expected <martif> (TBX 2008) or <tbx> (TBX 2019); "
                       "is this a TBX file?")


def read_tbx(path: str | os.PathLike[str], default_kind: str = "concept",
             arabic_codes: tuple[str, ...] = ()) -> Imported:
    """The entries of a TBX file, one concept at a time (module docstring)."""
    result = Imported([])
    dialect: Dialect | None = None
    reader: _Reader | None = None
    concepts = 0
    for kind, el, line in iter_xml(path, {"termEntry", "conceptEntry"}):
        if kind == "root":
            dialect = _dialect(el, path)
            reader = _Reader(dialect, result, arabic_codes)
            continue
        assert dialect is not None and reader is not None
        if local_name(el.tag) != dialect.entry:
            continue
        concepts += 1
        _concept_entry(reader, el, line, default_kind)
    if dialect is None or reader is None:
        raise TarjamaError(f"{path}: no root element; is this a TBX file?")
    if not concepts:
        raise TarjamaError(f"{path}: no <{dialect.entry}> in this {dialect.describe()} file; "
                           "nothing to import")
    pick_sides(reader.langs, f"{path} ({dialect.describe()})", arabic_codes,
               "" if arabic_codes else "; name more Arabic codes with --arabic-codes")
    result.dropped = +result.dropped
    result.into_note = +result.into_note
    return result


def _concept_entry(reader: _Reader, el: Element, line: int, default_kind: str) -> None:
    """One concept as an entry of ``reader.result`` (or a skip, or a problem at ``line``)."""
    result, dialect = reader.result, reader.d
    c = reader.concept(el)
    if not c.ar or not c.en:
        result.skipped[f"{dialect.entry} without an {'Arabic' if not c.ar else 'English'} term"] += 1
        return
    kind = c.kind
    subjects = c.subjects
    if kind is None:
        named = [s for s in subjects if s.casefold() in KIND_NAMES]
        if named:
            kind = KIND_NAMES[named[0].casefold()]
            subjects = [s for s in subjects if s is not named[0]]
    kind = kind or default_kind
    result.into_note["subjectField"] += len(subjects)
    expected_pos = "noun" if kind == "concept" else "properNoun"
    result.dropped["termNote[partOfSpeech]"] += sum(p != expected_pos for p in c.pos)
    ordered = sorted(c.en, key=lambda t: t[1])  # stable: file order within a rank
    canonical = ordered[0][0]
    values = {
        "ar": " | ".join(c.ar),
        "en": canonical,
        "kind": kind,
        "note": join_note(c.notes, c.definitions, subjects),
        "en_variants": " | ".join(t for t, _ in c.en if t != canonical),
    }
    entry = result.collect(values, line)
    if entry is not None:
        result.entries.append(entry)


def write_tbx(entries: list[GlossaryEntry], path: str | os.PathLike[str], version: int = 3) -> Exported:
    from lxml import etree

    if version not in (2, 3):
        raise TarjamaError(f"unknown TBX version {version}; use 2 (TBX 2008, <martif>) "
                           "or 3 (TBX 2019, <tbx>)")
    d = TBX2008 if version == 2 else TBX2019
    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"

    def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
        el = etree.SubElement(parent, tag, attrs)
        el.text = text
        return el

    for e in entries:
        for column, value in e.values().items():
            bad = xml_unsafe(value)
            if bad:
                raise TarjamaError(f"entry on line {e.line} ({e.en!r}): column {column} holds {bad}, a "
                                   "character XML cannot carry; remove it from the glossary")
    if d.version == 2:
        root = etree.Element("martif", {"type": "TBX-Basic", lang_attr: "en"})
        header = sub(root, "martifHeader")
        sub(sub(sub(header, "fileDesc"), "sourceDesc"), "p", DESCRIPTION)
        sub(sub(header, "encodingDesc"), "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    else:
        root = etree.Element(_q(d, "tbx"), {"type": "TBX-Basic", "style": "dca", lang_attr: "en"},
                             nsmap={None: TBX_NS})
        header = sub(root, _q(d, "tbxHeader"))
        sub(sub(sub(header, _q(d, "fileDesc")), _q(d, "sourceDesc")), _q(d, "p"), DESCRIPTION)
    body = sub(sub(root, _q(d, "text")), _q(d, "body"))
    term_sec = d.term_secs[0]
    for number, e in enumerate(entries, start=1):
        notes, definitions, subjects = split_note(e.note)
        concept = sub(body, _q(d, d.entry), id=f"c{number}")
        for s in subjects:
            sub(concept, _q(d, "descrip"), s, type="subjectField")
        sub(concept, _q(d, "note"), KIND_NOTE + e.kind)
        for n in notes:
            sub(concept, _q(d, "note"), n)
        pos = "noun" if e.kind == "concept" else "properNoun"
        ar = sub(concept, _q(d, d.lang), **{lang_attr: "ar"})
        for form in e.ar_forms:
            sec = sub(ar, _q(d, term_sec))
            sub(sec, _q(d, "term"), form)
            sub(sec, _q(d, "termNote"), pos, type="partOfSpeech")
        en = sub(concept, _q(d, d.lang), **{lang_attr: "en"})
        for definition in definitions:
            sub(en, _q(d, "descrip"), definition, type="definition")
        for term, status in [(e.en, PREFERRED)] + [(v, DEPRECATED) for v in e.en_variants]:
            sec = sub(en, _q(d, term_sec))
            sub(sec, _q(d, "term"), term)
            sub(sec, _q(d, "termNote"), pos, type="partOfSpeech")
            sub(sec, _q(d, "termNote"), status, type="administrativeStatus")
    etree.indent(root)
    prolog = '<?xml version="1.0" encoding="UTF-8"?>\n'
    if d.version == 2:
        prolog += '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n'
    with atomic_writer(path, "wb") as fh:
        fh.write(prolog.encode() + etree.tostring(root, encoding="UTF-8") + b"\n")
    return Exported(len(entries))


def _q(d: Dialect, tag: str) -> str:
    return f"{{{d.namespace}}}{tag}" if d.namespace else tag


class TbxFormat(GlossaryFormat):
    name = "tbx"
    label = "TBX"
    suffixes = (".tbx",)
    summary = "TBX-Basic: TBX 2008 <martif> or TBX 2019 <tbx> (read both; write --tbx-version 2|3)"

    def read(self, path: str | os.PathLike[str]) -> Imported:
        return read_tbx(path, self.options.kind, self.options.arabic_codes)

    def write(self, entries: list[GlossaryEntry], path: str | os.PathLike[str]) -> Exported:
        return write_tbx(entries, path, self.options.tbx_version)

