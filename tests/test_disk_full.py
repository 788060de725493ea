"""A disk that refuses a write (full, quota, read-only) is one line, and nothing half-written is
left (issue 29, D13).

The unit tests make the disk refuse with a file-size limit (``RLIMIT_FSIZE``: the kernel's
``EFBIG``, as a full disk's ``ENOSPC`` stops a write part-way) in a forked child; the command
runs into a real 1 MB tmpfs, mounted in a user namespace (``unshare -rm``).
"""

from __future__ import annotations

import os
import resource
import shlex
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tarjama.text.textio import LineLog, atomic_writer
from test_memory_errors import namespaces

TESTS = Path(__file__).resolve().parent


def in_child_with_limit(limit: int, work: Callable[[], None]) -> str:
    """Run ``work`` in a forked child whose files may not grow past ``limit`` bytes; what it raised."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            work()
            message = "no error"
        except BaseException as exc:
            message = f"{type(exc).__name__}: {exc}"
        os.write(write, message.encode("utf-8"))
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8")


def test_a_log_line_the_disk_refuses_is_undone(tmp_path: Path) -> None:
    log_path = tmp_path / "provenance.jsonl"
    with LineLog(log_path) as log:
        log.append('{"n": 1}')

    def work() -> None:
        with LineLog(log_path) as log:
            log.append('{"n": 2, "text": "' + "x" * 200 + '"}')

    outcome = in_child_with_limit(100, work)
    assert outcome.startswith("TarjamaError: ") and "provenance.jsonl: cannot append to it" in outcome
    assert "\n" not in outcome and "run again" in outcome
    assert log_path.read_text(encoding="utf-8") == '{"n": 1}\n'  # no torn line

    fresh = tmp_path / "journal"

    def first() -> None:
        with LineLog(fresh) as log:
            log.append("y" * 300)

    assert in_child_with_limit(100, first).startswith("TarjamaError: ")
    assert not fresh.exists()  # a log this run created is not left behind empty


def test_an_atomic_write_the_disk_refuses_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a.en.txt"
    target.write_text("old\n", encoding="utf-8")

    def work() -> None:
        with atomic_writer(target) as fh:
            fh.write("new " * 100_000)

    outcome = in_child_with_limit(4096, work)
    assert outcome.startswith("TarjamaError: ") and "a.en.txt: cannot write it" in outcome, outcome
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.en.txt"]


def test_a_batch_into_a_full_disk_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    if not namespaces():
        pytest.skip("needs a user namespace (unshare -rm) to mount a small tmpfs")
    (tmp_path / "in").mkdir()
    for name, text in (("a.txt", "وقعت وكالة الفضاء الأوروبية اتفاقا مع اليابان.\n"),
                       ("b.txt", "وقالت الوكالة إن العمل بدأ.\n")):
        (tmp_path / "in" / name).write_text(text, encoding="utf-8")
    (tmp_path / "full").mkdir()
    run = (
        f"{shlex.quote(sys.executable)} -c 'import sys, tarjama.engines as e; "
        'e.ENGINES["fault"] = "faults:LoggingEngine"; '
        "from tarjama.cli import main; sys.exit(main(sys.argv[1:]))'"
    )
    script = f"""set -e
mount -t tmpfs -o size=1m tmpfs full
set +e
{run} batch in --out-dir out --memory mem.sqlite --engine fault 2>/dev/null >/dev/null
mkdir full/out && dd if=/dev/zero of=full/filler bs=1k count=1024 2>/dev/null
{run} batch in --out-dir full/out --memory mem.sqlite --engine fault; echo "rc=$?"
{run} translate in/a.txt -o full/out/a.en.txt --engine fault --memory mem.sqlite; echo "rc=$?"
echo "left:" $(ls -A full/out)
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), *sys.path]),
           "TARJAMA_FAULT_ENGINE_LOG": str(tmp_path / "engine.log")}
    proc = subprocess.run(["unshare", "-rm", "bash", "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, env=env)
    out, err = proc.stdout, proc.stderr
    assert "Traceback" not in err, err
    assert out.count("rc=2") == 2, out + err
    errors = [line for line in err.splitlines() if line.startswith("tarjama: error:")]
    assert len(errors) == 2 and all("no space left on the disk" in line for line in errors), err
    assert "full/out/provenance.jsonl: cannot append to it" in errors[0]
    assert out.rstrip().endswith("left:"), out  # no empty provenance.jsonl, journal or temporary file
