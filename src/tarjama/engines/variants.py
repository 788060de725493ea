"""Named configurations ("variants") of the embedded GGUF engine, and how to override them.

Every prompt and decoding choice that was measured on the ntrex-dev sample is a field of
``EmbeddedConfig``; ``VARIANTS`` names the configurations in the table of
``references/embedded-variants.md`` so that ``tarjama eval --variant NAME`` reproduces a row.
``DEFAULT_VARIANT`` is what ``GGUFEngine()`` uses. All variants decode greedily (and the
candidate variant samples with fixed seeds), so every one is deterministic.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from tarjama.errors import TarjamaError


@dataclass(frozen=True)
class EmbeddedConfig:
    # --- prompt ---
    template: str = "chatml"  # "chatml" (chat template + system turn) or "raw" (plain completion)
    examples: int = 3  # fixed, committed example pairs (the first N of prompting.EXAMPLES)
    retrieve: int = 0  # >0: that many pairs retrieved from the ntrex-dev pool instead (option only)
    hints: bool = True  # glossary hints in the prompt
    context: bool = False  # earlier sentences of the same paragraph in the prompt
    strict_in_system: bool = False  # first version's retry layout (defeats the prefix cache)
    # --- output length ---
    max_tokens_per_word: float = 4.0  # max_tokens = per_word × source words + extra (capped at 512)
    max_tokens_extra: int = 24
    # --- repetition ---
    repeat_penalty: float = 1.0
    retry_repeat_penalty: float = 1.3
    # --- checks that trigger the retry ---
    check_invented: bool = False  # names in the output that neither source nor glossary has
    check_arabic_left: bool = False  # Arabic words left in the output
    # --- candidates ---
    candidates: int = 1  # >1: greedy + sampled candidates (fixed seeds), chosen by MBR with chrF
    # --- llama.cpp ---
    n_ctx: int = 2048
    threads: int | None = None  # generation threads (default: all cores)
    threads_batch: int | None = None  # prompt-evaluation threads (default: as threads)
    n_batch: int = 512
    n_ubatch: int = 512

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


VARIANTS: dict[str, EmbeddedConfig] = {
    # The engine as it was before issue 8 (strict retry instruction in the system turn).
    "legacy": EmbeddedConfig(strict_in_system=True),
    # Same prompt, retry instruction moved into the last user turn (prefix cache kept).
    "cached": EmbeddedConfig(),
    "raw": EmbeddedConfig(template="raw"),
    "zero-shot": EmbeddedConfig(examples=0),
    "six-shot": EmbeddedConfig(examples=6),
    "no-hints": EmbeddedConfig(hints=False),
    "retrieved-3": EmbeddedConfig(examples=0, retrieve=3),
    "context": EmbeddedConfig(context=True),
    "short-max": EmbeddedConfig(max_tokens_per_word=2.5, max_tokens_extra=16),
    "rep-1.1": EmbeddedConfig(repeat_penalty=1.1),
    "checks": EmbeddedConfig(check_invented=True, check_arabic_left=True),
    "mbr-3": EmbeddedConfig(candidates=3),
}
DEFAULT_VARIANT = "cached"


def _coerce(name: str, value: str, current: Any, annotation: str) -> Any:
    if "bool" in annotation:
        if value.lower() in {"1", "true", "yes", "on"}:
            return True
        if value.lower() in {"0", "false", "no", "off"}:
            return False
        raise TarjamaError(f"{name}: expected true or false, got {value!r}")
    try:
        if "None" in annotation and value.lower() in {"none", ""}:
            return None
        if "float" in annotation:
            return float(value)
        if "int" in annotation:
            return int(value)
    except ValueError:
        raise TarjamaError(f"{name}: expected a number, got {value!r}") from None
    return value


def resolve(variant: str | None = None, overrides: Mapping[str, Any] | None = None) -> EmbeddedConfig:
    """The named variant (default: ``DEFAULT_VARIANT``) with ``overrides`` applied.

    Override values may be strings ("2.5", "true"), as they come from the command line.
    """
    name = variant or DEFAULT_VARIANT
    if name not in VARIANTS:
        raise TarjamaError(f"unknown embedded variant {name!r}; choose one of: {', '.join(VARIANTS)}")
    config = VARIANTS[name]
    if not overrides:
        return config
    known = {f.name: f for f in fields(EmbeddedConfig)}
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if key not in known:
            raise TarjamaError(f"unknown engine option {key!r}; options: {', '.join(known)}")
        if isinstance(value, str):
            value = _coerce(key, value, getattr(config, key), str(known[key].type))
        changes[key] = value
    config = replace(config, **changes)
    validate(config)
    return config


def validate(config: EmbeddedConfig) -> None:
    from tarjama.engines.prompting import EXAMPLES, TEMPLATES

    if config.template not in TEMPLATES:
        raise TarjamaError(f"template must be one of {', '.join(TEMPLATES)}, got {config.template!r}")
    if not 0 <= config.examples <= len(EXAMPLES):
        raise TarjamaError(f"examples must be between 0 and {len(EXAMPLES)}, got {config.examples}")
    if config.retrieve < 0 or config.candidates < 1:
        raise TarjamaError("retrieve must be ≥ 0 and candidates ≥ 1")


def parse_options(pairs: Iterable[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings (from ``--set``) as a dict."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise TarjamaError(f"--set expects KEY=VALUE, got {pair!r}")
        out[key.strip().replace("-", "_")] = value.strip()
    return out
