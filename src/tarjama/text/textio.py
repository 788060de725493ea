"""Reading and writing text files safely.

Reading decodes strict UTF-8 and, on failure, reports the exact line and byte offset of
the first bad byte. Text never holds control characters: a C0 control other than tab, line
feed and carriage return (NUL, ESC, form feed, …) or DEL is refused with its line and byte
offset (``CONTROL_RE`` is the one definition; glossary cells and batch fields use it too).

Writing is atomic: content goes to a temporary file in the target folder and is renamed
over the destination, so a crash never leaves a half-written file that looks finished. A
temporary file is hidden and named after its destination and the writing process
(``.NAME.PID.xxxx.tmp``); one left by a process that no longer exists (killed mid-write) is
removed by the next atomic write into that folder. A write the disk refuses (full, quota,
read-only) is one line (``disk_error``) and leaves no partial file or line behind.
Append-only logs (the translate journal, a batch's ``provenance.jsonl``) are written with
``LineLog``: each record is one ``write`` of one whole line to a file opened with
``O_APPEND``, so a killed process leaves complete lines only; a file whose last line was
torn some other way (a power cut) is cut back to its last complete line before the next
append, so a new record never joins a torn one. JSON Lines are split on line feeds only
(``numbered_lines``): U+2028, U+0085 and the like are text inside a record, not line ends.

**Limits** (``LIMITS``, the one place they live): every input file is read through
``read_input`` (``read_text`` and the XML readers use it), which refuses a file over
``input`` bytes (default 256 MiB) — a regular file by its size before reading, a pipe or
device (``/dev/zero``) after reading one byte more than the limit — and every archive
(``.docx``, ``.xlsx``) is checked by ``check_archive`` from its central directory before
anything is unpacked: at most ``entries`` members (default 10,000), at most ``unpacked``
bytes in all (default 1 GiB), and no member over 1 MiB that expands more than ``ratio``
times (default 100, Apache POI's rule against zip bombs). An input to ``score`` or ``check``
is held to ``scoring`` bytes (default 8 MiB: scoring keeps every paragraph's statistics in
memory, a few hundred times the text's size). Each refusal is one line naming
the limit and how to raise it: the environment variable ``TARJAMA_LIMITS`` or the global
option ``tarjama --limit NAME=VALUE`` (``input=1G``, ``unpacked=4G``, ``entries=50000``,
``ratio=500``, ``scoring=64M``; sizes take K, M, G).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO

from tarjama.errors import TarjamaError

# C0 controls other than tab, line feed and carriage return, and DEL: never part of a text.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_name(char: str) -> str:
    """``U+0000 (NUL)``: a control character as people can look it up."""
    names = {0: "NUL", 7: "BEL", 8: "BACKSPACE", 11: "VERTICAL TAB", 12: "FORM FEED", 27: "ESC", 127: "DEL"}
    return f"U+{ord(char):04X} ({names.get(ord(char), unicodedata.name(char, 'control'))})"


def find_control(text: str) -> int | None:
    """Index of the first control character of ``text`` (see ``CONTROL_RE``), or None."""
    m = CONTROL_RE.search(text)
    return m.start() if m else None


def control_error(where: str, text: str, index: int, *, byte_base: int = 0, what: str = "") -> TarjamaError:
    """The one-line refusal of a control character at ``text[index]``: line, byte offset, how to fix.

    ``byte_base`` is the byte offset of ``text[0]`` in the file (a byte-order mark before it);
    ``what`` names the part of a record the text is (e.g. ``field 'text'``) when it is not a whole file.
    """
    line = text.count("\n", 0, index) + 1
    line_start = text.rfind("\n", 0, index) + 1
    byte = byte_base + len(text[:index].encode("utf-8"))
    column = len(text[line_start:index].encode("utf-8")) + 1
    count = len(CONTROL_RE.findall(text))
    more = f" ({count} control characters in all)" if count > 1 else ""
    inside = f" in {what}" if what else ""
    return TarjamaError(
        f"{where}: control character {control_name(text[index])}{inside} at line {line}, byte {byte} "
        f"(column byte {column}){more}; text must not hold control characters other than tab and line "
        "breaks: remove them (e.g. tr -d '\\000-\\010\\013\\014\\016-\\037\\177') or check that this "
        "is the right file"
    )


def check_controls(text: str, where: str, *, byte_base: int = 0, what: str = "") -> None:
    """Raise ``control_error`` for the first control character of ``text``, if any."""
    index = find_control(text)
    if index is not None:
        raise control_error(where, text, index, byte_base=byte_base, what=what)


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) of a JSON Lines or TSV text, split on line feeds only (CR LF too).

    ``str.splitlines`` also splits at U+2028, U+0085, form feeds and more, which JSON writers
    leave raw inside strings; a record or row must never be cut there.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line.removesuffix("\r")


# --- limits -----------------------------------------------------------------------------------

LIMITS_ENV = "TARJAMA_LIMITS"
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
# A member smaller than this is never refused for its ratio (small XML parts compress well).
RATIO_GRACE = 1 << 20


@dataclass
class Limits:
    """How much tarjama reads of one input (see the module docstring)."""

    input: int = 256 << 20      # bytes of one input file
    unpacked: int = 1 << 30     # bytes an archive unpacks to, all members together
    entries: int = 10_000       # members of an archive
    ratio: int = 100            # how many times a member (over RATIO_GRACE) may expand
    scoring: int = 8 << 20      # bytes of one input to score or check (its statistics stay in memory)

    def set(self, setting: str, where: str = "--limit") -> None:
        """Apply one ``NAME=VALUE`` setting (``input=1G``); a bad one is one clear error."""
        name, _, value = setting.partition("=")
        name = name.strip().lower()
        names = [f.name for f in fields(self) if f.name != "error"]
        if name not in names or not value.strip():
            raise TarjamaError(f"{where} {setting!r}: expected NAME=VALUE with NAME one of "
                               f"{', '.join(names)} (e.g. input=1G, entries=50000)")
        number = parse_size(value)
        if number is None or number < 1:
            raise TarjamaError(f"{where} {setting!r}: {value!r} is not a positive size "
                               "(e.g. 512M, 2G, 50000)")
        setattr(self, name, number)

    @classmethod
    def from_env(cls) -> Limits:
        """The defaults with ``TARJAMA_LIMITS`` applied; a bad setting is reported when a file is read."""
        limits = cls()
        try:
            for setting in filter(None, (s.strip() for s in os.environ.get(LIMITS_ENV, "").split(","))):
                limits.set(setting, LIMITS_ENV)
        except TarjamaError as exc:
            limits.error = str(exc)
        return limits

    error: str = ""  # a bad TARJAMA_LIMITS setting, raised by the readers

    def check(self) -> None:
        if self.error:
            raise TarjamaError(self.error)


def parse_size(text: str) -> int | None:
    """``512M`` → 536870912; ``50000`` → 50000; None when it is not a size."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", text.lower())
    if not match:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def size_text(n: int) -> str:
    """A byte count as people read it: 256 MiB, 1.5 GiB, 900 bytes."""
    for unit, name in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if n >= unit:
            value = n / unit
            return f"{value:.0f} {name}" if value == int(value) or value >= 100 else f"{value:.1f} {name}"
    return f"{n} bytes"


