"""What every exchange format shares: language codes, safe XML, and spreadsheet cells.

Glossary formats (``tarjama.glossary.files``) and the translation memory's TMX
(``tarjama.memory.tmx``) read files made by other tools. Three rules hold for all of them, and each
lives here once:

* **Language codes** (``language_side``): Arabic is ``ar`` and ``ara``, ``arb`` (ISO 639-3
  Standard Arabic) and every other ISO 639-3 member of the Arabic macrolanguage that is
  written in Arabic script (``ARABIC_CODES``: ``arz`` Egyptian, ``ars`` Najdi, ``apc``
  Levantine, ``ary`` Moroccan, ``acm`` Iraqi, ``aeb`` Tunisian, ``afb`` Gulf…), each with any
  region or script subtag (``ar-SA``, ``ar_EG``, ``arz-EG``); English is ``en``, ``en-XX`` and
  ``eng``; case never matters (``is_language_code`` tells any tag-shaped code). Readers that
  take ``--arabic-codes`` add codes of their own (``language_side(code, extra_arabic)``).
  ``pick_sides`` refuses a file with no Arabic or no English side with one line naming the
  languages it has. ``direction_problem`` tells whether a file's source and target
  languages are the run's (``("ar", "en")`` today).
* **Safe XML** (``iter_xml``): read in blocks with defusedxml over the standard library's
  expat, each wanted element (a TMX ``tu``, a TBX concept) handed over with its line and let
  go, so memory stays flat on any file size and the input limit of ``tarjama.text.textio``
  holds. A DOCTYPE naming an external DTD is fine (TBX 2008 files carry one; it is never
  fetched), but any entity declaration — internal (billion laughs) or external (file or
  network reads) — and any parameter entity refuse the whole file; nothing is ever expanded
  or fetched. Malformed markup and bad UTF-8 are one line with the line and column.
  ``xml_unsafe`` names a character XML 1.0 cannot carry (a control character), for writers
  to refuse or skip.
* **Spreadsheet cells** (``formula_leading``, ``neutralise_cell``, ``restore_cell``): a cell
  that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
  formula by spreadsheet programs (CSV injection, OWASP). CSV exports prefix such a cell
  with an apostrophe, as OWASP recommends, and CSV imports remove it again, so the
  round trip is exact: ``neutralise_cell`` adds one ``'`` to any cell matching
  ``'*[=+\\-@\\t\\r]…`` and ``restore_cell`` removes one from any cell matching
  ``'+[=+\\-@\\t\\r]…``. XLSX needs no prefix: such a cell is written as a string cell with
  Excel's own quote-prefix style, which Excel and LibreOffice never evaluate, even after
  the cell is edited.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Iterator
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml
import defusedxml.ElementTree as safe_et

from tarjama.errors import TarjamaError
from tarjama.text.textio import input_blocks, utf8_error

# --- language codes ------------------------------------------------------------------------

# ar/ara, and the ISO 639-3 individual languages of the Arabic macrolanguage written in Arabic
# script (Juba Arabic, pga, is written in Latin script and left out).
ARABIC_CODES = (
    "ar", "ara", "arb", "aao", "abh", "abv", "acm", "acq", "acw", "acx", "acy", "adf", "aeb", "aec",
    "afb", "ajp", "apc", "apd", "arq", "ars", "ary", "arz", "auz", "avl", "ayh", "ayl", "ayn", "ayp",
    "shu", "ssh",
)  # fmt: skip
ENGLISH_CODES = ("en", "eng")
_CODE_RE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
ACCEPTED = ("ar, ar-XX or arb (or a regional Arabic code: arz, ars, apc, ary…) for Arabic; "
            "en or en-XX for English")
SIDE_NAMES = {"ar": "Arabic", "en": "English"}


def language_side(code: str | None, extra_arabic: Iterable[str] = ()) -> str | None:
    """``"ar"`` or ``"en"`` for a language code tarjama accepts, else None.

    ``extra_arabic``: more codes to read as Arabic (``--arabic-codes``), matched whole or by
    their primary subtag, case ignored.
    """
    text = (code or "").strip()
    extra = {c.strip().lower().replace("_", "-") for c in extra_arabic if c.strip()}
    if extra and text.lower().replace("_", "-") in extra:
        return "ar"
    match = _CODE_RE.match(text)
    if not match:
        return None
    primary = match.group(1).lower()
    if primary in ARABIC_CODES or primary in extra:
        return "ar"
    if primary in ENGLISH_CODES:
        return "en"
    return None


def direction_problem(source: str | None, target: str | None, pair: tuple[str, str] = ("ar", "en"),
                      extra_arabic: Iterable[str] = ()) -> str | None:
    """Why a file of ``source`` → ``target`` language cannot go through a run of ``pair``
    (``("ar", "en")``: Arabic to English), or None when it can. A missing target is fine (the
    run fills it in); a missing source is not."""
    want = " → ".join(SIDE_NAMES[side] for side in pair)
    shown = f"{source or '(no source language)'} → {target or '(no target language)'}"
    if not (source or "").strip():
        return f"the file does not say its source language; this run translates {want}"
    if language_side(source, extra_arabic) != pair[0] or (
        (target or "").strip() and language_side(target, extra_arabic) != pair[1]
    ):
        return f"the file is {shown}; this run translates {want}"
    return None


def is_language_code(code: str | None) -> bool:
    """True for anything shaped like a language tag (``fr``, ``de-AT``, ``zh_Hant``)."""
    return bool(_CODE_RE.match((code or "").strip()))


def pick_sides(codes: Iterable[str | None], where: str, extra_arabic: Iterable[str] = (),
               hint: str = "") -> dict[str, str]:
    """The first Arabic and first English code among ``codes`` (``{"ar": …, "en": …}``).

    Raises one line naming every language found when either side is missing.
    """
    found: dict[str, str] = {}
    seen: list[str] = []
    for code in codes:
        shown = (code or "").strip() or "(none)"
        if shown not in seen:
            seen.append(shown)
        side = language_side(code, extra_arabic)
        if side is not None:
            found.setdefault(side, (code or "").strip())
    missing = [name for side, name in (("ar", "Arabic"), ("en", "English")) if side not in found]
    if missing:
        raise TarjamaError(f"{where}: no {' and no '.join(missing)} side; the languages found are "
                           f"{', '.join(seen) or 'none'}; tarjama needs {ACCEPTED}{hint}")
    return found


# --- safe XML ------------------------------------------------------------------------------

_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class _Builder:
    """A TreeBuilder that notes each element's line and hands over finished ``wanted`` elements."""

    def __init__(self, wanted: Collection[str]) -> None:
        self.tree = TreeBuilder()
        self.wanted = set(wanted)
        self.lines: dict[Element, int] = {}
        self.stack: list[Element] = []
        self.events: list[tuple[str, Element, int]] = []
        self.parents: dict[Element, Element] = {}
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        el = self.tree.start(tag, attrs)
        line = self.expat.CurrentLineNumber if self.expat is not None else 0
        self.lines[el] = line
        if not self.stack:
            self.events.append(("root", el, line))
        self.stack.append(el)
        return el

    def end(self, tag: str) -> Element:
        el = self.tree.end(tag)
        self.stack.pop()
        if local_name(el.tag) in self.wanted:
            self.events.append(("element", el, self.lines.get(el, 0)))
            if self.stack:
                self.parents[el] = self.stack[-1]
        return el

    def data(self, data: str) -> None:
        self.tree.data(data)

    def comment(self, text: str) -> None:
        pass

    def pi(self, target: str, text: str) -> None:
        pass

    def close(self) -> Element:
        return self.tree.close()

    def release(self, el: Element) -> None:
        """Forget a handed-over element: it leaves its parent and its lines are dropped."""
        for node in el.iter():
            self.lines.pop(node, None)
        parent = self.parents.pop(el, None)
        if parent is not None:
            parent.remove(el)  # the earlier ones are gone already: it is near the front


