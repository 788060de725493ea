"""XLIFF 1.2 and 2.x (``.xlf``, ``.xliff``) through translate-toolkit: the CAT tools' exchange file.

Reading and writing both go through translate-toolkit (``translate.storage.xliff.xlifffile``
for 1.x, ``translate.storage.xliff2.Xliff2File`` for 2.x, chosen by the root's ``version``),
whose parser never expands entities and never fetches anything. The file's encoding is
taken from its byte-order mark or XML declaration (UTF-8, UTF-16, any encoding Python
knows); a file that declares entities (``<!ENTITY``) is refused outright, in whatever
encoding. The file is written back from the parsed tree, so what tarjama does not change
keeps its layout.

* **Languages first**: every ``<file>``'s ``source-language``/``target-language`` (2.x: the
  root's ``srcLang``/``trgLang``) must be the run's direction — Arabic (``ar``, ``ar-XX``,
  ``arb``, ``arz``… see ``tarjama.text.interchange``) to English; a missing target language
  is set to the run's. Anything else (an Xcode export, English → Arabic; a French project)
  is refused before any work, in one line naming the languages (``check_languages``).
* **Escaped markup**: a unit whose ``datatype`` (or its file's) is ``html``, ``xhtml``,
  ``htmlbody``, ``xml`` or ``sgml`` holds markup as escaped text (Angular writes
  ``&lt;a href="<x id="PH"/>"&gt;``): its tags become placeholders like any inline code (a
  tag may hold XLIFF codes in its attributes), its character references are read as the
  characters, and the target gets the tags back as escaped text, with ``<`` and ``>`` of the
  translation escaped as HTML (``&`` too where it would start a character reference).
* **Whitespace**: outside ``xml:space="preserve"``, runs of whitespace in a source (the line
  breaks of the file's layout) are one space before sentences are split, as XML defines.
* Trados ``.sdlxliff``: a unit's ``seg-source`` (its ``<mrk mtype="seg">`` segments) is read
  instead of its ``source``, so each translation goes into the matching ``mrk`` of the target.

* One *paragraph* per unit: a 1.x ``trans-unit``, or a 2.x ``segment`` (translate-toolkit's
  unit). Inline codes become placeholders — pairs for elements with translatable text inside
  (1.x ``g`` and ``mrk``, 2.x ``pc`` and ``mrk``), standalone ones for the rest (1.x ``x``,
  ``bx``, ``ex``, ``ph``, ``bpt``, ``ept``, ``it``; 2.x ``ph``, ``sc``, ``ec``, ``cp``, ``sm``,
  ``em``; any element with ``translate="no"`` or ``mtype="protected"``), and come back as
  copies of the source's elements in the target.
* A unit without a word character of the source language (a brand name, a number, an
  English string in an Arabic file) is left as it is and counted (``Document.untouched``).
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

import codecs
import copy
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.document import inline
from tarjama.document.model import document_from_pieces
from tarjama.errors import TarjamaError
from tarjama.formats.base import INSTALL_HINT, Format, ReadOptions, Source, Unit
from tarjama.text.arabic import has_source_letters
from tarjama.text.interchange import direction_problem, language_side
from tarjama.text.textio import decode_utf8, read_input
from tarjama.types import COMMENT, TERMS

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
_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ROOT = re.compile(r"<(?:[\w.-]+:)?xliff\b")
# Datatypes whose text holds escaped markup (XLIFF 1.2's list, and the HTML ones tools write).
ESCAPED_MARKUP = {"html", "xhtml", "htmlbody", "xml", "sgml", "x-html"}
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][\w:.-]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>")
_HTML_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
              "track", "wbr"}  # fmt: skip
_SPACE = re.compile(r"[ \t\r\n]+")
_AMBIGUOUS_AMPERSAND = re.compile(r"&(?=#?\w+;?)")
# A private-use character stands for an XLIFF inline element while escaped markup is parsed.
_SLOT = 0xF0000


def _local(tag: Any) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _toolkit() -> tuple[Any, Any]:
    try:
        from translate.storage import xliff, xliff2
    except ImportError:
        raise TarjamaError(f"reading and writing XLIFF needs translate-toolkit; {INSTALL_HINT}") from None
    return xliff, xliff2


def _encoding(data: bytes) -> str:
    """The encoding of an XML file: its byte-order mark, else its declaration, else UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if data.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    if data.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    declared = _DECLARED.match(data)
    return declared.group(1).decode("ascii").lower() if declared else "utf-8"