LIMITS = Limits.from_env()


def _raise_hint(name: str, needed: int | None = None) -> str:
    """How to raise limit ``name`` above ``needed`` (twice it, in the unit people type)."""
    if needed is None:
        value = "SIZE"
    elif name in ("entries", "ratio"):
        value = str(needed * 2)
    else:
        unit, letter = (1 << 30, "G") if needed * 2 >= 1 << 30 else (1 << 20, "M")
        value = f"{-(-needed * 2 // unit)}{letter}"
    return (f"if the file is what you meant, raise the limit: tarjama --limit {name}={value} COMMAND … "
            f"(or {LIMITS_ENV}={name}={value})")


def read_input(path: str | os.PathLike[str]) -> bytes:
    """The bytes of an input file, refused with one line when over ``LIMITS.input``.

    Errors (missing, a folder, unreadable, too large) are one ``TarjamaError`` each.
    """
    return b"".join(input_blocks(path, 16 << 20))


def input_blocks(path: str | os.PathLike[str], block: int = 1 << 20) -> Iterator[bytes]:
    """An input file in blocks (for streaming readers), refused like ``read_input`` when over
    ``LIMITS.input``; an empty file gives no block."""
    p = Path(path)
    LIMITS.check()
    limit = LIMITS.input
    try:
        fh = open(p, "rb")  # noqa: SIM115 - closed below, the generator may stop early
    except FileNotFoundError:
        raise TarjamaError(f"{p}: file not found; check the path") from None
    except IsADirectoryError:
        raise TarjamaError(f"{p}: is a directory, expected a file") from None
    except PermissionError:
        raise TarjamaError(f"{p}: permission denied; check the file's read permission") from None
    except OSError as exc:
        raise TarjamaError(f"{p}: cannot read ({exc.strerror or exc})") from None
    with fh:
        size = os.fstat(fh.fileno()).st_size
        regular = os.path.isfile(p)
        if regular and size > limit:
            raise TarjamaError(f"{p}: the file is {size_text(size)}, over the input limit of "
                               f"{size_text(limit)}; {_raise_hint('input', size)}")
        total = 0
        while True:
            try:
                data = fh.read(block)
            except OSError as exc:
                raise TarjamaError(f"{p}: cannot read ({exc.strerror or exc})") from None
            if not data:
                return
            total += len(data)
            if total > limit:
                device = "" if regular else ", and it is not a regular file (a device or a pipe)"
                raise TarjamaError(f"{p}: more than {size_text(limit)} to read (the input limit){device}; "
                                   f"check the path, or {_raise_hint('input')}")
            yield data


