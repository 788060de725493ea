"""Glossary tables with a header row (CSV and XLSX): the header rule and rows ↔ entries.

The header names the glossary's columns (``ar``, ``en``, ``kind``, ``note``,
``en_variants``) in any order and case. A language code stands for its side (``ar-SA`` or
``arb`` for ``ar``, ``en-US`` for ``en``; see ``tarjama.text.interchange``), so a two-column sheet
from another tool is read as it is. ``ar`` and ``en`` are required; without ``kind`` every
entry gets the import's ``--kind`` (default ``concept``). Columns with other names are
dropped and counted. A cell may list several forms with ``|``, as in the TSV.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import COLUMNS, GlossaryEntry
from tarjama.glossary.files.base import Imported
from tarjama.text.interchange import ACCEPTED, language_side


def header_map(
    header: Sequence[str], where: str, arabic_codes: Sequence[str] = ()
) -> tuple[list[str | None], Counter[str]]:
    """For each header cell, the glossary column it is (or None), and the dropped columns."""
    columns: list[str | None] = []
    dropped: Counter[str] = Counter()
    for cell in header:
        name = cell.strip().lstrip("\ufeff").strip()
        column = name.lower() if name.lower() in COLUMNS else language_side(name, arabic_codes)
        if column is not None and column in columns:
            raise TarjamaError(f"{where}: the header names the column {column!r} twice ({name!r}); "
                               "keep one")
        if column is None and name:
            dropped[f"column {name!r}"] += 1
        columns.append(column)
    missing = [c for c in ("ar", "en") if c not in columns]
    if missing:
        found = ", ".join(repr(h.strip()) for h in header if h.strip()) or "nothing"
        raise TarjamaError(f"{where}: the header row has no {' and no '.join(missing)} column (it has "
                           f"{found}); name the columns {', '.join(COLUMNS)} or use language codes "
                           f"({ACCEPTED})")
    return columns, dropped


def read_rows(rows: Iterable[tuple[int, list[str]]], where: str, kind: str, what: str = "line",
              arabic_codes: Sequence[str] = ()) -> Imported:
    """Entries from numbered rows whose first non-blank row is the header."""
    columns: list[str | None] | None = None
    result = Imported([], unit=what)
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if columns is None:
            columns, result.dropped = header_map(cells, f"{where}:{number}" if what == "line"
                                                 else f"{where} {what} {number}", arabic_codes)
            continue
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            result.refuse(number, "columns", f"{len(cells)} cells but the header has {len(columns)}; "
                                             "remove the extra cells or name their column")
            continue
        values = {"kind": kind}
        for column, cell in zip(columns, cells, strict=False):
            if column is not None:
                values[column] = cell
        entry = result.collect(values, number)
        if entry is not None:
            result.entries.append(entry)
    if columns is None:
        raise TarjamaError(f"{where}: no header row and no entries; the file is empty")
    return result


def entry_rows(entries: list[GlossaryEntry]) -> list[list[str]]:
    """The header row and one row per entry, in the glossary's column order."""
    return [list(COLUMNS)] + [[e.values()[c] for c in COLUMNS] for e in entries]
