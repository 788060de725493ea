"""GGUF engine: an instruction-tuned LLM run by llama-cpp-python, the embedded offline default.

By default the model is the embedded Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), assembled from
its PyPI part packages and verified (size + SHA-256) before every load; ``model`` may also
name any local ``.gguf`` file, which is then hashed and recorded. Decoding is greedy and
therefore deterministic. Each sentence is one request; the requests of a call are decoded
side by side by ``tarjama.engines.gguf.batching`` (continuous batching in one llama.cpp context),
and the prompt puts everything constant first so that its evaluated prefix (KV cache) is
shared by every request, retries included. Degenerate output (a loop, nothing, Arabic, far too
long or short) is retried with a stricter request; what cannot be repaired is noted. Everything
else (missing terms, lost tags, the fidelity checks) is judged by the stages after the engine,
whose one repair request per sentence is decoded in the same pass, in the slot the sentence's
first translation freed (``translate_judged``); the longest sentences are started first, so the
end of a pass is not a long tail of a few sequences.

How the prompt is built and decoded is an ``EmbeddedConfig`` (``tarjama.engines.gguf.config``):
a named variant plus overrides, recorded in the engine identity.

The engine translates both ways (``directions``); each request's ``direction`` chooses its
prompt (``prompts.PROMPTS``). The run's direction, given when the engine is loaded, decides
which prompt's version the identity records and which shared prefix is evaluated once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from tarjama.document import inline
from tarjama.engines.base import CompletionModel, Engine, EngineOption, Judge, Judged, SegmentDone
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
    PROMPTS,
    Example,
    PromptSpec,
    approved_examples,
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
from tarjama.text.textio import muted_stderr
from tarjama.types import (
    AR_EN,
    EN_AR,
    RETRIED,
    UNTRANSLATED,
    Confidence,
    Direction,
    EngineIdentity,
    Finding,
    Note,
    SegmentTranslation,
    TranslationRequest,
)

EMBEDDED_ID = QWEN_CODER_1_5B.name
# Sampling settings of the extra candidates when ``candidates`` > 1 (seeded: deterministic).
CANDIDATE_TEMPERATURE = 0.7


def prompt_version(config: EmbeddedConfig | None = None, direction: Direction = AR_EN) -> str:
    """Short hash of the fixed prompt (instruction, examples, layout): part of the engine identity."""
    config = config or config_module.resolve()
    language = PROMPTS[direction]
    digest = hashlib.sha256(language.system.encode())
    for ex in (*language.examples[: config.examples], language.markup_example):
        digest.update(f"\x00{ex.ar}\x00{ex.en}\x00{ex.hints}".encode())
    keys = {"template", "hints", "context", "retrieve", "same_hints"}
    layout = {k: v for k, v in config.to_dict().items() if k in keys}
    digest.update(json.dumps(layout, sort_keys=True).encode())
    return digest.hexdigest()[:12]


class GGUFEngine(Engine):
    name = "gguf"
    direction: Direction = AR_EN  # the run's, set when loaded: which prompt the shared prefix is
    # Terms and tags are the stages' repair (``translate_judged``), decoded inside this engine's pass.
    handles_term_hints = False
    follows_notes = True
    handles_markup = False
    takes_examples = True

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
        direction: Direction = AR_EN,
        **options: Any,
    ) -> None:
        """``variant`` names an ``EmbeddedConfig``; ``options`` override its fields; ``direction``
        is the run's (module docstring).

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
        self.direction = direction
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
            params=_identity_params(config, self.variant, *self._threads, direction=direction),
        )

    @property
    def identity(self) -> EngineIdentity:
        return self._identity

    def directions(self) -> frozenset[Direction]:
        return frozenset({AR_EN, EN_AR})

    def completion_model(self) -> CompletionModel:
        return self.llm

    def exclude_documents(self, doc_ids: Sequence[str]) -> None:
        self.exclude_docs = tuple(doc_ids)

    def _max_tokens(self, source: str, direction: Direction = AR_EN) -> int:
        # Arabic costs the model's tokenizer about twice as many tokens per word as English:
        # twice the budget into Arabic.
        per_word = self.config.max_tokens_per_word * (2 if direction.target == "ar" else 1)
        return output_budget(source, per_word, self.config.max_tokens_extra)

    def examples_for(self, source: str, direction: Direction = AR_EN) -> Sequence[Example]:
        # Retrieved examples come from an Arabic→English pool.
        if self.config.retrieve and self.pool is not None and direction == AR_EN:
            return self.pool.nearest(source, self.config.retrieve, self.exclude_docs)
        return PROMPTS[direction].examples[: self.config.examples]

    def prompt(self, request: TranslationRequest, *, strict: bool, notes: Sequence[str] = ()) -> str:
        """The prompt for ``request``: the fixed examples, the markup example (a sentence with tags),
        then the request's own examples (approved pairs from the memory, the closest last), then
        the sentence. Everything before the request's examples is the same for every request."""
        direction = request.direction
        return build_prompt(
            request.source,
            request.hints,
            context=request.context,
            strict=strict,
            notes=[*markup_notes(request.source, request.strict_markup, direction), *notes],
            examples=[*self.examples_for(request.source, direction),
                      *markup_examples(request.source, direction), *approved_examples(request)],
            spec=self.spec,
            direction=direction,
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
            max_tokens=self._max_tokens(request.source, request.direction),
            stop=tuple(stop_sequences(self.config.template, request.direction)),
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

    def _issues(self, request: TranslationRequest, text: str, truncated: bool) -> list[retry.Issue]:
        """What makes ``text`` unusable (the retry policy's degenerate checks, on the words: the
        placeholders taken out of both sides). Missing terms, lost tags and the fidelity checks
        are the stages' business: they come back as a follow-up (``translate_judged``)."""
        checks = retry.Checks(arabic_left=self.config.check_arabic_left, invented=self.config.check_invented)
        if not inline.has_placeholders(request.source):
            return retry.find_issues(request, text, truncated, checks)
        words = replace(request, source=inline.strip(request.source))
        return retry.find_issues(words, inline.strip(text), truncated, checks)

    def _flow(
        self,
        request: TranslationRequest,
        judge: Callable[[SegmentTranslation], TranslationRequest | None] | None = None,
    ) -> Flow:
        """One segment as a flow for the batched generator (see ``batching``): the plain request,
        a stricter retry if the first answer is degenerate (``retry``), then — when ``judge``
        asks for one — the follow-up (a repair) at once, in the slot the segment just freed.

        With ``inject`` (the default) the first attempt already reads the glossary terms in
        English inside the Arabic sentence (besides the hint list): the model copies Latin
        script far more reliably than it follows hints, so fewer sentences need a repair. A
        retry or a follow-up decodes ``retry_candidates`` completions side by side (greedy,
        then seeded samples); a retry keeps the one with the fewest problems, and wins over the
        first attempt only when it has fewer problems; a follow-up's candidates all go back to
        the stages, which choose. ``seconds`` runs from the start of the ``translate`` call to
        the segment's last token, so the segments of one call overlap.
        """
        start = time.perf_counter()
        notes: list[Note] = []
        found: list[Finding] = []
        first = request
        if self.config.inject and request.hints:
            first = replace(request, source=inject_terms(request.source, request.hints))
        # A repair's constraints (``request.notes``, ``request.avoid``) apply to every attempt.
        text, truncated, confidence = self._choose((yield self._jobs(
            first, strict=request.strict_terms, repeat_penalty=self.repeat_penalty,
            candidates=self.config.candidates, notes=request.notes, banned=request.avoid,
        )))
        issues = self._issues(request, text, truncated)
        if issues:
            required = retry.required_terms(replace(request, source=inline.strip(request.source)))
            notes.append(Note(f"retried: {', '.join(map(str, issues))}", RETRIED))
            plan = retry.plan_retry(request, text, issues, required)
            outputs = yield self._jobs(
                plan.request, strict=True,
                repeat_penalty=self.retry_repeat_penalty if plan.degenerate else self.repeat_penalty,
                banned=(*plan.banned, *request.avoid), notes=(*request.notes, *plan.notes),
                candidates=self.config.retry_candidates,
            )
            checked = [(o.text.strip(), self._issues(request, o.text.strip(), o.truncated)) for o in outputs]
            candidate, candidate_issues = retry.choose(checked)
            if len(candidate_issues) < len(issues) or not candidate_issues:
                chosen = next(o for o, c in zip(outputs, checked, strict=True) if c[0] == candidate)
                text, issues, confidence = candidate, candidate_issues, Confidence.of(chosen.logprobs)
            text, issues, repairs = retry.finish(
                request, text, issues, lambda t: self._issues(request, t, False)
            )
            notes += repairs
            if issues:
                notes.append(Note(f"unrepaired: {', '.join(map(str, issues))}"))
            found = retry.findings(issues, any(n.kind == UNTRANSLATED for n in repairs))
        made = time.perf_counter()
        result = SegmentTranslation(text, notes, made - start, confidence, found)
        ask = judge(result) if judge is not None else None
        if ask is None:
            return Judged(result)
        plan = retry.plan_repair(ask, text)
        outputs = yield self._jobs(
            plan.request, strict=True, repeat_penalty=self.repeat_penalty, banned=plan.banned,
            notes=plan.notes, candidates=self.config.retry_candidates,
        )
        candidates = []
        for o in outputs:
            out = o.text.strip()
            bad = self._issues(ask, out, o.truncated)
            candidates.append(SegmentTranslation(
                out, [], time.perf_counter() - made, Confidence.of(o.logprobs), retry.findings(bad, False)
            ))
        return Judged(result, ask, candidates)

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        """Translate ``requests`` side by side, up to ``parallel`` completions at a time."""
        return [j.first for j in self._run([self._flow(r) for r in requests], requests, done)]

    def translate_judged(
        self, requests: Sequence[TranslationRequest], judge: Judge, *, done: SegmentDone | None = None
    ) -> list[Judged]:
        """``Engine.translate_judged`` in one pass: each follow-up is decoded as soon as its first
        translation is judged, in the slot that translation freed (module docstring)."""
        flows = [self._flow(r, lambda result, i=i: judge(i, result)) for i, r in enumerate(requests)]
        return self._run(flows, requests, done)

    def _run(
        self, flows: list[Flow], requests: Sequence[TranslationRequest], done: SegmentDone | None
    ) -> list[Judged]:
        if not flows:
            return []
        # Longest first: the last sequences of a call are then short ones, and the decoder's tail
        # (few sequences left side by side) is short too.
        order = list(range(len(flows)))
        if self.config.longest_first:
            order.sort(key=lambda i: -len(requests[i].source))
        generator = self.generator()
        try:
            reported = None if done is None else (lambda k: done(order[k]))
            results = generator.run([flows[i] for i in order], reported)
        except ContextFullError as exc:
            raise TarjamaError(f"gguf engine: {exc} (--engine-option n_ctx=N)") from None
        out: list[Judged] = [None] * len(flows)  # type: ignore[list-item]
        for k, i in enumerate(order):
            out[i] = results[k]
        return out

    def generator(self) -> BatchedGenerator:
        """The batched generator, created on first use with the shared prompt prefix evaluated."""
        if self._batched is None:
            config = self.config
            with muted_stderr():
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
        probes = ("نص.", "كلمة") if self.direction == AR_EN else ("Text.", "Word")
        prompts = [self.prompt(TranslationRequest(p, direction=self.direction), strict=False) for p in probes]
        a, b = (self.llm.tokenize(p.encode(), True, True) for p in prompts)
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
    with muted_stderr():
        try:
            return Llama(
                model_path=str(path), n_ctx=config.n_ctx, n_threads=threads, n_threads_batch=threads_batch,
                n_batch=config.n_batch, n_ubatch=config.n_ubatch, seed=0, verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelUnavailableError(f"{path}: llama.cpp cannot load it ({exc})") from None


def _identity_params(
    config: EmbeddedConfig, variant: str, threads: int, threads_batch: int, direction: Direction = AR_EN
) -> dict[str, Any]:
    """The decoding settings recorded in the engine identity (and so in every memory key)."""
    params: dict[str, Any] = {
        "decoding": "greedy" if config.candidates == 1 else f"mbr-chrf-{config.candidates}",
        "temperature": 0.0,
        "top_k": 1,
        "repeat_penalty": config.repeat_penalty,
        "retry_repeat_penalty": config.retry_repeat_penalty,
        "retry": f"degenerate-only+strict+inline-terms+best-of-{config.retry_candidates}",
        "repair": f"in-pass+inline-terms+near-miss-ban+best-of-{config.retry_candidates}",
        "n_ctx": config.n_ctx,
        "parallel": config.parallel,
        "flash_attn": config.flash_attn,
        "threads": threads,
        "threads_batch": threads_batch,
        "variant": variant,
        "prompt": f"{config.template}-fewshot-{config.retrieve or config.examples}"
        f"{'-retrieved' if config.retrieve and direction == AR_EN else ''}"
        f"{'' if direction == AR_EN else '-' + str(direction)}@{prompt_version(config, direction)}",
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


