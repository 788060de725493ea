"""File formats: one module per format over a small base, and the registry that everything uses.

``FORMATS`` maps a format's name to its ``Format`` (``base``): ``txt``, ``md``, ``jsonl``,
``tsv``, ``html``, ``docx`` and ``xliff``. ``tarjama batch`` discovers inputs by these
suffixes and writes every output in its input's format; ``tarjama translate`` reads every
single-document format and writes it back (or as tarjama's JSONL record, or as an XLIFF for
a CAT tool, ``xliff.export``). A format's module is imported only when a file of that format
is read, so optional packages (python-docx, translate-toolkit) are needed only then.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from tarjama.errors import TarjamaError
from tarjama.formats.base import Format, ReadOptions, Source, TextSource, Unit
from tarjama.text.textio import atomic_writer

if TYPE_CHECKING:
    from tarjama.document.record import TranslatedDocument

__all__ = [
    "FORMATS",
    "SUFFIXES",
    "Format",
    "ReadOptions",
    "Source",
    "TextSource",
    "Unit",
    "format_for",
    "get",
    "output_formats",
    "read_source",
    "render_as",
    "supported",
    "write",
]

# name → "module:Class", suffixes; modules are imported when used.
_REGISTRY: dict[str, tuple[str, tuple[str, ...]]] = {
    "txt": ("tarjama.formats.text:PlainText", (".txt",)),
    "md": ("tarjama.formats.text:Markdown", (".md", ".markdown")),
    "jsonl": ("tarjama.formats.jsonl:Jsonl", (".jsonl",)),
    "tsv": ("tarjama.formats.tsv:Tsv", (".tsv",)),
    "html": ("tarjama.formats.html:Html", (".html", ".htm")),
    "docx": ("tarjama.formats.docx:Docx", (".docx",)),
    "xliff": ("tarjama.formats.xliff:Xliff", (".xlf", ".xliff", ".sdlxliff", ".mqxliff")),
}
FORMATS = tuple(_REGISTRY)
SUFFIXES = {suffix: name for name, (_target, suffixes) in _REGISTRY.items() for suffix in suffixes}
_LOADED: dict[str, Format] = {}


def get(name: str) -> Format:
    """The format called ``name``."""
    if name not in _REGISTRY:
        raise TarjamaError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    if name not in _LOADED:
        module, cls = _REGISTRY[name][0].split(":")
        _LOADED[name] = getattr(importlib.import_module(module), cls)()
    return _LOADED[name]


def format_for(path: str | Path) -> str | None:
    """The format a file's suffix names, or None."""
    return SUFFIXES.get(Path(path).suffix.lower())


def supported() -> str:
    """The suffixes tarjama reads, for messages: ".txt, .md, …"."""
    return ", ".join(SUFFIXES)


def read_source(path: str | Path, fmt: str | None = None, options: ReadOptions | None = None) -> Source:
    """Read ``path`` in format ``fmt`` (default: from its suffix)."""
    name = fmt or format_for(path)
    if name is None:
        raise TarjamaError(
            f"{path}: unsupported format {Path(path).suffix or '(no suffix)'!r}; tarjama reads {supported()}"
        )
    return get(name).read(Path(path), options or ReadOptions())


def write(path: str | Path, data: str | bytes) -> None:
    """A rendered file (text as UTF-8, or bytes) written atomically."""
    with atomic_writer(path, "wb" if isinstance(data, bytes) else "w") as fh:
        fh.write(data)


# What ``tarjama translate`` writes besides an input's own format: its JSONL translation
# record, an XLIFF for a CAT tool, and text from Markdown (or Markdown from text).
RECORD = "jsonl"


def output_formats(input_format: str) -> tuple[str, ...]:
    """The formats a translated document of ``input_format`` can be written in."""
    same = ("txt", "md") if input_format in ("txt", "md") else (input_format,)
    return tuple(dict.fromkeys((*same, RECORD, "xliff")))


def render_as(
    source: Source,
    input_format: str,
    result: TranslatedDocument,
    output_format: str,
    *,
    name: str = "",
    xliff_version: str = "1.2",
) -> str | bytes:
    """A translated single-document ``source`` written in ``output_format``."""
    allowed = output_formats(input_format)
    if output_format not in allowed:
        raise TarjamaError(
            f"cannot write a {input_format} input as {output_format}; choose one of {', '.join(allowed)}"
        )
    if output_format == RECORD:
        return result.jsonl()
    if output_format == input_format:
        return source.render([result])
    if output_format == "xliff":
        from tarjama.formats.xliff import export

        datatype = {"md": "x-markdown", "html": "html", "docx": "x-docx"}.get(input_format, "plaintext")
        return export(result, original=name, version=xliff_version, datatype=datatype)
    return result.text()  # Markdown as text, or text as Markdown