def decode_xml(data: bytes, path: str) -> str:
    """The text of an XML file in its own encoding (``_encoding``); one line when it cannot be read."""
    encoding = _encoding(data)
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise TarjamaError(f"{path}: declares the encoding {encoding!r}, which tarjama cannot read; "
                           "save the file as UTF-8") from None
    if codec == "utf-8":
        return decode_utf8(data, path)
    try:
        return data.decode(codec).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise TarjamaError(f"{path}: not valid {encoding.upper()} at byte {exc.start} (as its byte-order "
                           "mark or XML declaration says); save the file again, as UTF-8") from None


def parse_store(data: bytes, path: str) -> tuple[Any, str]:
    """The translate-toolkit store of an XLIFF file and its major version ("1" or "2")."""
    text = decode_xml(data, path)
    if _ENTITY.search(text):
        raise TarjamaError(
            f"{path}: declares XML entities (<!ENTITY); tarjama refuses them (entity expansion attacks); "
            "remove the DOCTYPE's entity declarations"
        )
    xliff, xliff2 = _toolkit()
    head = re.sub(r"<!--.*?-->", "", text[:8192], flags=re.S)
    root = _ROOT.search(head)
    if root is None:
        raise TarjamaError(
            f"{path}: not an XLIFF file (no <xliff> root element); give an .xlf from a CAT tool"
        )
    version = re.match(r"[^>]*?(?<![\w:.-])version\s*=\s*[\"']([^\"']+)", head[root.end():])
    major = "2" if (version and version.group(1).startswith("2")) or NS2 in head else "1"
    try:
        store = (xliff2.Xliff2File if major == "2" else xliff.xlifffile).parsestring(data)
    except Exception as exc:  # lxml syntax errors, toolkit validation errors
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        line = getattr(exc, "lineno", None)
        where = f"{path}:{line}" if line else path
        raise TarjamaError(f"{where}: not a readable XLIFF {major}.x file ({first[:160]})") from None
    dtd = store.document.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):  # whatever the text check missed
        raise TarjamaError(
            f"{path}: declares XML entities (<!ENTITY); tarjama refuses them (entity expansion attacks); "
            "remove the DOCTYPE's entity declarations"
        )
    return store, major


def declared_pair(store: Any, major: str) -> tuple[str, str]:
    """The direction a file declares: English into Arabic when its (first) source language is
    English, else Arabic into English (which ``check_languages`` then holds it to)."""
    root = store.document.getroot()
    if major == "2":
        source = root.get("srcLang")
    else:
        first = next(root.iter(f"{{{store.namespace}}}file"), None)
        source = first.get("source-language") if first is not None else None
    return ("en", "ar") if language_side(source) == "en" else ("ar", "en")


