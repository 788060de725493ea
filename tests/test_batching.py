"""The continuous-batching scheduler, over a fake backend that keeps real per-sequence state.

The fake model's next-token logits depend on the whole token history of the sequence as the
backend holds it (prefix copies included), so any mistake in prefix sharing, positions,
chunking or slot reuse changes the output and breaks the equality with one-at-a-time decoding.
"""

from __future__ import annotations

import string
import zlib
from collections.abc import Sequence

import numpy as np
import pytest

from tarjama.engines.gguf.batching import BatchedGenerator, ContextFullError, Feed, Job, Output, token_logprob

VOCAB = 40
END = 0
ALPHABET = "#" + string.ascii_lowercase + " .,\n" + "0123456789"  # token i -> ALPHABET[i]


def fake_logits(history: Sequence[int]) -> np.ndarray:
    seed = zlib.crc32(bytes(t % 256 for t in history[-4:])) ^ len(history)
    return np.random.default_rng(seed).normal(size=VOCAB).astype(np.float32)


class FakeBackend:
    def __init__(self, *, parallel: int = 3, n_batch: int = 7, n_cells: int = 400) -> None:
        self.n_vocab = VOCAB
        self.n_batch = n_batch
        self.n_cells = n_cells
        self.n_seq = parallel + 1
        self.seqs: dict[int, list[int]] = {}
        self.shared: dict[int, int] = {}  # cells a sequence shares with sequence 0
        self.max_used = 0
        self.calls = 0

    def used(self) -> int:
        prefix = len(self.seqs.get(0, []))
        return prefix + sum(len(t) - self.shared.get(s, 0) for s, t in self.seqs.items() if s != 0)

    def decode(self, feeds: Sequence[Feed]) -> dict[int, np.ndarray]:
        assert sum(len(f.tokens) for f in feeds) <= self.n_batch
        self.calls += 1
        out = {}
        for f in feeds:
            hist = self.seqs.setdefault(f.seq, [])
            assert f.pos == len(hist), "positions must continue the sequence"
            hist.extend(f.tokens)
            if f.logits:
                out[f.seq] = fake_logits(hist)
        self.max_used = max(self.max_used, self.used())
        assert self.used() <= self.n_cells, "the scheduler overfilled the KV cache"
        return out

    def copy(self, source: int, seq: int, n_tokens: int) -> None:
        assert not self.seqs.get(seq), "a slot must be cleared before reuse"
        assert len(self.seqs[source]) >= n_tokens, "copied cells must exist"
        self.seqs[seq] = list(self.seqs[source][:n_tokens])
        self.shared[seq] = n_tokens if source == 0 else 0

    def clear(self, seq: int) -> None:
        self.seqs.pop(seq, None)
        self.shared.pop(seq, None)

    def detokenize(self, tokens: Sequence[int]) -> str:
        return "".join(ALPHABET[t] for t in tokens)

    def is_end(self, token: int) -> bool:
        return token == END


def reference(job: Job) -> Output:
    """Greedy decoding of one job alone, straight from the fake model."""
    hist, out, logprobs = list(job.tokens), [], []
    while True:
        raw = fake_logits(hist)
        row = raw.copy()
        for t, b in (job.logit_bias or {}).items():
            row[t] += b
        tok = int(np.argmax(row))
        # The confidence is the unbiased model's probability of the chosen token.
        logprobs.append(token_logprob(raw, tok))
        if tok == END:
            break
        out.append(tok)
        hist.append(tok)
        text = "".join(ALPHABET[t] for t in out)
        hits = [text.find(s) for s in job.stop if s in text]
        if hits:
            return Output(text[: min(hits)], False, len(out), tuple(logprobs))
        if len(out) >= job.max_tokens:
            return Output(text, True, len(out), tuple(logprobs))
    return Output("".join(ALPHABET[t] for t in out), False, len(out), tuple(logprobs))


PREFIX = (5, 6, 7, 8, 9, 10, 11, 12, 13)


def jobs(n: int, **kw) -> list[Job]:
    return [
        Job(PREFIX + (14 + i % 20, 15 + (3 * i) % 20, 16 + i % 7)[: 1 + i % 3], max_tokens=12, **kw)
        for i in range(n)
    ]


def single(job: Job):
    (out,) = yield [job]
    return out


