"""Memory errors say what happened — locked, disk full, read-only, damaged — and never advise
removing the memory; a memory opened only to read is left exactly as found (issue 29: D4, D20, D22).

The read-only folder and the full disk are real: a read-only bind mount and a 2 MB tmpfs,
made in a user namespace (``unshare -rm``) when the tests run as root, or ``chmod a-w`` for
another user.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tarjama.errors import TarjamaError
from tarjama.memory.store import Approval, TranslationMemory, merge_memories
from tarjama.types import TranslationRequest

TARJAMA = f"{shlex.quote(sys.executable)} -m tarjama"


def tmx(n: int) -> str:
    """A TMX of ``n`` approval units as another tool writes them."""
    units = "".join(
        f'<tu creationid="bob"><tuv xml:lang="ar"><seg>هذه جملة رقم {i} عن الفضاء.</seg></tuv>'
        f'<tuv xml:lang="en"><seg>This is sentence number {i} about space.</seg></tuv></tu>'
        for i in range(n)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="ar" '
        f'datatype="plaintext"/><body>{units}</body></tmx>\n'
    )


def memory_with_approvals(path: Path, n: int) -> None:
    memory = TranslationMemory(path)
    memory.scope(None, None)
    for i in range(n):
        request = TranslationRequest(f"جملة رقم {i}.")
        memory.approve(request, Approval(request.key(), request.source, f"Sentence {i}.", "amal", 100.0 + i))
    memory.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def namespaces() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


def run_script(script: str, cwd: Path, *, mounts: str) -> subprocess.CompletedProcess[str]:
    """``script`` after ``mounts`` (shell), in a user namespace when root (see the module docstring)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    if os.geteuid() != 0:
        return subprocess.run(["bash", "-c", script], cwd=cwd, capture_output=True, text=True, env=env)
    if not namespaces():
        pytest.skip("running as root without user namespaces (unshare -rm): cannot make a read-only folder")
    return subprocess.run(
        ["unshare", "-rm", "bash", "-c", f"set -e\n{mounts}\nset +e\n{script}"],
        cwd=cwd, capture_output=True, text=True, env=env,
    )


def test_a_full_disk_is_not_called_damaged_and_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    memory_with_approvals(path, 50)
    memory = TranslationMemory(path)
    memory.scope(None, None)
    pages = memory._db.execute("PRAGMA page_count").fetchone()[0]
    memory._db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own 'database or disk is full'
    request = TranslationRequest("جملة أخرى طويلة. " * 400)
    with pytest.raises(TarjamaError) as caught:
        memory.approve(request, Approval(request.key(), request.source, "Long. " * 400, "amal", 1.0))
    memory.close()
    line = str(caught.value)
    assert "disk holding the translation memory is full" in line and "free space" in line
    assert "damaged" not in line and "mv " not in line and "move" not in line
    assert len(TranslationMemory(path, readonly=True).approvals()) == 50


def test_a_read_only_folder_and_a_full_disk_each_get_their_own_line(tmp_path: Path) -> None:
    memory_with_approvals(tmp_path / "mem.sqlite", 20)
    (tmp_path / "ro").mkdir()
    shutil.copy(tmp_path / "mem.sqlite", tmp_path / "ro" / "mem.sqlite")
    (tmp_path / "a.tmx").write_text(tmx(20), encoding="utf-8")
    (tmp_path / "big.tmx").write_text(tmx(20000), encoding="utf-8")
    (tmp_path / "full").mkdir()
    before = digest(tmp_path / "ro" / "mem.sqlite")
    script = f"""
{TARJAMA} memory export x.tmx --memory ro/mem.sqlite; echo "rc=$?"
{TARJAMA} memory merge ro/mem.sqlite -o merged.sqlite; echo "rc=$?"
{TARJAMA} memory import a.tmx --memory ro/mem.sqlite --no-glossary; echo "rc=$?"
{TARJAMA} memory import a.tmx --memory ro/new.sqlite --no-glossary; echo "rc=$?"
ls -a ro
{TARJAMA} memory import big.tmx --memory full/mem.sqlite --no-glossary; echo "rc=$?"
echo "in full:" $(ls -A full)
"""
    if os.geteuid() != 0:
        (tmp_path / "ro").chmod(0o555)
    try:
        proc = run_script(
            script, tmp_path,
            mounts="mount --bind ro ro && mount -o remount,ro,bind ro && "
            "mount -t tmpfs -o size=1m tmpfs full",
        )
    finally:
        (tmp_path / "ro").chmod(0o755)
    out, err = proc.stdout, proc.stderr
    assert "Traceback" not in err and "damaged" not in err and "mv " not in err, err
    # Reading works: export and merge need nothing written beside the memory.
    assert "x.tmx: wrote 20 translation units" in out and (tmp_path / "merged.sqlite").is_file()
    assert out.count("rc=0") == 2, out
    # Writing says which folder is read-only, once per command, and leaves nothing there.
    lines = [line for line in err.splitlines() if "read-only" in line]
    assert len(lines) == 2 and all("its folder ro is read-only" in line for line in lines), err
    assert "ro/new.sqlite: cannot write" in err and "nothing was written" in err
    assert "ro/mem.sqlite: cannot write" in err and "the memory is intact" in err
    assert "\n.\n..\nmem.sqlite\n" in out  # no new.sqlite, no -wal/-shm
    assert digest(tmp_path / "ro" / "mem.sqlite") == before
    if os.geteuid() == 0:  # the tmpfs: a full disk
        assert "full/mem.sqlite: the disk holding the translation memory is full" in err, err
        assert "full/mem.sqlite: created" not in out
        assert out.endswith("in full:\n")  # the refused import's new memory is not left behind


