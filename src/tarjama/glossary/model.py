"""The glossary file: records, parsing with line numbers, and line-preserving edits.

The file is UTF-8 TSV, edited by hand and in spreadsheets::

    # comments and blank lines are kept wherever they are
    ar<TAB>en<TAB>kind<TAB>note<TAB>en_variants
    وكالة الفضاء الأوروبية<TAB>European Space Agency<TAB>organisation<TAB>full name<TAB>
    ESA | إيسا<TAB>ESA<TAB>organisation<TAB>acronym<TAB>Esa

``ar`` holds one or more source forms (Arabic or Latin script) separated by ``|``; store
Arabic forms as written in running text, with ال when the name carries it. ``en`` is the
canonical English; ``en_variants`` (optional column) lists English forms to rewrite to it.
Fields are split on tabs only — no quoting — so what you see in an editor is what is read.

Problems are collected per row. *Fatal* ones (wrong field count, empty ar/en/kind, an
unknown kind) make ``Glossary.load`` fail with the line number; the others (stray spaces,
bidi controls, trailing tabs) are cleaned on load and reported by ``tarjama glossary lint``.
A file is edited as a list of lines so that comments, blank lines and order survive.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tarjama.errors import TarjamaError
from tarjama.glossary.normalize import BIDI_CONTROLS, normalize
from tarjama.textio import read_text, write_text_atomic

KINDS = ("organisation", "person", "mission", "programme", "place", "body", "concept")
COLUMNS = ("ar", "en", "kind", "note", "en_variants")
REQUIRED_COLUMNS = ("ar", "en", "kind", "note")
FORM_SEP = " | "
HEADER = "\t".join(COLUMNS)
DEFAULT_PATH = Path("references/glossary.tsv")

if TYPE_CHECKING:
    from tarjama.glossary.matcher import Matcher, TermMatch

_BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")


@dataclass
class GlossaryEntry:
    """One row: the source forms that mean one thing, and its canonical English."""

    ar_forms: list[str]
    en: str
    kind: str
    note: str = ""
    en_variants: list[str] = field(default_factory=list)
    # Where the entry came from (file line, CSV line or TBX entry number); not content.
    line: int = field(default=0, compare=False)

    def values(self) -> dict[str, str]:
        """The entry as column → cell text."""
        return {
            "ar": FORM_SEP.join(self.ar_forms),
            "en": self.en,
            "kind": self.kind,
            "note": self.note,
            "en_variants": FORM_SEP.join(self.en_variants),
        }


@dataclass(frozen=True)
class Problem:
    line: int
    code: str
    message: str
    fatal: bool = False


def _split_list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|")] if cell else []


def entry_from_values(values: dict[str, str], line: int, problems: list[Problem]) -> GlossaryEntry | None:
    """Validate one record's cells; append problems; return the cleaned entry or None if fatal."""
    clean: dict[str, str] = {}
    fatal = False
    for col in COLUMNS:
        raw = values.get(col, "")
        bidi = _BIDI_RE.findall(raw)
        if bidi:
            names = ", ".join(sorted({f"U+{ord(c):04X}" for c in bidi}))
            problems.append(Problem(line, "bidi", f"column {col} contains bidi control character(s) {names}; "
                                    "delete them (they are invisible and travel into every copy)"))
            raw = _BIDI_RE.sub("", raw)
        if "\t" in raw or "\n" in raw or "\r" in raw:
            problems.append(Problem(line, "columns", f"column {col} contains a tab or line break; "
                                    "remove it (fields are tab-separated, one row per line)", fatal=True))
            fatal = True
        if raw != raw.strip() or "  " in raw or "\u00a0" in raw:
            problems.append(Problem(line, "space", f"column {col} has stray spaces ({raw!r}); "
                                    "remove leading/trailing, doubled and no-break spaces"))
        clean[col] = " ".join(raw.split())
    for col in ("ar", "en", "kind"):
        if not clean[col]:
            problems.append(Problem(line, "empty", f"column {col} is empty; fill it in or delete the row",
                                    fatal=True))
            fatal = True
    forms, variants = _split_list(clean["ar"]), _split_list(clean["en_variants"])
    for col, items in (("ar", forms), ("en_variants", variants)):
        if "" in items:
            problems.append(Problem(line, "empty", f"column {col} has an empty item between '|' separators; "
                                    "remove the extra '|'", fatal=True))
            fatal = True
    for form in forms:
        if form and not normalize(form):
            problems.append(Problem(line, "empty", f"source form {form!r} has no letters once diacritics and "
                                    "tatweel are removed; give the word itself", fatal=True))
            fatal = True
    if clean["kind"] and clean["kind"] not in KINDS:
        problems.append(Problem(line, "kind", f"unknown kind {clean['kind']!r}; "
                                f"use one of {', '.join(KINDS)}", fatal=True))
        fatal = True
    if "|" in clean["en"]:
        problems.append(Problem(line, "columns", "column en holds one canonical English form, not a "
                                "'|' list; put other spellings in en_variants", fatal=True))
        fatal = True
    if fatal:
        return None
    return GlossaryEntry(forms, clean["en"], clean["kind"], clean["note"], variants, line=line)