def test_side_by_side_equals_one_at_a_time() -> None:
    backend = FakeBackend(parallel=3, n_batch=7)
    gen = BatchedGenerator(backend, 3)
    gen.set_prefix(PREFIX)
    work = jobs(11)
    got = gen.run([single(j) for j in work])
    assert got == [reference(j) for j in work]
    assert gen.stats["prompt_reused"] == sum(min(len(PREFIX), len(j.tokens) - 1) for j in work)
    # Batching happened: fewer decode calls than one per generated token.
    assert backend.calls < sum(o.n_tokens for o in got)
    assert set(backend.seqs) == {0}, "every slot is cleared at the end"


def test_a_prompt_equal_to_the_prefix_still_gets_first_logits() -> None:
    gen = BatchedGenerator(FakeBackend(), 2)
    gen.set_prefix(PREFIX)
    job = Job(PREFIX, max_tokens=5)
    assert gen.run([single(job)]) == [reference(job)]


def test_stop_strings_and_token_limit() -> None:
    gen = BatchedGenerator(FakeBackend(), 3)
    gen.set_prefix(PREFIX)
    plain = gen.run([single(j) for j in jobs(6, stop=())])
    long_one = next(o for o in plain if len(o.text) >= 3)
    stop = long_one.text[1:3]
    job = next(j for j, o in zip(jobs(6), plain, strict=True) if o is long_one)
    (cut,) = gen.run([single(Job(job.tokens, 12, stop=(stop,)))])
    assert cut.text == long_one.text[: long_one.text.find(stop)] and not cut.truncated
    (short,) = gen.run([single(Job(job.tokens, 2))])
    assert short.n_tokens <= 2
    assert short.truncated == (short.n_tokens == 2)


def test_flows_retry_and_take_candidates_in_order() -> None:
    def flow(i: int):
        first = jobs(5)[i]
        (a,) = yield [first]
        if i % 2:  # a "retry" with two candidates: a banned token and a seeded sample
            b, c = yield [
                Job(first.tokens, 8, logit_bias={int(np.argmax(fake_logits(list(first.tokens)))): -100.0}),
                Job(first.tokens, 8, seed=3),
            ]
            return (i, a.text, b.text, c.text)
        return (i, a.text)

    gen = BatchedGenerator(FakeBackend(parallel=2), 2)
    gen.set_prefix(PREFIX)
    out = gen.run([flow(i) for i in range(5)])
    assert [o[0] for o in out] == list(range(5))
    assert all(len(o) == (4 if o[0] % 2 else 2) for o in out)
    again = BatchedGenerator(FakeBackend(parallel=4), 4)
    again.set_prefix(PREFIX)
    assert again.run([flow(i) for i in range(5)]) == out  # seeded sampling: same text whatever the width
    banned_first = out[1][2]
    assert banned_first[:1] != out[1][1][:1] or not out[1][1]


def test_admission_waits_for_cells_and_refuses_what_cannot_fit() -> None:
    backend = FakeBackend(parallel=4, n_batch=8, n_cells=len(PREFIX) + 2 * (3 + 12))
    gen = BatchedGenerator(backend, 4)
    gen.set_prefix(PREFIX)
    work = jobs(6)
    assert gen.run([single(j) for j in work]) == [reference(j) for j in work]
    assert backend.max_used <= backend.n_cells
    with pytest.raises(ContextFullError, match="KV cells"):
        gen.run([single(Job((*PREFIX, 20), max_tokens=500))])


def test_parallel_must_fit_the_backend() -> None:
    with pytest.raises(ValueError, match="parallel"):
        BatchedGenerator(FakeBackend(parallel=2), 3)


def test_candidates_of_one_prompt_evaluate_it_once() -> None:
    prompt = (*PREFIX, 21, 22, 23, 24, 25, 26)
    trio = [Job(prompt, 10), Job(prompt, 10, seed=1), Job(prompt, 10, seed=2)]

    def together():
        return (yield trio)

    gen = BatchedGenerator(FakeBackend(parallel=3, n_batch=4), 3)
    gen.set_prefix(PREFIX)
    before = gen.stats["prompt_evaluated"]
    (outs,) = gen.run([together()])
    # The suffix once (6 tokens) plus one token per extra candidate.
    assert gen.stats["prompt_evaluated"] - before == 6 + 2
    alone = []
    for job in trio:
        solo = BatchedGenerator(FakeBackend(parallel=1), 1)
        solo.set_prefix(PREFIX)
        alone.append(solo.run([single(job)])[0])
    assert outs == alone
    assert outs[0] == reference(trio[0])


