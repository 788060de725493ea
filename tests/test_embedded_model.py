"""Assembly and verification of the embedded model from its parts, on small fake parts."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tarjama.errors import TarjamaError
from tarjama.models import embedded
from tarjama.models.embedded import assemble, verify


@pytest.fixture
def parts(tmp_path: Path) -> tuple[list[Path], int, str]:
    folder = tmp_path / "parts"
    folder.mkdir()
    paths = []
    for i in range(5):
        p = folder / f"part{i + 1:02d}.bin"
        p.write_bytes(bytes([i]) * 1000 + os.urandom(24))
        paths.append(p)
    data = b"".join(p.read_bytes() for p in paths)
    return paths, len(data), hashlib.sha256(data).hexdigest()


def test_assembles_and_verifies(parts, tmp_path: Path) -> None:
    paths, size, sha = parts
    dest = assemble(paths, tmp_path / "cache" / "model.gguf", size, sha)
    assert dest.read_bytes() == b"".join(p.read_bytes() for p in paths)
    verify(dest, size, sha)
    assert not list(dest.parent.glob("*.partial*"))


def test_wrong_order_is_refused_and_nothing_installed(parts, tmp_path: Path) -> None:
    paths, size, sha = parts
    dest = tmp_path / "model.gguf"
    with pytest.raises(TarjamaError, match="out of order"):
        assemble([paths[1], paths[0], *paths[2:]], dest, size, sha)
    assert not dest.exists()
    assert not list(tmp_path.glob("model.gguf.partial*"))


def test_missing_part_is_refused(parts, tmp_path: Path) -> None:
    paths, size, sha = parts
    with pytest.raises(TarjamaError, match="add up to"):
        assemble(paths[:-1], tmp_path / "model.gguf", size, sha)
    assert not (tmp_path / "model.gguf").exists()


def test_one_corrupted_byte_is_refused(parts, tmp_path: Path) -> None:
    paths, size, sha = parts
    data = bytearray(paths[2].read_bytes())
    data[500] ^= 0x01
    paths[2].write_bytes(bytes(data))
    with pytest.raises(TarjamaError, match="SHA-256"):
        assemble(paths, tmp_path / "model.gguf", size, sha)
    assert not (tmp_path / "model.gguf").exists()


def test_resumes_after_interruption(parts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths, size, sha = parts
    dest = tmp_path / "model.gguf"
    real_write = embedded._write_journal
    calls = {"n": 0}

    def crash_after_two(journal, done, offset, parts_):
        real_write(journal, done, offset, parts_)
        calls["n"] += 1
        if done == 2:
            raise KeyboardInterrupt  # simulated kill after two parts are safely written

    monkeypatch.setattr(embedded, "_write_journal", crash_after_two)
    with pytest.raises(KeyboardInterrupt):
        assemble(paths, dest, size, sha)
    journal = json.loads(dest.with_name("model.gguf.partial.json").read_text())
    assert journal["parts_done"] == 2
    # a torn write after the journal: extra garbage past the recorded offset is discarded
    with open(dest.with_name("model.gguf.partial"), "ab") as fh:
        fh.write(b"garbage")
    written: list[int] = []
    monkeypatch.setattr(
        embedded, "_write_journal", lambda j, d, o, p: (written.append(d), real_write(j, d, o, p))
    )
    assemble(paths, dest, size, sha)
    assert written == [3, 4, 5]  # parts 1-2 were not copied again
    verify(dest, size, sha)


def test_resume_hashes_parts_already_written(parts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest is computed while copying; on a resume the partial file's bytes count too."""
    paths, size, sha = parts
    dest = tmp_path / "model.gguf"
    real_write = embedded._write_journal

    def crash_after_two(journal, done, offset, parts_):
        real_write(journal, done, offset, parts_)
        if done == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(embedded, "_write_journal", crash_after_two)
    with pytest.raises(KeyboardInterrupt):
        assemble(paths, dest, size, sha)
    monkeypatch.setattr(embedded, "_write_journal", real_write)
    partial = dest.with_name("model.gguf.partial")
    with open(partial, "r+b") as fh:  # a byte of part 1 changes on disk while nothing runs
        fh.seek(100)
        fh.write(b"\xfe")
    with pytest.raises(TarjamaError, match="SHA-256"):
        assemble(paths, dest, size, sha)
    assert not dest.exists() and not partial.exists()
    assert assemble(paths, dest, size, sha) == dest  # a fresh start then succeeds
    verify(dest, size, sha)


def test_verify_refuses_changed_file(parts, tmp_path: Path) -> None:
    paths, size, sha = parts
    dest = assemble(paths, tmp_path / "model.gguf", size, sha)
    with open(dest, "r+b") as fh:
        fh.seek(10)
        fh.write(b"\xff")
    with pytest.raises(TarjamaError, match="does not match the pinned"):
        verify(dest, size, sha)
    with open(dest, "ab") as fh:
        fh.write(b"x")
    with pytest.raises(TarjamaError, match="size"):
        verify(dest, size, sha)


def test_ensure_model_reports_missing_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = embedded.EmbeddedModel(
        name="fake",
        filename="fake.gguf",
        size=10,
        sha256="0" * 64,
        part_distribution="tarjama-no-such-dist-{n}",
        part_module="nope{n}",
        parts=2,
        version="1.0",
        licence="-",
    )
    with pytest.raises(TarjamaError, match=r"part 1/2 .*not installed"):
        embedded.ensure_model(spec, folder=tmp_path)
