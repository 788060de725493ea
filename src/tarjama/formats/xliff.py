"""XLIFF 1.2 and 2.x (``.xlf``, ``.xliff``) through translate-toolkit: the CAT tools' exchange file.

Reading and writing both go through translate-toolkit (``translate.storage.xliff.xlifffile``
for 1.x, ``translate.storage.xliff2.Xliff2File`` for 2.x, chosen by the root's ``version``),
whose parser never expands entities and never fetches anything; a file that declares
entities (``<!ENTITY``) is refused outright. The file is written back from the parsed tree,
so what tarjama does not change keeps its layout.

* One *paragraph* per unit: a 1.x ``trans-unit``, or a 2.x ``segment`` (translate-toolkit's
  unit). Inline codes become placeholders — pairs for elements with translatable text inside
  (1.x ``g`` and ``mrk``, 2.x ``pc`` and ``mrk``), standalone ones for the rest (1.x ``x``,
  ``bx``, ``ex``, ``ph``, ``bpt``, ``ept``, ``it``; 2.x ``ph``, ``sc``, ``ec``, ``cp``, ``sm``,
  ``em``; any element with ``translate="no"`` or ``mtype="protected"``), and come back as
  copies of the source's elements in the target.
* Translated: units whose target is missing or empty, or in a state before translation
  (1.x ``new``, ``needs-translation``; 2.x ``initial``). Never touched: units with
  ``translate="no"``, units already translated, reviewed or signed off (1.x ``translated``,
  ``needs-review-*``, ``signed-off``, ``final``, or ``approved="yes"``; 2.x ``translated``,
  ``reviewed``, ``final``).
* Each translated unit's state says whether a person must look: 1.x ``translated`` or
  ``needs-review-translation``; 2.x ``translated``, or ``initial`` with
  ``subState="tarjama:needs-review"`` (XLIFF 2 has no review state; a target in ``initial``
  is a draft). Review is needed when a check flagged a sentence or a glossary term is
  missing; each finding and missing term is a note (1.x ``<note from="tarjama">``, 2.x
  ``<note category="tarjama">`` in the unit's ``<notes>``, where XLIFF 2 puts notes).

``export`` writes any translated document as an XLIFF for review in a CAT tool: one unit per
sentence, the markup placeholders as ``g``/``x`` (1.2) or ``pc``/``ph`` (2.1), targets,
states and notes as above.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.document import inline
from tarjama.document.model import document_from_pieces
from tarjama.errors import TarjamaError
from tarjama.formats.base import INSTALL_HINT, Format, ReadOptions, Source, Unit
from tarjama.types import TERMS

if TYPE_CHECKING:
    from tarjama.document.record import ParagraphResult, SentenceResult, TranslatedDocument

NS1 = "urn:oasis:names:tc:xliff:document:1.2"
NS2 = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NOTE_ORIGIN = "tarjama"
NEEDS_REVIEW_2 = "tarjama:needs-review"
VERSIONS = ("1.2", "2.1")
# Inline elements whose content is translated; every other inline element is copied whole.
_PAIRED = {"g", "mrk", "pc"}
_OPEN_STATES_1 = {None, "", "new", "needs-translation"}
_OPEN_STATES_2 = {None, "", "initial"}
_LOCKED_1 = {"final", "signed-off"}
_LOCKED_2 = {"final", "reviewed"}
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def _local(tag: Any) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _toolkit() -> tuple[Any, Any]:
    try:
        from translate.storage import xliff, xliff2
    except ImportError:
        raise TarjamaError(f"reading and writing XLIFF needs translate-toolkit; {INSTALL_HINT}") from None
    return xliff, xliff2


def parse_store(data: bytes, path: str) -> tuple[Any, str]:
    """The translate-toolkit store of an XLIFF file and its major version ("1" or "2")."""
    if _ENTITY.search(data):
        raise TarjamaError(
            f"{path}: declares XML entities (<!ENTITY); tarjama refuses them (entity expansion attacks); "
            "remove the DOCTYPE's entity declarations"
        )
    xliff, xliff2 = _toolkit()
    head = data[:2048].decode("utf-8", errors="replace")
    version = re.search(r"<(?:\w+:)?xliff\b[^>]*\bversion\s*=\s*[\"']([^\"']+)", head)
    major = "2" if (version and version.group(1).startswith("2")) or NS2 in head else "1"
    if "<xliff" not in head and ":xliff" not in head:
        raise TarjamaError(
            f"{path}: not an XLIFF file (no <xliff> root element); give an .xlf from a CAT tool"
        )
    try:
        store = (xliff2.Xliff2File if major == "2" else xliff.xlifffile).parsestring(data)
    except Exception as exc:  # lxml syntax errors, toolkit validation errors
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        line = getattr(exc, "lineno", None)
        where = f"{path}:{line}" if line else path
        raise TarjamaError(f"{where}: not a readable XLIFF {major}.x file ({first[:160]})") from None
    return store, major


def _state(unit: Any, major: str) -> str | None:
    if major == "1":
        target = unit.get_target_dom()
        return target.get("state") if target is not None else None
    return unit.xmlelement.get("state")


def is_open(unit: Any, major: str) -> bool:
    """Whether tarjama may fill this unit's target (see the module docstring)."""
    if not unit.istranslatable():
        return False
    if major == "1" and (unit.xmlelement.get("approved") or "").lower() == "yes":
        return False
    state = _state(unit, major)
    if state in (_LOCKED_1 if major == "1" else _LOCKED_2):
        return False  # final or signed off, even with an empty target
    target = unit.get_target_dom()
    empty = target is None or (not "".join(target.itertext()).strip() and len(target) == 0)
    return empty or (state in (_OPEN_STATES_1 if major == "1" else _OPEN_STATES_2) and state is not None)


