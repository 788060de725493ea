"""File formats: one module per format over a small base, and the registry that everything uses.

``FORMATS`` maps a format's name to its ``Format`` (``base``): ``txt``, ``md``, ``jsonl``,
``tsv``, ``html``, ``docx`` and ``xliff``. ``tarjama batch`` discovers inputs by these
suffixes and writes every output in its input's format; ``tarjama translate`` reads every
single-document format and writes it back (or as tarjama's JSONL record, or as an XLIFF for
a CAT tool, ``xliff.export``). A format's module is imported only when a file of that format
is read, so optional packages (python-docx, translate-toolkit) are needed only then.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from tarjama.errors import TarjamaError
from tarjama.formats.base import Format, ReadOptions, Source, TextSource, Unit
from tarjama.registry import Registry
from tarjama.text.textio import atomic_writer

if TYPE_CHECKING:
    from tarjama.document.record import TranslatedDocument

__all__ = [
    "DOCUMENT_OUTPUTS",
    "FORMATS",
    "SUFFIXES",
    "Format",
    "ReadOptions",
    "Source",
    "TextSource",
    "Unit",
    "choose_output",
    "format_for",
    "get",
    "meta_path",
    "output_formats",
    "read_source",
    "render_as",
    "save",
    "single_format",
    "supported",
    "write",
]

# Modules are imported when used, so optional packages are needed only by their format.
FORMATS: Registry[type[Format]] = Registry(
    "format",
    {
        "txt": "tarjama.formats.text:PlainText",
        "md": "tarjama.formats.text:Markdown",
        "jsonl": "tarjama.formats.jsonl:Jsonl",
        "tsv": "tarjama.formats.tsv:Tsv",
        "html": "tarjama.formats.html:Html",
        "docx": "tarjama.formats.docx:Docx",
        "xliff": "tarjama.formats.xliff:Xliff",
    },
)
SUFFIXES = {
    ".txt": "txt", ".md": "md", ".markdown": "md", ".jsonl": "jsonl", ".tsv": "tsv", ".html": "html",
    ".htm": "html", ".docx": "docx", ".xlf": "xliff", ".xliff": "xliff", ".sdlxliff": "xliff",
    ".mqxliff": "xliff",
}


def get(name: str) -> Format:
    """The format called ``name``."""
    return FORMATS.load(name)()


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
# Every format a translated document can be written in (``tarjama translate --format``).
DOCUMENT_OUTPUTS = ("txt", "md", "jsonl", "html", "docx", "xliff")


def single_format(path: str | Path) -> str:
    """The format of a one-document input (``tarjama translate``): from its suffix; unknown is text.

    A file that holds many documents (JSONL records, TSV rows) is refused with how to batch it.
    """
    fmt = format_for(path) or "txt"
    if not get(fmt).single:
        option = "--field" if fmt == "jsonl" else "--column"
        raise TarjamaError(
            f"{path}: a .{fmt} file holds many documents; translate it with "
            f"`tarjama batch {path} --out-dir DIR` ({option} names what to translate)"
        )
    return fmt


def choose_output(input_format: str, wanted: str | None, output: str | Path | None) -> str:
    """The output format: ``wanted``, else ``output``'s suffix when it names one, else the input's."""
    by_suffix = format_for(output) if output is not None else None
    allowed = output_formats(input_format)
    fmt = wanted or (by_suffix if by_suffix in DOCUMENT_OUTPUTS else None) or input_format
    if fmt not in allowed:
        raise TarjamaError(
            f"--format {fmt}: a {input_format} input can be written as {', '.join(allowed)}; "
            "choose one of them (or another -o suffix)"
        )
    if get(fmt).binary and output is None:
        raise TarjamaError(f"a .{fmt} output is a binary file; give its path with -o")
    return fmt


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
    if output_format == input_format:
        return source.render([result])
    exporter = get(output_format)
    return exporter.export(result, input_format=input_format, name=name, xliff_version=xliff_version)


def meta_path(path: str | Path) -> Path:
    """The ``.meta.json`` sidecar of an output file."""
    path = Path(path)
    return path.with_name(path.name + ".meta.json")


def save(
    path: str | Path,
    source: Source,
    input_format: str,
    result: TranslatedDocument,
    output_format: str,
    *,
    name: str = "",
    xliff_version: str = "1.2",
) -> str | bytes:
    """Render ``result`` in ``output_format`` and write it at ``path`` atomically, with its
    ``.meta.json`` sidecar (engine, glossary, findings) unless it is the JSONL record itself."""
    data = render_as(source, input_format, result, output_format, name=name, xliff_version=xliff_version)
    meta = None if output_format == RECORD else json.dumps(result.metadata(), ensure_ascii=False, indent=2)
    write(path, data)
    if meta is not None:
        write(meta_path(path), meta + "\n")
    return data
