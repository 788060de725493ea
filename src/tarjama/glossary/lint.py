"""Auditing a glossary file: every problem, one finding per line, with file:line.

Findings (code — meaning):

* ``columns``, ``empty``, ``kind``, ``control`` — a row that ``Glossary.load`` rejects: wrong
  number of fields, an empty ar/en/kind or an empty item between ``|``, an unknown kind, a
  control character (NUL, ESC, …) in a cell;
* ``stray-tab``, ``space``, ``bidi`` — trailing tabs; leading, trailing, doubled or no-break
  spaces; invisible bidi controls (U+200E/F, U+202A–E, U+2066–9). Load cleans these, but
  they make the file lie about its content, so they are reported;
* ``duplicate`` — a row repeating an earlier row (same forms, English and kind), or a form
  listed twice for the same English;
* ``conflict`` — one source form with two different English targets;
* ``normalised-equal`` — two different spellings that are the same form once normalised
  (diacritics, hamza on alef, ة/ه…): the later one can never match on its own;
* ``shadowed`` — a form of entry X that the matcher finds *inside* a longer form of entry Y,
  where Y's English does not contain X's. Longest match wins, so inside that phrase X is
  never matched nor enforced and Y's English is expected instead; if that was not meant,
  the two targets disagree. ("Apophis" inside "Rapid Apophis Mission for Space Safety" is
  fine: the longer English contains "Apophis".)
* ``variant-conflict`` — one English variant rewritten to two canonical forms, or a variant
  equal to another entry's canonical form.
* ``unverifiable`` — an Arabic form that an English→Arabic translation could write correctly
  and still not be found by the Arabic-aware check (``tarjama.text.terms.ArabicTerm``): a form
  written with a proclitic and the article (``والمريخ``, ``للقمر``: the check wants the word,
  and adds clitics itself) or ending in an attached pronoun (``شراكتهما``: the form only ever
  appears with that pronoun, and no other inflection of it counts). List the bare word.
* ``reverse-conflict`` — one English form (canonical or variant) of two entries with different
  Arabic: an English→Arabic run matches the first entry only.
* ``formula`` — a cell that starts with ``=``, ``+``, ``-`` or ``@``: a spreadsheet opening the
  file runs it as a formula (CSV injection). The TSV is kept as written and tarjama's CSV and
  XLSX exports neutralise such cells (``tarjama.text.interchange``), but the file itself is often
  opened in a spreadsheet, so the cell is reported; reword it (e.g. "minus …") if you can.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import GlossaryEntry
from tarjama.glossary.matcher import Matcher
from tarjama.glossary.tsv import GlossaryFile
from tarjama.text.arabic import (
    ARTICLE,
    ARTICLE_PREFIXES,
    MIN_STEM,
    PRONOUN_SUFFIXES,
    is_arabic_letter,
    normalize,
    strip_clitics,
)
from tarjama.text.interchange import formula_leading
from tarjama.text.terms import contains


@dataclass(frozen=True)
class LintFinding:
    path: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code}: {self.message}"


def lint_file(path: str | os.PathLike[str]) -> list[LintFinding]:
    """All findings for the glossary at ``path`` (a bad header raises TarjamaError instead)."""
    gfile = GlossaryFile.read(path)
    entries, problems = gfile.entries()
    found = [(p.line, p.code, p.message) for p in problems]
    found += _cross_checks(entries)
    return [LintFinding(str(path), line, code, msg) for line, code, msg in sorted(set(found))]


def lint_entries(
    entries: list[GlossaryEntry], path: str | os.PathLike[str] = "glossary"
) -> list[LintFinding]:
    """The cross-entry findings (duplicates, conflicts, shadowing, variants) for ``entries`` as given.

    For checking an edit before it is written: lint the entries with the new one added, each
    carrying the line it would have, and compare with the findings of the file as it is.
    """
    found = sorted(set(_cross_checks(entries)))
    return [LintFinding(str(path), line, code, msg) for line, code, msg in found]


def _cross_checks(entries: list[GlossaryEntry]) -> list[tuple[int, str, str]]:
    found: list[tuple[int, str, str]] = []
    rows: dict[tuple, GlossaryEntry] = {}
    forms: dict[str, GlossaryEntry] = {}
    normalised: dict[str, tuple[str, GlossaryEntry]] = {}
    for e in entries:
        row_key = (tuple(sorted(normalize(f) for f in e.ar_forms)), e.en, e.kind)
        if row_key in rows:
            found.append((e.line, "duplicate", f"repeats line {rows[row_key].line}; delete one of them"))
            continue
        rows[row_key] = e
        for form in e.ar_forms:
            norm = normalize(form)
            other = forms.get(form)
            if other is not None and other.en != e.en:
                found.append((e.line, "conflict", f"form {form!r} → {e.en!r} here but → {other.en!r} on line "
                              f"{other.line}; one source form needs one target: keep one or make the forms "
                              "more specific"))
            elif other is not None:
                where = "in this row" if other is e else f"on line {other.line}"
                found.append((e.line, "duplicate", f"form {form!r} → {e.en!r} is already listed {where}; "
                              "keep one"))
            elif norm in normalised:
                first, owner = normalised[norm]
                where = "in this row" if owner is e else f"on line {owner.line} (→ {owner.en!r})"
                found.append((e.line, "normalised-equal", f"form {form!r} is the same as {first!r} {where} "
                              "once diacritics, hamza and alef/yeh/teh marbuta variants are normalised; "
                              "the first one always wins, so keep one"))
            forms.setdefault(form, e)
            normalised.setdefault(norm, (form, e))
    found += _shadowed(entries)
    found += _variant_conflicts(entries)
    found += _unverifiable(entries)
    found += _reverse_conflicts(entries)
    found += _formula_cells(entries)
    return found


def _formula_cells(entries: list[GlossaryEntry]) -> list[tuple[int, str, str]]:
    found = []
    for e in entries:
        for column, cell in e.values().items():
            if formula_leading(cell):
                found.append((e.line, "formula", f"column {column} starts with {cell[0]!r} ({cell!r}): a "
                              "spreadsheet opening this file would run it as a formula; tarjama's CSV and "
                              "XLSX exports neutralise it, but reword it if you can"))
    return found


def _shadowed(entries: list[GlossaryEntry]) -> list[tuple[int, str, str]]:
    matcher = Matcher(entries)
    found = []
    for outer in entries:
        for form in outer.ar_forms:
            view = normalize(form)
            for c in matcher.candidates(view):
                inner = entries[c.entry]
                if inner is outer or (c.prefix_start == 0 and c.end == len(view)):
                    continue
                if inner.en != outer.en and not contains(outer.en, inner.en, ignore_case=True):
                    msg = (f"{view[c.start:c.end]!r} (→ {inner.en!r}) is inside the longer form {form!r} on "
                           f"line {outer.line} (→ {outer.en!r}); the longer match wins there, so "
                           f"{inner.en!r} is never expected there; make the targets agree or drop a form")
                    found.append((inner.line, "shadowed", msg))
    return found


# Attached pronouns that make a form unverifiable (``نا`` is left out: names end in it, أثينا).
_PRONOUNS = tuple(p for p in PRONOUN_SUFFIXES if p != "نا")


def _unverifiable(entries: list[GlossaryEntry]) -> list[tuple[int, str, str]]:
    found = []
    for e in entries:
        for form in e.ar_forms:
            words = normalize(form).split()
            if not words or not is_arabic_letter(words[0][:1]):
                continue
            first, last = words[0], words[-1]
            prefix = next((p for p in ARTICLE_PREFIXES if first.startswith(p) and p != ARTICLE), None)
            if prefix is not None and len(first) - len(prefix) >= MIN_STEM:
                found.append((e.line, "unverifiable", f"form {form!r} is written with the clitic "
                              f"{prefix[:-len(ARTICLE)] if prefix.endswith(ARTICLE) else prefix[:1]!r} "
                              "attached; an Arabic translation that writes the word without it is not "
                              "recognised — list the word with ال only (clitics are allowed automatically)"))
            long_enough = [s for s in _PRONOUNS if len(last) - len(s) >= MIN_STEM]
            suffix = next((s for s in long_enough if last.endswith(s)), None)
            if suffix is not None and strip_clitics(last) != last:
                found.append((e.line, "unverifiable", f"form {form!r} ends in the attached pronoun "
                              f"{suffix!r}; only that exact inflection would count in an Arabic "
                              "translation — list the word without it"))
    return found


def _reverse_conflicts(entries: list[GlossaryEntry]) -> list[tuple[int, str, str]]:
    found = []
    owners: dict[str, GlossaryEntry] = {}
    for e in entries:
        for form in dict.fromkeys([e.en, *e.en_variants]):
            prior = owners.setdefault(" ".join(form.split()).casefold(), e)
            if prior is not e and normalize(prior.arabic) != normalize(e.arabic):
                found.append((e.line, "reverse-conflict", f"English {form!r} is also line {prior.line}'s "
                              f"({prior.arabic!r}); an English→Arabic run writes {prior.arabic!r} for it, "
                              f"never {e.arabic!r} — merge the entries or make the English specific"))
    return found


def _variant_conflicts(entries: list[GlossaryEntry]) -> list[tuple[int, str, str]]:
    found = []
    canonical = {e.en.casefold(): e for e in entries}
    variants: dict[str, GlossaryEntry] = {}
    for e in entries:
        for v in e.en_variants:
            key = v.casefold()
            owner = canonical.get(key)
            if owner is not None and owner.en != e.en:
                found.append((e.line, "variant-conflict", f"variant {v!r} (→ {e.en!r}) is the canonical "
                              f"form of line {owner.line}; rewriting it would destroy that term — remove it"))
            prior = variants.setdefault(key, e)
            if prior.en != e.en:
                msg = (f"variant {v!r} → {e.en!r} here but → {prior.en!r} on line {prior.line}; "
                       "a variant can be rewritten to one form only")
                found.append((e.line, "variant-conflict", msg))
    return found


class EntryRefused(TarjamaError):
    """An entry to add is invalid, or lint finds a new problem with it: nothing was written.

    ``details`` lists the problems, one line each.
    """

    def __init__(self, message: str, details: list[str]) -> None:
        super().__init__(message)
        self.details = details


def add_entries(path: str | os.PathLike[str], rows: list[dict[str, str]]) -> list[GlossaryEntry]:
    """Append entries to the glossary at ``path`` only if every row is valid and lint finds no new
    problem with them (conflict, duplicate, shadowing, variant clash); otherwise raise
    ``EntryRefused`` and write nothing. Each row has the columns ``ar``, ``en``, ``kind`` and
    optionally ``note`` and ``en_variants``. The write is ``tsv.edit``: locked, read afresh,
    atomic. Returns the entries as written, each with its line.
    """
    from tarjama.glossary.entry import Problem, entry_from_values
    from tarjama.glossary.tsv import edit

    with edit(path) as (gfile, entries):
        added: list[GlossaryEntry] = []
        for values in rows:
            problems: list[Problem] = []
            full = {"note": "", "en_variants": "", **values}
            entry = entry_from_values(full, len(gfile.lines) + 1 + len(added), problems)
            if entry is None:
                raise EntryRefused(f"{values.get('en', '')!r}: the entry is not valid; nothing was written",
                                   [p.message for p in problems if p.fatal])
            added.append(entry)
        before = set(lint_entries(entries, path))
        new = [f for f in lint_entries([*entries, *added], path) if f not in before]
        if new:
            what = "entry" if len(added) == 1 else "entries"
            raise EntryRefused(f"{path}: lint found {len(new)} problem(s) with the new {what}; nothing was "
                               "written", [str(f) for f in new])
        return [replace(entry, line=gfile.append(entry)) for entry in added]