@dataclass
class _Mark:
    kind: str  # "g" or "x"
    element: Any


def _tagged(element: Any, marks: list[_Mark]) -> str:
    """The content of a source element as tagged text; inline elements become marks."""
    out = [inline.xml_text(element.text or "")]
    for child in element:
        if not isinstance(child.tag, str):  # a comment or processing instruction
            out.append(inline.xml_text(child.tail or ""))
            continue
        name = _local(child.tag)
        protected = child.get("translate") == "no" or child.get("mtype") == "protected"
        if name in _PAIRED and not protected:
            marks.append(_Mark("g", child))
            n = len(marks) - 1
            out.append(f"<g{n}>{_tagged(child, marks)}</g{n}>")
        else:
            marks.append(_Mark("x", child))
            out.append(f"<x{len(marks) - 1}/>")
        out.append(inline.xml_text(child.tail or ""))
    return "".join(out)


def _label(mark: _Mark) -> str:
    el = mark.element
    name = _local(el.tag)
    shown = el.get("equiv-text") or el.get("disp") or el.get("ctype") or el.get("type") or ""
    return f"XLIFF <{name} id={el.get('id', '?')}>" + (f" ({shown})" if shown else "")


def fill(target: Any, translation: str, marks: Sequence[Any]) -> None:
    """Replace ``target``'s content with ``translation`` (tagged text), marks as element copies.

    ``marks[n]`` is the source element placeholder ``n`` stands for.
    """
    for child in list(target):
        target.remove(child)
    target.text = None
    stack = [target]

    def add_text(text: str) -> None:
        parent = stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    for kind, value in inline.parse(translation):
        if kind == "text":
            add_text(str(value))
            continue
        element = marks[int(value)]  # type: ignore[arg-type]
        if kind == "atom":
            new = copy.deepcopy(element)
            new.tail = None
            stack[-1].append(new)
        elif kind == "open":
            new = copy.copy(element)
            for child in list(new):
                new.remove(child)
            new.text = None
            new.tail = None
            stack[-1].append(new)
            stack.append(new)
        elif kind == "close" and len(stack) > 1:
            stack.pop()


def review_needed(paragraph: ParagraphResult) -> bool:
    """A unit needs review when one of its sentences does (the record's one rule)."""
    return any(s.needs_review for s in paragraph.sentences)


def note_texts(sentences: Sequence[SentenceResult]) -> list[str]:
    """The notes a unit gets: every finding, and the glossary terms still missing (in one note)."""
    notes: list[str] = []
    for s in sentences:
        for f in s.findings:
            if f.check != TERMS:  # said once below, as a translator reads it
                notes.append(f"{f.check} ({f.severity}): {f.message}")
        if s.terms is not None and s.terms.missing:
            notes.append("glossary terms missing: " + ", ".join(s.terms.missing))
    return list(dict.fromkeys(notes))


