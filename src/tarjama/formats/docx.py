"""Word documents (``.docx``, with python-docx): paragraphs, runs, tables, headers and footers.

Every paragraph with words of the source language is translated: those of the body (tables
and nested tables included, in document order), then those of the headers and footers. A
paragraph without any (English, Bengali, a table's single letters, numbers) is left as it is
and counted (``Document.passed``). A paragraph reaches the engine as tagged text
(``tarjama.document.inline``):

* the formatting most of its text has is the paragraph's own; a run formatted otherwise
  (bold, italic, underline, a character style, a colour…) becomes a paired placeholder, and
  consecutive runs with the same formatting one pair. Formatting is compared as the English
  copy will have it (``_key``): what only shapes the Arabic — complex-script bold, italic and
  size where the plain ones match (``bCs``, ``iCs``, ``szCs``), ``rtl``, ``cs``, the language,
  font hints, proofing marks (``noProof``, ``w:proofErr``) and revision ids — never splits a
  run, so Word's fragmentation never becomes a placeholder inside a word;
* a hyperlink is a pair too (its text translated, its target kept), with the formatting of
  its runs inside it handled the same way;
* symbols, pictures, footnote and comment references, fields (a page number, a date),
  content controls, equations and deleted text of tracked changes are standalone
  placeholders, copied as they were; a line break or a tab ends a sentence and stays at
  its edge; inserted text of tracked changes is ordinary text (the English copy has the
  changes accepted);
* bookmarks and comment ranges move to the paragraph's start and end.

The English copy is written from the source file: each translated paragraph gets new runs
made from the formatting of the runs its placeholders stand for, and right-to-left settings
are switched to left-to-right everywhere (paragraph ``bidi``, run ``rtl``, section
``bidi`` and ``rtlGutter``, table ``bidiVisual``, in the document, headers, footers, styles
and numbering); bold, italic and size set only for complex script (``bCs``, ``iCs``,
``szCs``) are set for the English text too, and a run's language becomes ``en-US``.
Into Arabic it goes the other way: every translated paragraph becomes right-to-left
(``bidi``), its runs ``rtl`` with the complex-script language ``ar-SA`` and bold, italic and
size also set for complex script (``bCs``, ``iCs``, ``szCs``: Word formats Arabic text by
those), and the sections right-to-left; elements go where the OOXML schema orders them.
Not translated: text boxes, footnotes, endnotes and comments.

Reading is guarded: the file is within the input limit, the archive within the archive limits
(members, unpacked size, expansion ratio: ``tarjama.text.textio.check_archive``) before
anything is unpacked, and a part that declares a DOCTYPE (Word never writes one; an entity
there would silently cut the text after it) is refused with one line.
"""

from __future__ import annotations

import contextlib
import copy
import io
import zipfile
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.document import inline
from tarjama.document.model import document_from_pieces
from tarjama.errors import TarjamaError
from tarjama.formats.base import INSTALL_HINT, Format, ReadOptions, Source, Unit
from tarjama.text.arabic import has_source_letters
from tarjama.text.language import source_language
from tarjama.text.textio import check_archive, read_input

if TYPE_CHECKING:
    from tarjama.document.record import TranslatedDocument

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"


def w(tag: str) -> str:
    return f"{{{_NS['w']}}}{tag}"


_MARKERS = {
    w(t)
    for t in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "permStart", "permEnd",
              "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd")
}  # fmt: skip
_ENDS = {w(t) for t in ("bookmarkEnd", "commentRangeEnd", "permEnd", "moveFromRangeEnd", "moveToRangeEnd")}
_DROPPED = {w("proofErr"), w("lastRenderedPageBreak"), w("softHyphen"), w("rPr")}
# Containers whose runs are read as if they stood in the paragraph itself.
_TRANSPARENT = {w("ins"), w("smartTag"), w("customXml"), w("moveTo")}
# Line breaks and tabs end a sentence (a tab separates like a table cell); they stay at its edge.
_BREAKS = {w("br"), w("cr"), w("tab")}


@dataclass
class _Mark:
    kind: str  # "fmt", "link", "atom"
    elements: list[Any] = field(default_factory=list)  # fmt: [rPr or None]; link: [hyperlink]; atom: copies
    base: str = ""  # a link: the formatting key of its own text
    label: str = ""


@dataclass(slots=True)
class _Item:
    kind: str  # "text", "atom", "break"
    value: Any  # text, or the elements of an atom
    key: str = ""  # formatting key of a text item
    rpr: Any = None
    link: int = -1  # index of the hyperlink it is inside (-1: none)


