"""XLSX workbooks (openpyxl): one sheet, a header row, the Arabic column right to left.

Written: a sheet ``glossary`` with the header ``ar, en, kind, note, en_variants`` in bold,
frozen above the entries and with a filter; the ``ar`` column right-aligned with reading
order right-to-left, so Arabic displays as it is read. Every cell is a string cell, never a
formula; a cell that starts with ``=``, ``+``, ``-``, ``@`` also gets Excel's quote-prefix
style, so Excel and LibreOffice keep it as text even when someone edits it. The text itself
is unchanged, so TSV → XLSX → TSV is exact.

Read: the first sheet, with the header rule of ``table`` (other sheets are reported as
dropped), streamed row by row. Every row the sheet holds is read, whatever its
``<dimension>`` says (streaming writers leave a stale one; openpyxl's read-only mode would
stop there). Numbers and dates become text. A formula cell is refused with its address:
tarjama reads values only (paste the column as values first). The workbook is a ZIP archive,
checked against the archive limits of ``tarjama.text.textio`` (members, unpacked size,
expansion ratio) before openpyxl reads it, and openpyxl parses the XML inside with defusedxml
(a declared dependency).
"""

from __future__ import annotations

import datetime
import os
from collections import Counter

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import GlossaryEntry
from tarjama.glossary.files.base import Exported, GlossaryFormat, Imported
from tarjama.glossary.files.table import entry_rows, read_rows
from tarjama.text.interchange import formula_leading
from tarjama.text.textio import atomic_writer, check_archive, check_input

WIDTHS = {"ar": 40, "en": 36, "kind": 14, "note": 60, "en_variants": 40}


def _cell_text(cell: object, where: str) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if getattr(cell, "data_type", "") == "f":
        raise TarjamaError(f"{where}: cell {getattr(cell, 'coordinate', '?')} holds a formula ({value}); "
                           "tarjama reads values only: copy the column and paste it as values")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


class XlsxFormat(GlossaryFormat):
    name = "xlsx"
    label = "XLSX"
    suffixes = (".xlsx",)
    summary = "Excel workbook, header row, Arabic column right to left"

    def read(self, path: str | os.PathLike[str]) -> Imported:
        import openpyxl

        check_input(path)  # the input limit, and one clear line for a missing file
        check_archive(path, "an XLSX workbook", "save it from the spreadsheet as 'Excel Workbook (.xlsx)'")
        workbook = None
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
            if not workbook.worksheets:
                raise TarjamaError(f"{path}: the workbook has no sheet")
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # read every row, not only those a stale <dimension> names
            where = f"{path}: sheet {sheet.title!r}"
            rows = []
            for row in sheet.iter_rows():
                cells = [c for c in row if getattr(c, "row", None) is not None]
                number = cells[0].row if cells else (rows[-1][0] + 1 if rows else 1)
                rows.append((number, [_cell_text(c, where) for c in row]))
            extra = len(workbook.worksheets) - 1
        except TarjamaError:
            raise
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            raise TarjamaError(f"{path}: not a readable XLSX workbook ({type(exc).__name__}: {exc}); "
                               "save it again from the spreadsheet as 'Excel Workbook (.xlsx)'") from None
        finally:
            if workbook is not None:
                workbook.close()
        result = read_rows(rows, where, self.options.kind, what="row", arabic_codes=self.options.arabic_codes)
        if extra:
            result.dropped += Counter({"other sheets": extra})
        return result

    def write(self, entries: list[GlossaryEntry], path: str | os.PathLike[str]) -> Exported:
        import openpyxl
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter
        from openpyxl.utils.exceptions import IllegalCharacterError

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "glossary"
        rtl = Alignment(horizontal="right", readingOrder=2)
        rows = entry_rows(entries)
        header = rows[0]
        quoted = 0
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                try:
                    cell.value = text
                except IllegalCharacterError:
                    raise TarjamaError(f"entry {r - 1} ({row[1]!r}): column {header[c - 1]} holds a control "
                                       "character XLSX cannot store; remove it from the glossary") from None
                cell.data_type = "s"  # text, even when it starts with '='
                if formula_leading(text):
                    cell.quotePrefix = True
                    quoted += 1
                if header[c - 1] == "ar":
                    cell.alignment = rtl
                if r == 1:
                    cell.font = Font(bold=True)
        for c, column in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = WIDTHS.get(column, 20)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        workbook.properties.creator = "tarjama"
        with atomic_writer(path, "wb") as fh:
            workbook.save(fh)
        report = Exported(len(entries))
        if quoted:
            report.warnings.append(f"{quoted} cell(s) start with = + - @: stored as text with Excel's "
                                   "quote prefix")
        return report