def check_languages(
    store: Any, major: str, path: str, pair: tuple[str, str] = ("ar", "en"), *, declared: bool = False
) -> None:
    """Refuse a file whose languages are not the run's ``pair`` (module docstring), before any work.

    ``declared``: the pair was read from the file itself (no direction given), so a refusal says
    which directions tarjama has rather than one run's.
    """
    root = store.document.getroot()
    if major == "2":
        files = [(root.get("srcLang"), root.get("trgLang"), "")]
    else:
        files = [(f.get("source-language"), f.get("target-language"), f.get("original") or "")
                 for f in root.iter(f"{{{store.namespace}}}file")]
    for source, target, original in files:
        problem = direction_problem(source, target, pair)
        if problem:
            inside = f" (<file original={original!r}>)" if original and len(files) > 1 else ""
            if declared:
                problem = problem.split(";")[0] + "; tarjama translates Arabic → English and English → Arabic"
                raise TarjamaError(
                    f"{path}{inside}: {problem}; give an XLIFF exported with Arabic or English as the source "
                    "language and the other (or none) as the target, e.g. source-language=\"ar\" "
                    "target-language=\"en\""
                )
            raise TarjamaError(
                f"{path}{inside}: {problem}; give an XLIFF exported with {pair[0]} as the source language "
                f"and {pair[1]} (or none) as the target, e.g. source-language=\"{pair[0]}\" "
                f"target-language=\"{pair[1]}\""
            )


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
    empty = target is None or (not "".join(target.itertext()).strip() and (
        len(target) == 0 or all(_local(c.tag) == "mrk" and c.get("mtype") == "seg" for c in target)
    ))  # Trados leaves empty <mrk mtype="seg"> segments in the target of an untranslated unit
    return empty or (state in (_OPEN_STATES_1 if major == "1" else _OPEN_STATES_2) and state is not None)


def source_element(unit: Any, major: str) -> Any:
    """What is translated of a unit: its ``source``, or Trados' segmented ``seg-source``."""
    if major == "1":
        ns = unit.namespace or NS1
        segmented = unit.xmlelement.find(f"{{{ns}}}seg-source")
        if segmented is not None and segmented.find(f".//{{{ns}}}mrk[@mtype='seg']") is not None:
            return segmented
    return unit.get_source_dom()


def escaped_markup(unit: Any, major: str) -> bool:
    """Whether a unit's text is escaped markup: its ``datatype``, else its file's (1.x only)."""
    if major != "1":
        return False
    element = unit.xmlelement
    while element is not None:
        datatype = element.get("datatype")
        if datatype:
            return datatype.strip().lower() in ESCAPED_MARKUP
        element = element.getparent()
    return False


def preserved(element: Any) -> bool:
    """Whether whitespace is significant in ``element`` (``xml:space="preserve"`` on it or above)."""
    while element is not None:
        space = element.get(f"{{{XML_NS}}}space")
        if space:
            return space == "preserve"
        element = element.getparent()
    return False


@dataclass
class _Mark:
    """What placeholder N of a unit stands for.

    ``kind``: ``g`` (an XLIFF element with text inside, copied around its translation), ``x``
    (an XLIFF element copied whole) or ``h`` (a tag of escaped markup: ``parts`` are its text
    and the XLIFF elements inside it; ``close`` the parts of its end tag when it is a pair).
    """

    kind: str
    element: Any
    parts: list[Any] = field(default_factory=list)
    close: list[Any] = field(default_factory=list)
    name: str = ""


def _collapse(text: str, collapse: bool) -> str:
    return _SPACE.sub(" ", text) if collapse else text


def _tagged(element: Any, marks: list[_Mark], *, escaped: bool = False, collapse: bool = False) -> str:
    """The content of a source element as tagged text; inline elements become marks.

    ``escaped``: the text holds escaped markup (module docstring); ``collapse``: runs of
    whitespace are one space (the source is not ``xml:space="preserve"``).
    """
    if escaped:
        return _tagged_escaped(element, marks, collapse)
    out = [inline.xml_text(_collapse(element.text or "", collapse))]
    for child in element:
        if not isinstance(child.tag, str):  # a comment or processing instruction
            out.append(inline.xml_text(_collapse(child.tail or "", collapse)))
            continue
        name = _local(child.tag)
        protected = child.get("translate") == "no" or child.get("mtype") == "protected"
        if name in _PAIRED and not protected:
            marks.append(_Mark("g", child))
            n = len(marks) - 1
            out.append(f"<g{n}>{_tagged(child, marks, collapse=collapse)}</g{n}>")
        else:
            marks.append(_Mark("x", child))
            out.append(f"<x{len(marks) - 1}/>")
        out.append(inline.xml_text(_collapse(child.tail or "", collapse)))
    return "".join(out)