# What shapes only the Arabic (or nothing visible) in a run's formatting: left out of its key.
_NOT_IN_KEY = {w(t) for t in ("bCs", "iCs", "szCs", "rtl", "cs", "lang", "noProof", "webHidden", "specVanish",
                              "eastAsianLayout", "rPrChange")}  # fmt: skip
_FONT_NOT_IN_KEY = {w(a) for a in ("hint", "cs", "cstheme")}


def _key(rpr: Any) -> str:
    """A run formatting as the English copy will have it (module docstring): runs with equal
    keys are one run for the engine."""
    from lxml import etree

    if rpr is None:
        return ""
    view = _english_rpr(copy.deepcopy(rpr))
    for el in list(view):
        if el.tag in _NOT_IN_KEY or not isinstance(el.tag, str):
            view.remove(el)
        elif el.tag == w("rFonts"):
            for name in _FONT_NOT_IN_KEY & set(el.attrib):
                del el.attrib[name]
            if not el.attrib:
                view.remove(el)
    for name in [a for a in view.attrib if "rsid" in a]:
        del view.attrib[name]
    return "" if len(view) == 0 else etree.tostring(view, encoding="unicode")


_LABELS = (("b", "bold"), ("bCs", "bold"), ("i", "italic"), ("iCs", "italic"), ("u", "underline"),
           ("strike", "strikethrough"), ("rStyle", "style"), ("color", "colour"), ("highlight", "highlight"),
           ("vertAlign", "super/subscript"))  # fmt: skip


def _label(rpr: Any) -> str:
    if rpr is None:
        return "plain text"
    found = [name for tag, name in _LABELS if rpr.find(w(tag)) is not None]
    return "Word formatting: " + ", ".join(dict.fromkeys(found)) if found else "Word formatting"


def _runs_copy(run: Any, child: Any) -> Any:
    """A new run with ``run``'s formatting holding a copy of ``child``."""
    from lxml import etree

    new = etree.Element(w("r"))
    rpr = run.find(w("rPr"))
    if rpr is not None:
        new.append(copy.deepcopy(rpr))
    new.append(copy.deepcopy(child))
    return new


