"""Which documents a batch translates, where each output goes, and how each format is read.

Inputs are folders (walked recursively), glob patterns (``'news/**/*.md'``, quoted so the
shell leaves them alone), single files, or lists of paths (``--files-from``). Each document
gets a *relative path*: below the folder or the fixed part of the glob it was found under,
or its bare name when given directly. The output mirrors it under ``--out-dir`` with a
language suffix (``a/b.txt`` → ``a/b.en.txt``; a source tag ``.ar`` is replaced), and shards
are cut by a hash of it.

Formats, by suffix:

* ``.txt`` and ``.md``/``.markdown``: one document (see ``tarjama.document``);
* ``.jsonl``: one record per line; the string in ``--field`` is translated as a text
  document and every other field is written back unchanged;
* ``.tsv``: a header row and tab-separated rows; the cells of ``--column`` are translated,
  the other columns, the header and blank lines are kept.

Reading errors are ``TarjamaError`` with ``path:line`` where a line is known; the runner
turns them into per-file failures.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tarjama.document import Document, parse_text
from tarjama.errors import TarjamaError
from tarjama.textio import check_controls, numbered_lines, read_text

FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".jsonl": "jsonl", ".tsv": "tsv"}
_GLOB_MAGIC = set("*?[")


@dataclass(frozen=True)
class InputFile:
    """One document of the batch: where it is, its path relative to its root, its format."""

    path: Path
    relative: str  # forward slashes; what the output mirrors and shards hash
    format: str


@dataclass
class Discovery:
    files: list[InputFile] = field(default_factory=list)
    # (input as given, reason) for inputs that named nothing translatable.
    problems: list[tuple[str, str]] = field(default_factory=list)


def read_path_list(path: Path) -> list[str]:
    """Paths from a ``--files-from`` file: one a line; blank lines and ``#`` comments skipped."""
    text = read_text(path, allow_empty=True)
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def discover(inputs: Sequence[str], out_dir: Path) -> Discovery:
    """Expand folders and globs into documents, in a stable order, refusing output clashes."""
    found = Discovery()
    out_resolved = out_dir.resolve()
    for given in inputs:
        path = Path(given).expanduser()
        if path.is_dir():
            if path.resolve() == out_resolved:
                raise TarjamaError(
                    f"{given}: is also the --out-dir, so outputs would be read as inputs next time; "
                    "choose another --out-dir"
                )
            found.files += _walk(path, out_resolved)
        elif path.is_file():
            fmt = FORMATS.get(path.suffix.lower())
            if fmt is None:
                found.problems.append((given, _unsupported(path)))
            else:
                found.files.append(InputFile(path, path.name, fmt))
        elif _GLOB_MAGIC & set(given):
            matches = _glob(given, out_resolved)
            if matches:
                found.files += matches
            else:
                found.problems.append((given, f"{given}: no .txt/.md/.jsonl/.tsv file matches this pattern"))
        else:
            found.problems.append((given, f"{given}: file or folder not found; check the path"))
    found.files = _deduplicate(found.files)
    _refuse_clashes(found.files, out_dir)
    return found


def _unsupported(path: Path) -> str:
    return (
        f"{path}: unsupported format {path.suffix or '(no suffix)'!r}; "
        "tarjama batch reads .txt, .md, .markdown, .jsonl and .tsv"
    )


def _skipped(path: Path, root: Path, out_resolved: Path) -> bool:
    rel_parts = path.relative_to(root).parts
    # Hidden files and folders hold tool state (the memory, temporary files), not documents.
    if any(part.startswith(".") for part in rel_parts):
        return True
    resolved = path.resolve()
    # An --out-dir inside the input folder: its outputs are not inputs.
    return resolved == out_resolved or out_resolved in resolved.parents


def _walk(folder: Path, out_resolved: Path) -> list[InputFile]:
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in FORMATS and not _skipped(path, folder, out_resolved):
            files.append(InputFile(path, path.relative_to(folder).as_posix(), FORMATS[path.suffix.lower()]))
    return files


def _glob(pattern: str, out_resolved: Path) -> list[InputFile]:
    # The fixed folder before the first wildcard is the root that outputs mirror from.
    parts = Path(pattern).parts
    fixed = []
    for part in parts:
        if _GLOB_MAGIC & set(part):
            break
        fixed.append(part)
    root = Path(*fixed) if fixed else Path(".")
    if root == Path(pattern):
        root = root.parent
    files = []
    for match in sorted(glob.glob(os.path.expanduser(pattern), recursive=True)):
        path = Path(match)
        if path.is_file() and path.suffix.lower() in FORMATS and not _skipped(path, root, out_resolved):
            files.append(InputFile(path, path.relative_to(root).as_posix(), FORMATS[path.suffix.lower()]))
    return files


def _deduplicate(files: Iterable[InputFile]) -> list[InputFile]:
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def output_path(item: InputFile, out_dir: Path, lang: str = "en") -> Path:
    """``out_dir/<relative folder>/<stem>.<lang><suffix>``; a trailing ``.ar`` tag is replaced."""
    rel = Path(item.relative)
    stem, suffix = rel.stem, rel.suffix
    if stem.lower().endswith(".ar"):
        stem = stem[:-3]
    return out_dir / rel.parent / f"{stem}.{lang}{suffix}"


