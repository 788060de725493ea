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
carry (a control character) is left out and counted. The file is written unit by unit as
the memory is read, so memory use does not grow with the memory.

What the review workbench keeps besides approvals — comments and statuses (draft, rejected),
history included — travels in the header as ``x-tarjama-reviews`` (JSON), and each standing
comment also as a ``<note>`` ("comment by EDITOR: …") on the units of its sentence, where a CAT
tool shows it. Import restores them from the header (each row once).

**Import** (``import_tmx``), unit by unit as the file is read (memory stays flat), all in one
transaction (a refused file adds nothing):

* a unit tarjama exported, unchanged: restored exactly (a machine row under its engine,
  glossary and key; an approval with its editor, time and history) unless already present;
* a unit tarjama exported whose English was edited since (its SHA-256 differs from
  ``x-tarjama-target-sha256``): a **human approval** of the new English, under the unit's own
  glossary digest and the key of its source and hints, by ``changeid`` at ``changedate``;
* **a unit from another tool** (no tarjama properties) or whose Arabic was edited: a human
  approval keyed as ``tarjama translate`` would key that Arabic as one segment — its text is
  split exactly as a document is (``document.parse_text``), the glossary named on import
  (``--glossary``, the default glossary, or ``--no-glossary``) gives its term hints as in a
  translation run (``document.requests.build_requests``), the key is ``TranslationRequest.key()`` of
  that segment and hints, and the approval is stored under that glossary's digest. A unit
  whose Arabic is several sentences is skipped and counted (tarjama never translates several
  sentences as one segment); so is a unit without both an Arabic and an English segment.

Who and when: the English ``<tuv>``'s ``changeid``/``changedate`` (OmegaT's
``project_save.tmx`` puts them there), else the ``<tu>``'s, else (units from other tools)
the creation attributes, ``<tuv>`` before ``<tu>``. A unit with no date at all (translate-toolkit's
``po2tmx``) is stamped with the import time and is *undated*: importing it again adds nothing
when the same segment already has that English from that editor (``TranslationMemory.add_stream``).

**Inline codes** keep their place as tarjama's placeholders (``tarjama.document.inline``): a
``bpt``/``ept`` pair becomes ``<gN>…</gN>``, ``ph``, ``it`` and ``ut`` become ``<xN/>``, numbered
as tarjama numbers the markup of a formatted sentence, so the approval is keyed exactly as a
sentence of an HTML or Word document with that markup is keyed and comes back with its
formatting. The English codes are matched to the Arabic ones by ``x`` (else ``i``, else their
order); one with no Arabic counterpart is dropped and counted. ``hi`` and ``sub`` text is kept.