class _Paragraph:
    """One ``w:p`` read into items and written back from a tagged translation."""

    __slots__ = ("_link_mark", "base", "depth", "field", "items", "link_elements", "links", "markers", "p")

    def __init__(self, p: Any, links: dict[str, str]) -> None:
        self.p = p
        self.links = links  # relationship id → URL
        self.items: list[_Item] = []
        self.markers: list[Any] = []
        self.link_elements: list[Any] = []
        self.field: list[Any] | None = None
        self.depth = 0
        self._link_mark = -1
        self.base: dict[int, str] = {}
        for child in p:
            self._read(child, -1)
        if self.field:
            self.items.append(_Item("atom", self.field))

    def _read(self, el: Any, link: int) -> None:
        tag = el.tag
        if tag == w("pPr") or tag in _DROPPED:
            return
        if tag in _MARKERS:
            self.markers.append(el)
        elif tag == w("r"):
            self._run(el, link)
        elif tag == w("hyperlink") and link < 0:
            self.link_elements.append(el)
            index = len(self.link_elements) - 1
            for child in el:
                self._read(child, index)
        elif tag in _TRANSPARENT:
            for child in el:
                self._read(child, link)
        elif isinstance(tag, str):
            self.items.append(_Item("atom", [copy.deepcopy(el)], link=link))

    def _run(self, run: Any, link: int) -> None:
        if self.field is not None:
            self.field.append(copy.deepcopy(run))
            for fc in run.iter(w("fldChar")):
                kind = fc.get(w("fldCharType"))
                self.depth += 1 if kind == "begin" else -1 if kind == "end" else 0
            if self.depth <= 0:
                self.items.append(_Item("atom", self.field, link=link))
                self.field = None
            return
        rpr = run.find(w("rPr"))
        for child in run:
            tag = child.tag
            if tag in _DROPPED:
                continue
            if tag == w("fldChar") and child.get(w("fldCharType")) == "begin":
                # A complex field (page number, date, cross-reference) is one standalone mark.
                self.field, self.depth = [copy.deepcopy(run)], 1
                return
            if tag == w("t"):
                self.items.append(_Item("text", child.text or "", _key(rpr), rpr, link))
            elif tag == w("noBreakHyphen"):
                self.items.append(_Item("text", "\u2011", _key(rpr), rpr, link))
            elif tag in _BREAKS:
                self.items.append(_Item("break", [_runs_copy(run, child)], link=link))
            else:
                self.items.append(_Item("atom", [_runs_copy(run, child)], link=link))

    def has_words(self) -> bool:
        return any(i.kind == "text" and any(c.isalnum() for c in i.value) for i in self.items)

    def has_source_words(self, language: str) -> bool:
        return has_source_letters("".join(i.value for i in self.items if i.kind == "text"), language)

    def tagged(self, marks: list[_Mark]) -> tuple[list[inline.Piece], dict[int, str]]:
        """The paragraph as tagged-text pieces; new marks are appended to ``marks``."""
        weights: dict[int, Counter[str]] = {}
        for item in self.items:
            if item.kind == "text":
                weights.setdefault(item.link, Counter())[item.key] += len(item.value)
        # The paragraph's own formatting: the one most of its text has (on a tie, the plainest).
        base = {link: max(counts, key=lambda k: (counts[k], -len(k))) for link, counts in weights.items()}
        out: list[str] = []
        breaks: set[int] = set()
        open_link = -1
        open_fmt: tuple[int, str] | None = None  # (mark, key)

        def close_fmt() -> None:
            nonlocal open_fmt
            if open_fmt is not None:
                out.append(f"</g{open_fmt[0]}>")
                open_fmt = None

        for item in self.items:
            if item.link != open_link:
                close_fmt()
                if open_link >= 0:
                    out.append(f"</g{self._link_mark}>")
                open_link = item.link
                if open_link >= 0:
                    el = self.link_elements[open_link]
                    target = self.links.get(el.get(f"{{{_NS['r']}}}id") or "", "") or "#" + (
                        el.get(w("anchor")) or ""
                    )
                    marks.append(_Mark("link", [el], base.get(open_link, ""), f"link {target}"))
                    self._link_mark = len(marks) - 1
                    out.append(f"<g{self._link_mark}>")
            if item.kind != "text":
                close_fmt()
                marks.append(_Mark("atom", item.value, label=_atom_label(item.value)))
                if item.kind == "break":
                    breaks.add(len(marks) - 1)
                out.append(f"<x{len(marks) - 1}/>")
                continue
            own = base.get(item.link, "")
            if open_fmt is not None and open_fmt[1] != item.key:
                close_fmt()
            if item.key != own and open_fmt is None:
                marks.append(_Mark("fmt", [item.rpr], label=_label(item.rpr)))
                open_fmt = (len(marks) - 1, item.key)
                out.append(f"<g{open_fmt[0]}>")
            out.append(inline.xml_text(item.value))
        close_fmt()
        if open_link >= 0:
            out.append(f"</g{self._link_mark}>")
        pieces = inline.tagged_pieces("".join(out), lambda n: marks[n].label, breaks)
        return pieces, base

    def write(self, translation: str, marks: list[_Mark], base: dict[int, str], target: str = "en") -> None:
        """Replace the paragraph's content with runs made from ``translation`` (in ``target``)."""
        from lxml import etree

        own = self._base_rpr(base.get(-1, ""))
        new: list[Any] = []
        parent: list[Any] = [None]  # the hyperlink being filled, or None
        formats: list[Any] = []  # rPr of open format pairs
        link_base: list[Any] = []

        def append(el: Any) -> None:
            (parent[-1].append(el) if parent[-1] is not None else new.append(el))

        for kind, value in inline.parse(translation):
            if kind == "text":
                rpr = formats[-1] if formats else (link_base[-1] if link_base else own)
                run = etree.Element(w("r"))
                if target == "ar":
                    run.append(_arabic_rpr(copy.deepcopy(rpr) if rpr is not None else None))
                elif rpr is not None:
                    run.append(_english_rpr(copy.deepcopy(rpr)))
                t = etree.SubElement(run, w("t"))
                t.text = str(value)
                t.set(f"{{{_NS['xml']}}}space", "preserve")
                append(run)
                continue
            mark = marks[int(value)]  # type: ignore[arg-type]
            if kind == "atom":
                for el in mark.elements:
                    append(copy.deepcopy(el))
            elif kind == "open" and mark.kind == "link":
                link = copy.copy(mark.elements[0])
                for child in list(link):
                    link.remove(child)
                append(link)
                parent.append(link)
                link_base.append(self._base_rpr(mark.base, link=mark.elements[0]))
            elif kind == "open":
                formats.append(mark.elements[0])
            elif kind == "close" and mark.kind == "link":
                if len(parent) > 1:
                    parent.pop()
                    link_base.pop()
            elif kind == "close" and formats:
                formats.pop()
        for child in list(self.p):
            if child.tag != w("pPr"):
                self.p.remove(child)
        starts = [m for m in self.markers if m.tag not in _ENDS]
        ends = [m for m in self.markers if m.tag in _ENDS]
        for el in [*starts, *new, *ends]:
            self.p.append(el)

    def _base_rpr(self, key: str, link: Any = None) -> Any:
        """A run formatting whose key is ``key`` (from the source runs), or None."""
        root = link if link is not None else self.p
        for run in root.iter(w("r")):
            rpr = run.find(w("rPr"))
            if _key(rpr) == key:
                return rpr
        return None


