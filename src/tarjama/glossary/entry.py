"""One glossary entry: its columns, its validation, and the problems a row can have.

A row holds one or more Arabic forms (Arabic or Latin script) separated by ``|``, the canonical
English, a kind, a note and optional English variants. Arabic into English, the Arabic forms
are matched in the source and the canonical English required; English into Arabic, the English
and its variants are matched (``tarjama.glossary.english``) and an Arabic form required — the
first one is what the translation is asked to write (``GlossaryEntry.arabic``), any one counts.
``entry_from_values`` validates one
record's cells wherever they come from (the TSV file, a CSV or TBX import, ``glossary add``).
*Fatal* problems (an empty ar/en/kind, an empty item between ``|``, an unknown kind, a tab or
line break in a cell, a control character such as NUL — ``tarjama.text.textio.CONTROL_RE``) reject
the row; the others (stray spaces, bidi controls) are cleaned and reported by
``tarjama glossary lint``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tarjama.text.arabic import normalize
from tarjama.text.terms import ArabicTerm
from tarjama.text.textio import CONTROL_RE, control_name
from tarjama.text.untrusted import BIDI_RE
from tarjama.types import AR_EN, Direction

KINDS = ("organisation", "person", "mission", "programme", "place", "body", "concept")
COLUMNS = ("ar", "en", "kind", "note", "en_variants")
REQUIRED_COLUMNS = ("ar", "en", "kind", "note")
FORM_SEP = " | "
HEADER = "\t".join(COLUMNS)


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

    @property
    def arabic(self) -> str:
        """The form an English→Arabic translation is asked to write: the first Arabic form."""
        return self.ar_forms[0]

    def target(self, direction: Direction = AR_EN) -> str:
        """What a translation in ``direction`` writes for this entry (canonical English, or ``arabic``)."""
        return self.en if direction.target == "en" else self.arabic

    def towards(self, direction: Direction = AR_EN) -> GlossaryEntry | ArabicTerm:
        """The term a translation in ``direction`` must contain: the entry itself into English, its
        Arabic forms (``tarjama.text.terms.ArabicTerm``, any form counts) into Arabic."""
        if direction.target == "en":
            return self
        return ArabicTerm(self.arabic, self.kind, tuple(self.ar_forms))

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
        bidi = BIDI_RE.findall(raw)
        if bidi:
            names = ", ".join(sorted({f"U+{ord(c):04X}" for c in bidi}))
            problems.append(Problem(line, "bidi", f"column {col} contains bidi control character(s) {names}; "
                                    "delete them (they are invisible and travel into every copy)"))
            raw = BIDI_RE.sub("", raw)
        control = CONTROL_RE.search(raw)
        if control:
            problems.append(Problem(line, "control", f"column {col} contains the control character "
                                    f"{control_name(control.group())} at character {control.start() + 1}; "
                                    "delete it (it is invisible and no text holds it)", fatal=True))
            fatal = True
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
