"""Google Cloud Translation glossary, *equivalent term sets*: a CSV whose header names languages.

The header row holds language codes (``ar,en``), optionally ``pos`` and ``description``;
each further row is one set of equivalent terms. Export writes ``ar,en`` — and
``description`` with the note when any entry has one — and one row for the canonical form
and one for every ``|`` form of each entry (one English term per row). The kind and the
English variants are left out (the command says how many). Same refusals as DeepL (two
targets for one form, control characters, terms over 1024 UTF-8 bytes); no BOM, no
apostrophes (Google reads cells as they are).

Import: every Arabic column (``ar``, ``ar-EG``…) gives source forms, the first English
column the target, ``description`` the note; ``pos`` and other languages are dropped and
counted, and a row without both an Arabic and an English term is skipped and counted. Rows
with the same English and description become one entry; entries get ``--kind``.
Google's *unidirectional* glossary (two columns, no header) is the ``deepl`` format.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import GlossaryEntry
from tarjama.glossary.files.base import Exported, GlossaryFormat, Imported, group_by_target, one_target_rows
from tarjama.glossary.files.csvfile import csv_records
from tarjama.text.interchange import language_side, pick_sides
from tarjama.text.textio import read_text, write_text_atomic


class GoogleFormat(GlossaryFormat):
    name = "google"
    label = "Google equivalent term sets"
    suffixes = ()
    summary = "Google Cloud Translation equivalent term sets: CSV with a language-code header (ar,en)"

    def read(self, path: str | os.PathLike[str]) -> Imported:
        records = [(n, c) for n, c in csv_records(read_text(path), path) if any(x.strip() for x in c)]
        if not records:
            raise TarjamaError(f"{path}: the file is empty; a Google glossary starts with a header row "
                               "such as ar,en")
        line, header = records[0]
        names = [h.strip().lstrip("\ufeff").strip() for h in header]
        arabic = self.options.arabic_codes
        sides = [language_side(n, arabic) for n in names]
        languages = [n for n in names if n.lower() not in ("pos", "description")]
        pick_sides(languages, f"{path}:{line} (header row)", arabic,
                   "" if arabic else "; name more Arabic codes with --arabic-codes")
        ar_cols = [i for i, s in enumerate(sides) if s == "ar"]
        en_col = sides.index("en")
        lowered = [n.lower() for n in names]
        note_col = lowered.index("description") if "description" in lowered else None
        dropped: Counter[str] = Counter()
        skipped: Counter[str] = Counter()
        pairs: list[tuple[int, str, str, str]] = []
        result = Imported([])
        for number, cells in records[1:]:
            def cell(i: int | None, cells: list[str] = cells) -> str:
                return cells[i] if i is not None and i < len(cells) else ""
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
                result.refuse(number, "columns", f"{len(cells)} cells but the header has {len(names)}")
                continue
            forms = [cell(i) for i in ar_cols if cell(i).strip()]
            if not forms or not cell(en_col).strip():
                skipped["row without both an Arabic and an English term"] += 1
                continue
            for i, name in enumerate(names):
                if i not in ar_cols and i not in (en_col, note_col) and cell(i).strip():
                    dropped[f"column {name!r}"] += 1
            pairs += [(number, form, cell(en_col), cell(note_col)) for form in forms]
        result.entries = group_by_target(pairs, result, self.options.kind)
        result.dropped, result.skipped = +dropped, +skipped
        return result

    def write(self, entries: list[GlossaryEntry], path: str | os.PathLike[str]) -> Exported:
        rows, report = one_target_rows(entries, "Google Cloud Translation")
        with_notes = any(e.note for e in entries)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["ar", "en", "description"] if with_notes else ["ar", "en"])
        writer.writerows([s, t, n] if with_notes else [s, t] for s, t, n in rows)
        write_text_atomic(path, out.getvalue())
        return report