def _atom_label(elements: list[Any]) -> str:
    names = [child.tag.split("}")[-1] for el in elements for child in el if child.tag != w("rPr")]
    names = names or [el.tag.split("}")[-1] for el in elements]
    return "Word " + ", ".join(dict.fromkeys(names))


def _english_rpr(rpr: Any) -> Any:
    """A copied run formatting for English text: complex-script-only bold/italic/size carried over,
    ``rtl`` off, language en-US."""
    from lxml import etree

    for cs, plain in (("bCs", "b"), ("iCs", "i"), ("szCs", "sz")):
        el = rpr.find(w(cs))
        if el is not None and rpr.find(w(plain)) is None:
            new = etree.Element(w(plain))
            for name, value in el.attrib.items():
                new.set(name, value)
            el.addprevious(new)
    for el in rpr.findall(w("rtl")):
        rpr.remove(el)
    lang = rpr.find(w("lang"))
    if lang is not None:
        lang.set(w("val"), "en-US")
    return rpr


# What follows ``bidi`` in a paragraph's properties, and ``rtl`` in a run's (OOXML's order).
_PPR_AFTER_BIDI = (
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
    "cnfStyle", "rPr", "sectPr", "pPrChange",
)  # fmt: skip
_RPR_AFTER_RTL = ("cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")
_SECT_AFTER_BIDI = ("rtlGutter", "docGrid", "printerSettings", "sectPrChange")


def _ensure(parent: Any, tag: str, before: Sequence[str]) -> Any:
    """``parent``'s child ``tag``, inserted before the first of ``before`` when it is missing."""
    from lxml import etree

    found = parent.find(w(tag))
    if found is not None:
        return found
    el = etree.Element(w(tag))
    following = next((c for c in parent if c.tag in {w(n) for n in before}), None)
    if following is not None:
        following.addprevious(el)
    else:
        parent.append(el)
    return el


def _arabic_rpr(rpr: Any) -> Any:
    """A run formatting for Arabic text: right-to-left, complex-script language ar-SA, and bold,
    italic and size carried to their complex-script counterparts."""
    from lxml import etree

    if rpr is None:
        rpr = etree.Element(w("rPr"))
    for plain, cs in (("b", "bCs"), ("i", "iCs"), ("sz", "szCs")):
        el = rpr.find(w(plain))
        if el is not None and rpr.find(w(cs)) is None:
            new = etree.Element(w(cs))
            for name, value in el.attrib.items():
                new.set(name, value)
            el.addnext(new)
    _ensure(rpr, "rtl", _RPR_AFTER_RTL)
    _ensure(rpr, "lang", ("eastAsianLayout", "specVanish", "oMath")).set(w("bidi"), "ar-SA")
    return rpr


def _to_rtl(paragraph: Any) -> None:
    """A translated paragraph made right-to-left."""
    from lxml import etree

    ppr = paragraph.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        paragraph.insert(0, ppr)
    _ensure(ppr, "bidi", _PPR_AFTER_BIDI)


def _rtl_sections(root: Any) -> None:
    for sect in root.iter(w("sectPr")):
        _ensure(sect, "bidi", _SECT_AFTER_BIDI)


def _to_ltr(root: Any) -> None:
    """Right-to-left settings of paragraphs, runs, sections and tables switched off."""
    for tag in ("bidi", "rtl", "bidiVisual", "rtlGutter"):
        for el in list(root.iter(w(tag))):
            parent = el.getparent()
            if tag == "bidi" and parent is not None and parent.tag not in (w("pPr"), w("sectPr")):
                continue
            if parent is not None:
                parent.remove(el)


