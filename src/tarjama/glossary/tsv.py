"""The glossary file: UTF-8 TSV parsed with line numbers and edited line by line.

The file is edited by hand and in spreadsheets::

    # comments and blank lines are kept wherever they are
    ar<TAB>en<TAB>kind<TAB>note<TAB>en_variants
    وكالة الفضاء الأوروبية<TAB>European Space Agency<TAB>organisation<TAB>full name<TAB>
    ESA | إيسا<TAB>ESA<TAB>organisation<TAB>acronym<TAB>Esa

``ar`` holds one or more source forms (Arabic or Latin script) separated by ``|``; store
Arabic forms as written in running text, with ال when the name carries it. ``en`` is the
canonical English; ``en_variants`` (optional column) lists English forms to rewrite to it.
Fields are split on tabs only — no quoting — so what you see in an editor is what is read.
A file is edited as a list of lines, each with its own line ending (LF or CR LF, even mixed),
so that comments, blank lines, order and endings survive byte for byte; a new row takes the
file's usual ending. A file with a fatal problem is refused with its line number and left as
it was.

Every read-modify-write goes through ``edit``: it holds an exclusive lock (``flock`` on the
glossary's folder) while it reads the file afresh, lets the caller change it, and writes it
back atomically, so two processes adding entries at once both land.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import (
    BIDI_RE,
    COLUMNS,
    HEADER,
    REQUIRED_COLUMNS,
    GlossaryEntry,
    Problem,
    entry_from_values,
)
from tarjama.text.textio import control_error, find_control, folder_lock, read_text, write_text_atomic


@dataclass
class Row:
    line: int  # 1-based line number in the file
    cells: list[str]


@dataclass
class GlossaryFile:
    """A glossary file held as its lines, so edits keep comments, blank lines and order."""

    path: Path
    lines: list[str]
    endings: list[str]  # the line ending after each line ("" after a last line without one)
    newline: str  # the ending a new line gets: CR LF when the file has any, else LF
    header_line: int
    columns: list[str]
    rows: list[Row]

    @classmethod
    def parse(cls, text: str, path: str | os.PathLike[str]) -> GlossaryFile:
        """Split ``text`` into lines and rows; raise TarjamaError for a missing or bad header."""
        newline = "\r\n" if "\r\n" in text else "\n"
        parts = re.split(r"(\r?\n)", text)
        lines, endings = parts[0::2], [*parts[1::2], ""]
        if len(lines) > 1 and lines[-1] == "":  # the text ends with a line ending
            lines.pop()
            endings.pop()
        header_line, columns, rows = 0, [], []
        offset = 0
        for number, (line, end) in enumerate(zip(lines, endings, strict=True), start=1):
            start, offset = offset, offset + len(line) + len(end)
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = line.split("\t")
            if not header_line:
                # Cells report their control characters by column; the header has no such place.
                if (i := find_control(line)) is not None:
                    raise control_error(str(path), text, start + i)
                header_line, columns = number, _parse_header(cells, path, number)
            else:
                rows.append(Row(number, cells))
        if not header_line:
            raise TarjamaError(f"{path}: no header line; the first line that is not a comment must be "
                               f"'{HEADER.replace(chr(9), '<TAB>')}'")
        return cls(Path(path), lines, endings, newline, header_line, columns, rows)

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> GlossaryFile:
        # Control characters are reported per cell, with the column, by entry validation.
        return cls.parse(read_text(path, allow_controls=True), path)

    @classmethod
    def new(cls, path: str | os.PathLike[str]) -> GlossaryFile:
        comment = "# tarjama glossary: Arabic source forms → canonical English (`tarjama glossary --help`)"
        lines = [comment, HEADER]
        return cls(Path(path), lines, ["\n", "\n"], "\n", 2, list(COLUMNS), [])

    def entries(self) -> tuple[list[GlossaryEntry], list[Problem]]:
        """All valid entries, and every problem found (fatal or not), in file order."""
        entries: list[GlossaryEntry] = []
        problems: list[Problem] = []
        n = len(self.columns)
        for row in self.rows:
            cells = row.cells
            if len(cells) > n:
                if any(c.strip() for c in cells[n:]):
                    problems.append(Problem(row.line, "columns", f"{len(cells)} tab-separated fields but the "
                                            f"header has {n}; remove the extra tab(s)", fatal=True))
                    continue
                problems.append(Problem(row.line, "stray-tab", "trailing tab(s) after the last column; "
                                        "delete them"))
            # Spreadsheets drop empty trailing cells, so missing ones are read as empty.
            values = {col: cells[i] if i < len(cells) else "" for i, col in enumerate(self.columns)}
            entry = entry_from_values(values, row.line, problems)
            if entry is not None:
                entries.append(entry)
        return entries, problems

    def render(self) -> str:
        return "".join(line + end for line, end in zip(self.lines, self.endings, strict=True))

    def save(self) -> None:
        write_text_atomic(self.path, self.render())

    def row_text(self, entry: GlossaryEntry) -> str:
        """``entry`` as a line of this file, after validating it like a row read from disk."""
        values = entry.values()
        if entry.en_variants and "en_variants" not in self.columns:
            # The optional column is added to the header; existing rows simply lack the cell.
            self.columns.append("en_variants")
            self.lines[self.header_line - 1] += "\ten_variants"
        problems: list[Problem] = []
        if entry_from_values(values, entry.line, problems) is None or problems:
            raise TarjamaError(f"{self.path}: cannot add {entry.en!r}: {problems[0].message}")
        row = "\t".join(values[col] for col in self.columns).rstrip("\t")
        if row.lstrip().startswith("#"):
            # Written as it is, the row would read back as a comment: the entry would vanish.
            raise TarjamaError(f"{self.path}: cannot add {entry.en!r}: its row would start with '#', which "
                               "marks a comment line in the glossary; put another source form first")
        return row

    def append(self, entry: GlossaryEntry) -> int:
        """Append ``entry`` as a new last row; return its line number."""
        row = self.row_text(entry)
        if self.endings and not self.endings[-1]:
            self.endings[-1] = self.newline
        self.lines.append(row)
        self.endings.append(self.newline)
        return len(self.lines)

    def replace(self, entry: GlossaryEntry) -> None:
        """Write ``entry`` over its own row (``entry.line``), e.g. with a variant added."""
        self.lines[entry.line - 1] = self.row_text(entry)

    def remove_lines(self, numbers: set[int]) -> None:
        pairs = enumerate(zip(self.lines, self.endings, strict=True), start=1)
        kept = [pair for i, pair in pairs if i not in numbers]
        self.lines, self.endings = [line for line, _ in kept], [end for _, end in kept]


def _parse_header(cells: list[str], path: str | os.PathLike[str], line: int) -> list[str]:
    columns = [BIDI_RE.sub("", c).strip() for c in cells]
    while columns and not columns[-1]:  # spreadsheets may leave empty trailing header cells
        columns.pop()
    for col in columns:
        if col not in COLUMNS:
            raise TarjamaError(f"{path}:{line}: unknown column {col!r} in the header; "
                               f"allowed columns are {', '.join(COLUMNS)}")
        if columns.count(col) > 1:
            raise TarjamaError(f"{path}:{line}: column {col!r} appears twice in the header; keep one")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise TarjamaError(f"{path}:{line}: header lacks column(s) {', '.join(missing)}; the header must be "
                           f"'{HEADER.replace(chr(9), '<TAB>')}' (en_variants optional)")
    return columns


# How long an edit waits for another process's edit of a glossary in the same folder.
LOCK_TIMEOUT = 60.0


def _folder_lock(path: Path) -> contextlib.AbstractContextManager[None]:
    folder = path.parent if str(path.parent) else Path(".")
    return folder_lock(path, timeout=LOCK_TIMEOUT, busy=(
        f"{path}: another process has been editing a glossary in {folder} for "
        f"{LOCK_TIMEOUT:.0f} s; try again when it has finished"))


@contextlib.contextmanager
def edit(
    path: str | os.PathLike[str], *, create: bool = False
) -> Iterator[tuple[GlossaryFile, list[GlossaryEntry]]]:
    """Lock ``path``, read it afresh, yield (file, entries), write it back if the caller changed it.

    ``create`` starts a new file when there is none. A file with a fatal problem is refused
    (its line named) and left as it was. Nothing is written when the body raises.
    """
    path = Path(path)
    with _folder_lock(path):
        if path.exists() or not create:
            gfile = GlossaryFile.read(path)
            entries, problems = gfile.entries()
            fatal = [p for p in problems if p.fatal]
            if fatal:
                raise TarjamaError(f"{path}:{fatal[0].line}: {fatal[0].message}; the file was not changed")
        else:
            gfile, entries = GlossaryFile.new(path), []
        before = gfile.render()
        yield gfile, entries
        if gfile.render() != before:
            gfile.save()
