#!/usr/bin/env python3
"""What one llama.cpp decode call costs on this machine, by tokens per call and settings.

The evidence behind the embedded engine's defaults (``tarjama.engines.variants``): how the
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

from tarjama.engines.gguf import _quiet_stderr
from tarjama.models import embedded

TEXT = "وقالت وكالة الفضاء الكندية في بيان إن القمر الصناعي سيُطلق في أوائل عام 2027، بعد تأخير دام عامين. "
CONTEXT = 200  # tokens already in the cache, as after a shared prompt prefix


def stats(values: list[float]) -> str:
    return f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f}"


class Context:
    def __init__(self, llm, *, threads: int, n_ubatch: int, flash: bool, n_seq: int = 1) -> None:
        import llama_cpp
        from llama_cpp import _internals

        self.lib = llama_cpp
        params = llama_cpp.llama_context_default_params()
        params.n_ctx, params.n_batch, params.n_ubatch = 4096, 512, n_ubatch
        params.n_threads = params.n_threads_batch = threads
        params.n_seq_max = n_seq + 1
        params.kv_unified = True  # as the engine: the prefix's cells shared by every sequence
        params.flash_attn_type = 1 if flash else 0
        with _quiet_stderr():
            self.ctx = _internals.LlamaContext(model=llm._model, params=params, verbose=False)
        self.batch = llama_cpp.llama_batch_init(512, 0, 1)
        self.tokens = llm.tokenize((TEXT * 40).encode(), add_bos=False)[:512]
        self.decode(CONTEXT, 0)

    def decode(self, n: int, start: int) -> float:
        b = self.batch
        for i in range(n):
            b.token[i], b.pos[i], b.n_seq_id[i] = self.tokens[i], start + i, 1
            b.seq_id[i][0] = 0
            b.logits[i] = i == n - 1
        b.n_tokens = n
        t0 = time.perf_counter()
        if self.lib.llama_decode(self.ctx.ctx, b) != 0:
            raise RuntimeError("llama_decode failed")
        return time.perf_counter() - t0

    def timed(self, n: int) -> float:
        self.lib.llama_memory_seq_rm(self.ctx.memory, 0, CONTEXT, -1)
        return self.decode(n, CONTEXT)

    def side_by_side(self, n_seq: int, steps: int) -> float:
        """Tokens/s generating one token per sequence per call, ``n_seq`` sequences after the prefix."""
        lib, b = self.lib, self.batch
        for seq in range(1, n_seq + 1):
            lib.llama_memory_seq_rm(self.ctx.memory, seq, -1, -1)
            lib.llama_memory_seq_cp(self.ctx.memory, 0, seq, 0, CONTEXT)
        t0 = time.perf_counter()
        for step in range(steps):
            for i in range(n_seq):
                b.token[i], b.pos[i], b.n_seq_id[i] = self.tokens[(step * 7 + i) % 512], CONTEXT + step, 1
                b.seq_id[i][0] = i + 1
                b.logits[i] = True
            b.n_tokens = n_seq
            if lib.llama_decode(self.ctx.ctx, b) != 0:
                raise RuntimeError("llama_decode failed")
        return n_seq * steps / (time.perf_counter() - t0)

    def close(self) -> None:
        self.lib.llama_batch_free(self.batch)
        self.ctx.close()


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