def set_state(unit: Any, major: str, review: bool, lang: str) -> None:
    """The unit's state after tarjama filled it (module docstring)."""
    if major == "1":
        target = unit.get_target_dom()
        target.set("state", "needs-review-translation" if review else "translated")
        return
    segment = unit.xmlelement
    if review:
        segment.set("state", "initial")
        segment.set("subState", NEEDS_REVIEW_2)
    else:
        segment.set("state", "translated")
        if segment.get("subState") == NEEDS_REVIEW_2:
            del segment.attrib["subState"]


def set_notes(unit: Any, major: str, notes: Sequence[str]) -> None:
    """Replace tarjama's notes on the unit by ``notes`` (other notes are kept)."""
    from lxml import etree

    if major == "1":
        unit.removenotes(origin=NOTE_ORIGIN)
        for note in notes:
            unit.addnote(note, origin=NOTE_ORIGIN)
        return
    element = unit.getunitelement()
    container = element.find(f"{{{NS2}}}notes")
    if container is not None:
        for note in container.findall(f"{{{NS2}}}note"):
            if note.get("category") == NOTE_ORIGIN:
                container.remove(note)
    if notes and container is None:
        container = etree.Element(f"{{{NS2}}}notes")
        element.insert(0, container)  # XLIFF 2: <notes> comes first in a <unit>
    for note in notes:
        el = etree.SubElement(container, f"{{{NS2}}}note")
        el.set("category", NOTE_ORIGIN)
        el.text = note
    if container is not None and len(container) == 0:
        element.remove(container)


def target_of(unit: Any, major: str, lang: str) -> Any:
    """The unit's target element, created (empty, after the source) when it has none."""
    from lxml import etree

    target = unit.get_target_dom()
    if target is None:
        ns = NS1 if major == "1" else NS2
        target = etree.Element(f"{{{unit.namespace or ns}}}target")
        unit.get_source_dom().addnext(target)
    if major == "1":
        target.set(f"{{{XML_NS}}}lang", lang)
    return target


def serialize(store: Any) -> str:
    from lxml import etree

    return etree.tostring(store.document, xml_declaration=True, encoding="UTF-8").decode("utf-8") + "\n"


class XliffSource(Source):
    def __init__(self, store: Any, major: str, units: list[Any], marks: list[list[Any]], unit: Unit,
                 lang: str = "en") -> None:  # fmt: skip
        self.store = store
        self.major = major
        self.open_units = units
        self.marks = marks
        self.units = [unit]
        self.lang = lang

    def render(self, results: Sequence[TranslatedDocument]) -> str:
        result = results[0]
        lang = result.direction.target  # the translation's language (an Xcode export's is ar)
        # XLIFF 2 keeps notes per unit, which may hold several segments: collect them first.
        notes: dict[Any, tuple[Any, list[SentenceResult]]] = {}
        for unit, marks, paragraph in zip(self.open_units, self.marks, result.paragraphs, strict=True):
            fill(target_of(unit, self.major, lang), paragraph.translation, marks)
            set_state(unit, self.major, review_needed(paragraph), lang)
            key = unit.getunitelement() if self.major == "2" else unit.xmlelement
            notes.setdefault(key, (unit, []))[1].extend(paragraph.sentences)
        for unit, sentences in notes.values():
            set_notes(unit, self.major, note_texts(sentences))
        root = self.store.document.getroot()
        if self.major == "2" and not root.get("trgLang"):
            root.set("trgLang", lang)
        if self.major == "1":
            for file_node in root.iter(f"{{{self.store.namespace}}}file"):
                if not file_node.get("target-language"):
                    file_node.set("target-language", lang)
        return serialize(self.store)


class Xliff(Format):
    name = "xliff"
    description = "XLIFF 1.2 or 2.x from a CAT tool: empty targets filled, states and notes set"

    def read(self, path: Path, options: ReadOptions | None = None) -> XliffSource:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise TarjamaError(f"{path}: cannot read ({exc.strerror}); check the path") from None
        store, major = parse_store(data, str(path))
        units: list[Any] = []
        all_marks: list[list[Any]] = []
        paragraphs: list[list[inline.Piece]] = []
        for unit in store.units:
            if not is_open(unit, major) or unit.get_source_dom() is None:
                continue
            marks: list[_Mark] = [_Mark("x", None)]
            tagged = _tagged(unit.get_source_dom(), marks)
            if not any(c.isalnum() for c in inline.strip(tagged)):
                continue
            units.append(unit)
            all_marks.append([m.element for m in marks])
            paragraphs.append(inline.tagged_pieces(tagged, lambda n, marks=marks: _label(marks[n])))
        document = document_from_pieces(paragraphs, self.name, str(path))
        return XliffSource(store, major, units, all_marks, Unit(document))