**What never becomes an approval** (every approval the memory takes, from review, TMX or a
merge, follows the glossary's text rules): a unit with a control character (C0 other than tab
and line breaks, or DEL) in either side; a unit whose Arabic side has no Arabic letter (the
languages swapped, or two English sides); a unit whose English side is mostly Arabic script
(a CAT tool's "copy source to target", or swapped languages). Each is skipped and counted with
the line of the first one. Bidi control characters are removed from the English (counted);
in the Arabic they are kept, as documents hold them, so the key still matches, and counted.

Language codes follow ``tarjama.text.interchange`` (``ar``, ``ar-SA``, ``arb``, ``arz``…;
``en``, ``en-GB``); a file without Arabic or English units is refused naming the languages it
has. Parsing goes through ``tarjama.text.interchange.iter_xml`` (entity declarations refused,
nothing fetched, the input limit of ``tarjama.text.textio`` applies).
"""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
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
from tarjama.text.arabic import BIDI_CONTROLS, LETTER_RE, arabic_share
from tarjama.text.interchange import iter_xml, language_side, local_name, pick_sides, xml_unsafe
from tarjama.text.textio import CONTROL_RE, atomic_writer, control_name
from tarjama.types import Direction, TermHint, TranslationRequest, describe_identity

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFIX = "x-tarjama-"
INLINE_CODES = ("bpt", "ept", "ph", "it", "ut")
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
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
    coded: int = 0           # units whose inline codes became placeholders
    skipped: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    cleaned: Counter[str] = field(default_factory=Counter)  # text changes and notices, counted
    lines: dict[str, int] = field(default_factory=dict)  # the line of the first unit skipped for each reason


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
    """Write the memory (``origin``: all, human or machine units) as TMX 1.4b, atomically, one
    unit at a time as the memory is read."""
    from lxml import etree

    if language_side(source_lang) != "ar" or language_side(target_lang) != "en":
        raise TarjamaError(f"languages {source_lang} → {target_lang}: the memory holds Arabic → English; "
                           "give an Arabic code (ar, ar-XX, arb) and an English one (en, en-XX)")
    if origin not in ORIGINS:
        raise TarjamaError(f"unknown origin {origin!r}; use one of {', '.join(ORIGINS)}")
    report = Exported()
    header = etree.Element("header", {
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
            etree.SubElement(header, "prop", type=PREFIX + "reviews").text = text
            report.comments, report.statuses = len(comment_rows), len(status_rows)
    standing: dict[tuple[str, str], Comment] = {}
    for c in comment_rows:
        standing[(c.direction, c.source)] = c

    def comment_note(direction: str, source: str) -> list[str]:
        c = standing.get((direction, source))
        if c is None or not c.text:
            return []
        return [f"comment by {c.editor or 'an editor'}: {c.text}"]

    def unit(attrs: dict[str, str], notes: list[str], props: list[tuple[str, str]], source: str,
             target: str) -> etree._Element | None:
        texts = [source, target, *notes, *(v for _, v in props), *attrs.values()]
        if any(xml_unsafe(t) for t in texts):
            report.skipped["unit with a character XML cannot carry (a control character)"] += 1
            return None
        tu = etree.Element("tu", attrs)
        for note in notes:
            etree.SubElement(tu, "note").text = note
        for name, value in props:
            etree.SubElement(tu, "prop", type=PREFIX + name).text = value
        for lang, text in ((source_lang, source), (target_lang, target)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            etree.SubElement(tuv, "seg").text = text
        return tu

    def units() -> Iterator[etree._Element | None]:
        if origin in ("all", "machine"):
            for row in memory.iter_machine_rows():
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
                tu = unit(attrs, notes, props, row.source, row.translation)
                report.machine += tu is not None
                yield tu
        if origin in ("all", "human"):
            for glossary, a in memory.iter_approval_rows():
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
                tu = unit(attrs, notes, props, arabic, english)
                report.human += tu is not None
                yield tu

    prolog = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
    with atomic_writer(path, "wb") as fh:
        fh.write(prolog)
        with etree.xmlfile(fh, encoding="UTF-8") as xf, xf.element("tmx", version="1.4"):
            xf.write("\n  ", header, "\n  ")
            with xf.element("body"):
                for tu in units():
                    if tu is not None:
                        etree.indent(tu, level=2)
                        xf.write("\n    ", tu)
                xf.write("\n  ")
            xf.write("\n")
        fh.write(b"\n")
    return report


# --- import ------------------------------------------------------------------------------------

@dataclass
class _Tuv:
    lang: str
    text: str        # the words, inline codes removed (what tarjama's own units hold)
    attrs: dict[str, str]
    parts: list[tuple[str, Any]]  # ("text", str) and ("code", _Code), in order


@dataclass(frozen=True)
class _Code:
    kind: str        # "open", "close" or "atom"
    key: tuple[Any, ...]  # matches the same code in the other language
    name: str        # the element: bpt, ept, ph, it, ut


def _parts(seg: Element) -> list[tuple[str, Any]]:
    """A ``<seg>`` as text and inline codes in order (``hi`` and ``sub`` text kept as text)."""
    raw: list[tuple[str, Any]] = []

    def walk(el: Element) -> None:
        if el.text:
            raw.append(("text", el.text))
        for child in el:
            name = local_name(child.tag)
            if name in INLINE_CODES:
                raw.append(("el", child))
            else:
                walk(child)
            if child.tail:
                raw.append(("text", child.tail))

    walk(seg)
    # bpt/ept pair up by their i attribute; a half without its partner stands alone.
    opened = {el.get("i") for kind, el in raw if kind == "el" and local_name(el.tag) == "bpt"}
    closed = {el.get("i") for kind, el in raw if kind == "el" and local_name(el.tag) == "ept"}
    paired = (opened & closed) - {None}
    x_of_pair = {el.get("i"): el.get("x") for kind, el in raw
                 if kind == "el" and local_name(el.tag) == "bpt" and el.get("i") in paired}
    seen: Counter[str] = Counter()
    out: list[tuple[str, Any]] = []
    for kind, value in raw:
        if kind == "text":
            out.append((kind, value))
            continue
        name = local_name(value.tag)
        i, x = value.get("i"), value.get("x")
        if name in ("bpt", "ept") and i in paired:
            ident = x_of_pair.get(i) or f"i{i}"
            out.append(("code", _Code("open" if name == "bpt" else "close", ("pair", ident), name)))
            continue
        seen[name] += 1
        ident = f"x{x}" if x else f"#{seen[name]}"
        out.append(("code", _Code("atom", (name, ident), name)))
    return out


def _plain(parts: list[tuple[str, Any]]) -> str:
    return "".join(v for k, v in parts if k == "text")


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


Record = MachineRow | tuple[str, Approval, bool] | Comment | Status


class _Importer:
    def __init__(self, memory: TranslationMemory, glossary: Any, path: str | os.PathLike[str]) -> None:
        self.memory = memory
        self.glossary = glossary
        self.digest = glossary.digest() if glossary is not None else NO_GLOSSARY
        self.path = path
        self.report = Imported()
        self.now = time.time()
        self.line = 0
        self.reviews = False  # the header carries tarjama's comments and statuses

    def where(self, number: int) -> str:
        return f"{self.path}:{self.line}: tu {number}"

    def skip(self, why: str) -> None:
        self.report.skipped[why] += 1
        self.report.lines.setdefault(why, self.line)

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

    # -- the text rules ------------------------------------------------------------------------

    def acceptable(self, ar: str, en: str) -> bool:
        """Whether a pair may become an approval (module docstring); counts why not."""
        for side, text in (("Arabic", ar), ("English", en)):
            bad = CONTROL_RE.search(text)
            if bad:
                self.skip(f"unit with a control character in the {side} ({control_name(bad.group())})")
                return False
        if not LETTER_RE.search(ar):
            self.skip("unit whose Arabic side has no Arabic letter (languages swapped?)")
            return False
        if arabic_share(en) > 0.5 or en.strip() == ar.strip():
            self.skip("unit whose English side is Arabic (the source copied into the target, or the "
                      "languages swapped)")
            return False
        return True

    def clean_english(self, en: str) -> str:
        if _BIDI.search(en):
            self.report.cleaned["bidi control characters removed from the English"] += 1
            return _BIDI.sub("", en)
        return en

    def note_arabic(self, ar: str) -> None:
        if _BIDI.search(ar):
            self.report.cleaned["Arabic segments with bidi control characters (kept, as documents hold "
                                "them)"] += 1

    # -- keying -----------------------------------------------------------------------------------

    def keyed(self, ar: _Tuv) -> tuple[TranslationRequest | None, Any, str]:
        """The request tarjama makes of the Arabic when it is one segment (and its markup), or
        None and why not."""
        from tarjama.document.requests import build_requests

        if any(k == "code" for k, _ in ar.parts):
            document = _tagged_document(ar.parts)
        else:
            from tarjama.document.model import parse_text

            document = parse_text(ar.text)
        prepared = build_requests(document, self.glossary)
        if len(prepared) != 1:
            return None, None, ("unit whose Arabic is several sentences as tarjama splits text" if prepared
                                else "unit with an empty Arabic segment")
        return prepared[0].request, prepared[0].segment.inline, ""

    def english_with_codes(self, ar: _Tuv, en: _Tuv, inline: Any) -> str:
        """The English with the Arabic's placeholders, numbered as in the Arabic request."""
        if inline is None:
            return en.text
        numbers: dict[tuple[Any, ...], int] = {}
        n = 0
        for kind, code in ar.parts:
            if kind == "code" and code.kind != "close" and code.key not in numbers:
                n += 1
                numbers[code.key] = n
        # tagged-text number → the request's own number (peeled marks have none)
        request_id = {int(re.sub(r"\D", "", t.open)): t.id for t in inline.tags if re.search(r"\d", t.open)}
        out: list[str] = []
        dropped = False
        for kind, value in en.parts:
            if kind == "text":
                out.append(value)
                continue
            number = numbers.get(value.key)
            tag_id = request_id.get(number) if number is not None else None
            if tag_id is None:
                if number is None:
                    self.report.dropped[f"inline code <{value.name}> in the English with no Arabic "
                                        "counterpart"] += 1
                dropped = True
                continue
            out.append(f"<x{tag_id}/>" if value.kind == "atom" else
                       f"<g{tag_id}>" if value.kind == "open" else f"</g{tag_id}>")
        text = "".join(out)
        return re.sub(r"(?<=\S) {2,}(?=\S)", " ", text) if dropped else text

    def foreign(self, tu: Element, number: int, ar: _Tuv, en: _Tuv, notes: list[str]) -> Iterator[Record]:
        if not self.acceptable(ar.text, en.text):
            return
        request, markup, why = self.keyed(ar)
        if request is None:
            self.skip(why)
            return
        english = self.clean_english(self.english_with_codes(ar, en, markup).strip())
        self.note_arabic(ar.text)
        editor, when = _who_and_when(tu, en, fallback_id=True)
        hints = tuple((h.source, h.target, h.kind) for h in request.hints)
        self.report.foreign += 1
        self.report.coded += markup is not None
        yield self.digest, Approval(request.key(), request.source, english, editor, when or self.now, None,
                                    None, "tmx", "\n".join(notes), hints), when is None

    def ours(
        self, tu: Element, number: int, ar: _Tuv, en: _Tuv, notes: list[str], props: dict[str, str]
    ) -> Iterator[Record]:
        origin = props[PREFIX + "origin"]
        glossary = props.get(PREFIX + "glossary") or NO_GLOSSARY
        hints = tuple(tuple(h) for h in self.json_prop(props, "hints", number))
        if any(len(h) != 3 or not all(isinstance(x, str) for x in h) for h in hints):
            raise TarjamaError(f"{self.where(number)}: property {PREFIX}hints is not a list of "
                               "[source, target, kind] triples")
        direction = props.get(PREFIX + "direction", "ar-en")
        # The texts as the file has them, Arabic then English, whichever side was the source.
        sides = (en.text, ar.text) if direction == "en-ar" else (ar.text, en.text)
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
            yield from self.foreign(tu, number, ar, en, notes)
            return
        created = parse_tmx_date(tu.get("creationdate")) or self.now
        when = self.float_prop(props, "time", number, created)
        if props.get(PREFIX + "target-sha256") == _sha(en.text):  # as exported: restore it exactly
            if origin == "machine":
                if not engine or not stored_key:
                    raise TarjamaError(f"{self.where(number)}: a machine unit without its engine or key; "
                                       "remove its x-tarjama-* properties to import it as a unit from "
                                       "another tool")
                bad = CONTROL_RE.search(ar.text + en.text)
                if bad:
                    self.skip(f"unit with a control character ({control_name(bad.group())})")
                    return
                terms = self.json_prop(props, "terms", number) if PREFIX + "terms" in props else None
                seconds = self.float_prop(props, "seconds", number, 0.0)
                yield MachineRow(engine, identity, glossary, stored_key, ar.text, hints,  # type: ignore[arg-type]
                                 en.text, notes, terms, seconds, when)
            elif self.acceptable(*sides):
                yield glossary, Approval(
                    stored_key, ar.text, self.clean_english(en.text), tu.get("creationid", ""), when,
                    props.get(PREFIX + "machine"), identity, props.get(PREFIX + "via", "tmx"),
                    "\n".join(notes), hints, direction), False  # type: ignore[arg-type]
            return
        # The English was edited in a CAT tool: a person's translation of this segment.
        if not self.acceptable(*sides):
            return
        editor, changed = _who_and_when(tu, en, fallback_id=False)
        if origin == "machine":
            machine, note = self.memory.machine_translation(engine, glossary, stored_key), ""
        else:
            machine, note = props.get(PREFIX + "machine"), "\n".join(notes)
        self.report.edited += 1
        yield glossary, Approval(
            request.key(), ar.text, self.clean_english(en.text.strip()), editor, changed or self.now, machine,
            identity, "tmx", note, hints, direction), changed is None  # type: ignore[arg-type]

    def unit(self, tu: Element, number: int, langs: list[str]) -> Iterator[Record]:
        notes, props, tuvs = [], {}, []
        for child in tu:
            name = local_name(child.tag)
            if name == "note":
                notes.append("".join(child.itertext()))
            elif name == "prop":
                props.setdefault(child.get("type") or "", "".join(child.itertext()))
            elif name == "tuv":
                lang = child.get(XML_LANG) or child.get("lang") or ""
                langs.append(lang)
                seg = next((s for s in child if local_name(s.tag) == "seg"), None)
                parts = _parts(seg) if seg is not None else []
                tuvs.append(_Tuv(lang, _plain(parts), dict(child.attrib), parts))
        ar = next((t for t in tuvs if language_side(t.lang) == "ar"), None)
        en = next((t for t in tuvs if language_side(t.lang) == "en"), None)
        for t in tuvs:
            if t is not ar and t is not en:
                self.report.dropped[f"tuv[{t.lang or 'no language'}]"] += 1
        for name in props:
            if not name.startswith(PREFIX):
                self.report.dropped[f"prop[{name}]"] += 1
        if ar is None or en is None or not ar.text.strip() or not en.text.strip():
            self.skip("unit without both an Arabic and an English segment")
            return
        if self.reviews:  # the comment notes tarjama wrote come back from the header instead
            notes = [n for n in notes if not n.startswith("comment by ")]
        if PREFIX + "origin" in props and props[PREFIX + "origin"] in ("machine", "human"):
            if props.get(PREFIX + "direction") == "en-ar":
                ar, en = en, ar  # an approval of English into Arabic: the English is its source
            yield from self.ours(tu, number, ar, en, notes, props)
        else:
            yield from self.foreign(tu, number, ar, en, notes)


def _tagged_document(parts: list[tuple[str, Any]]) -> Any:
    """The Arabic of a unit with inline codes as a one-paragraph tagged document (placeholders
    numbered in order, a pair by its key), as formats hand over formatted paragraphs."""
    from tarjama.document import inline
    from tarjama.document.model import document_from_pieces

    numbers: dict[tuple[Any, ...], int] = {}
    names: dict[int, str] = {}
    out: list[str] = []
    for kind, value in parts:
        if kind == "text":
            out.append(inline.xml_text(value))
            continue
        if value.kind == "close":
            n = numbers.get(value.key)
            if n is not None:
                out.append(f"</g{n}>")
            continue
        n = numbers.setdefault(value.key, len(numbers) + 1)
        names[n] = f"TMX <{value.name}>"
        out.append(f"<g{n}>" if value.kind == "open" else f"<x{n}/>")
    pieces = inline.tagged_pieces("".join(out), lambda n: names.get(n, ""))
    return document_from_pieces([pieces], "tmx")


def _reviews(header: Element, path: str | os.PathLike[str]) -> tuple[list[Comment], list[Status]]:
    """The comments and statuses of the header's ``x-tarjama-reviews`` property (none without it)."""
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
    importer = _Importer(memory, glossary, path)
    langs: list[str] = []

    def records() -> Iterator[Record]:
        number = 0
        for kind, el, line in iter_xml(path, {"tu", "header"}):
            if kind == "root":
                if local_name(el.tag) != "tmx":
                    raise TarjamaError(f"{path}: root element is <{local_name(el.tag)}>, expected <tmx>; "
                                       "is this a TMX file?")
                continue
            if local_name(el.tag) == "header":
                comments, statuses = _reviews(el, path)
                importer.reviews = bool(comments or statuses)
                importer.report.comments, importer.report.statuses = len(comments), len(statuses)
                yield from comments
                yield from statuses
                continue
            number += 1
            importer.line = line
            yield from importer.unit(el, number, langs)
            if len(langs) > 64:  # only the distinct codes matter for the check below
                langs[:] = list(dict.fromkeys(langs))
        if not number:
            raise TarjamaError(f"{path}: no <tu> translation units; nothing to import")
        pick_sides(langs, str(path))

    added = memory.add_stream(records())
    report = importer.report
    report.machine_added, report.machine_present = added.machine, added.machine_present
    report.approvals_added, report.approvals_present = added.approvals, added.approvals_present
    report.dropped, report.skipped, report.cleaned = +report.dropped, +report.skipped, +report.cleaned
    return report
