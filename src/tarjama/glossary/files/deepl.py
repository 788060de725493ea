"""DeepL glossary entries: one ``source → target`` pair per line, no header.

``.tsv`` (the default): ``source<TAB>target``, no quoting. ``.csv``: ``source,target`` with
standard CSV quoting. This is also Google Cloud Translation's *unidirectional* glossary
(two columns, no header, ``.tsv`` or ``.csv``).

What the format holds: one English target per source phrase, nothing else. Export writes a
row for the canonical form and one for every ``|`` form of each entry; the kind, the note
and the English variants are left out (the command says how many). A source form with two
targets, a control character or a term over 1024 UTF-8 bytes (DeepL's limits) refuses the
export. Cells are written as they are — no apostrophe before ``=``, which DeepL would keep
as part of the term — and the command warns when a term would run as a formula in a
spreadsheet.

Import reads two columns; a DeepL export's extra columns ``source_lang,target_lang`` (and a
glossary generator's relevance) are accepted when they say Arabic → English, and a first
row ``source,target`` or ``ar,en`` is taken as a header. Rows with the same English become
one entry whose forms keep the file's order; entries get ``--kind`` (default ``concept``).
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from pathlib import Path

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import COLUMNS, GlossaryEntry
from tarjama.glossary.files.base import Exported, GlossaryFormat, Imported, group_by_target, one_target_rows
from tarjama.glossary.files.csvfile import csv_records
from tarjama.text.interchange import language_side
from tarjama.text.textio import read_text, write_text_atomic


def _records(path: str | os.PathLike[str]) -> list[tuple[int, list[str]]]:
    text = read_text(path)
    if Path(path).suffix.lower() == ".csv":
        return csv_records(text, path)
    return [(n, line.removesuffix("\r").split("\t")) for n, line in enumerate(text.split("\n"), start=1)]


def _is_header(cells: list[str]) -> bool:
    first = [c.strip().lower() for c in cells[:2]]
    return first == ["source", "target"] or (len(first) == 2 and None not in map(language_side, first))


class DeeplFormat(GlossaryFormat):
    name = "deepl"
    label = "DeepL"
    suffixes = (".tsv",)
    summary = "DeepL glossary (also Google's unidirectional): source<TAB>target, or source,target in .csv"

    def read(self, path: str | os.PathLike[str]) -> Imported:
        dropped: Counter[str] = Counter()
        pairs: list[tuple[int, str, str, str]] = []
        result = Imported([])
        header_done = False
        for line, cells in _records(path):
            if not any(c.strip() for c in cells):
                continue
            if not header_done and cells[0].lstrip().startswith("#") and len(cells) == 1:
                continue  # a comment line: tarjama's own TSV starts with them
            if not header_done:
                header_done = True
                names = {c.strip().lower() for c in cells}
                if {"kind", "note"} <= names or set(COLUMNS[:3]) <= names:
                    raise TarjamaError(f"{path}:{line}: this is a glossary with tarjama's columns, not a "
                                       "DeepL glossary; import it as CSV (--format csv) or copy its rows")
                if _is_header(cells):
                    self._check_direction(cells[0], cells[1], path, line)
                    continue
            if len(cells) < 2:
                result.refuse(line, "columns", "one field; a DeepL glossary row is source<TAB>target "
                                               "(source,target in a .csv)")
                continue
            if len(cells) >= 4 and (cells[2].strip() or cells[3].strip()):
                self._check_direction(cells[2], cells[3], path, line)
            if len(cells) > 4 and any(c.strip() for c in cells[4:]):
                dropped["column 5 and later (relevance)"] += 1
            pairs.append((line, cells[0], cells[1], ""))
        if not pairs and not result.problems:
            raise TarjamaError(f"{path}: no glossary rows; a DeepL glossary has one source<TAB>target "
                               "pair per line")
        result.entries = group_by_target(pairs, result, self.options.kind)
        result.dropped = +dropped
        return result

    @staticmethod
    def _check_direction(source: str, target: str, path: str | os.PathLike[str], line: int) -> None:
        sides = (language_side(source), language_side(target))
        if sides != ("ar", "en"):
            raise TarjamaError(f"{path}:{line}: the glossary goes {source.strip() or '?'} → "
                               f"{target.strip() or '?'}; tarjama needs Arabic → English "
                               "(ar, ar-XX or arb → en or en-XX)")

    def write(self, entries: list[GlossaryEntry], path: str | os.PathLike[str]) -> Exported:
        rows, report = one_target_rows(entries, "DeepL")
        report.left_out["note"] += sum(1 for e in entries if e.note)
        report.left_out = +report.left_out
        if Path(path).suffix.lower() == ".csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerows((source, target) for source, target, _ in rows)
            text = out.getvalue()
        else:
            text = "".join(f"{source}\t{target}\n" for source, target, _ in rows)
        write_text_atomic(path, text)
        return report
