"""Conversion of a Marian (OPUS-MT), NLLB-200 or M2M-100 model to CTranslate2, for the ``ctranslate2`` engine.

``convert_model`` runs CTranslate2's ``TransformersConverter`` on a local model folder or a
Hugging Face model id already in the local cache, copies the sentencepiece models and
tokenizer files beside ``model.bin`` (the engine tokenises with them, so the converted folder
is self-contained), and writes a small provenance record. The conversion is atomic: it
happens in a temporary folder beside the destination, which is renamed into place only once
complete, so an interrupted run never leaves a half-written model where the engine looks.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tarjama.errors import TarjamaError

# Written beside model.bin: where the model came from (read by the ctranslate2 engine).
PROVENANCE_FILE = "tarjama-conversion.json"
# Files the conversion copies from the Marian folder so the converted folder is self-contained.
TOKENIZER_FILES = (
    "sentencepiece.bpe.model",  # NLLB-200 and M2M-100
    "tokenizer.json",
    "source.spm",
    "target.spm",
    "vocab.json",
    "target_vocab.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
)
# What CTranslate2 can store weights as; int8 is the fast CPU default.
QUANTIZATIONS = (
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)


@dataclass(frozen=True)
class Conversion:
    source: str
    source_folder: str
    source_revision: str | None
    source_sha256: str | None
    output: str
    quantization: str
    model_sha256: str
    model_bytes: int
    max_position_embeddings: int
    ctranslate2: str
    seconds: float
    # The model forces </s> into the last step of generation (OPUS-MT does; NLLB-200 and M2M-100
    # do not): the ctranslate2 engine then stops one step earlier, as transformers does.
    forced_eos: bool = True

    def provenance(self) -> dict[str, object]:
        """What is recorded beside model.bin (timing excluded: it says nothing about the model)."""
        record = asdict(self)
        for key in ("seconds", "output", "model_sha256", "model_bytes"):
            record.pop(key)
        return record


def read_provenance(folder: Path) -> dict[str, Any]:
    """The conversion record of ``folder``, or an empty dict for folders converted elsewhere."""
    path = folder / PROVENANCE_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _source_folder(source: str) -> Path:
    from tarjama.models.provenance import locate_model

    folder = locate_model(source)
    if folder is None:
        raise TarjamaError(
            f"{source}: no such model folder, and not a Hugging Face model id in the local cache"
        )
    config_path = folder / "config.json"
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TarjamaError(f"{folder}: not a Marian model (no config.json)") from None
    except (OSError, ValueError) as exc:
        raise TarjamaError(f"{config_path}: unreadable ({str(exc).splitlines()[0]})") from None
    model_type = config.get("model_type") if isinstance(config, dict) else None
    if model_type not in REQUIRED:
        raise TarjamaError(
            f"{folder}: not a Marian, NLLB or M2M-100 model (config.json model_type is {model_type!r}, "
            "expected 'marian' or 'm2m_100')"
        )
    missing = [n for n in REQUIRED[model_type] if not any((folder / f).is_file() for f in n.split("|"))]
    if missing:
        names = ", ".join(m.replace("|", " or ") for m in missing)
        raise TarjamaError(f"{folder}: tokenizer file(s) missing: {names}")
    return folder


# The tokenizer files each model type needs ("a|b": either).
REQUIRED = {
    "marian": ("source.spm", "target.spm", "vocab.json"),
    "m2m_100": ("sentencepiece.bpe.model", "tokenizer.json|vocab.json"),
}


class _Languages:
    """M2M-100's tokenizer as CTranslate2's converter expects it: language tokens listed.

    transformers 5 keeps M2M100Tokenizer's ``__ar__``… out of ``get_vocab()`` and of
    ``special_tokens_map``; the converter then builds a vocabulary without them, shorter than the
    model's, and refuses. This view lists them as ``additional_special_tokens`` (in id order), so
    they land where the model has them.
    """

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)

    @property
    def special_tokens_map(self) -> dict[str, Any]:
        tokens = sorted(self._tokenizer.lang_token_to_id, key=self._tokenizer.lang_token_to_id.get)
        return {**self._tokenizer.special_tokens_map, "additional_special_tokens": tokens}


def _forced_eos(folder: Path, config: dict[str, Any]) -> bool:
    """Whether generation forces ``</s>`` into its last step (config.json or generation_config.json)."""
    if config.get("forced_eos_token_id") is not None:
        return True
    try:
        generation = json.loads((folder / "generation_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(generation, dict) and generation.get("forced_eos_token_id") is not None


def _converter(folder: Path, copy: list[str]) -> Any:
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            listed = tokenizer.special_tokens_map.get("additional_special_tokens")
            if getattr(tokenizer, "lang_token_to_id", None) and not listed:
                return _Languages(tokenizer)
            return tokenizer

    return Converter(str(folder), copy_files=copy)


def _check_destination(out: Path, source_folder: Path, force: bool) -> None:
    if out.resolve() == source_folder.resolve():
        raise TarjamaError(f"{out}: the output folder must differ from the source model folder")
    if not out.exists() and not out.is_symlink():
        return
    if not force:
        raise TarjamaError(f"{out} already exists; pass --force to replace it")
    # --force replaces a previous conversion, never an arbitrary folder or file.
    if not out.is_dir() or out.is_symlink() or (any(out.iterdir()) and not (out / "model.bin").is_file()):
        raise TarjamaError(f"{out}: refusing to replace it, it is not a CTranslate2 model folder")


def convert_model(source: str, out: Path, quantization: str = "int8", force: bool = False) -> Conversion:
    """Convert model ``source`` (Marian, NLLB or M2M-100; folder or cached hub id) to a CTranslate2 folder."""
    if quantization not in QUANTIZATIONS:
        choices = ", ".join(QUANTIZATIONS)
        raise TarjamaError(f"unknown quantization {quantization!r}; choose one of: {choices}")
    try:
        import ctranslate2
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise TarjamaError(
            f"converting needs ctranslate2, transformers and torch ({exc.name} is missing); "
            "pip install 'tarjama[marian,ctranslate2]'"
        ) from None
    from tarjama.models.provenance import hub_revision, sha256_file, weights_sha256

    start = time.perf_counter()
    folder = _source_folder(source)
    out = out.expanduser()
    _check_destination(out, folder, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    copy = [name for name in TOKENIZER_FILES if (folder / name).is_file()]
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".converting", dir=out.parent))
    backup: Path | None = None
    # The converter loads the model through transformers, whose progress bars are noise here.
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        try:
            _converter(folder, copy).convert(
                str(tmp), quantization=quantization, force=True
            )
        # Only the third-party loading and conversion runs here, and its failures have no common
        # type (safetensors, torch, transformers and CTranslate2 errors): report any as one line.
        except Exception as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise TarjamaError(f"{folder}: CTranslate2 cannot convert this model ({first[:200]})") from None
        result = Conversion(
            source=source,
            source_folder=str(folder.resolve()),
            source_revision=hub_revision(folder),
            source_sha256=weights_sha256(folder),
            output=str(out),
            quantization=quantization,
            model_sha256=sha256_file(tmp / "model.bin"),
            model_bytes=(tmp / "model.bin").stat().st_size,
            max_position_embeddings=int(config.get("max_position_embeddings") or 512),
            ctranslate2=ctranslate2.__version__,
            seconds=0.0,
            forced_eos=_forced_eos(folder, config),
        )
        (tmp / PROVENANCE_FILE).write_text(
            json.dumps(result.provenance(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a model folder is ordinary data
        if out.exists():
            backup = tmp.with_suffix(".replaced")
            os.rename(out, backup)
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if backup is not None and backup.exists() and not out.exists():
            os.rename(backup, out)
        raise
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
    return Conversion(**{**asdict(result), "seconds": time.perf_counter() - start})


convert_marian = convert_model  # the name before NLLB and M2M-100
