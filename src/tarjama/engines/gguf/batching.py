"""Continuous batching for llama.cpp: many prompts decoded together in one context.

On a CPU, generating one token costs about as much memory traffic for one sequence as for
eight (the weights are read once per step either way), so decoding several sentences side
by side multiplies throughput: on 2 cores the embedded model makes about 22 tokens/s alone
and about 57 with eight sequences (``scripts/bench_seed.py``). This module holds the
scheduler that does it, over a small ``Backend`` protocol so that the scheduling can be
tested without a model:

- sequence 0 holds the prompt prefix every request shares (instruction and examples),
  evaluated once; a request's sequence starts as a copy of it (cells shared, not copied, in
  llama.cpp's unified KV cache) and evaluates only its own suffix;
- up to ``parallel`` requests are active at once; each decode step feeds one token per
  generating request and fills the rest of the batch with pending prompt suffixes, so a
  finished request's slot is refilled at once (continuous batching);
- a request is admitted only when its suffix and its token limit fit the free KV cells;
- jobs with the same prompt (the candidates of one request) evaluate it once: the later ones
  copy the first one's cells;
- each chosen token's log-probability under the model (log-softmax of the raw logits, before
  any bias or penalty; the end token included) is kept, so the engine can say how confident
  it was (``Output.logprobs``): one ``logsumexp`` over the vocabulary per generated token,
  about 0.1 ms against a decode step of tens of milliseconds;
- callers describe their work as *flows*: generators that yield a list of ``Job``s (one, or
  several candidates), receive the matching ``Output``s, and may yield again (a retry)
  before returning their result. The engine's retry logic thus reads as straight-line code.

Decoding is greedy unless a job has a ``seed`` (then top-k/top-p sampling from a seeded
generator), so a run is deterministic for a given input and configuration. Results do not
depend on which requests share a step up to float rounding in attention over the shared
cache; the same input always produces the same schedule, hence the same text.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

# Tokens the repetition penalty looks back on (llama.cpp's default ``penalty_last_n``).
PENALTY_WINDOW = 64
PREFIX_SEQ = 0


@dataclass(frozen=True)
class Job:
    """One completion: a tokenised prompt and how to decode it."""

    tokens: tuple[int, ...]
    max_tokens: int
    stop: tuple[str, ...] = ()
    repeat_penalty: float = 1.0
    logit_bias: Mapping[int, float] | None = None
    seed: int | None = None  # None: greedy; otherwise sampled with this seed
    temperature: float = 0.7
    top_k: int = 40
    top_p: float = 0.95
    # A GBNF grammar the output must match (``tarjama.engines.grammar``); None: free.
    grammar: str | None = None
    # True: the model may still end where it chooses to, before the grammar is complete (what it
    # writes follows the grammar; what it leaves out is for the caller to find).
    grammar_may_end: bool = False


@dataclass(frozen=True)
class Output:
    text: str
    truncated: bool  # stopped by max_tokens, not by an end token or stop string
    n_tokens: int
    # Log-probability of each chosen token (the end token too) under the unmodified model.
    logprobs: tuple[float, ...] = ()


@dataclass(frozen=True)
class Feed:
    """Tokens of one sequence for one decode call, starting at position ``pos``."""

    seq: int
    tokens: Sequence[int]
    pos: int
    logits: bool  # return the logits after the last token


class Backend(Protocol):
    """What the scheduler needs from a model context (``LlamaBackend`` in production)."""

    n_vocab: int
    n_batch: int  # most tokens per decode call
    n_cells: int  # KV cells in the context
    n_seq: int  # sequences the context can hold, the prefix sequence included

    def decode(self, feeds: Sequence[Feed]) -> dict[int, np.ndarray]: ...

    def copy(self, source: int, seq: int, n_tokens: int) -> None:
        """Make the first ``n_tokens`` cells of sequence ``source`` part of ``seq`` too."""

    def clear(self, seq: int) -> None: ...

    def detokenize(self, tokens: Sequence[int]) -> str: ...

    def is_end(self, token: int) -> bool: ...

    # Only called for jobs with a grammar: an object with ``allows(token)``, ``mask(row)``,
    # ``accept(token)`` and ``close()`` (``tarjama.engines.gguf.constrain.TokenGrammar``).
    def constraint(self, grammar: str) -> Any: ...


Flow = Generator[list[Job], list[Output], Any]


class ContextFullError(RuntimeError):
    """A single request needs more KV cells than the whole context has."""


@dataclass
class _Active:
    seq: int
    job: Job
    owner: int  # index of the flow
    slot: int  # position of the job in the flow's current list
    shared: int  # prompt tokens taken from the prefix sequence
    fed: int  # prompt tokens evaluated so far (shared ones included)
    need: int  # KV cells reserved
    out: list[int] = field(default_factory=list)
    rng: np.random.Generator | None = None
    logprobs: list[float] = field(default_factory=list)
    constraint: Any = None  # the job's grammar, as the backend checks it

    @property
    def prefilling(self) -> bool:
        return self.fed < len(self.job.tokens)


class BatchedGenerator:
    """Runs flows over a backend, up to ``parallel`` jobs at a time."""

    def __init__(self, backend: Backend, parallel: int) -> None:
        if parallel < 1 or parallel > backend.n_seq - 1:
            raise ValueError(f"parallel must be between 1 and {backend.n_seq - 1}, got {parallel}")
        self.backend = backend
        self.parallel = parallel
        self.prefix: tuple[int, ...] = ()
        # Counters for benchmarks: prompt tokens evaluated, reused from the prefix, generated.
        self.stats = {"prompt_evaluated": 0, "prompt_reused": 0, "generated": 0, "steps": 0}
        self._buf = np.empty(backend.n_vocab, dtype=np.float32)

    def set_prefix(self, tokens: Sequence[int]) -> None:
        """Evaluate ``tokens`` once into the prefix sequence (replacing any earlier prefix)."""
        self.backend.clear(PREFIX_SEQ)
        self.prefix = tuple(tokens)
        step = self.backend.n_batch
        for start in range(0, len(self.prefix), step):
            chunk = self.prefix[start : start + step]
            self.backend.decode([Feed(PREFIX_SEQ, chunk, start, False)])
        self.stats["prompt_evaluated"] += len(self.prefix)

    def run(self, flows: Sequence[Flow], done: Callable[[int], None] | None = None) -> list[Any]:
        """Drive every flow to its end; their return values, in order.

        ``done(i)`` is called as soon as flow ``i`` has returned.
        """
        results: list[Any] = [None] * len(flows)
        pending: deque[tuple[int, int, Job]] = deque()
        outputs: dict[int, list[Output | None]] = {}

        def advance(owner: int, sent: list[Output] | None) -> None:
            try:
                jobs = flows[owner].send(sent) if sent is not None else next(flows[owner])
            except StopIteration as stop:
                results[owner] = stop.value
                outputs.pop(owner, None)
                if done is not None:
                    done(owner)
                return
            if not jobs:
                raise ValueError("a flow yielded no jobs")
            outputs[owner] = [None] * len(jobs)
            # A flow's follow-up jobs go first: documents finish in order and memory stays flat.
            for slot in reversed(range(len(jobs))):
                pending.appendleft((owner, slot, jobs[slot]))

        for owner in range(len(flows)):
            advance(owner, None)
        # Keep the original order among first attempts (appendleft reversed them).
        pending = deque(sorted(pending, key=lambda p: (p[0], p[1])))

        active: dict[int, _Active] = {}
        free = [s for s in range(self.parallel, 0, -1)]
        try:
            while pending or active:
                self._admit(pending, active, free)
                finished = self._step(active)
                for a in finished:
                    del active[a.seq]
                    if a.constraint is not None:
                        a.constraint.close()
                    self.backend.clear(a.seq)
                    free.append(a.seq)
                    slots = outputs[a.owner]
                    slots[a.slot] = self._output(a)
                    if all(o is not None for o in slots):
                        advance(a.owner, [o for o in slots if o is not None])
        finally:
            # After an error or an interrupt the next call must find every slot empty.
            for seq, a in active.items():
                self.backend.clear(seq)
                if a.constraint is not None:
                    a.constraint.close()
        return results

    def _admit(
        self, pending: deque[tuple[int, int, Job]], active: dict[int, _Active], free: list[int]
    ) -> None:
        used = len(self.prefix) + sum(a.need for a in active.values())
        i = 0
        while i < len(pending) and free:
            owner, slot, job = pending[i]
            if not job.tokens:
                raise ValueError("a job has an empty prompt")
            # Candidates of one request share the prompt: once one has evaluated it, the others
            # copy its cells and evaluate only the last token (for their own first logits).
            twins = [a for a in active.values() if a.job.tokens == job.tokens]
            if twins and all(a.prefilling for a in twins):
                i += 1  # admitted after the twin's prompt is in the cache
                continue
            from_prefix = min(common_prefix(self.prefix, job.tokens), len(job.tokens) - 1)
            # Counted as if nothing were shared with a twin: its cells outlive it while copied.
            need = len(job.tokens) - from_prefix + job.max_tokens
            if used + need > self.backend.n_cells:
                if active:
                    return  # wait for cells to free up
                raise ContextFullError(
                    f"a request needs {need} KV cells beyond the {len(self.prefix)}-token prefix, but the "
                    f"context has {self.backend.n_cells}: raise n_ctx or shorten the segment"
                )
            del pending[i]
            seq = free.pop()
            donor = next((a for a in twins if not a.prefilling), None)
            source, shared = (donor.seq, len(job.tokens) - 1) if donor else (PREFIX_SEQ, from_prefix)
            if shared:
                self.backend.copy(source, seq, shared)
            rng = np.random.default_rng(job.seed) if job.seed is not None else None
            constraint = self.backend.constraint(job.grammar) if job.grammar else None
            active[seq] = _Active(seq, job, owner, slot, shared, shared, need, rng=rng, constraint=constraint)
            used += need
            self.stats["prompt_reused"] += shared

    def _step(self, active: dict[int, _Active]) -> list[_Active]:
        """One decode call: a token for every generating job, then prompt chunks; returns finished jobs."""
        budget = self.backend.n_batch
        feeds: list[Feed] = []
        for a in active.values():
            if not a.prefilling:
                feeds.append(Feed(a.seq, [a.out[-1]], len(a.job.tokens) + len(a.out) - 1, True))
                budget -= 1
        for a in active.values():
            if a.prefilling and budget > 0:
                chunk = a.job.tokens[a.fed : a.fed + budget]
                done = a.fed + len(chunk) == len(a.job.tokens)
                feeds.append(Feed(a.seq, chunk, a.fed, done))
                a.fed += len(chunk)
                budget -= len(chunk)
                self.stats["prompt_evaluated"] += len(chunk)
        if not feeds:
            return []
        logits = self.backend.decode(feeds)
        self.stats["steps"] += 1
        finished: list[_Active] = []
        for seq, row in logits.items():
            a = active[seq]
            token = self._pick(a, row)
            a.logprobs.append(token_logprob(row, token, self._buf))
            if self.backend.is_end(token):
                finished.append(a)
                continue
            a.out.append(token)
            self.stats["generated"] += 1
            if len(a.out) >= a.job.max_tokens or self._stop_at(a) is not None:
                finished.append(a)
        return finished

    def _pick(self, a: _Active, row: np.ndarray) -> int:
        job = a.job
        if job.logit_bias or (job.repeat_penalty != 1.0 and a.out) or a.rng is not None:
            row = np.array(row, dtype=np.float32, copy=True)
        if job.logit_bias:
            for token, bias in job.logit_bias.items():
                row[token] += bias
        if job.repeat_penalty != 1.0 and a.out:
            # llama.cpp's rule: positive logits divided, negative multiplied, once per distinct token
            # of the recent output (the prompt is left out so that names in it stay easy to copy).
            seen = np.unique(np.asarray(a.out[-PENALTY_WINDOW:]))
            vals = row[seen]
            row[seen] = np.where(vals > 0, vals / job.repeat_penalty, vals * job.repeat_penalty)
        token = int(np.argmax(row)) if a.rng is None else _sample(row, job, a.rng)
        if a.constraint is not None:
            # The model's own choice is kept whenever the grammar allows it (one cheap test); else
            # the choice is made again among the tokens the grammar allows.
            if not a.constraint.allows(token) and not (job.grammar_may_end and self.backend.is_end(token)):
                self.stats["constrained"] = self.stats.get("constrained", 0) + 1
                row = a.constraint.mask(row)
                token = int(np.argmax(row)) if a.rng is None else _sample(row, job, a.rng)
            if not self.backend.is_end(token):
                a.constraint.accept(token)
        return token

    def _stop_at(self, a: _Active) -> int | None:
        if not a.job.stop:
            return None
        text = self.backend.detokenize(a.out)
        hits = [text.find(s) for s in a.job.stop if s in text]
        return min(hits) if hits else None

    def _output(self, a: _Active) -> Output:
        text = self.backend.detokenize(a.out)
        cut = self._stop_at(a)
        stopped = cut is not None
        if stopped:
            text = text[:cut]
        truncated = not stopped and len(a.out) >= a.job.max_tokens
        return Output(text, truncated, len(a.out), tuple(a.logprobs))


def token_logprob(row: np.ndarray, token: int, buf: np.ndarray | None = None) -> float:
    """log softmax(row)[token], computed stably: the model's own probability of ``token``.

    ``buf`` (float32, the row's size) saves an allocation per token; exp runs in float32 (SIMD),
    the sum in float64.
    """
    row = np.asarray(row, dtype=np.float32)
    if buf is None or buf.shape != row.shape:
        buf = np.empty_like(row)
    top = row.max()
    np.subtract(row, top, out=buf)
    np.exp(buf, out=buf)
    return float(row[token] - top) - math.log(float(buf.sum(dtype=np.float64)))


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens ``a`` and ``b`` share."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _sample(row: np.ndarray, job: Job, rng: np.random.Generator) -> int:
    """Top-k, then top-p (nucleus) sampling at ``job.temperature``."""
    k = min(job.top_k, row.size) if job.top_k > 0 else row.size
    top = np.argpartition(row, -k)[-k:]
    top = top[np.argsort(-row[top], kind="stable")]
    logits = row[top].astype(np.float64) / max(job.temperature, 1e-6)
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    keep = int(np.searchsorted(np.cumsum(probs), job.top_p) + 1)
    probs = probs[:keep] / probs[:keep].sum()
    return int(top[rng.choice(keep, p=probs)])


class LlamaBackend:
    """A llama.cpp context with a unified KV cache for ``parallel`` sequences plus the prefix."""

    def __init__(
        self, llm: Any, *, parallel: int, n_ctx: int, n_batch: int, n_ubatch: int, threads: int,
        threads_batch: int, flash_attn: bool = True,
    ) -> None:
        import llama_cpp
        from llama_cpp import _internals

        self._lib = llama_cpp
        self._llm = llm
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = n_ctx
        params.n_batch = n_batch
        params.n_ubatch = min(n_batch, n_ubatch)
        params.n_threads = threads
        params.n_threads_batch = threads_batch
        params.n_seq_max = parallel + 1
        # One cache for all sequences, so that the prefix's cells are shared, not copied.
        params.kv_unified = True
        params.flash_attn_type = 1 if flash_attn else 0
        self._context = _internals.LlamaContext(model=llm._model, params=params, verbose=False)
        self._ctx = self._context.ctx
        self._memory = self._context.memory
        self._vocab = llama_cpp.llama_model_get_vocab(llm._model.model)
        self.n_vocab = llm.n_vocab()
        self.n_batch = n_batch
        self.n_cells = llama_cpp.llama_n_ctx(self._ctx)
        self.n_seq = parallel + 1
        self._batch = llama_cpp.llama_batch_init(n_batch, 0, 1)

    def decode(self, feeds: Sequence[Feed]) -> dict[int, np.ndarray]:
        lib, batch = self._lib, self._batch
        n = 0
        rows: dict[int, int] = {}
        for f in feeds:
            for j, token in enumerate(f.tokens):
                batch.token[n] = token
                batch.pos[n] = f.pos + j
                batch.n_seq_id[n] = 1
                batch.seq_id[n][0] = f.seq
                last = f.logits and j == len(f.tokens) - 1
                batch.logits[n] = last
                if last:
                    rows[f.seq] = n
                n += 1
        if n > self.n_batch:
            raise ValueError(f"{n} tokens in one decode call; the batch holds {self.n_batch}")
        batch.n_tokens = n
        code = lib.llama_decode(self._ctx, batch)
        if code != 0:
            raise RuntimeError(f"llama_decode returned {code} (1: no room in the KV cache; raise n_ctx)")
        return {
            seq: np.ctypeslib.as_array(lib.llama_get_logits_ith(self._ctx, i), shape=(self.n_vocab,))
            for seq, i in rows.items()
        }

    def copy(self, source: int, seq: int, n_tokens: int) -> None:
        self._lib.llama_memory_seq_cp(self._memory, source, seq, 0, n_tokens)

    def clear(self, seq: int) -> None:
        self._lib.llama_memory_seq_rm(self._memory, seq, -1, -1)

    def detokenize(self, tokens: Sequence[int]) -> str:
        return self._llm.detokenize(list(tokens)).decode("utf-8", errors="ignore")

    def is_end(self, token: int) -> bool:
        return bool(self._lib.llama_vocab_is_eog(self._vocab, token))

    def constraint(self, grammar: str) -> Any:
        from tarjama.engines.gguf.constrain import TokenGrammar

        return TokenGrammar(self._vocab, grammar, self.n_vocab)

    def close(self) -> None:
        if self._batch is not None:
            self._lib.llama_batch_free(self._batch)
            self._batch = None
        self._context.close()
