"""The contract of a glossary exchange format, and what an import or export reports.

A format is one class with a ``name``, the file ``suffixes`` it owns, a ``read`` that returns
validated ``GlossaryEntry`` objects and a ``write`` that writes entries atomically. Both
return a report of what the other side could not carry, so the command can say it:

* ``Imported.dropped`` — what the file had that the glossary has no place for, counted per
  element or column (``langSet[fr]``, ``transacGrp``, ``column status``…);
* ``Imported.into_note`` — what was kept in the ``note`` column because the glossary has no
  column of its own for it (a TBX definition, a subject field);
* ``Exported.left_out`` — what the format cannot hold (a DeepL glossary has no notes).

Every record is validated by ``entry_from_values`` (``tarjama.glossary.entry``), the same
rule as a TSV row. A reader does not stop at a bad record: every record's problem goes into
``Imported.problems`` with the record's real line in the file (a row number in a workbook),
so one run reports them all (``tarjama glossary import --report``); what validation cleaned
(bidi controls, stray spaces) goes into ``Imported.notices``. Problems of the whole file (not
XML, no header, no Arabic side) are still one ``TarjamaError``.
"""

from __future__ import annotations

import abc
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import KINDS, GlossaryEntry, Problem, entry_from_values
from tarjama.text.interchange import formula_leading


@dataclass(frozen=True)
class Options:
    """Settings a command passes to a format."""

    tbx_version: int = 3        # TBX written: 2 (TBX-Basic 2008, <martif>) or 3 (TBX 2019, <tbx>)
    kind: str = "concept"       # kind of imported entries whose file does not give one
    arabic_codes: tuple[str, ...] = ()  # language codes read as Arabic besides the default set


@dataclass
class Imported:
    entries: list[GlossaryEntry]
    dropped: Counter[str] = field(default_factory=Counter)
    into_note: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)  # records not imported, and why
    problems: list[Problem] = field(default_factory=list)  # records refused, with their lines
    notices: list[Problem] = field(default_factory=list)  # what validation cleaned, with lines
    unit: str = "line"  # what Problem.line counts: "line" of the file, or "row" of a sheet

    def place(self, path: str | os.PathLike[str], line: int) -> str:
        """``path:12`` for a line of the file, ``path: row 12`` for a sheet's row."""
        return f"{path}:{line}" if self.unit == "line" else f"{path}: {self.unit} {line}"

    def collect(self, values: dict[str, str], line: int) -> GlossaryEntry | None:
        """The entry for one record's cells, validated like a TSV row; a refused record's problems
        go into ``problems`` (one line for the record), cleaned ones into ``notices``."""
        found: list[Problem] = []
        entry = entry_from_values(values, line, found)
        fatal = [p for p in found if p.fatal]
        if entry is None or fatal:
            self.problems.append(Problem(line, (fatal or found)[0].code,
                                         "; ".join(p.message for p in fatal or found), True))
            return None
        self.notices += found
        return entry

    def refuse(self, line: int, code: str, message: str) -> None:
        """A record that cannot be read at all (too many cells, one field…)."""
        self.problems.append(Problem(line, code, message, True))


@dataclass
class Exported:
    records: int                     # rows, concepts or entries written
    left_out: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


class GlossaryFormat(abc.ABC):
    """One exchange format (see the package docstring for the list)."""

    name: ClassVar[str]
    label: ClassVar[str]  # how messages name it
    suffixes: ClassVar[tuple[str, ...]]
    summary: ClassVar[str]

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        if self.options.kind not in KINDS:
            raise TarjamaError(f"unknown kind {self.options.kind!r}; use one of {', '.join(KINDS)}")

    @abc.abstractmethod
    def read(self, path: str | os.PathLike[str]) -> Imported: ...

    @abc.abstractmethod
    def write(self, entries: list[GlossaryEntry], path: str | os.PathLike[str]) -> Exported: ...


