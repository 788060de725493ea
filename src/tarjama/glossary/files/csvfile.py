"""CSV for spreadsheets: the glossary's columns, standard quoting, formula cells neutralised.

Written with a UTF-8 byte-order mark (Excel otherwise misreads Arabic), CRLF line ends and
the header ``ar,en,kind,note,en_variants``. A cell that a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@``, tab or CR first) gets an apostrophe in front, as OWASP
recommends against CSV injection; reading removes it again (``tarjama.text.interchange``), so
TSV → CSV → TSV is exact. Read with the header rule of ``table`` (language-code headers,
optional kind, other columns dropped). A quote opened and never closed is named as such,
with the line where the quoted field starts.
"""

from __future__ import annotations

import csv
import io
import os

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import GlossaryEntry
from tarjama.glossary.files.base import Exported, GlossaryFormat, Imported
from tarjama.glossary.files.table import entry_rows, read_rows
from tarjama.text.interchange import neutralise_cell, restore_cell
from tarjama.text.textio import read_text, write_text_atomic


def csv_records(text: str, path: str | os.PathLike[str], delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """(first line, cells) of every record; an unclosed quote or bad quoting is one clear line."""
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    records = []
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "unexpected end of data" in str(exc) or "EOF" in str(exc):
                raise TarjamaError(
                    f"{path}:{start}: a quoted field starts on this line and its closing quote (\") never "
                    "comes; close the quote, or double a quote that belongs to the text (\"\")"
                ) from None
            raise TarjamaError(f"{path}:{reader.line_num}: malformed CSV ({exc}); a field that holds a "
                               "quote must be quoted as a whole, with the quote doubled (\"\")") from None
        if any("\n" in c or "\r" in c for c in cells) and reader.line_num > start:
            raise TarjamaError(f"{path}:{start}: a quoted field runs from line {start} to line "
                               f"{reader.line_num}; a glossary cell holds one line: check for a "
                               "missing closing quote (\") or remove the line break")
        records.append((start, cells))
        start = reader.line_num + 1
    return records


class CsvFormat(GlossaryFormat):
    name = "csv"
    label = "CSV"
    suffixes = (".csv",)
    summary = "CSV with the glossary's columns (spreadsheets)"

    def read(self, path: str | os.PathLike[str]) -> Imported:
        records = csv_records(read_text(path), path)
        rows = [(line, [restore_cell(c) for c in cells]) for line, cells in records]
        return read_rows(rows, str(path), self.options.kind, arabic_codes=self.options.arabic_codes)

    def write(self, entries: list[GlossaryEntry], path: str | os.PathLike[str]) -> Exported:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        neutralised = 0
        for row in entry_rows(entries):
            cells = [neutralise_cell(c) for c in row]
            neutralised += sum(a != b for a, b in zip(cells, row, strict=True))
            writer.writerow(cells)
        write_text_atomic(path, "\ufeff" + out.getvalue())
        warnings = [f"{neutralised} cell(s) start with = + - @: written with a leading apostrophe so that "
                    "spreadsheets show them as text (tarjama's import removes it)"] if neutralised else []
        return Exported(len(entries), warnings=warnings)