class XmlStream:
    """Untrusted XML read in blocks (``iter_xml``), with the rules of the module docstring.

    ``lines`` gives the line of any element not yet released (``line_of``).
    """

    def __init__(self, path: str | os.PathLike[str], wanted: Collection[str], block: int = 1 << 20) -> None:
        self.path = path
        self.builder = _Builder(wanted)
        self.block = block

    def line_of(self, el: Element) -> int:
        return self.builder.lines.get(el, 0)

    def __iter__(self) -> Iterator[tuple[str, Element, int]]:
        """("root", root element, line) once its start tag is read (attributes, no children), then
        ("element", el, line) for each finished wanted element, which is released (removed from
        its parent, to keep memory bounded) when the caller asks for the next event."""
        import codecs

        builder = self.builder
        parser = safe_et.XMLParser(target=builder, forbid_dtd=False, forbid_entities=True,
                                   forbid_external=True)
        builder.expat = parser.parser
        decoder = None
        offset = lines = column = 0
        started = False
        seen_any = False
        for block in input_blocks(self.path, self.block):
            if not started:
                started = True
                utf16 = block.startswith((b"\xff\xfe", b"\xfe\xff"))
                declared = _DECLARED.match(block)
                encoding = declared.group(1).lower().replace(b"_", b"-") if declared else b"utf-8"
                if not utf16 and encoding in (b"utf-8", b"utf8"):
                    decoder = codecs.getincrementaldecoder("utf-8")()
            if block.strip():
                seen_any = True
            if decoder is not None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    raise utf8_error(self.path, block, exc.start, byte_base=offset, line_base=lines,
                                     column_base=column) from None
                newline = block.rfind(b"\n")
                column = len(block) - newline - 1 if newline >= 0 else column + len(block)
                lines += block.count(b"\n")
            offset += len(block)
            self._feed(parser, block)
            yield from self._drain()
        if not seen_any:
            raise TarjamaError(f"{self.path}: the file is empty; export it again")
        if decoder is not None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise TarjamaError(f"{self.path}: not valid UTF-8 at its end (a character cut short); "
                                   "export the file again") from None
        self._feed(parser, None)
        yield from self._drain()

    def _drain(self) -> Iterator[tuple[str, Element, int]]:
        events, self.builder.events = self.builder.events, []
        for kind, el, line in events:
            yield kind, el, line
            if kind == "element":
                self.builder.release(el)

    def _feed(self, parser: Any, block: bytes | None) -> None:
        try:
            if block is None:
                parser.close()
            else:
                parser.feed(block)
        except (defusedxml.DefusedXmlException, ParseError) as exc:
            raise _refusal(exc, self.path, parser.parser.CurrentLineNumber) from None