class DocxSource(Source):
    def __init__(self, data: bytes, path: str, unit: Unit, language: str = "ar") -> None:
        self.data = data
        self.path = path
        self.units = [unit]
        self.language = language

    def render(self, results: Sequence[TranslatedDocument]) -> bytes:
        result = results[0]
        document, paragraphs, marks, _pieces, _passed, _language = _load(self.data, self.path, self.language)
        if len(paragraphs) != len(result.paragraphs):
            raise TarjamaError(
                f"{self.path}: read {len(paragraphs)} paragraphs now, {len(result.paragraphs)} before"
            )
        target = result.direction.target
        for para, translated in zip(paragraphs, result.paragraphs, strict=True):
            para.write(translated.translation, marks, para.base, target)
            if target == "ar":
                _to_rtl(para.p)
        for root in _roots(document):
            if target == "ar":
                _rtl_sections(root)
            else:
                _to_ltr(root)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def _roots(document: Any) -> list[Any]:
    """The XML trees with text or layout: the body, headers and footers, styles, numbering."""
    roots = [document.element]
    for part in _header_footer_parts(document):
        roots.append(part.element)
    roots.append(document.styles.element)
    with contextlib.suppress(KeyError, NotImplementedError, AttributeError):
        roots.append(document.part.numbering_part.element)
    return roots


def _header_footer_parts(document: Any) -> list[Any]:
    parts = {rel.target_part.partname: rel.target_part for rel in document.part.rels.values()
             if rel.reltype in (HEADER, FOOTER) and not rel.is_external}  # fmt: skip
    return [parts[name] for name in sorted(parts)]


def _check_parts(data: bytes, path: str) -> None:
    """Refuse a package with a part that declares a DOCTYPE (module docstring)."""
    needles = [b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be")]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not info.filename.lower().endswith((".xml", ".rels")):
                    continue
                with archive.open(info) as part:
                    tail = b""
                    while block := part.read(1 << 20):
                        window = tail + block
                        if any(needle in window for needle in needles):
                            raise TarjamaError(
                                f"{path}: part {info.filename} declares a DOCTYPE, which Word never writes "
                                "(its entities would cut the text after them, or read other files); tarjama "
                                "refuses it: open the file in Word or LibreOffice and save it again as .docx"
                            )
                        tail = window[-24:]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as exc:
        raise TarjamaError(f"{path}: not a Word .docx file (a damaged archive: {exc}); save it from Word or "
                           "LibreOffice as .docx") from None


def _load(
    data: bytes, path: str, language: str | None = None
) -> tuple[Any, list[_Paragraph], list[_Mark], list[list[inline.Piece]], int, str]:
    """The document, its paragraphs to translate in ``language`` (None: the language of its
    text's script), their marks and pieces, how many were left as they are, and the language."""
    try:
        import docx
    except ImportError:
        raise TarjamaError(f"{path}: reading .docx needs python-docx; {INSTALL_HINT}") from None
    _check_parts(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a file that is not a Word document
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TarjamaError(
            f"{path}: not a Word .docx file ({first[:120]}); save it from Word or LibreOffice as .docx"
        ) from None
    trees = [(document.element.body, document.part)] + [
        (p.element, p) for p in _header_footer_parts(document)
    ]
    paragraphs: list[_Paragraph] = []
    marks: list[_Mark] = [_Mark("atom")]  # placeholders count from 1
    pieces: list[list[inline.Piece]] = []
    passed = 0
    found: list[_Paragraph] = []
    for tree, part in trees:
        links = {rid: rel.target_ref for rid, rel in part.rels.items() if rel.is_external}
        for p in tree.iter(w("p")):
            if any(a.tag == w("txbxContent") for a in p.iterancestors()):
                continue  # text boxes are not translated
            para = _Paragraph(p, links)
            if para.has_words():
                found.append(para)
    if language is None:
        text = " ".join(i.value for para in found for i in para.items if i.kind == "text")
        language = source_language(text)
    for para in found:
        if not para.has_source_words(language):
            passed += 1
            continue
        paragraphs.append(para)
    for para in paragraphs:
        para_pieces, para.base = para.tagged(marks)
        pieces.append(para_pieces)
    return document, paragraphs, marks, pieces, passed, language


class Docx(Format):
    name = "docx"
    description = "Word document: runs, links, tables, headers and footers; text direction follows the target"
    binary = True

    def read(self, path: Path, options: ReadOptions | None = None) -> DocxSource:
        languages = (options or ReadOptions()).languages
        language = languages[0] if languages else None
        data = read_input(path)
        check_archive(path, "a Word .docx file", "save it from Word or LibreOffice as .docx")
        _document, paragraphs, _marks, pieces, passed, language = _load(data, str(path), language)
        if not paragraphs:
            raise TarjamaError(f"{path}: no text to translate in this Word document"
                               + (f" ({passed} paragraphs without {language} words left as they are)"
                                  if passed else ""))
        unit = Unit(document_from_pieces(pieces, self.name, str(path), source=language, passed=passed))
        return DocxSource(data, str(path), unit, language)