def check_input(path: str | os.PathLike[str]) -> None:
    """``read_input``'s checks (it exists, it is readable, it is within the input limit)
    without reading the file, for readers that open it themselves."""
    blocks = input_blocks(path, 1)
    try:
        next(blocks, None)
    finally:
        blocks.close()


def check_archive(path: str | os.PathLike[str], what: str, fix: str) -> None:
    """Refuse a ZIP archive that breaks ``LIMITS`` (``what``: "a Word document", "an XLSX
    workbook", for the message when it is not an archive at all, with ``fix``).

    Read from the central directory only, before anything is unpacked.
    """
    LIMITS.check()
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except FileNotFoundError:
        raise TarjamaError(f"{path}: file not found; check the path") from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TarjamaError(f"{path}: not {what} (not a ZIP archive: {exc}); {fix}") from None
    if len(infos) > LIMITS.entries:
        raise TarjamaError(f"{path}: holds {len(infos):,} archive members, over the limit of "
                           f"{LIMITS.entries:,} (a zip bomb?); {_raise_hint('entries', len(infos))}")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > LIMITS.unpacked:
        raise TarjamaError(f"{path}: would unpack to {size_text(unpacked)}, over the limit of "
                           f"{size_text(LIMITS.unpacked)} (a zip bomb?); {_raise_hint('unpacked', unpacked)}")
    for info in infos:
        if info.file_size > RATIO_GRACE and info.file_size > LIMITS.ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise TarjamaError(
                f"{path}: archive member {info.filename} expands {ratio:,} times "
                f"({size_text(info.compress_size)} → {size_text(info.file_size)}), over the limit of "
                f"{LIMITS.ratio} times (a zip bomb?); {_raise_hint('ratio', ratio)}")


def utf8_error(path: str | os.PathLike[str], data: bytes, at: int, *, byte_base: int = 0,
               line_base: int = 0, column_base: int = 0) -> TarjamaError:
    """The one-line refusal of the bad UTF-8 byte ``data[at]`` (line, byte and column in the file).

    For a file read in blocks, ``data`` is one block: ``byte_base`` is its offset in the file,
    ``line_base`` the line feeds before it and ``column_base`` the bytes of its first line that
    came before it.
    """
    line = line_base + data.count(b"\n", 0, at) + 1
    line_start = data.rfind(b"\n", 0, at) + 1
    column = at - line_start + 1 + (column_base if line_start == 0 else 0)
    return TarjamaError(
        f"{path}: not valid UTF-8 at line {line}, byte {byte_base + at} "
        f"(column byte {column}, value 0x{data[at]:02x}); "
        "re-save the file as UTF-8 (e.g. iconv -f WINDOWS-1256 -t UTF-8)"
    )


