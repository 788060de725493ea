"""GGUF engine: an instruction-tuned LLM run by llama-cpp-python, the embedded offline default.

By default the model is the embedded Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), assembled from
its PyPI part packages and verified (size + SHA-256) before every load; ``model`` may also
name any local ``.gguf`` file, which is then hashed and recorded. Decoding is greedy and
therefore deterministic. Each sentence is one request; the prompt puts everything constant
first so llama.cpp reuses the evaluated prefix (its KV cache) between requests, retries
included. Degenerate output, missing terms and (optionally) invented names or leftover
Arabic are detected and retried with a stricter request; what cannot be repaired is noted.

How the prompt is built and decoded is an ``EmbeddedConfig`` (``tarjama.engines.variants``):
a named variant plus overrides, recorded in the engine identity.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from tarjama.engines import degeneracy, variants
from tarjama.engines.base import Engine, EngineIdentity, SegmentTranslation, TermHint, TranslationRequest
from tarjama.engines.injection import inject_terms
from tarjama.engines.prompting import (
    EXAMPLES,
    NO_INVENT_NOTE,
    SYSTEM,
    Example,
    PromptSpec,
    build_prompt,
    stop_sequences,
)
from tarjama.engines.variants import EmbeddedConfig
from tarjama.errors import ModelUnavailableError
from tarjama.models import embedded
from tarjama.models.embedded import INSTALL_HINT, QWEN_CODER_1_5B

EMBEDDED_ID = QWEN_CODER_1_5B.name
# Sampling settings of the extra candidates when ``candidates`` > 1 (seeded: deterministic).
CANDIDATE_TEMPERATURE = 0.7


def prompt_version(config: EmbeddedConfig | None = None) -> str:
    """Short hash of the fixed prompt (instruction, examples, layout): part of the engine identity."""
    config = config or variants.resolve()
    digest = hashlib.sha256(SYSTEM.encode())
    for ex in EXAMPLES[: config.examples]:
        digest.update(f"\x00{ex.ar}\x00{ex.en}\x00{ex.hints}".encode())
    layout = {k: v for k, v in config.to_dict().items() if k in {"template", "hints", "context", "retrieve"}}
    digest.update(json.dumps(layout, sort_keys=True).encode())
    return digest.hexdigest()[:12]


class GGUFEngine(Engine):
    name = "gguf"
    handles_term_hints = True

    def __init__(
        self,
        model: str | None = None,
        *,
        variant: str | None = None,
        threads: int | None = None,
        pool: Any = None,
        **options: Any,
    ) -> None:
        """``variant`` names an ``EmbeddedConfig``; ``options`` override its fields.

        ``pool`` is an ``ExamplePool`` for variants that retrieve examples (loaded from
        ntrex-dev when such a variant gets none).
        """
        if threads:
            options["threads"] = threads
        config = variants.resolve(variant, options)
        variants.validate(config)
        try:
            from llama_cpp import Llama
        except ImportError:
            raise ModelUnavailableError(f"the gguf engine needs llama-cpp-python; {INSTALL_HINT}") from None
        if model in (None, "", EMBEDDED_ID, "embedded"):
            path = embedded.ensure_model()
            model_id, sha = EMBEDDED_ID, QWEN_CODER_1_5B.sha256
        else:
            path = Path(model).expanduser()
            if not path.is_file():
                raise ModelUnavailableError(
                    f"{model}: no such GGUF file; give a path to a .gguf model, or omit --model for the "
                    f"embedded {EMBEDDED_ID}"
                )
            model_id, sha = str(path.resolve()), embedded.sha256_file(path)
        n_threads = config.threads or os.cpu_count() or 1
        n_threads_batch = config.threads_batch or n_threads
        with _quiet_stderr():
            try:
                self.llm = Llama(
                    model_path=str(path),
                    n_ctx=config.n_ctx,
                    n_threads=n_threads,
                    n_threads_batch=n_threads_batch,
                    n_batch=config.n_batch,
                    n_ubatch=config.n_ubatch,
                    seed=0,
                    verbose=False,
                )
            except (ValueError, RuntimeError) as exc:
                raise ModelUnavailableError(f"{path}: llama.cpp cannot load it ({exc})") from None
        self.config = config
        self.variant = variant or variants.DEFAULT_VARIANT
        self.spec = PromptSpec(
            template=config.template, hints=config.hints, context=config.context,
            strict_in_system=config.strict_in_system,
        )
        self.repeat_penalty = config.repeat_penalty
        self.retry_repeat_penalty = config.retry_repeat_penalty
        self.n_ctx = config.n_ctx
        self.pool = pool
        if config.retrieve and self.pool is None:
            from tarjama.engines.retrieval import ExamplePool

            self.pool = ExamplePool.from_ntrex()
        # Documents the caller wants kept out of retrieved examples (besides the automatic
        # exclusion of any document containing the sentence itself).
        self.exclude_docs: tuple[str, ...] = ()
        params: dict[str, Any] = {
            "decoding": "greedy" if config.candidates == 1 else f"mbr-chrf-{config.candidates}",
            "temperature": 0.0,
            "top_k": 1,
            "repeat_penalty": config.repeat_penalty,
            "retry_repeat_penalty": config.retry_repeat_penalty,
            "retry": "strict+inline-terms+near-miss-ban",
            "n_ctx": config.n_ctx,
            "threads": n_threads,
            "threads_batch": n_threads_batch,
            "variant": self.variant,
            "prompt": f"{config.template}-fewshot-{config.retrieve or config.examples}"
            f"{'-retrieved' if config.retrieve else ''}@{prompt_version(config)}",
            "llama_cpp_python": _llama_version(),
        }
        changed = {k: v for k, v in config.to_dict().items() if v != getattr(EmbeddedConfig(), k)}
        if changed:
            params["options"] = changed
        self._identity = EngineIdentity(engine=self.name, model=model_id, sha256=sha, params=params)

    @property
    def identity(self) -> EngineIdentity:
        return self._identity

    def _max_tokens(self, source: str) -> int:
        # English needs about 2 tokens per word and ≤1.6 words per Arabic word; the default
        # (4 per word + 24) leaves room, a tighter bound cuts rambling short.
        words = len(source.split())
        return min(512, int(self.config.max_tokens_per_word * words) + self.config.max_tokens_extra)

    def examples_for(self, source: str) -> Sequence[Example]:
        if self.config.retrieve and self.pool is not None:
            return self.pool.nearest(source, self.config.retrieve, self.exclude_docs)
        return EXAMPLES[: self.config.examples]

    def prompt(self, request: TranslationRequest, *, strict: bool, notes: Sequence[str] = ()) -> str:
        return build_prompt(
            request.source,
            request.hints,
            context=request.context,
            strict=strict,
            notes=notes,
            examples=self.examples_for(request.source),
            spec=self.spec,
        )

    def _complete(
        self,
        request: TranslationRequest,
        *,
        strict: bool,
        repeat_penalty: float,
        banned: Sequence[str] = (),
        notes: Sequence[str] = (),
        candidates: int = 1,
    ) -> tuple[str, bool]:
        prompt = self.prompt(request, strict=strict, notes=notes)
        bias = self._ban(banned) or None
        outs = [self._generate(prompt, request.source, repeat_penalty, bias, None)]
        # Extra candidates are sampled with fixed seeds (deterministic); the greedy one stays first
        # so that ties in the MBR choice go to it.
        for k in range(1, candidates):
            outs.append(self._generate(prompt, request.source, repeat_penalty, bias, k))
        if len(outs) == 1:
            return outs[0]
        best = mbr_choice([text for text, _ in outs])
        return outs[best]

    def _generate(
        self, prompt: str, source: str, repeat_penalty: float, bias: dict[int, float] | None, seed: int | None
    ) -> tuple[str, bool]:
        sampling: dict[str, Any] = {"temperature": 0.0, "top_k": 1, "top_p": 1.0, "min_p": 0.0, "seed": 0}
        if seed is not None:
            sampling = {"temperature": CANDIDATE_TEMPERATURE, "top_k": 40, "top_p": 0.95, "min_p": 0.0}
            sampling["seed"] = seed
        out: dict[str, Any] = self.llm.create_completion(
            prompt,
            max_tokens=self._max_tokens(source),
            repeat_penalty=repeat_penalty,
            stop=stop_sequences(self.config.template),
            logit_bias=bias,
            **sampling,
        )
        choice = out["choices"][0]
        return choice["text"].strip(), choice.get("finish_reason") == "length"

    def _ban(self, words: Sequence[str]) -> dict[int, float]:
        """Logit bias that forbids each word, where the word is a single token (with or without a space).

        Multi-token words are left alone: banning their first token would also ban unrelated words.
        """
        bias: dict[int, float] = {}
        for word in words:
            for form in (f" {word}", word):
                tokens = self.llm.tokenize(form.encode(), add_bos=False, special=False)
                if len(tokens) == 1:
                    bias[tokens[0]] = -100.0
        return bias

    @staticmethod
    def required_terms(request: TranslationRequest) -> list[str]:
        """Glossary targets and Latin-script names the output must contain, in source order."""
        found: dict[str, int] = {}
        for h in request.hints:
            found.setdefault(h.target, request.source.find(h.source))
        for name in degeneracy.latin_names(request.source):
            found.setdefault(name, request.source.find(name))
        return sorted(found, key=lambda t: found[t])

    def _issues(
        self, request: TranslationRequest, text: str, truncated: bool, required: Sequence[str]
    ) -> list[str]:
        source = request.source
        issues = degeneracy.problems(source, text)
        if truncated:
            issues.append("hit the token limit")
        if missing := degeneracy.missing_terms(text, required):
            issues.append(f"terms missing: {', '.join(missing)}")
        still_arabic = "output is still in Arabic" in issues
        if self.config.check_arabic_left and not still_arabic and degeneracy.arabic_left(text):
            issues.append("Arabic words left untranslated")
        if self.config.check_invented:
            allowed = [h.target for h in request.hints]
            if invented := degeneracy.invented_names(source, text, allowed):
                issues.append(f"names not in the source: {', '.join(invented)}")
        return issues

    def translate_one(self, request: TranslationRequest) -> SegmentTranslation:
        """Up to two attempts: the plain request, then a stricter one if the first is unusable.

        The retry states the glossary more forcefully (strict instruction, dropped Latin names
        added as hints, glossary terms written into the source in English), forbids the words
        that stood in for a missing term ("Japanese" for Japan), tells the model not to add
        names when the first attempt invented some, and adds a repetition penalty only when
        the first attempt looped or rambled, since the penalty also discourages copying names.
        The attempt with fewer problems wins.
        """
        start = time.perf_counter()
        notes: list[str] = []
        required = self.required_terms(request)
        text, truncated = self._complete(
            request, strict=request.strict_terms, repeat_penalty=self.repeat_penalty,
            candidates=self.config.candidates,
        )
        issues = self._issues(request, text, truncated, required)
        if issues:
            notes.append(f"retried: {', '.join(issues)}")
            hinted = {h.target for h in request.hints}
            extra = tuple(TermHint(t, t) for t in degeneracy.missing_terms(text, required) if t not in hinted)
            retry_request = replace(
                request, source=inject_terms(request.source, request.hints), hints=request.hints + extra,
                strict_terms=True,
            )
            degenerate = any(not i.startswith(("terms missing", "names not in")) for i in issues)
            penalty = self.retry_repeat_penalty if degenerate else self.repeat_penalty
            banned = degeneracy.near_misses(text, degeneracy.missing_terms(text, required))
            retry_notes = [NO_INVENT_NOTE] if any(i.startswith("names not in") for i in issues) else []
            retry, retry_truncated = self._complete(
                retry_request, strict=True, repeat_penalty=penalty, banned=banned, notes=retry_notes
            )
            retry_issues = self._issues(request, retry, retry_truncated, required)
            if len(retry_issues) < len(issues) or not retry_issues:
                text, issues = retry, retry_issues
            if "repetition loop" in issues:
                text = degeneracy.trim_loop(text)
                notes.append("trimmed a repetition loop")
                issues = self._issues(request, text, False, required)
            if not text.strip():
                text = request.source
                notes.append("untranslated: the model gave no output; the source is kept")
                issues = []
            if issues:
                notes.append(f"unrepaired: {', '.join(issues)}")
        return SegmentTranslation(text, notes, time.perf_counter() - start)

    def translate(self, requests: Sequence[TranslationRequest]) -> list[SegmentTranslation]:
        return [self.translate_one(r) for r in requests]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.llm.close()


def mbr_choice(candidates: Sequence[str]) -> int:
    """Index of the candidate with the highest mean chrF against the others (ties: the first).

    Minimum Bayes risk with chrF as utility: the candidate the others agree with most, a
    reference-free choice.
    """
    from sacrebleu.metrics import CHRF

    if len(candidates) < 2:
        return 0
    chrf = CHRF()
    scores = []
    for i, hyp in enumerate(candidates):
        others = [c for j, c in enumerate(candidates) if j != i]
        scores.append(sum(chrf.sentence_score(hyp, [o]).score for o in others) / len(others))
    return max(range(len(candidates)), key=lambda i: (scores[i], -i))


def _llama_version() -> str:
    try:
        import llama_cpp

        return llama_cpp.__version__
    except (ImportError, AttributeError):
        return "unknown"


@contextlib.contextmanager
def _quiet_stderr():
    """llama.cpp prints its load log straight to fd 2; keep the CLI's stderr readable."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)
