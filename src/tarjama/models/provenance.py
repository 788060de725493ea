"""Where model weights come from: local folders, content hashes and hub revisions.

An engine's identity names the exact weights that produced a translation: the SHA-256 of
the weights file, and for a model from the Hugging Face cache the snapshot (commit) it was
loaded from. Every engine and ``tarjama models`` compute them here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from tarjama.types import Direction

_CHUNK = 8 * 1024 * 1024
# Weight files of a transformers model folder, in the order transformers prefers them.
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def sha256_file(path: Path, progress: Callable[[int], None] | None = None) -> str:
    """SHA-256 of a file, read in 8 MiB chunks; ``progress(n)`` after each chunk."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            if progress:
                progress(len(chunk))
    return digest.hexdigest()


def weights_sha256(folder: Path) -> str | None:
    """SHA-256 of a transformers model folder's weights file, or None when it has none."""
    for name in WEIGHT_FILES:
        f = folder / name
        if f.is_file():
            return sha256_file(f)
    return None


def hub_revision(folder: Path) -> str | None:
    """The commit of a Hugging Face cache snapshot folder (``…/snapshots/<commit>/``), else None."""
    return folder.name if folder.parent.name == "snapshots" else None


def locate_model(model: str) -> Path | None:
    """A local folder for ``model`` (a path, or a hub id already in the HF cache), else None."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path
    if model.count("/") != 1 or path.exists():
        return None
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    try:
        return Path(snapshot_download(model, local_files_only=True))
    except Exception:
        return None


# A language pair in a model's name: opus-mt-en-ar, opus-mt-tc-big-ar-en, my-model_en-ar.
_PAIR_IN_NAME = re.compile(r"(?:^|[-_./])(ar|en)[-_](ar|en)(?=$|[-_./])")


def model_direction(folder: Path, *names: str | None) -> Direction | None:
    """The direction a Marian-style model translates, or None when nothing says.

    First what its ``tokenizer_config.json`` records (``source_lang``, ``target_lang``: what
    ``MarianTokenizer`` saves, as OPUS-MT models carry it), then a language pair in its name
    (``opus-mt-en-ar``), trying the folder's own name and then ``names`` (a hub id, the model a
    conversion came from).
    """
    config = folder / "tokenizer_config.json"
    if config.is_file():
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict):
            pair = (str(data.get("source_lang") or "").lower(), str(data.get("target_lang") or "").lower())
            if pair in (("ar", "en"), ("en", "ar")):
                return Direction(*pair)
    for name in (folder.name, *names):
        if name:
            found = _PAIR_IN_NAME.findall(Path(name).name.lower())
            if found and found[-1][0] != found[-1][1]:
                return Direction(*found[-1])
    return None