def decode_utf8(data: bytes, path: str | os.PathLike[str]) -> str:
    """Decode ``data`` as strict UTF-8 or raise a TarjamaError naming line and byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise utf8_error(path, data, exc.start) from None
    # A byte-order mark is an encoding artefact, not content.
    return text.removeprefix("\ufeff")


def read_text(
    path: str | os.PathLike[str], *, allow_empty: bool = False, allow_controls: bool = False
) -> str:
    """Read a UTF-8 text file; errors are one clear line (missing, unreadable, bad bytes, controls, empty).

    ``allow_controls`` leaves control characters to a reader that reports them itself, with
    more context (the glossary: its cells are validated by ``glossary.entry``, and lint lists
    every one).
    """
    p = Path(path)
    data = read_input(p)
    text = decode_utf8(data, p)
    if not allow_controls:
        check_controls(text, str(p), byte_base=3 if data.startswith(b"\xef\xbb\xbf") else 0)
    if not allow_empty and not text.strip():
        raise TarjamaError(f"{p}: file is empty (no text to process); give a file with content")
    return text


_TEMP_RE = re.compile(r"^\..+\.(\d+)\.[^.]+\.(?:tmp|probe)$")
_swept: set[str] = set()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def sweep_stale_temps(folder: Path) -> None:
    """Remove temporary files of atomic writes whose process is gone (once per folder and process)."""
    key = str(folder.resolve())
    if key in _swept:
        return
    _swept.add(key)
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = _TEMP_RE.match(entry.name)
            if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def sibling_temp(path: Path, suffix: str = ".tmp") -> tuple[int, str]:
    """A new temporary file beside ``path`` (descriptor, name), or one clear error.

    A real file, not ``os.access``: root passes access checks on read-only filesystems.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise TarjamaError(f"{path}: output folder {folder} does not exist; create it or choose another path")
    sweep_stale_temps(folder)
    try:
        return tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=suffix, dir=folder)
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
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and (error := disk_error(p, exc)) is not None:
            raise error from None
        raise


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def folder_lock(path: Path, *, timeout: float, busy: str, required: bool = True) -> Iterator[None]:
    """An exclusive ``flock`` on ``path``'s folder, for a read-modify-write of ``path`` that other
    processes may run at once. No lock file is left beside ``path``, and the lock survives an
    atomic rename that replaces ``path`` itself. After ``timeout`` seconds of waiting: ``busy``,
    as one line. A folder that cannot be opened is an error, or when not ``required`` no lock
    (the caller's own open then says what is wrong).
    """
    import fcntl
    import time

    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        if not required:
            yield
            return
        raise TarjamaError(f"{path}: cannot open its folder {folder} to lock it ({exc.strerror})") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TarjamaError(busy) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextlib.contextmanager
def muted_stderr() -> Iterator[None]:
    """File descriptor 2 sent to /dev/null for the block: native libraries (llama.cpp's load
    log, Ray's C++ core) write there directly, past ``sys.stderr``; the CLI's one-line errors
    stay readable. Where fd 2 cannot be duplicated, nothing is muted."""
    import sys

    with contextlib.suppress(Exception):
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically."""
    with atomic_writer(path) as fh:
        fh.write(text)


def repair_log(path: str | os.PathLike[str]) -> None:
    """Cut an append-only log back to its last complete line (a torn tail is never a record)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return
    try:
        size = os.fstat(fd).st_size
        if size == 0:
            return
        if os.pread(fd, 1, size - 1) == b"\n":
            return
        # Walk back to the last line feed, a block at a time.
        end = size
        while end > 0:
            start = max(0, end - 65536)
            block = os.pread(fd, end - start, start)
            cut = block.rfind(b"\n")
            if cut >= 0:
                os.ftruncate(fd, start + cut + 1)
                return
            end = start
        os.ftruncate(fd, 0)
    finally:
        os.close(fd)


# Errors of the disk rather than of the program: a full disk, a quota, a read-only mount, I/O.
DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EFBIG})


def disk_error(path: str | os.PathLike[str], exc: OSError, doing: str = "write") -> TarjamaError | None:
    """The one-line error for ``exc`` when it is the disk's (``DISK_ERRNOS``), else None."""
    if exc.errno not in DISK_ERRNOS:
        return None
    why = {errno.ENOSPC: "no space left on the disk", errno.EDQUOT: "the disk quota is used up",
           errno.EROFS: "the disk is mounted read-only", errno.EFBIG: "the file is too large for this disk",
           }.get(exc.errno, "the disk reported an I/O error")
    return TarjamaError(
        f"{path}: cannot {doing} it: {why} ({exc.strerror}); nothing half-written was left: free space "
        "(or write to another folder) and run again — finished work is kept and a rerun resumes"
    )


class LineLog:
    """An append-only file of whole lines (see the module docstring); ``append`` is one ``write``.

    A write the disk refuses (full, read-only: ``DISK_ERRNOS``) is undone — the file is cut back
    to what it held, and removed if this log created it empty — and raised as one line.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        repair_log(self.path)
        self._created = not self.path.exists()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)

    def append(self, line: str, *, sync: bool = True) -> None:
        data = line.rstrip("\n").encode("utf-8") + b"\n"
        if b"\n" in data[:-1]:
            raise ValueError("a log record must be one line")
        size = os.fstat(self._fd).st_size
        try:
            written = os.write(self._fd, data)
            while written < len(data):  # a regular file takes the whole write; this is belt and braces
                written += os.write(self._fd, data[written:])
            if sync:
                os.fsync(self._fd)
        except OSError as exc:
            error = disk_error(self.path, exc, "append to")
            if error is None:
                raise
            self._undo(size)
            raise error from None

    def _undo(self, size: int) -> None:
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, size)
        if self._created and size == 0:
            self.close()
            with contextlib.suppress(OSError):
                self.path.unlink()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> LineLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
