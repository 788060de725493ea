"""TSV (``.tsv``): a header row and tab-separated rows; one column (``--column``) is translated.

Each cell of the column is a plain-text document; the header, the other columns and blank
lines are written back unchanged. A translation never breaks the table: tabs and line
breaks in it become spaces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tarjama.document.model import parse_text
from tarjama.errors import TarjamaError
from tarjama.formats.base import Format, ReadOptions, TextSource, Unit
from tarjama.text.textio import numbered_lines, read_text


@dataclass
class TsvSource(TextSource):
    header: str
    rows: list[list[str] | None]  # None: a blank line, kept as it was
    column: int
    units: list[Unit]

    def render_texts(self, texts: Sequence[str]) -> str:
        out = [self.header]
        translations = iter(texts)
        for row in self.rows:
            if row is None:
                out.append("")
                continue
            cells = list(row)
            # A tab or line break inside a cell would shift columns or split the row.
            cells[self.column] = " ".join(next(translations).split())
            out.append("\t".join(cells))
        return "\n".join(out) + "\n"


class Tsv(Format):
    name = "tsv"
    description = "tab-separated table: one column (--column, default text)"
    single = False

    def read(self, path: Path, options: ReadOptions | None = None) -> TsvSource:
        # Rows end at line feeds only: U+2028 or a form feed inside a cell is not a row break.
        lines = [line for _n, line in numbered_lines(read_text(path))]
        if lines and lines[-1] == "":
            lines.pop()
        column = (options or ReadOptions()).column
        header = lines[0]
        names = header.split("\t")
        if column not in names:
            raise TarjamaError(
                f"{path}:1: no column {column!r} in the header (columns: {', '.join(names)}); "
                "name the column to translate with --column"
            )
        index = names.index(column)
        rows: list[list[str] | None] = []
        units: list[Unit] = []
        for number, line in enumerate(lines[1:], start=2):
            if not line.strip():
                rows.append(None)
                continue
            cells = line.split("\t")
            if len(cells) != len(names):
                raise TarjamaError(
                    f"{path}:{number}: {len(cells)} tab-separated cells, the header has {len(names)}; "
                    "fix the row (tabs inside a cell are not allowed)"
                )
            rows.append(cells)
            units.append(Unit(parse_text(cells[index], "txt", path=f"{path}:{number}"), number))
        return TsvSource(header=header, rows=rows, column=index, units=units)
