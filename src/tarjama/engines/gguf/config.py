"""Named configurations ("variants") of the embedded GGUF engine, and how to override them.

Every prompt and decoding choice that was measured on the ntrex-dev sample is a field of
``EmbeddedConfig``; ``VARIANTS`` names the configurations in the table of
``references/embedded-variants.md`` so that ``tarjama eval --variant NAME`` reproduces a row.
``DEFAULT_VARIANT`` is what ``GGUFEngine()`` uses. First attempts decode greedily; extra
candidates (``candidates``, ``retry_candidates``) are sampled with fixed seeds, so every
variant is deterministic for a given input and configuration.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from tarjama.errors import TarjamaError


@dataclass(frozen=True)
class EmbeddedConfig:
    # --- prompt ---
    template: str = "chatml"
    examples: int = 3
    retrieve: int = 0
    hints: bool = True
    same_hints: bool = True
    inject: bool = True
    context: bool = False
    strict_in_system: bool = False
    # --- output length ---
    max_tokens_per_word: float = 4.0
    max_tokens_extra: int = 24
    # --- repetition ---
    repeat_penalty: float = 1.0
    retry_repeat_penalty: float = 1.3
    # --- checks that trigger the retry ---
    check_invented: bool = False
    check_arabic_left: bool = False
    # --- inline markup ---
    # Measured on 20 marked ntrex-dev sentences, "force" keeps every tag but costs 4 chrF++ points
    # (docs/benchmarks.md#markup), so it is not the default.
    markup_grammar: str = "off"
    # --- candidates ---
    candidates: int = 1
    retry_candidates: int = 3
    # --- scheduling ---
    longest_first: bool = True
    # --- llama.cpp ---
    parallel: int = 16
    n_ctx: int = 2048
    threads: int | None = None
    threads_batch: int | None = None
    n_batch: int = 512
    flash_attn: bool = True
    n_ubatch: int = 512

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# What each option means (``tarjama config`` and docs/settings.md list them; set with
# ``--engine-option KEY=VALUE``).
OPTION_HELP: dict[str, str] = {
    'template': '"chatml" (chat template + system turn) or "raw" (plain completion)',
    'examples': 'fixed, committed example pairs in the prompt (the first N of prompts.EXAMPLES)',
    'retrieve': '>0: that many example pairs retrieved from a pool the caller gives (tarjama eval)',
    'hints': 'glossary hints in the prompt',
    'same_hints': 'also list hints whose source already is the target ("ESA = ESA")',
    'inject': 'first attempt too: glossary terms written into the source in English',
    'context': 'earlier sentences of the same paragraph in the prompt',
    'strict_in_system': "first version's retry layout (defeats the prefix cache)",
    'max_tokens_per_word': 'max_tokens = per_word × source words + extra (capped at 512)',
    'max_tokens_extra': 'tokens added to max_tokens_per_word × source words',
    'repeat_penalty': "llama.cpp's repetition penalty on the first attempt (1.0: off)",
    'retry_repeat_penalty': 'the repetition penalty of a retry after degenerate output',
    'check_invented': 'names in the output that neither source nor glossary has',
    'check_arabic_left': 'Arabic words left in the output',
    'markup_grammar': '"force": a sentence with tags cannot end before every tag is out; "shape": tags it '
    'writes are valid, but it may end without some; "off"',
    'candidates': '>1: greedy + sampled candidates (fixed seeds), chosen by MBR with chrF',
    'retry_candidates': 'the retry: greedy + sampled candidates, the one with fewest problems wins',
    'longest_first': 'start the longest sentences of a call first (a shorter tail of few sequences)',
    'parallel': 'completions decoded side by side (continuous batching); 1 = one at a time',
    'n_ctx': 'the longest single request (prompt + output), in tokens',
    'threads': 'generation threads (default: all cores)',
    'threads_batch': 'prompt-evaluation threads (default: as threads)',
    'n_batch': "llama.cpp's logical batch: most tokens per decode call",
    'flash_attn': "llama.cpp's fused attention: about 6 % faster on 2 cores",
    'n_ubatch': "llama.cpp's physical batch (prompt evaluation)",
}


# How a sentence with inline tags is decoded (``tarjama.engines.grammar``): under a grammar it cannot
# end before every tag is out, under one that only keeps what it writes valid, or free.
MARKUP_GRAMMAR = ("force", "shape", "off")

# The engine before continuous batching: one request at a time, a single greedy retry, glossary
# terms only as hints on the first attempt. The variants measured in that state keep it, so
# that their rows in references/embedded-variants.md stay reproducible.
SEQUENTIAL = EmbeddedConfig(
    parallel=1, retry_candidates=1, inject=False, flash_attn=False, longest_first=False
)

VARIANTS: dict[str, EmbeddedConfig] = {
    # --- measured one request at a time (before continuous batching) ---
    # The engine as it was before issue 8 (strict retry instruction in the system turn).
    "legacy": replace(SEQUENTIAL, strict_in_system=True),
    # Same prompt, retry instruction moved into the last user turn (prefix cache kept).
    "cached": SEQUENTIAL,
    "six-shot": replace(SEQUENTIAL, examples=6),
    "retrieved-3": replace(SEQUENTIAL, examples=0, retrieve=3),
    # --- batched: 16 requests side by side, flash attention, best-of-3 retry ---
    # The default: glossary terms also written into the source in English on the first
    # attempt (fewer retries, fewer prompt tokens).
    "batched": EmbeddedConfig(),
    # Terms only as hints on the first attempt, as in "cached".
    "batched-hints": EmbeddedConfig(inject=False),
    # ... and without listing Latin-script names the sentence already shows ("ESA = ESA").
    "lean-hints": EmbeddedConfig(inject=False, same_hints=False),
    "raw": EmbeddedConfig(template="raw"),
    "zero-shot": EmbeddedConfig(examples=0),
    "no-hints": EmbeddedConfig(hints=False, inject=False),
    "context": EmbeddedConfig(context=True),
    "short-max": EmbeddedConfig(max_tokens_per_word=2.5, max_tokens_extra=16),
    "rep-1.1": EmbeddedConfig(repeat_penalty=1.1),
    "checks": EmbeddedConfig(check_invented=True, check_arabic_left=True),
    "mbr-3": EmbeddedConfig(candidates=3),
}
DEFAULT_VARIANT = "batched"


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
    from tarjama.engines.gguf.prompts import EXAMPLES, TEMPLATES

    if config.template not in TEMPLATES:
        raise TarjamaError(f"template must be one of {', '.join(TEMPLATES)}, got {config.template!r}")
    if not 0 <= config.examples <= len(EXAMPLES):
        raise TarjamaError(f"examples must be between 0 and {len(EXAMPLES)}, got {config.examples}")
    if config.retrieve < 0 or config.candidates < 1 or config.retry_candidates < 1:
        raise TarjamaError("retrieve must be ≥ 0, candidates and retry_candidates ≥ 1")
    if config.markup_grammar not in MARKUP_GRAMMAR:
        raise TarjamaError(
            f"markup_grammar must be one of {', '.join(MARKUP_GRAMMAR)}, got {config.markup_grammar!r}"
        )
    if not 1 <= config.parallel <= 64:
        raise TarjamaError(f"parallel must be between 1 and 64, got {config.parallel}")
