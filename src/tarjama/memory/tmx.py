"""The translation memory in TMX 1.4b, the memory exchange format of every CAT tool.

**Export** (``export_tmx``): one ``<tu>`` per machine translation (every engine and glossary
in the memory) and per human approval (history included, oldest first), with an Arabic and
an English ``<tuv>``. What tarjama needs to take a unit back exactly travels as TMX
properties, which CAT tools keep and show: ``x-tarjama-origin`` (``machine`` or ``human``),
``x-tarjama-glossary`` (the glossary digest), ``x-tarjama-key`` (the segment key),
``x-tarjama-hints`` (the term hints, JSON), ``x-tarjama-engine`` (the engine identity, JSON),
``x-tarjama-time`` (exact Unix time), ``x-tarjama-target-sha256`` (of the English as
exported, to notice an edit), and for machine units ``x-tarjama-terms``,
``x-tarjama-seconds`` and ``x-tarjama-source-sha256`` (their key may hold the paragraph
context, so the Arabic has a hash of its own), for approvals ``x-tarjama-via`` and
``x-tarjama-machine`` (the machine text it replaced) and, for an approval of English into Arabic,
``x-tarjama-direction`` (``en-ar``: its English is the source). Dates are TMX's own ``creationdate``
(UTC); ``creationid`` is the editor of an approval, or the engine (``gguf:Qwen…@sha256:…``)
of a machine unit. Notes are ``<note>`` elements. A unit holding a character XML cannot
carry (a control character) is left out and counted.

What the review workbench keeps besides approvals — comments and statuses (draft, rejected),
history included — travels in the header as ``x-tarjama-reviews`` (JSON), and each standing
comment also as a ``<note>`` ("comment by EDITOR: …") on the units of its sentence, where a CAT
tool shows it. Import restores them from the header (each row once).

**Import** (``import_tmx``), unit by unit:

* a unit tarjama exported, unchanged: restored exactly (a machine row under its engine,
  glossary and key; an approval with its editor, time and history) unless already present;
* a unit tarjama exported whose English was edited since (its SHA-256 differs from
  ``x-tarjama-target-sha256``): a **human approval** of the new English, under the unit's own
  glossary digest and the key of its source and hints, by ``changeid`` at ``changedate``
  (the CAT tool sets them; else no editor and the import time);
* **a unit from another tool** (no tarjama properties) or whose Arabic was edited: a human
  approval keyed as ``tarjama translate`` would key that Arabic as one segment — its text is
  split exactly as a document is (``document.parse_text``), the glossary named on import
  (``--glossary``, the default glossary, or ``--no-glossary``) gives its term hints as in a
  translation run (``document.requests.build_requests``), the key is ``TranslationRequest.key()`` of
  that segment and hints, and the approval is stored under that glossary's digest. It is
  then used, like any approval, whenever a later run with the same glossary meets exactly
  that segment. A unit whose Arabic is several sentences is skipped and counted (tarjama
  never translates several sentences as one segment); so is a unit without both an Arabic and
  an English segment. Inline codes (``bpt``, ``ept``, ``ph``, ``it``, ``ut``) are removed from
  segments and counted; ``hi`` and ``sub`` text is kept.

Language codes follow ``tarjama.text.interchange`` (``ar``, ``ar-SA``, ``arb``; ``en``, ``en-GB``);
a file without Arabic or English units is refused naming the languages it has. Parsing goes
through ``tarjama.text.interchange.parse_xml`` (entity declarations refused, nothing fetched).
"""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from tarjama import __version__
from tarjama.errors import TarjamaError
from tarjama.memory.store import (
    NO_GLOSSARY,
    Approval,
    Comment,
    MachineRow,
    Status,
    TranslationMemory,
    engine_hash,
)
from tarjama.text.interchange import (
    language_side,
    local_name,
    parse_xml,
    pick_sides,
    read_xml_bytes,
    xml_unsafe,
)
from tarjama.text.textio import atomic_writer
from tarjama.types import Direction, TermHint, TranslationRequest, describe_identity

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFIX = "x-tarjama-"
INLINE_CODES = ("bpt", "ept", "ph", "it", "ut")
ORIGINS = ("all", "human", "machine")