def _refusal(exc: Exception, path: str | os.PathLike[str], line: int) -> TarjamaError:
    """The one line for what defusedxml or expat refused (module docstring)."""
    if isinstance(exc, defusedxml.EntitiesForbidden):
        kind = "external" if exc.sysid or exc.pubid else "internal"
        return TarjamaError(
            f"{path}:{line}: declares the {kind} entity {exc.name!r}; tarjama refuses entity "
            "declarations (they can expand without bound or read other files); export the file "
            "again without an internal DTD subset"
        )
    if isinstance(exc, defusedxml.ExternalReferenceForbidden):
        return TarjamaError(
            f"{path}: refers to the external resource {exc.sysid or exc.pubid!r}; tarjama never "
            "fetches anything while reading a file; export it again without it"
        )
    if isinstance(exc, defusedxml.DefusedXmlException):
        return TarjamaError(f"{path}: refused unsafe XML ({exc}); export the file again")
    assert isinstance(exc, ParseError)
    line, col = exc.position
    message = str(exc).split(":")[0]
    return TarjamaError(f"{path}:{line}: not well-formed XML at column {col + 1} ({message}); "
                        "fix the markup or export the file again")


def iter_xml(path: str | os.PathLike[str], wanted: Collection[str], block: int = 1 << 20) -> XmlStream:
    """Read untrusted XML in blocks of ``block`` bytes: see ``XmlStream``. Memory stays bounded
    by a block and the largest wanted element (a TMX ``tu``, a TBX concept), whatever the
    file's size."""
    return XmlStream(path, wanted, block)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_unsafe(text: str) -> str | None:
    """``U+XXXX`` of the first character XML 1.0 cannot carry (a control character), or None."""
    found = _NOT_XML.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def local_name(tag: str) -> str:
    """An element's name without its namespace: ``{urn:…}termEntry`` → ``termEntry``."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# --- spreadsheet cells ---------------------------------------------------------------------

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_PREFIX = re.compile(r"^'*[=+\-@\t\r]")
_PREFIXED = re.compile(r"^'+[=+\-@\t\r]")


def formula_leading(cell: str) -> bool:
    """True when a spreadsheet would read ``cell`` as a formula."""
    return cell.startswith(FORMULA_TRIGGERS)


def neutralise_cell(cell: str) -> str:
    """``cell`` for a CSV file: an apostrophe before a formula-leading cell (see the module)."""
    return "'" + cell if _NEEDS_PREFIX.match(cell) else cell


def restore_cell(cell: str) -> str:
    """Undo ``neutralise_cell``: one apostrophe off a cell that starts ``'`` then a trigger."""
    return cell[1:] if _PREFIXED.match(cell) else cell