def describe_counts(counts: Counter[str]) -> str:
    """``Counter({"a": 2, "b": 1})`` → ``a ×2, b ×1`` (most frequent first)."""
    return ", ".join(f"{name} ×{n}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def group_by_target(
    pairs: list[tuple[int, str, str, str]], result: Imported, kind: str
) -> list[GlossaryEntry]:
    """Entries from (line, source form, English, note) rows: one entry per English and note.

    The MT-service formats hold one source form per row; rows with the same English (and the
    same note) become one entry whose forms keep the file's order. A source form given a
    second, different English stays a row of its own (an entry at its line), so the import
    reports it as a conflict like any other (``tarjama glossary import``).
    """
    first_target: dict[str, str] = {}
    groups: dict[tuple[str, str], GlossaryEntry] = {}
    out: list[GlossaryEntry] = []
    for line, form, en, note in pairs:
        row = result.collect({"ar": form, "en": en, "kind": kind, "note": note}, line)
        if row is None:
            continue
        for each in row.ar_forms:
            seen = first_target.get(each)
            if seen is not None and seen != row.en:
                out.append(GlossaryEntry([each], row.en, kind, row.note, line=line))
                continue
            if seen is not None:
                continue  # the same pair twice
            first_target[each] = row.en
            key = (row.en, row.note)
            if key not in groups:
                groups[key] = GlossaryEntry([], row.en, kind, row.note, line=line)
                out.append(groups[key])
            groups[key].ar_forms.append(each)
    return out


# C0 and C1 control characters and Unicode line breaks: MT services refuse them in glossary entries.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_TERM_BYTES = 1024  # DeepL's limit per source or target entry (UTF-8 bytes)


def one_target_rows(
    entries: list[GlossaryEntry], service: str
) -> tuple[list[tuple[str, str, str]], Exported]:
    """(source form, English, note) rows for an MT service: every source form of every entry.

    The canonical form and every ``|`` form become rows of their own. A form repeated with the
    same English is written once; a form with two English targets, a control character or a
    term over ``MAX_TERM_BYTES`` refuses the export with the entry's line. The report counts
    what the service cannot hold (kinds, English variants; notes unless the caller keeps them).
    """
    rows: list[tuple[str, str, str]] = []
    seen: dict[str, GlossaryEntry] = {}
    report = Exported(0)
    for e in entries:
        for text in (e.en, *e.ar_forms):
            bad = _CONTROL.search(text)
            if bad:
                raise TarjamaError(f"entry on line {e.line} ({e.en!r}): {text!r} holds the control character "
                                   f"U+{ord(bad.group()):04X}, which {service} refuses; remove it")
            if len(text.encode("utf-8")) > MAX_TERM_BYTES:
                raise TarjamaError(f"entry on line {e.line} ({e.en!r}): {text[:40]!r}… is over "
                                   f"{MAX_TERM_BYTES} UTF-8 bytes, {service}'s limit for one term; "
                                   "shorten it")
        for form in e.ar_forms:
            other = seen.get(form)
            if other is not None and other.en != e.en:
                raise TarjamaError(f"source form {form!r} → {e.en!r} on line {e.line} but → {other.en!r} "
                                   f"on line {other.line}; {service} takes one target per source: fix the "
                                   "glossary (`tarjama glossary lint` reports it as a conflict)")
            if other is not None:
                report.left_out["repeated source form"] += 1
                continue
            seen[form] = e
            rows.append((form, e.en, e.note))
        report.left_out["kind"] += 1
        report.left_out["en_variants"] += len(e.en_variants)
    report.records = len(rows)
    report.left_out = +report.left_out
    formulas = sum(1 for row in rows for cell in row[:2] if formula_leading(cell))
    if formulas:
        report.warnings.append(f"{formulas} term(s) start with = + - @; {service} reads them as they are, "
                               "but a spreadsheet opening this file would run them as formulas")
    return rows, report