def _tagged_escaped(element: Any, marks: list[_Mark], collapse: bool) -> str:
    """``_tagged`` for a unit of escaped markup: its tags (XLIFF codes inside them included)
    become marks too, its character references are read as characters."""
    items: list[Any] = []  # text, or (role, mark number) of an XLIFF element

    def walk(el: Any) -> None:
        items.append(el.text or "")
        for child in el:
            if isinstance(child.tag, str):
                name = _local(child.tag)
                protected = child.get("translate") == "no" or child.get("mtype") == "protected"
                if name in _PAIRED and not protected:
                    marks.append(_Mark("g", child))
                    n = len(marks) - 1
                    items.append(("open", n))
                    walk(child)
                    items.append(("close", n))
                else:
                    marks.append(_Mark("x", child))
                    items.append(("atom", len(marks) - 1))
            items.append(child.tail or "")

    walk(element)
    slots: list[tuple[str, int]] = []
    flat: list[str] = []
    for item in items:
        if isinstance(item, str):
            flat.append(item)
        else:
            flat.append(chr(_SLOT + len(slots)))
            slots.append(item)
    text = _collapse("".join(flat), collapse)
    tags = list(_HTML_TAG.finditer(text))
    closes: dict[int, int] = {}  # start tag → its end tag (indices into tags)
    stack: list[tuple[str, int]] = []
    for k, m in enumerate(tags):
        name = m.group(2).lower()
        if m.group(1):
            match = next((j for j in range(len(stack) - 1, -1, -1) if stack[j][0] == name), None)
            if match is not None:
                closes[stack[match][1]] = k
                del stack[match:]
        elif not m.group(4) and name not in _HTML_VOID:
            stack.append((name, k))

    def slot_of(ch: str) -> tuple[str, int] | None:
        code = ord(ch) - _SLOT
        return slots[code] if 0 <= code < len(slots) else None

    def placeholder(slot: tuple[str, int]) -> str:
        role, n = slot
        return f"<g{n}>" if role == "open" else f"</g{n}>" if role == "close" else f"<x{n}/>"

    def words(piece: str) -> str:
        out: list[str] = []
        buffer: list[str] = []
        for ch in piece:
            slot = slot_of(ch)
            if slot is None:
                buffer.append(ch)
                continue
            out.append(inline.xml_text(html.unescape("".join(buffer))))
            buffer = []
            out.append(placeholder(slot))
        out.append(inline.xml_text(html.unescape("".join(buffer))))
        return "".join(out)

    def parts(raw: str) -> list[Any]:
        """A tag's text with the XLIFF elements inside it (a pair's element once, at its start)."""
        out: list[Any] = []
        for ch in raw:
            slot = slot_of(ch)
            if slot is None:
                if out and isinstance(out[-1], str):
                    out[-1] += ch
                else:
                    out.append(ch)
            elif slot[0] != "close":
                out.append(marks[slot[1]].element)
        return out

    out: list[str] = []
    pos = 0
    number_of: dict[int, int] = {}
    for k, m in enumerate(tags):
        out.append(words(text[pos:m.start()]))
        pos = m.end()
        name = m.group(2).lower()
        if k in number_of:  # the end tag of a pair
            marks[number_of[k]].close = parts(m.group(0))
            out.append(f"</g{number_of[k]}>")
            continue
        marks.append(_Mark("h", None, parts(m.group(0)), name=name))
        n = len(marks) - 1
        if k in closes:
            number_of[closes[k]] = n
            out.append(f"<g{n}>")
        else:
            out.append(f"<x{n}/>")
    out.append(words(text[pos:]))
    return "".join(out)


def _label(mark: _Mark) -> str:
    if mark.kind == "h":
        return f"HTML <{mark.name}>"
    el = mark.element
    name = _local(el.tag)
    shown = el.get("equiv-text") or el.get("disp") or el.get("ctype") or el.get("type") or ""
    return f"XLIFF <{name} id={el.get('id', '?')}>" + (f" ({shown})" if shown else "")


