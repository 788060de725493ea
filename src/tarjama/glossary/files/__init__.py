"""Glossary exchange formats: one module per format over ``base``, in the registry ``FORMATS``.

========  =========================================================  ===============
name      what                                                       suffixes
========  =========================================================  ===============
csv       the glossary's columns, for spreadsheets (``csvfile``)      .csv
xlsx      Excel workbook, Arabic column right to left (``xlsx``)      .xlsx
tbx       TBX-Basic 2008 ``<martif>`` and 2019 ``<tbx>`` (``tbx``)     .tbx, .xml
deepl     DeepL / Google unidirectional: source → target (``deepl``)  .tsv (or .csv)
google    Google equivalent term sets, ``ar,en`` header (``google``)  (.csv)
========  =========================================================  ===============

``detect(path, explicit, writing)`` picks the format: the one named, else the suffix; a
``.csv`` being read is told apart by its first row (tarjama's columns → csv, language codes
(one of them Arabic or English) → google,
no header → deepl); a ``.csv`` being written is tarjama's CSV. ``make(name,
options)`` builds one. ``tarjama glossary import|export`` iterates ``FORMATS`` for its
``--format`` choices. Shared rules: language codes, safe XML and formula cells in
``tarjama.text.interchange``; the header rule of CSV and XLSX in ``table``.
"""

from __future__ import annotations

import os
from pathlib import Path

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import COLUMNS
from tarjama.glossary.files.base import Exported, GlossaryFormat, Imported, Options, describe_counts
from tarjama.registry import Registry
from tarjama.text.interchange import is_language_code, language_side

FORMATS: Registry[type[GlossaryFormat]] = Registry(
    "glossary format",
    {
        "csv": "tarjama.glossary.files.csvfile:CsvFormat",
        "xlsx": "tarjama.glossary.files.xlsx:XlsxFormat",
        "tbx": "tarjama.glossary.files.tbx:TbxFormat",
        "deepl": "tarjama.glossary.files.deepl:DeeplFormat",
        "google": "tarjama.glossary.files.google:GoogleFormat",
    },
)
_BY_SUFFIX = {".csv": "csv", ".xlsx": "xlsx", ".tbx": "tbx", ".xml": "tbx", ".tsv": "deepl"}


def make(name: str, options: Options | None = None) -> GlossaryFormat:
    """The format called ``name``, with ``options``."""
    return FORMATS.load(name)(options)


def _sniff_csv(path: str | os.PathLike[str]) -> str:
    """csv, google or deepl, from the first non-blank line of a .csv file."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            first = next((line for line in fh if line.strip()), "")
    except OSError:
        return "csv"  # the reader reports the problem
    cells = [c.strip().strip('"').strip().lower() for c in first.split(",")]
    if any(c in COLUMNS[2:] for c in cells):
        return "csv"
    sides = {language_side(c) for c in cells}
    if sides & {"ar", "en"} and all(is_language_code(c) or c in ("pos", "description") for c in cells):
        return "google"
    return "deepl"


def detect(path: str | os.PathLike[str], explicit: str | None, *, writing: bool) -> str:
    """The format named by ``explicit``, else by ``path`` (see the module docstring)."""
    if explicit:
        return explicit
    suffix = Path(path).suffix.lower()
    name = _BY_SUFFIX.get(suffix)
    if name is None:
        raise TarjamaError(f"{path}: cannot tell the format from the suffix {suffix or '(none)'!r}; use a "
                           ".csv, .xlsx, .tbx or .tsv file name or pass --format "
                           f"{'|'.join(FORMATS)}")
    if name == "csv" and not writing:
        return _sniff_csv(path)
    return name


__all__ = [
    "FORMATS", "Exported", "GlossaryFormat", "Imported", "Options", "describe_counts", "detect", "make",
]