@dataclass
class Row:
    line: int  # 1-based line number in the file
    cells: list[str]


@dataclass
class GlossaryFile:
    """A glossary file held as its lines, so edits keep comments, blank lines and order."""

    path: Path
    lines: list[str]
    newline: str
    final_newline: bool
    header_line: int
    columns: list[str]
    rows: list[Row]

    @classmethod
    def parse(cls, text: str, path: str | os.PathLike[str]) -> GlossaryFile:
        """Split ``text`` into lines and rows; raise TarjamaError for a missing or bad header."""
        newline = "\r\n" if "\r\n" in text else "\n"
        final_newline = text.endswith("\n")
        lines = re.split(r"\r?\n", text[:-1] if final_newline else text)
        if final_newline and text.endswith("\r\n"):
            lines[-1] = lines[-1].removesuffix("\r")
        header_line, columns, rows = 0, [], []
        for number, line in enumerate(lines, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = line.split("\t")
            if not header_line:
                header_line, columns = number, _parse_header(cells, path, number)
            else:
                rows.append(Row(number, cells))
        if not header_line:
            raise TarjamaError(f"{path}: no header line; the first line that is not a comment must be "
                               f"'{HEADER.replace(chr(9), '<TAB>')}'")
        return cls(Path(path), lines, newline, final_newline, header_line, columns, rows)

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> GlossaryFile:
        return cls.parse(read_text(path), path)

    @classmethod
    def new(cls, path: str | os.PathLike[str]) -> GlossaryFile:
        comment = "# tarjama glossary: Arabic source forms → canonical English (`tarjama glossary --help`)"
        lines = [comment, HEADER]
        return cls(Path(path), lines, "\n", True, 2, list(COLUMNS), [])

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
        return self.newline.join(self.lines) + (self.newline if self.final_newline else "")

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
        return "\t".join(values[col] for col in self.columns).rstrip("\t")

    def append(self, entry: GlossaryEntry) -> int:
        """Append ``entry`` as a new last row; return its line number."""
        self.lines.append(self.row_text(entry))
        self.final_newline = True
        return len(self.lines)

    def remove_lines(self, numbers: set[int]) -> None:
        self.lines = [line for i, line in enumerate(self.lines, start=1) if i not in numbers]


def _parse_header(cells: list[str], path: str | os.PathLike[str], line: int) -> list[str]:
    columns = [_BIDI_RE.sub("", c).strip() for c in cells]
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


class Glossary:
    """A loaded glossary: entries in file order, a content digest, and source-side matching."""

    def __init__(self, entries: list[GlossaryEntry], path: str | os.PathLike[str] | None = None) -> None:
        self.entries = list(entries)
        self.path = Path(path) if path is not None else None
        self._matcher: Matcher | None = None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Glossary:
        """Read and validate a glossary file; the first fatal problem raises with its line."""
        gfile = GlossaryFile.read(path)
        entries, problems = gfile.entries()
        for p in problems:
            if p.fatal:
                raise TarjamaError(f"{path}:{p.line}: {p.message} (`tarjama glossary lint` lists them all)")
        return cls(entries, path)

    def digest(self) -> str:
        """SHA-256 of the entries' content (not comments, layout or line numbers), in order.

        Order is part of the content: when two entries share a form, the first one wins.
        """
        payload = [["tarjama-glossary", 1]] + [
            [e.ar_forms, e.en, e.kind, e.note, e.en_variants] for e in self.entries
        ]
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    def match(self, text: str) -> list[TermMatch]:
        """Non-overlapping term occurrences in ``text``, sorted by position (see ``matcher``)."""
        if self._matcher is None:
            from tarjama.glossary.matcher import Matcher

            self._matcher = Matcher(self.entries)
        return self._matcher.match(text)

    def __len__(self) -> int:
        return len(self.entries)
