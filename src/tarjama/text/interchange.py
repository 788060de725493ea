"""What every exchange format shares: language codes, safe XML, and spreadsheet cells.

Glossary formats (``tarjama.glossary.files``) and the translation memory's TMX
(``tarjama.memory.tmx``) read files made by other tools. Three rules hold for all of them, and each
lives here once:

* **Language codes** (``language_side``): ``ar``, ``ar-XX`` (any region or script subtag,
  ``-`` or ``_``), ``arb`` (ISO 639-3 Standard Arabic) and ``ara`` are Arabic; ``en``,
  ``en-XX`` and ``eng`` are English; case never matters (``is_language_code`` tells any
  tag-shaped code). ``pick_sides`` refuses a file with no Arabic or no English side with one
  line naming the languages it has.
* **Safe XML** (``parse_xml``): parsed with defusedxml over the standard library's expat.
  A DOCTYPE naming an external DTD is fine (TBX 2008 files carry one; it is never fetched),
  but any entity declaration — internal (billion laughs) or external (file or network
  reads) — and any parameter entity refuse the whole file; nothing is ever expanded or
  fetched. Malformed markup is one line with the line and column. ``xml_unsafe`` names a
  character XML 1.0 cannot carry (a control character), for writers to refuse or skip.
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
from collections.abc import Iterable
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as safe_et

from tarjama.errors import TarjamaError
from tarjama.text.textio import decode_utf8

# --- language codes ------------------------------------------------------------------------

ARABIC_CODES = ("ar", "arb", "ara")
ENGLISH_CODES = ("en", "eng")
_CODE_RE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
ACCEPTED = "ar, ar-XX or arb for Arabic; en or en-XX for English"


def language_side(code: str | None) -> str | None:
    """``"ar"`` or ``"en"`` for a language code tarjama accepts, else None."""
    match = _CODE_RE.match((code or "").strip())
    if not match:
        return None
    primary = match.group(1).lower()
    if primary in ARABIC_CODES:
        return "ar"
    if primary in ENGLISH_CODES:
        return "en"
    return None


def is_language_code(code: str | None) -> bool:
    """True for anything shaped like a language tag (``fr``, ``de-AT``, ``zh_Hant``)."""
    return bool(_CODE_RE.match((code or "").strip()))


def pick_sides(codes: Iterable[str | None], where: str) -> dict[str, str]:
    """The first Arabic and first English code among ``codes`` (``{"ar": …, "en": …}``).

    Raises one line naming every language found when either side is missing.
    """
    found: dict[str, str] = {}
    seen: list[str] = []
    for code in codes:
        shown = (code or "").strip() or "(none)"
        if shown not in seen:
            seen.append(shown)
        side = language_side(code)
        if side is not None:
            found.setdefault(side, (code or "").strip())
    missing = [name for side, name in (("ar", "Arabic"), ("en", "English")) if side not in found]
    if missing:
        raise TarjamaError(f"{where}: no {' and no '.join(missing)} side; the languages found are "
                           f"{', '.join(seen) or 'none'}; tarjama needs {ACCEPTED}")
    return found


# --- safe XML ------------------------------------------------------------------------------

_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def read_xml_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes; UTF-8 files are checked first so a bad byte is named precisely."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise TarjamaError(f"{path}: no such file; check the path") from None
    except OSError as exc:
        raise TarjamaError(f"{path}: cannot read ({exc.strerror or exc}); check its permissions") from None
    if not data.strip():
        raise TarjamaError(f"{path}: the file is empty; export it again")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    declared = _DECLARED.match(data)
    encoding = declared.group(1).lower().replace(b"_", b"-") if declared else b"utf-8"
    if not utf16 and encoding in (b"utf-8", b"utf8"):
        decode_utf8(data, path)  # raises with line and byte
    return data


def _line_of(data: bytes, needle: bytes) -> int:
    at = data.find(needle)
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 1


def parse_xml(data: bytes, path: str | os.PathLike[str]) -> Element:
    """Parse untrusted XML: entity declarations refused, nothing fetched; one-line errors."""
    try:
        return safe_et.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as exc:
        line = _line_of(data, b"<!ENTITY")
        kind = "external" if exc.sysid or exc.pubid else "internal"
        raise TarjamaError(
            f"{path}:{line}: declares the {kind} entity {exc.name!r}; tarjama refuses entity "
            "declarations (they can expand without bound or read other files); export the file "
            "again without an internal DTD subset"
        ) from None
    except defusedxml.ExternalReferenceForbidden as exc:
        raise TarjamaError(
            f"{path}: refers to the external resource {exc.sysid or exc.pubid!r}; tarjama never "
            "fetches anything while reading a file; export it again without it"
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise TarjamaError(f"{path}: refused unsafe XML ({exc}); export the file again") from None
    except ParseError as exc:
        line, col = exc.position
        message = str(exc).split(":")[0]
        raise TarjamaError(f"{path}:{line}: not well-formed XML at column {col + 1} ({message}); "
                           "fix the markup or export the file again") from None


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