def test_a_damaged_memory_is_left_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    before = digest(path)
    for argv in (["memory", "export", "x.tmx", "--memory", str(path)],
                 ["memory", "import", "a.tmx", "--memory", str(path), "--no-glossary"]):
        (tmp_path / "a.tmx").write_text(tmx(2), encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "tarjama", *argv], cwd=tmp_path, capture_output=True,
                              text=True)
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "damaged" in proc.stderr and "another --memory" in proc.stderr
        assert "mv " not in proc.stderr and "move it" not in proc.stderr
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tmx", "m.sqlite"]


def test_an_empty_memory_file_is_an_empty_memory_for_a_dry_run_and_a_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".tarjama-memory.sqlite").write_bytes(b"")
    (tmp_path / "a.txt").write_text("جملة أولى.\n", encoding="utf-8")
    argv = [sys.executable, "-m", "tarjama", "batch", "a.txt", "--out-dir", "out", "--dry-run"]
    proc = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "1 segments, 0 cached" in proc.stdout and "1 to translate" in proc.stdout
    assert (out / ".tarjama-memory.sqlite").read_bytes() == b""  # read, not changed
    memory = TranslationMemory(out / ".tarjama-memory.sqlite", readonly=True)
    memory.scope(None, None)
    assert memory.approvals() == [] and memory.get_many(["x"]) == {} and memory.count() == 0
    memory.close()
    memory = TranslationMemory(out / ".tarjama-memory.sqlite")  # a run: the same empty memory
    memory.scope(None, None)
    assert memory.approvals() == [] and memory.count() == 0
    memory.close()


def test_merge_and_export_leave_nothing_beside_the_memories_they_read(tmp_path: Path) -> None:
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    memory_with_approvals(a, 3)
    memory_with_approvals(b, 5)
    before = {p.name: digest(p) for p in tmp_path.iterdir()}
    assert sorted(before) == ["a.sqlite", "b.sqlite"]
    report = merge_memories([a, b], tmp_path / "m.sqlite")
    assert report.approvals == 5  # b's first three are a's
    subprocess.run([sys.executable, "-m", "tarjama", "memory", "export", "x.tmx", "--memory", "a.sqlite"],
                   cwd=tmp_path, check=True, capture_output=True)
    after = {p.name: digest(p) for p in tmp_path.iterdir() if p.name not in ("m.sqlite", "x.tmx")}
    assert after == before


def test_a_memory_in_use_by_a_writer_is_read_without_disturbing_it(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    memory_with_approvals(path, 2)
    writer = TranslationMemory(path)  # another run holds the memory open: -wal and -shm exist
    writer.scope(None, None)
    request = TranslationRequest("جملة جديدة.")
    writer.approve(request, Approval(request.key(), request.source, "New.", "amal", 500.0))
    try:
        assert Path(f"{path}-wal").exists()
        reader = TranslationMemory(path, readonly=True)
        assert len(reader.approvals()) == 3
        reader.close()
        merge_memories([path], tmp_path / "m.sqlite")
        with sqlite3.connect(tmp_path / "m.sqlite") as db:
            assert db.execute("SELECT COUNT(*) FROM approvals").fetchone()[0] == 3
        writer.approve(request, Approval(request.key(), request.source, "Newer.", "amal", 600.0))
    finally:
        writer.close()
    assert len(TranslationMemory(path, readonly=True).approvals()) == 4