@dataclass
class Exported:
    machine: int = 0
    human: int = 0
    comments: int = 0
    statuses: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass
class Imported:
    machine_added: int = 0
    machine_present: int = 0
    approvals_added: int = 0
    approvals_present: int = 0
    comments: int = 0  # comment and status rows read from the header
    statuses: int = 0
    edited: int = 0          # exported units whose English was changed: now approvals
    foreign: int = 0         # units without tarjama's keys, keyed from their Arabic
    skipped: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)


def tmx_date(t: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))


def parse_tmx_date(text: str | None) -> float | None:
    """Unix time of a TMX date (``YYYYMMDDThhmmssZ``; ISO 8601 with separators accepted)."""
    digits = "".join(ch for ch in (text or "") if ch.isdigit())
    if len(digits) != 14:
        return None
    try:
        return float(calendar.timegm(time.strptime(digits, "%Y%m%d%H%M%S")))
    except ValueError:
        return None


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _hints_json(hints: Iterable[Iterable[str]]) -> str:
    return json.dumps([list(h) for h in hints], ensure_ascii=False)


# --- export ------------------------------------------------------------------------------------

def export_tmx(memory: TranslationMemory, path: str | os.PathLike[str], *, origin: str = "all",
               source_lang: str = "ar", target_lang: str = "en") -> Exported:
    """Write the memory (``origin``: all, human or machine units) as TMX 1.4b, atomically."""
    from lxml import etree

    if language_side(source_lang) != "ar" or language_side(target_lang) != "en":
        raise TarjamaError(f"languages {source_lang} → {target_lang}: the memory holds Arabic → English; "
                           "give an Arabic code (ar, ar-XX, arb) and an English one (en, en-XX)")
    if origin not in ORIGINS:
        raise TarjamaError(f"unknown origin {origin!r}; use one of {', '.join(ORIGINS)}")
    report = Exported()
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", {
        "creationtool": "tarjama", "creationtoolversion": __version__, "segtype": "sentence",
        "o-tmf": "tarjama translation memory", "adminlang": "en", "srclang": source_lang,
        "datatype": "plaintext", "creationdate": tmx_date(time.time()),
    })
    comment_rows, status_rows = memory.comment_rows(), memory.status_rows()
    if comment_rows or status_rows:
        reviews = {"comments": [[c.direction, c.source, c.text, c.editor, c.created] for c in comment_rows],
                   "statuses": [[s.direction, s.source, s.status, s.editor, s.created, s.note]
                                for s in status_rows]}
        text = json.dumps(reviews, ensure_ascii=False)
        if xml_unsafe(text):
            report.skipped["comments and statuses (a control character)"] += 1
        else:
            etree.SubElement(root[0], "prop", type=PREFIX + "reviews").text = text
            report.comments, report.statuses = len(comment_rows), len(status_rows)
    standing: dict[tuple[str, str], Comment] = {}
    for c in comment_rows:
        standing[(c.direction, c.source)] = c
    body = etree.SubElement(root, "body")

    def comment_note(direction: str, source: str) -> list[str]:
        c = standing.get((direction, source))
        if c is None or not c.text:
            return []
        return [f"comment by {c.editor or 'an editor'}: {c.text}"]

    def unit(attrs: dict[str, str], notes: list[str], props: list[tuple[str, str]], source: str,
             target: str) -> bool:
        texts = [source, target, *notes, *(v for _, v in props), *attrs.values()]
        if any(xml_unsafe(t) for t in texts):
            report.skipped["unit with a character XML cannot carry (a control character)"] += 1
            return False
        tu = etree.SubElement(body, "tu", attrs)
        for note in notes:
            etree.SubElement(tu, "note").text = note
        for name, value in props:
            etree.SubElement(tu, "prop", type=PREFIX + name).text = value
        for lang, text in ((source_lang, source), (target_lang, target)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            etree.SubElement(tuv, "seg").text = text
        return True

    if origin in ("all", "machine"):
        for row in memory.machine_rows():
            props = [("origin", "machine"), ("glossary", row.glossary), ("key", row.key),
                     ("hints", _hints_json(row.hints)), ("time", repr(row.created)),
                     ("seconds", repr(row.seconds)), ("source-sha256", _sha(row.source)),
                     ("target-sha256", _sha(row.translation))]
            if row.identity is not None:
                props.append(("engine", json.dumps(row.identity, sort_keys=True, ensure_ascii=False)))
            else:
                props.append(("engine-hash", row.engine))
            if row.terms is not None:
                props.append(("terms", json.dumps(row.terms, sort_keys=True, ensure_ascii=False)))
            who = describe_identity(row.identity) if row.identity else f"engine {row.engine[:12]}"
            attrs = {"creationdate": tmx_date(row.created), "creationid": who, "creationtool": "tarjama"}
            notes = [*row.notes, *comment_note("ar-en", row.source)]
            report.machine += unit(attrs, notes, props, row.source, row.translation)
    if origin in ("all", "human"):
        for glossary, a in memory.approval_rows():
            props = [("origin", "human"), ("glossary", glossary), ("key", a.key),
                     ("hints", _hints_json(a.hints)),
                     ("time", repr(a.approved)), ("via", a.via), ("target-sha256", _sha(a.translation))]
            if a.machine is not None:
                props.append(("machine", a.machine))
            if a.engine is not None:
                props.append(("engine", json.dumps(a.engine, sort_keys=True, ensure_ascii=False)))
            attrs = {"creationdate": tmx_date(a.approved)}
            if a.editor:
                attrs["creationid"] = a.editor
            notes = ([a.note] if a.note else []) + comment_note(a.direction, a.source)
            arabic, english = a.source, a.translation
            if a.direction != "ar-en":
                props.append(("direction", a.direction))
                if a.direction == "en-ar":  # the Arabic side is the approved target
                    arabic, english = a.translation, a.source
            report.human += unit(attrs, notes, props, arabic, english)
    etree.indent(root)
    prolog = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
    with atomic_writer(path, "wb") as fh:
        fh.write(prolog + etree.tostring(root, encoding="UTF-8") + b"\n")
    return report


# --- import ------------------------------------------------------------------------------------

def _segment_text(seg: Element, dropped: Counter[str]) -> str:
    """A ``<seg>``'s text: inline codes removed (counted), highlighted text kept."""
    parts = [seg.text or ""]
    for child in seg:
        name = local_name(child.tag)
        if name in INLINE_CODES:
            dropped[f"inline code <{name}>"] += 1
        else:
            parts.append(_segment_text(child, dropped))
        parts.append(child.tail or "")
    return "".join(parts)


@dataclass
class _Tuv:
    lang: str
    text: str
    attrs: dict[str, str]


def _who_and_when(tu: Element, tuv: _Tuv, fallback_id: bool) -> tuple[str, float | None]:
    """Editor and time of a unit's English: the tuv's change, else the unit's (then creation)."""
    for source in (tuv.attrs, tu.attrib):
        if source.get("changedate") or source.get("changeid"):
            return source.get("changeid", ""), parse_tmx_date(source.get("changedate"))
    if not fallback_id:
        return "", None
    for source in (tuv.attrs, tu.attrib):
        if source.get("creationdate") or source.get("creationid"):
            return source.get("creationid", ""), parse_tmx_date(source.get("creationdate"))
    return "", None


class _Importer:
    def __init__(self, memory: TranslationMemory, glossary: Any, path: str | os.PathLike[str]) -> None:
        self.memory = memory
        self.glossary = glossary
        self.digest = glossary.digest() if glossary is not None else NO_GLOSSARY
        self.path = path
        self.report = Imported()
        self.machine: list[MachineRow] = []
        self.approvals: list[tuple[str, Approval]] = []
        self.now = time.time()
        self.reviews = False  # the header carries tarjama's comments and statuses

    def where(self, number: int) -> str:
        return f"{self.path}: tu {number}"

    def json_prop(self, props: dict[str, str], name: str, number: int) -> Any:
        try:
            return json.loads(props[PREFIX + name])
        except (KeyError, ValueError):
            raise TarjamaError(f"{self.where(number)}: property {PREFIX}{name} is missing or not valid JSON; "
                               "the unit was edited by hand: remove its x-tarjama-* properties to import it "
                               "as a unit from another tool") from None

    def float_prop(self, props: dict[str, str], name: str, number: int, default: float) -> float:
        text = props.get(PREFIX + name)
        if text is None:
            return default
        try:
            return float(text)
        except ValueError:
            raise TarjamaError(f"{self.where(number)}: property {PREFIX}{name} is {text!r}, "
                               "not a number") from None

    def keyed(self, source: str) -> tuple[TranslationRequest | None, str]:
        """The request tarjama makes of ``source`` when it is one segment, or None and why not."""
        from tarjama.document.model import parse_text
        from tarjama.document.requests import build_requests

        prepared = build_requests(parse_text(source), self.glossary)
        if len(prepared) != 1:
            return None, ("unit whose Arabic is several sentences as tarjama splits text" if prepared
                          else "unit with an empty Arabic segment")
        return prepared[0].request, ""

    def foreign(self, tu: Element, number: int, ar: _Tuv, en: _Tuv, notes: list[str]) -> None:
        request, why = self.keyed(ar.text)
        if request is None:
            self.report.skipped[why] += 1
            return
        editor, when = _who_and_when(tu, en, fallback_id=True)
        hints = tuple((h.source, h.target, h.kind) for h in request.hints)
        self.approvals.append((self.digest, Approval(
            request.key(), request.source, en.text.strip(), editor, when or self.now, None, None, "tmx",
            "\n".join(notes), hints)))
        self.report.foreign += 1

    def ours(
        self, tu: Element, number: int, ar: _Tuv, en: _Tuv, notes: list[str], props: dict[str, str]
    ) -> None:
        origin = props[PREFIX + "origin"]
        glossary = props.get(PREFIX + "glossary") or NO_GLOSSARY
        hints = tuple(tuple(h) for h in self.json_prop(props, "hints", number))
        if any(len(h) != 3 or not all(isinstance(x, str) for x in h) for h in hints):
            raise TarjamaError(f"{self.where(number)}: property {PREFIX}hints is not a list of "
                               "[source, target, kind] triples")
        direction = props.get(PREFIX + "direction", "ar-en")
        request = TranslationRequest(ar.text, tuple(TermHint(*h) for h in hints),  # type: ignore[misc]
                                     direction=Direction.parse(direction))
        stored_key = props.get(PREFIX + "key", "")
        identity = self.json_prop(props, "engine", number) if PREFIX + "engine" in props else None
        engine = engine_hash(identity) if identity is not None else props.get(PREFIX + "engine-hash", "")
        if origin == "machine":  # its key may hold the context, so the source has its own hash
            source_changed = props.get(PREFIX + "source-sha256") != _sha(ar.text)
        else:
            source_changed = request.key() != stored_key
        if source_changed:  # the Arabic was edited: the stored key no longer describes it
            self.foreign(tu, number, ar, en, notes)
            return
        created = parse_tmx_date(tu.get("creationdate")) or self.now
        when = self.float_prop(props, "time", number, created)
        if props.get(PREFIX + "target-sha256") == _sha(en.text):  # as exported: restore it exactly
            if origin == "machine":
                if not engine or not stored_key:
                    raise TarjamaError(f"{self.where(number)}: a machine unit without its engine or key; "
                                       "remove its x-tarjama-* properties to import it as a unit from "
                                       "another tool")
                terms = self.json_prop(props, "terms", number) if PREFIX + "terms" in props else None
                seconds = self.float_prop(props, "seconds", number, 0.0)
                self.machine.append(MachineRow(engine, identity, glossary, stored_key, ar.text, hints,  # type: ignore[arg-type]
                                               en.text, notes, terms, seconds, when))
            else:
                self.approvals.append((glossary, Approval(
                    stored_key, ar.text, en.text, tu.get("creationid", ""), when,
                    props.get(PREFIX + "machine"), identity, props.get(PREFIX + "via", "tmx"),
                    "\n".join(notes), hints, direction)))  # type: ignore[arg-type]
            return
        # The English was edited in a CAT tool: a person's translation of this segment.
        editor, changed = _who_and_when(tu, en, fallback_id=False)
        if origin == "machine":
            machine, note = self.memory.machine_translation(engine, glossary, stored_key), ""
        else:
            machine, note = props.get(PREFIX + "machine"), "\n".join(notes)
        self.approvals.append((glossary, Approval(
            request.key(), ar.text, en.text.strip(), editor, changed or self.now, machine, identity, "tmx",
            note, hints, direction)))  # type: ignore[arg-type]
        self.report.edited += 1

    def unit(self, tu: Element, number: int) -> None:
        notes, props, tuvs = [], {}, []
        for child in tu:
            name = local_name(child.tag)
            if name == "note":
                notes.append("".join(child.itertext()))
            elif name == "prop":
                props.setdefault(child.get("type") or "", "".join(child.itertext()))
            elif name == "tuv":
                lang = child.get(XML_LANG) or child.get("lang") or ""
                seg = next((s for s in child if local_name(s.tag) == "seg"), None)
                text = _segment_text(seg, self.report.dropped) if seg is not None else ""
                tuvs.append(_Tuv(lang, text, dict(child.attrib)))
        ar = next((t for t in tuvs if language_side(t.lang) == "ar"), None)
        en = next((t for t in tuvs if language_side(t.lang) == "en"), None)
        for t in tuvs:
            if t is not ar and t is not en:
                self.report.dropped[f"tuv[{t.lang or 'no language'}]"] += 1
        for name in props:
            if not name.startswith(PREFIX):
                self.report.dropped[f"prop[{name}]"] += 1
        if ar is None or en is None or not ar.text.strip() or not en.text.strip():
            self.report.skipped["unit without both an Arabic and an English segment"] += 1
            return
        if self.reviews:  # the comment notes tarjama wrote come back from the header instead
            notes = [n for n in notes if not n.startswith("comment by ")]
        if PREFIX + "origin" in props and props[PREFIX + "origin"] in ("machine", "human"):
            if props.get(PREFIX + "direction") == "en-ar":
                ar, en = en, ar  # an approval of English into Arabic: the English is its source
            self.ours(tu, number, ar, en, notes, props)
        else:
            self.foreign(tu, number, ar, en, notes)


def _reviews(root: Element, path: str | os.PathLike[str]) -> tuple[list[Comment], list[Status]]:
    """The comments and statuses of the header's ``x-tarjama-reviews`` property (none without it)."""
    header = next((el for el in root if local_name(el.tag) == "header"), None)
    if header is None:
        return [], []
    for prop in header:
        if local_name(prop.tag) == "prop" and prop.get("type") == PREFIX + "reviews":
            try:
                data = json.loads("".join(prop.itertext()))
                comments = [Comment(str(d), str(s), str(t), str(e), float(c))
                            for d, s, t, e, c in data["comments"]]
                statuses = [Status(str(d), str(s), str(st), str(e), float(c), str(n))
                            for d, s, st, e, c, n in data["statuses"]]
            except (ValueError, KeyError, TypeError):
                raise TarjamaError(f"{path}: header property {PREFIX}reviews is not valid (edited by "
                                   "hand?); remove it to import the units without their comments and "
                                   "statuses") from None
            return comments, statuses
    return [], []


def import_tmx(memory: TranslationMemory, path: str | os.PathLike[str], glossary: Any = None) -> Imported:
    """Add a TMX file's units to ``memory`` (see the module docstring); one transaction."""
    root = parse_xml(read_xml_bytes(path), path)
    if local_name(root.tag) != "tmx":
        raise TarjamaError(f"{path}: root element is <{local_name(root.tag)}>, expected <tmx>; "
                           "is this a TMX file?")
    tus = [el for el in root.iter() if local_name(el.tag) == "tu"]
    if not tus:
        raise TarjamaError(f"{path}: no <tu> translation units; nothing to import")
    langs = [t.get(XML_LANG) or t.get("lang") for tu in tus for t in tu if local_name(t.tag) == "tuv"]
    pick_sides(langs, str(path))
    importer = _Importer(memory, glossary, path)
    comments, statuses = _reviews(root, path)
    importer.reviews = bool(comments or statuses)
    for number, tu in enumerate(tus, start=1):
        importer.unit(tu, number)
    report = importer.report
    report.comments, report.statuses = len(comments), len(statuses)
    added_machine, added_approvals = memory.add_records(
        importer.machine, importer.approvals, comments, statuses)
    report.machine_added, report.machine_present = added_machine, len(importer.machine) - added_machine
    report.approvals_added = added_approvals
    report.approvals_present = len(importer.approvals) - added_approvals
    report.dropped, report.skipped = +report.dropped, +report.skipped
    return report