# ------------------------------------------------------------------------------ export

_CTYPES = {"strong emphasis": "bold", "emphasis": "italic", "link": "link", "image": "image"}


def export(
    result: TranslatedDocument, *, original: str, version: str = "1.2", datatype: str = "plaintext"
) -> str:
    """``result`` as an XLIFF file for a CAT tool: one unit per sentence (module docstring)."""
    from lxml import etree

    xliff, xliff2 = _toolkit()
    if version not in VERSIONS:
        raise TarjamaError(f"unknown XLIFF version {version!r}; choose one of {', '.join(VERSIONS)}")
    major = version[0]
    src, tgt = result.direction.source, result.direction.target
    if major == "1":
        skeleton = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="{NS1}">'
            f'<file original="" source-language="{src}" target-language="{tgt}" datatype="{datatype}">'
            "<body></body></file></xliff>"
        )
        store = xliff.xlifffile.parsestring(skeleton.encode())
    else:
        skeleton = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="2.1" xmlns="{NS2}" '
            f'srcLang="{src}" trgLang="{tgt}"><file id="f1"></file></xliff>'
        )
        store = xliff2.Xliff2File.parsestring(skeleton.encode())
    store.document.getroot()[0].set("original", original)
    add = (
        (lambda: store.addsourceunit("", filename=original))
        if major == "1"
        else (lambda: store.addsourceunit(""))
    )
    document = result.document
    for para, presult in zip(document.paragraphs, result.paragraphs, strict=True):
        for seg, sentence in zip(para.sentences, presult.sentences, strict=True):
            source = seg.request_text
            unit = add()
            unit.setid(f"p{para.index + 1}.s{sentence.index + 1}")
            markup = seg.inline
            _write_codes(unit.get_source_dom(), source, markup, major)
            target = etree.SubElement(unit.xmlelement, f"{{{store.namespace}}}target")
            if major == "1":
                target.set(f"{{{XML_NS}}}lang", tgt)
            _write_codes(target, _placeholder_english(seg, sentence), markup, major)
            set_state(unit, major, sentence.needs_review, tgt)
            set_notes(unit, major, note_texts([sentence]))
    from translate.misc.xml_helpers import reindent

    root = store.document.getroot()
    etree.cleanup_namespaces(root)  # translate-toolkit's new 1.x units declare the 1.1 namespace
    reindent(root, **store.XMLindent)  # a new file: laid out for people
    return serialize(store)


def _placeholder_english(seg: Any, sentence: SentenceResult) -> str:
    """The sentence's English with placeholders, as the engine returned it (markup repaired)."""
    return sentence.tagged[1] if sentence.tagged is not None else sentence.translation


def _write_codes(element: Any, text: str, markup: inline.Inline | None, major: str) -> None:
    """``text`` (placeholders in it) as the content of ``element`` with XLIFF inline codes."""
    from lxml import etree

    ns = etree.QName(element).namespace
    element.text = None
    stack = [element]
    valid = inline.valid_subset(markup.text, text) if markup is not None else set()

    def add_text(value: str) -> None:
        parent = stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + value
        else:
            parent.text = (parent.text or "") + value

    for kind, value in inline.tokens(text) if markup is not None else [("text", text)]:
        if kind == "text":
            add_text(str(value))
            continue
        tag = markup.tag(int(value)) if markup is not None else None  # type: ignore[arg-type]
        if tag is None or value not in valid or kind == "bad":
            continue
        label = tag.label.split(" ")[0] if tag.label else ""
        if kind == "atom":
            el = etree.SubElement(stack[-1], f"{{{ns}}}{'x' if major == '1' else 'ph'}")
            el.set("id", str(tag.id))
            el.set("equiv-text" if major == "1" else "disp", tag.open)
        elif kind == "open":
            el = etree.SubElement(stack[-1], f"{{{ns}}}{'g' if major == '1' else 'pc'}")
            el.set("id", str(tag.id))
            if major == "1":
                ctype = _CTYPES.get(tag.label) or _CTYPES.get(label)
                if ctype:
                    el.set("ctype", ctype)
            else:
                el.set("dispStart", tag.open)
                el.set("dispEnd", tag.close)
            stack.append(el)
        elif kind == "close" and len(stack) > 1:
            stack.pop()