def inside(path: Path, out_dir: Path) -> Path:
    """``path`` resolved (symlinks followed); refused unless it stays inside ``out_dir``.

    A symlinked folder (or file) already under ``--out-dir`` must not carry a batch's writes
    elsewhere on the disk.
    """
    root = out_dir.resolve()
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        raise TarjamaError(
            f"{path}: resolves to {resolved}, outside --out-dir {root} (a symbolic link on the way); "
            "nothing was written there: remove the link or choose another --out-dir"
        )
    return resolved


def _refuse_clashes(files: Sequence[InputFile], out_dir: Path) -> None:
    seen: dict[Path, InputFile] = {}
    inputs = {f.path.resolve(): f for f in files}
    for f in files:
        out = output_path(f, out_dir)
        if out in seen:
            raise TarjamaError(
                f"{seen[out].path} and {f.path} would both be written to {out}; "
                "pass their common parent folder instead of each file, or run them separately"
            )
        seen[out] = f
        if (victim := inputs.get(out.resolve())) is not None:
            raise TarjamaError(
                f"{f.path} would be written to {out}, which is the input {victim.path}; writing there "
                "would destroy it: choose another --out-dir"
            )


# ----------------------------------------------------------------------------- formats


@dataclass
class Unit:
    """One piece of a file translated as a document: the whole file, a record or a cell."""

    document: Document
    line: int | None = None  # 1-based line in the input, for JSONL records and TSV rows


class Source:
    """A read input file: its units, and how to write the file back with their translations."""

    units: list[Unit]

    def render(self, translations: Sequence[str]) -> str:
        raise NotImplementedError


@dataclass
class TextSource(Source):
    units: list[Unit]

    def render(self, translations: Sequence[str]) -> str:
        return translations[0]


@dataclass
class JsonlSource(Source):
    records: list[dict[str, object]]
    field_name: str
    units: list[Unit]

    def render(self, translations: Sequence[str]) -> str:
        lines = []
        for record, text in zip(self.records, translations, strict=True):
            # Same keys in the same order; only the translated field changes.
            lines.append(json.dumps({**record, self.field_name: text}, ensure_ascii=False) + "\n")
        return "".join(lines)


@dataclass
class TsvSource(Source):
    header: str
    rows: list[list[str] | None]  # None: a blank line, kept as it was
    column: int
    units: list[Unit]

    def render(self, translations: Sequence[str]) -> str:
        out = [self.header]
        texts = iter(translations)
        for row in self.rows:
            if row is None:
                out.append("")
                continue
            cells = list(row)
            # A tab or line break inside a cell would shift columns or split the row.
            cells[self.column] = " ".join(next(texts).split())
            out.append("\t".join(cells))
        return "\n".join(out) + "\n"


def read_source(item: InputFile, *, field_name: str = "text", column: str = "text") -> Source:
    """Read ``item`` in its format; raises ``TarjamaError`` (with ``path:line``) when malformed."""
    text = read_text(item.path)
    if item.format in ("txt", "md"):
        return TextSource([Unit(parse_text(text, item.format, path=str(item.path)))])
    if item.format == "jsonl":
        return _read_jsonl(item.path, text, field_name)
    if item.format == "tsv":
        return _read_tsv(item.path, text, column)
    raise TarjamaError(_unsupported(item.path))


def _read_jsonl(path: Path, text: str, field_name: str) -> JsonlSource:
    records: list[dict[str, object]] = []
    units: list[Unit] = []
    for number, line in numbered_lines(text):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            msg = getattr(exc, "msg", str(exc))
            raise TarjamaError(
                f"{path}:{number}: not valid JSON ({msg}); fix or remove the line (one JSON object per line)"
            ) from None
        if not isinstance(record, dict):
            raise TarjamaError(
                f"{path}:{number}: expected a JSON object per line, got {type(record).__name__}; fix the line"
            )
        value = record.get(field_name)
        if not isinstance(value, str):
            what = "no" if field_name not in record else f"a non-string ({type(value).__name__})"
            keys = ", ".join(map(str, record)) or "none"
            raise TarjamaError(
                f"{path}:{number}: record has {what} field {field_name!r} (fields: {keys}); "
                "name the field to translate with --field"
            )
        # A JSON escape (\u0000) smuggles in what the raw file may not hold.
        check_controls(value, f"{path}:{number}", what=f"field {field_name!r}")
        records.append(record)
        units.append(Unit(parse_text(value, "txt", path=f"{path}:{number}"), number))
    return JsonlSource(records=records, field_name=field_name, units=units)


def _read_tsv(path: Path, text: str, column: str) -> TsvSource:
    # Rows end at line feeds only: U+2028 or a form feed inside a cell is not a row break.
    lines = [line for _n, line in numbered_lines(text)]
    if lines and lines[-1] == "":
        lines.pop()
    header = lines[0]
    names = header.split("\t")
    if column not in names:
        raise TarjamaError(
            f"{path}:1: no column {column!r} in the header (columns: {', '.join(names)}); "
            "name the column to translate with --column"
        )
    index = names.index(column)
    rows: list[list[str] | None] = []
    units: list[Unit] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            rows.append(None)
            continue
        cells = line.split("\t")
        if len(cells) != len(names):
            raise TarjamaError(
                f"{path}:{number}: {len(cells)} tab-separated cells, the header has {len(names)}; "
                "fix the row (tabs inside a cell are not allowed)"
            )
        rows.append(cells)
        units.append(Unit(parse_text(cells[index], "txt", path=f"{path}:{number}"), number))
    return TsvSource(header=header, rows=rows, column=index, units=units)