def test_a_failing_flow_leaves_no_sequence_behind() -> None:
    def broken():
        yield jobs(1)
        raise RuntimeError("check failed")

    backend = FakeBackend(parallel=3)
    gen = BatchedGenerator(backend, 3)
    gen.set_prefix(PREFIX)
    with pytest.raises(RuntimeError, match="check failed"):
        gen.run([single(j) for j in jobs(4)] + [broken()])
    assert set(backend.seqs) == {0}
    work = jobs(3)
    assert gen.run([single(j) for j in work]) == [reference(j) for j in work]


def test_token_logprob_is_the_log_softmax() -> None:
    rng = np.random.default_rng(7)
    row = (rng.normal(size=5000) * 4).astype(np.float32)
    exact = row.astype(np.float64) - np.log(np.exp(row.astype(np.float64) - row.max()).sum()) - row.max()
    for token in (0, int(np.argmax(row)), 4999):
        assert token_logprob(row, token) == pytest.approx(float(exact[token]), abs=1e-5)
    assert token_logprob(row, int(np.argmax(row))) <= 0


def test_outputs_carry_the_chosen_tokens_log_probabilities() -> None:
    gen = BatchedGenerator(FakeBackend(parallel=3, n_batch=7), 3)
    gen.set_prefix(PREFIX)
    for job, out in zip(jobs(5), gen.run([single(j) for j in jobs(5)]), strict=True):
        # One per generated token, plus the end token when the output ended on its own.
        assert len(out.logprobs) == out.n_tokens + (0 if out.truncated else 1)
        assert all(lp <= 0 for lp in out.logprobs)
        assert out.logprobs == reference(job).logprobs


class PrefixConstraint:
    """A fake grammar: the output must be exactly ``grammar`` ("*": anything)."""

    closed = 0

    def __init__(self, grammar: str) -> None:
        self.grammar, self.text = grammar, ""

    def allows(self, token: int) -> bool:
        if self.grammar == "*":
            return True
        if token == END:
            return self.text == self.grammar
        return self.grammar.startswith(self.text + ALPHABET[token])

    def mask(self, row: np.ndarray) -> np.ndarray:
        return np.where([self.allows(t) for t in range(VOCAB)], row, -np.inf).astype(np.float32)

    def accept(self, token: int) -> None:
        assert self.allows(token), "a refused token was accepted"
        self.text += ALPHABET[token]

    def close(self) -> None:
        PrefixConstraint.closed += 1


class ConstrainedBackend(FakeBackend):
    def constraint(self, grammar: str) -> PrefixConstraint:
        return PrefixConstraint(grammar)


def test_a_grammar_per_sequence_constrains_only_its_own_job() -> None:
    PrefixConstraint.closed = 0
    free = jobs(4)
    forced = [Job(j.tokens, max_tokens=30, grammar="the tag is out.") for j in jobs(3)]
    sampled = [Job(j.tokens, max_tokens=30, grammar="ok", seed=1) for j in jobs(2)]
    anything = [Job(j.tokens, max_tokens=12, grammar="*") for j in jobs(2)]
    gen = BatchedGenerator(ConstrainedBackend(parallel=3), 3)
    outs = gen.run([single(j) for j in [*free, *forced, *sampled, *anything]])
    assert outs[:4] == [reference(j) for j in free]  # jobs without a grammar decode as before
    assert [o.text for o in outs[4:7]] == ["the tag is out."] * 3  # complete before the end
    assert [o.text for o in outs[7:9]] == ["ok"] * 2
    # A grammar that allows the model's own choice changes nothing (the mask is never needed).
    assert [o.text for o in outs[9:]] == [reference(Job(j.tokens, max_tokens=12)).text for j in anything]
    assert PrefixConstraint.closed == 7 and gen.stats["constrained"] > 0


def test_a_grammar_that_may_end_keeps_what_is_written_valid_but_lets_the_model_stop() -> None:
    target = "the tag is out, and the text goes on for a while."
    shaped = [Job(j.tokens, max_tokens=60, grammar=target, grammar_may_end=True) for j in jobs(6)]
    forced = [Job(j.tokens, max_tokens=60, grammar=target) for j in jobs(6)]
    outs = BatchedGenerator(ConstrainedBackend(parallel=3), 3).run([single(j) for j in [*shaped, *forced]])
    assert all(target.startswith(o.text) for o in outs[:6])
    assert any(len(o.text) < len(target) for o in outs[:6])  # the model's own end came first
    assert [o.text for o in outs[6:]] == [target] * 6
