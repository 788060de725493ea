"""Which documents a batch translates, where each output goes, and how each format is read.

Inputs are folders (walked recursively), glob patterns (``'news/**/*.md'``, quoted so the
shell leaves them alone), single files, or lists of paths (``--files-from``). Each document
gets a *relative path*: below the folder or the fixed part of the glob it was found under,
or its bare name when given directly. The output mirrors it under ``--out-dir`` with a
language suffix (``a/b.txt`` → ``a/b.en.txt``; a source tag ``.ar`` is replaced), and shards
are cut by a hash of it.

Formats are those of the registry ``tarjama.formats``, by suffix (txt, md, jsonl, tsv, html,
docx, xliff); ``read_source`` reads one through it. Reading errors are ``TarjamaError`` with
``path:line`` where a line is known; the runner turns them into per-file failures.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tarjama import formats
from tarjama.errors import TarjamaError
from tarjama.formats import ReadOptions, Source, Unit
from tarjama.text.textio import read_text

__all__ = [
    "Discovery", "InputFile", "Source", "Unit", "discover", "output_path", "read_path_list", "read_source"
]

FORMATS = formats.SUFFIXES
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


def discover(inputs: Sequence[str], out_dir: Path, lang: str | None = "en") -> Discovery:
    """Expand folders and globs into documents, in a stable order, refusing output clashes.

    ``lang`` is the outputs' language suffix; None leaves the clash check to the caller
    (``refuse_clashes``), which knows it only once the run's direction is known.
    """
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
                found.problems.append((given, f"{given}: no {'/'.join(FORMATS)} file matches this pattern"))
        else:
            found.problems.append((given, f"{given}: file or folder not found; check the path"))
    found.files = _deduplicate(found.files)
    if lang is not None:
        refuse_clashes(found.files, out_dir, lang)
    return found


def _unsupported(path: Path) -> str:
    suffix = path.suffix or "(no suffix)"
    return f"{path}: unsupported format {suffix!r}; tarjama batch reads {formats.supported()}"


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
    """``out_dir/<relative folder>/<stem>.<lang><suffix>``; a trailing source tag (``.ar``, or
    ``.en`` when the output is Arabic) is replaced."""
    rel = Path(item.relative)
    stem, suffix = rel.stem, rel.suffix
    if stem.lower().endswith(".ar") or (lang == "ar" and stem.lower().endswith(".en")):
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


def refuse_clashes(files: Sequence[InputFile], out_dir: Path, lang: str = "en") -> None:
    """Refuse inputs whose outputs (with suffix ``lang``) would collide or replace an input."""
    seen: dict[Path, InputFile] = {}
    inputs = {f.path.resolve(): f for f in files}
    for f in files:
        out = output_path(f, out_dir, lang)
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


def read_source(
    item: InputFile, *, field_name: str = "text", column: str = "text",
    languages: tuple[str, str] | None = None,
) -> Source:
    """Read ``item`` in its format (in the run's ``languages`` when known); raises ``TarjamaError``
    (with ``path:line``) when malformed."""
    options = ReadOptions(field_name=field_name, column=column, languages=languages)
    return formats.read_source(item.path, item.format, options)
