#!/usr/bin/env python3
"""What one llama.cpp decode call costs on this machine, by tokens per call and settings.

The evidence behind the embedded engine's defaults (``tarjama.engines.gguf.config``): how the
cost of one ``llama_decode`` call grows with the number of tokens in it (one token per
sequence when sentences are decoded side by side, many when a prompt is evaluated), and
prompt-evaluation speed for several ``n_ubatch`` values with and without flash attention, and
generation speed with 1 to 32 sequences side by side (the engine's ``parallel``).
Every setting is measured ``--runs`` times in the same process, alternating; the table shows
min / median / max. Nothing is asserted.

    .venv/bin/python scripts/bench_llama_decode.py [--runs 3] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from tarjama.engines.gguf.batching import PREFIX_SEQ, Feed, LlamaBackend
from tarjama.engines.gguf.engine import _quiet_stderr
from tarjama.models import embedded

TEXT = "وقالت وكالة الفضاء الكندية في بيان إن القمر الصناعي سيُطلق في أوائل عام 2027، بعد تأخير دام عامين. "
CONTEXT = 200  # tokens already in the cache, as after a shared prompt prefix


def stats(values: list[float]) -> str:
    return f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f}"


class Context:
    """The engine's own ``LlamaBackend``; sequence 0 holds ``CONTEXT`` tokens, as a prompt prefix."""

    def __init__(self, llm, *, threads: int, n_ubatch: int, flash: bool, n_seq: int = 1) -> None:
        with _quiet_stderr():
            self.backend = LlamaBackend(
                llm,
                parallel=n_seq,
                n_ctx=4096,
                n_batch=512,
                n_ubatch=n_ubatch,
                threads=threads,
                threads_batch=threads,
                flash_attn=flash,
            )
        self.tokens = llm.tokenize((TEXT * 40).encode(), add_bos=False)[:512]
        self.backend.decode([Feed(PREFIX_SEQ, self.tokens[:CONTEXT], 0, False)])

    def timed(self, n: int) -> float:
        """Seconds for one call of ``n`` tokens of one sequence after the prefix."""
        self.backend.clear(1)
        self.backend.copy(PREFIX_SEQ, 1, CONTEXT)
        t0 = time.perf_counter()
        self.backend.decode([Feed(1, self.tokens[:n], CONTEXT, True)])
        return time.perf_counter() - t0

    def side_by_side(self, n_seq: int, steps: int) -> float:
        """Tokens/s generating one token per sequence per call, ``n_seq`` sequences after the prefix."""
        for seq in range(1, n_seq + 1):
            self.backend.clear(seq)
            self.backend.copy(PREFIX_SEQ, seq, CONTEXT)
        t0 = time.perf_counter()
        for step in range(steps):
            feeds = [
                Feed(i + 1, [self.tokens[(step * 7 + i) % 512]], CONTEXT + step, True) for i in range(n_seq)
            ]
            self.backend.decode(feeds)
        return n_seq * steps / (time.perf_counter() - t0)

    def close(self) -> None:
        self.backend.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    from llama_cpp import Llama

    with _quiet_stderr():
        llm = Llama(model_path=str(embedded.ensure_model()), n_ctx=256, n_batch=64, verbose=False)
    print(f"embedded model, {args.threads} threads, {CONTEXT} tokens already in the cache, {args.runs} runs")
    print()
    print("| tokens in one decode call | ms per call min / median / max | ms per token (median) |")
    print("| ---: | ---: | ---: |")
    ctx = Context(llm, threads=args.threads, n_ubatch=512, flash=True)
    sizes = [1, 2, 4, 8, 12, 16, 24, 32, 64, 128]
    times: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(args.runs):
        for n in sizes:
            times[n].append(1000 * ctx.timed(n))
    for n in sizes:
        print(f"| {n} | {stats(times[n])} | {statistics.median(times[n]) / n:.1f} |")
    ctx.close()
    print()
    print("| prompt evaluation (512 tokens) | tokens/s min / median / max |")
    print("| --- | ---: |")
    settings = [(512, True), (512, False), (256, True), (128, True)]
    contexts = {s: Context(llm, threads=args.threads, n_ubatch=s[0], flash=s[1]) for s in settings}
    rates: dict[tuple[int, bool], list[float]] = {s: [] for s in settings}
    for _ in range(args.runs):
        for s in settings:
            rates[s].append(512 / contexts[s].timed(512))
    for (ub, flash), values in rates.items():
        print(f"| n_ubatch {ub}, flash attention {'on' if flash else 'off'} | {stats(values)} |")
    for c in contexts.values():
        c.close()
    print()
    print("| sequences side by side (64 tokens each) | flash attention | tokens/s min / median / max |")
    print("| ---: | --- | ---: |")
    widths = [1, 8, 16, 32]
    gens = {
        flash: Context(llm, threads=args.threads, n_ubatch=512, flash=flash, n_seq=max(widths))
        for flash in (True, False)
    }
    speed: dict[tuple[int, bool], list[float]] = {(w, f): [] for w in widths for f in gens}
    for _ in range(args.runs):
        for w in widths:
            for flash, c in gens.items():
                speed[(w, flash)].append(c.side_by_side(w, 64))
    for (w, flash), values in speed.items():
        print(f"| {w} | {'on' if flash else 'off'} | {stats(values)} |")
    for c in gens.values():
        c.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
