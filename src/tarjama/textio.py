"""Reading and writing text files safely.

Reading decodes strict UTF-8 and, on failure, reports the exact line and byte offset of
the first bad byte. Writing is atomic: content goes to a temporary file in the target
folder and is renamed over the destination, so a crash never leaves a half-written file
that looks finished.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tarjama.errors import TarjamaError


def decode_utf8(data: bytes, path: str | os.PathLike[str]) -> str:
    """Decode ``data`` as strict UTF-8 or raise a TarjamaError naming line and byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        raise TarjamaError(
            f"{path}: not valid UTF-8 at line {line}, byte {exc.start} "
            f"(column byte {exc.start - line_start + 1}, value 0x{data[exc.start]:02x}); "
            "re-save the file as UTF-8 (e.g. iconv -f WINDOWS-1256 -t UTF-8)"
        ) from None
    # A byte-order mark is an encoding artefact, not content.
    return text.removeprefix("\ufeff")


def read_text(path: str | os.PathLike[str], *, allow_empty: bool = False) -> str:
    """Read a UTF-8 text file; errors are one clear line (missing, unreadable, bad bytes, empty)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise TarjamaError(f"{p}: file not found; check the path") from None
    except IsADirectoryError:
        raise TarjamaError(f"{p}: is a directory, expected a text file") from None
    except PermissionError:
        raise TarjamaError(f"{p}: permission denied; check the file's read permission") from None
    except OSError as exc:
        raise TarjamaError(f"{p}: cannot read ({exc.strerror})") from None
    text = decode_utf8(data, p)
    if not allow_empty and not text.strip():
        raise TarjamaError(f"{p}: file is empty (no text to process); give a file with content")
    return text


def sibling_temp(path: Path, suffix: str = ".tmp") -> tuple[int, str]:
    """A new temporary file beside ``path`` (descriptor, name), or one clear error.

    A real file, not ``os.access``: root passes access checks on read-only filesystems.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise TarjamaError(f"{path}: output folder {folder} does not exist; create it or choose another path")
    try:
        return tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=folder)
    except PermissionError:
        raise TarjamaError(f"{path}: output folder {folder} is not writable; choose another path") from None
    except OSError as exc:
        raise TarjamaError(f"{path}: cannot write in {folder} ({exc.strerror})") from None


def check_writable(path: Path) -> None:
    """Fail now, before any work, if a file could not be written at ``path``."""
    fd, probe = sibling_temp(path, ".probe")
    os.close(fd)
    os.unlink(probe)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Open a temporary sibling of ``path`` for writing; rename it into place on success.

    On any exception the temporary file is removed and ``path`` is left as it was.
    """
    p = Path(path)
    fd, tmp = sibling_temp(p)
    try:
        # mkstemp creates 0600; give the file the mode a plain open() would (or the old file's).
        os.fchmod(fd, p.stat().st_mode & 0o7777 if p.is_file() else 0o666 & ~_umask())
        kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if p.is_dir():
            raise TarjamaError(f"{p}: is a directory; give a file path for the output")
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically."""
    with atomic_writer(path) as fh:
        fh.write(text)
