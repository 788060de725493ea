"""GGUF engine: an instruction-tuned LLM run by llama-cpp-python, the embedded offline default.

By default the model is the embedded Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), assembled from
its PyPI part packages and verified (size + SHA-256) before every load; ``model`` may also
name any local ``.gguf`` file, which is then hashed and recorded. Decoding is greedy and
therefore deterministic. Each sentence is one request; the requests of a call are decoded
side by side by ``tarjama.engines.gguf.batching`` (continuous batching in one llama.cpp context),
and the prompt puts everything constant first so that its evaluated prefix (KV cache) is
shared by every request, retries included. Degenerate output, missing terms and (optionally)
invented names or leftover Arabic are detected and retried with a stricter request; what
cannot be repaired is noted.

How the prompt is built and decoded is an ``EmbeddedConfig`` (``tarjama.engines.gguf.config``):
a named variant plus overrides, recorded in the engine identity.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from tarjama.document import inline
from tarjama.engines.base import CompletionModel, Engine, EngineOption, SegmentDone
from tarjama.engines.gguf import config as config_module
from tarjama.engines.gguf import retry
from tarjama.engines.gguf.batching import (
    BatchedGenerator,
    ContextFullError,
    Flow,
    Job,
    LlamaBackend,
    Output,
    common_prefix,
)
from tarjama.engines.gguf.config import EmbeddedConfig
from tarjama.engines.gguf.prompts import (
    EXAMPLES,
    MARKUP_EXAMPLE,
    SYSTEM,
    Example,
    PromptSpec,
    build_prompt,
    markup_examples,
    markup_notes,
    stop_sequences,
)
from tarjama.engines.grammar import markup_grammar
from tarjama.engines.injection import inject_terms
from tarjama.engines.prompts import output_budget
from tarjama.errors import ModelUnavailableError, TarjamaError
from tarjama.models import embedded
from tarjama.models.embedded import INSTALL_HINT, QWEN_CODER_1_5B, ModelFile
from tarjama.text.terms import Term
from tarjama.types import (
    RETRIED,
    UNTRANSLATED,
    Confidence,
    EngineIdentity,
    Finding,
    Note,
    SegmentTranslation,
    TranslationRequest,
)

EMBEDDED_ID = QWEN_CODER_1_5B.name
# Sampling settings of the extra candidates when ``candidates`` > 1 (seeded: deterministic).
CANDIDATE_TEMPERATURE = 0.7


def prompt_version(config: EmbeddedConfig | None = None) -> str:
    """Short hash of the fixed prompt (instruction, examples, layout): part of the engine identity."""
    config = config or config_module.resolve()
    digest = hashlib.sha256(SYSTEM.encode())
    for ex in (*EXAMPLES[: config.examples], MARKUP_EXAMPLE):
        digest.update(f"\x00{ex.ar}\x00{ex.en}\x00{ex.hints}".encode())
    keys = {"template", "hints", "context", "retrieve", "same_hints"}
    layout = {k: v for k, v in config.to_dict().items() if k in keys}
    digest.update(json.dumps(layout, sort_keys=True).encode())
    return digest.hexdigest()[:12]


class GGUFEngine(Engine):
    name = "gguf"
    handles_term_hints = True
    follows_notes = True
    handles_markup = True

    @classmethod
    def options(cls) -> list[EngineOption]:
        """``variant`` and every field of ``EmbeddedConfig``, with its default and meaning."""
        defaults = EmbeddedConfig()
        variant = EngineOption(
            "variant", config_module.DEFAULT_VARIANT,
            f"a named configuration: {', '.join(config_module.VARIANTS)} (the other options override it)",
        )
        return [variant] + [
            EngineOption(f.name, getattr(defaults, f.name), config_module.OPTION_HELP[f.name])
            for f in fields(EmbeddedConfig)
        ]

    @classmethod
    def locate(cls, model: str | None) -> ModelFile:
        """The weights: the embedded model (assembled and verified) by default, else a local file."""
        return embedded.gguf_file(model)

    def __init__(
        self,
        model: str | ModelFile | None = None,
        *,
        variant: str | None = None,
        threads: int | None = None,
        pool: Any = None,
        **options: Any,
    ) -> None:
        """``variant`` names an ``EmbeddedConfig``; ``options`` override its fields.

        ``model`` is a located ``ModelFile`` (``tarjama.engines.load_engine`` locates it) or what
        ``--model`` says. ``pool`` is an ``ExamplePool`` for variants that retrieve examples.
        """
        if threads:
            options["threads"] = threads
        config = config_module.resolve(variant, options)
        config_module.validate(config)
        if config.retrieve and pool is None:
            raise TarjamaError(
                f"variant {variant or config_module.DEFAULT_VARIANT!r} retrieves its examples: give it an "
                "example pool (tarjama eval builds one from ntrex-dev), or use a variant without retrieval"
            )
        weights = model if isinstance(model, ModelFile) else self.locate(model)
        self.config = config
        self.variant = variant or config_module.DEFAULT_VARIANT
        n_threads = config.threads or os.cpu_count() or 1
        self._threads = (n_threads, config.threads_batch or n_threads)
        self.llm = _load_llama(weights.path, config, *self._threads)
        self._batched: BatchedGenerator | None = None
        self._backend: LlamaBackend | None = None
        # Several requests per slot, so that a finished slot always has a next request.
        self.preferred_call_size = 4 * config.parallel
        self.uses_context = config.context
        self.spec = PromptSpec(
            template=config.template, hints=config.hints, context=config.context,
            strict_in_system=config.strict_in_system, same_hints=config.same_hints,
        )
        self.repeat_penalty = config.repeat_penalty
        self.retry_repeat_penalty = config.retry_repeat_penalty
        self.n_ctx = config.n_ctx
        self.pool = pool
        # Documents the caller wants kept out of retrieved examples (besides the automatic
        # exclusion of any document containing the sentence itself).
        self.exclude_docs: tuple[str, ...] = ()
        self._identity = EngineIdentity(
            engine=self.name, model=weights.name, sha256=weights.sha256,
            params=_identity_params(config, self.variant, *self._threads),
        )

    @property
    def identity(self) -> EngineIdentity:
        return self._identity

    def completion_model(self) -> CompletionModel:
        return self.llm

    def exclude_documents(self, doc_ids: Sequence[str]) -> None:
        self.exclude_docs = tuple(doc_ids)

    def _max_tokens(self, source: str) -> int:
        return output_budget(source, self.config.max_tokens_per_word, self.config.max_tokens_extra)

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
            notes=[*markup_notes(request.source, request.strict_markup), *notes],
            examples=[*self.examples_for(request.source), *markup_examples(request.source)],
            spec=self.spec,
        )

    def _jobs(
        self,
        request: TranslationRequest,
        *,
        strict: bool,
        repeat_penalty: float,
        banned: Sequence[str] = (),
        notes: Sequence[str] = (),
        candidates: int = 1,
    ) -> list[Job]:
        """The completion(s) for one attempt: greedy first, then ``candidates - 1`` seeded samples."""
        prompt = self.prompt(request, strict=strict, notes=notes)
        tokens = tuple(self.llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True))
        greedy = Job(
            tokens,
            max_tokens=self._max_tokens(request.source),
            stop=tuple(stop_sequences(self.config.template)),
            repeat_penalty=repeat_penalty,
            logit_bias=self._ban(banned) or None,
            # Every tag out, once, nested as in the source, before the output may end.
            grammar=markup_grammar(request.source) if self.config.markup_grammar != "off" else None,
            grammar_may_end=self.config.markup_grammar == "shape",
        )
        # Extra candidates are sampled with fixed seeds (deterministic); the greedy one stays first
        # so that ties in the MBR choice go to it.
        return [greedy] + [
            replace(greedy, seed=k, temperature=CANDIDATE_TEMPERATURE)
            for k in range(1, candidates)
        ]

    @staticmethod
    def _choose(outputs: Sequence[Output]) -> tuple[str, bool, Confidence | None]:
        texts = [o.text.strip() for o in outputs]
        best = mbr_choice(texts) if len(texts) > 1 else 0
        return texts[best], outputs[best].truncated, Confidence.of(outputs[best].logprobs)

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

    def _issues(
        self, request: TranslationRequest, text: str, truncated: bool, required: Sequence[Term]
    ) -> list[retry.Issue]:
        """What is wrong with ``text``: the retry policy's checks on the words (placeholders
        taken out of both sides), and the placeholders themselves."""
        checks = retry.Checks(arabic_left=self.config.check_arabic_left, invented=self.config.check_invented)
        if not inline.has_placeholders(request.source):
            return retry.find_issues(request, text, truncated, required, checks)
        words = replace(request, source=inline.strip(request.source))
        issues = retry.find_issues(words, inline.strip(text), truncated, required, checks)
        if found := inline.problems(request.source, inline.normalize(text)):
            issues.append(retry.Issue(retry.Kind.MARKUP, inline.describe(request.source, found)))
        return issues

    def _flow(self, request: TranslationRequest) -> Flow:
        """One segment as a flow for the batched generator (see ``batching``): up to two attempts,
        the plain request, then a stricter one if the first is unusable (``retry``).

        With ``inject`` (the default) the first attempt already reads the glossary terms in
        English inside the Arabic sentence (besides the hint list): the model copies Latin
        script far more reliably than it follows hints, so fewer sentences need a retry. The
        retry decodes ``retry_candidates`` completions side by side (greedy, then seeded
        samples) and keeps the one with the fewest problems; the attempt with fewer problems
        wins. ``seconds`` runs from the start of the ``translate`` call to the segment's last
        token, so the segments of one call overlap.
        """
        start = time.perf_counter()
        notes: list[Note] = []
        found: list[Finding] = []
        required = retry.required_terms(replace(request, source=inline.strip(request.source)))
        first = request
        if self.config.inject and request.hints:
            first = replace(request, source=inject_terms(request.source, request.hints))
        # A repair's constraints (``request.notes``, ``request.avoid``) apply to every attempt.
        text, truncated, confidence = self._choose((yield self._jobs(
            first, strict=request.strict_terms, repeat_penalty=self.repeat_penalty,
            candidates=self.config.candidates, notes=request.notes, banned=request.avoid,
        )))
        issues = self._issues(request, text, truncated, required)
        if issues:
            notes.append(Note(f"retried: {', '.join(map(str, issues))}", RETRIED))
            plan = retry.plan_retry(request, text, issues, required)
            outputs = yield self._jobs(
                plan.request, strict=True,
                repeat_penalty=self.retry_repeat_penalty if plan.degenerate else self.repeat_penalty,
                banned=(*plan.banned, *request.avoid), notes=(*request.notes, *plan.notes),
                candidates=self.config.retry_candidates,
            )
            checked = [(o.text.strip(), self._issues(request, o.text.strip(), o.truncated, required))
                       for o in outputs]
            candidate, candidate_issues = retry.choose(checked)
            if len(candidate_issues) < len(issues) or not candidate_issues:
                chosen = next(o for o, c in zip(outputs, checked, strict=True) if c[0] == candidate)
                text, issues, confidence = candidate, candidate_issues, Confidence.of(chosen.logprobs)
            text, issues, repairs = retry.finish(
                request, text, issues, lambda t: self._issues(request, t, False, required)
            )
            notes += repairs
            if issues:
                notes.append(Note(f"unrepaired: {', '.join(map(str, issues))}"))
            found = retry.findings(issues, any(n.kind == UNTRANSLATED for n in repairs))
        return SegmentTranslation(text, notes, time.perf_counter() - start, confidence, found)

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        """Translate ``requests`` side by side, up to ``parallel`` completions at a time."""
        if not requests:
            return []
        generator = self.generator()
        try:
            return generator.run([self._flow(r) for r in requests], done)
        except ContextFullError as exc:
            raise TarjamaError(f"gguf engine: {exc} (--engine-option n_ctx=N)") from None

    def generator(self) -> BatchedGenerator:
        """The batched generator, created on first use with the shared prompt prefix evaluated."""
        if self._batched is None:
            config = self.config
            with _quiet_stderr():
                try:
                    backend = LlamaBackend(
                        self.llm, parallel=config.parallel, n_ctx=self._kv_cells(), n_batch=config.n_batch,
                        n_ubatch=config.n_ubatch, threads=self._threads[0], threads_batch=self._threads[1],
                        flash_attn=config.flash_attn,
                    )
                except (ValueError, RuntimeError) as exc:
                    raise ModelUnavailableError(
                        f"llama.cpp cannot create a context for {config.parallel} parallel sequences "
                        f"({exc}); try --engine-option parallel=4"
                    ) from None
            self._backend = backend
            self._batched = BatchedGenerator(backend, config.parallel)
            self._batched.set_prefix(self.shared_prefix())
        return self._batched

    def _kv_cells(self) -> int:
        # One full-size request (n_ctx) plus a typical one (prompt suffix and output) per extra slot.
        return self.config.n_ctx + (self.config.parallel - 1) * 512

    def shared_prefix(self) -> list[int]:
        """Prompt tokens every request starts with: those of two unrelated requests have in common."""
        a = self.llm.tokenize(self.prompt(TranslationRequest("نص."), strict=False).encode(), True, True)
        b = self.llm.tokenize(self.prompt(TranslationRequest("كلمة"), strict=False).encode(), True, True)
        return a[: common_prefix(a, b)]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self._backend is not None:
                self._backend.close()
        with contextlib.suppress(Exception):
            self.llm.close()


def _load_llama(path: Path, config: EmbeddedConfig, threads: int, threads_batch: int) -> Any:
    """llama.cpp's model for ``path`` with ``config``'s context and threads (its load log silenced)."""
    try:
        from llama_cpp import Llama
    except ImportError:
        raise ModelUnavailableError(f"the gguf engine needs llama-cpp-python; {INSTALL_HINT}") from None
    with _quiet_stderr():
        try:
            return Llama(
                model_path=str(path), n_ctx=config.n_ctx, n_threads=threads, n_threads_batch=threads_batch,
                n_batch=config.n_batch, n_ubatch=config.n_ubatch, seed=0, verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelUnavailableError(f"{path}: llama.cpp cannot load it ({exc})") from None


def _identity_params(
    config: EmbeddedConfig, variant: str, threads: int, threads_batch: int
) -> dict[str, Any]:
    """The decoding settings recorded in the engine identity (and so in every memory key)."""
    params: dict[str, Any] = {
        "decoding": "greedy" if config.candidates == 1 else f"mbr-chrf-{config.candidates}",
        "temperature": 0.0,
        "top_k": 1,
        "repeat_penalty": config.repeat_penalty,
        "retry_repeat_penalty": config.retry_repeat_penalty,
        "retry": f"strict+inline-terms+near-miss-ban+best-of-{config.retry_candidates}",
        "n_ctx": config.n_ctx,
        "parallel": config.parallel,
        "flash_attn": config.flash_attn,
        "threads": threads,
        "threads_batch": threads_batch,
        "variant": variant,
        "prompt": f"{config.template}-fewshot-{config.retrieve or config.examples}"
        f"{'-retrieved' if config.retrieve else ''}@{prompt_version(config)}",
        "llama_cpp_python": _llama_version(),
    }
    changed = {k: v for k, v in config.to_dict().items() if v != getattr(EmbeddedConfig(), k)}
    if changed:
        params["options"] = changed
    return params


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