def escape_markup(text: str) -> str:
    """Text for escaped markup: ``<`` and ``>`` escaped, and ``&`` where it would start a
    character reference (a bare ``&`` stays as the source writes it)."""
    return _AMBIGUOUS_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def fill(target: Any, translation: str, marks: Sequence[_Mark], *, escaped: bool = False) -> None:
    """Replace ``target``'s content with ``translation`` (tagged text), marks as element copies.

    ``marks[n]`` is what placeholder ``n`` stands for; ``escaped``: the unit holds escaped
    markup, so the translation's text is escaped as HTML and tags are written as text.
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

    def add_parts(parts: Sequence[Any]) -> None:
        for part in parts:
            if isinstance(part, str):
                add_text(part)
            else:
                new = copy.deepcopy(part)
                new.tail = None
                stack[-1].append(new)

    for kind, value in inline.parse(translation):
        if kind == "text":
            add_text(escape_markup(str(value)) if escaped else str(value))
            continue
        mark = marks[int(value)]  # type: ignore[arg-type]
        if mark.kind == "h":
            if kind in ("atom", "open"):
                add_parts(mark.parts)
            elif kind == "close":
                add_parts(mark.close)
        elif kind == "atom":
            add_parts([mark.element])
        elif kind == "open":
            new = copy.copy(mark.element)
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
    """The notes a unit gets: an editor's comment, every finding, and the glossary terms still
    missing (in one note)."""
    notes: list[str] = []
    for s in sentences:
        notes += [str(n) for n in s.notes if n.kind == COMMENT]
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
    def __init__(self, store: Any, major: str, units: list[Any], marks: list[list[_Mark]], unit: Unit,
                 lang: str = "en", escaped: list[bool] | None = None) -> None:  # fmt: skip
        self.store = store
        self.major = major
        self.open_units = units
        self.marks = marks
        self.units = [unit]
        self.lang = lang
        self.escaped = escaped or [False] * len(units)

    def render(self, results: Sequence[TranslatedDocument]) -> str:
        result = results[0]
        lang = result.direction.target  # the translation's language (an Xcode export's is ar)
        # XLIFF 2 keeps notes per unit, which may hold several segments: collect them first.
        notes: dict[Any, tuple[Any, list[SentenceResult]]] = {}
        rows = zip(self.open_units, self.marks, self.escaped, result.paragraphs, strict=True)
        for unit, marks, escaped, paragraph in rows:
            fill(target_of(unit, self.major, lang), paragraph.translation, marks, escaped=escaped)
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
        store, major = parse_store(read_input(path), str(path))
        stated = (options or ReadOptions()).languages
        pair = stated or declared_pair(store, major)
        check_languages(store, major, str(path), pair, declared=stated is None)
        units: list[Any] = []
        all_marks: list[list[_Mark]] = []
        flags: list[bool] = []
        paragraphs: list[list[inline.Piece]] = []
        passed = 0
        for unit in store.units:
            source = source_element(unit, major)
            if not is_open(unit, major) or source is None:
                continue
            marks: list[_Mark] = [_Mark("x", None)]
            escaped = escaped_markup(unit, major)
            tagged = _tagged(source, marks, escaped=escaped, collapse=not preserved(source))
            words = inline.strip(tagged)
            if not any(c.isalnum() for c in words):
                continue
            if not has_source_letters(words, pair[0]):
                passed += 1  # nothing of the source language (a brand, a number, a code): not filled
                continue
            units.append(unit)
            all_marks.append(marks)
            flags.append(escaped)
            paragraphs.append(inline.tagged_pieces(tagged, lambda n, marks=marks: _label(marks[n])))
        document = document_from_pieces(paragraphs, self.name, str(path), source=pair[0], passed=passed)
        return XliffSource(store, major, units, all_marks, Unit(document), pair[1], flags)

    def export(
        self, result: TranslatedDocument, *, input_format: str, name: str = "", xliff_version: str = "1.2"
    ) -> str:
        """A translated document of another format as a new XLIFF for review in a CAT tool."""
        datatype = {"md": "x-markdown", "html": "html", "docx": "x-docx"}.get(input_format, "plaintext")
        return export(result, original=name, version=xliff_version, datatype=datatype)


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
