#!/usr/bin/env python3
"""Seed article end to end with the embedded model: cold and warm seconds, sentences/s, peak RSS.

cold = a fresh ``tarjama translate`` process (start-up, model verification and load,
translation), measured from outside. warm = the same engine object translating the seed
again in one process (model loaded, prompt prefix cached). Prints a Markdown table with
runs and min/median/max; no numbers are asserted anywhere.

    .venv/bin/python scripts/bench_seed.py [--cold-runs 2] [--warm-runs 3] [--no-glossary] \
        [--variant NAME] [--set KEY=VALUE ...]

``--variant``/``--set`` choose an embedded-engine configuration (``tarjama.engines.variants``)
for the warm runs, e.g. ``--set threads_batch=2 --set n_ubatch=256`` to tune llama.cpp; the
cold run always uses the CLI's default. The table also shows the share of prompt tokens that
llama.cpp reused from its cache (the prefix common with the previous request).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "esa-jaxa-partnership.ar.txt"
GLOSSARY = ROOT / "references" / "glossary.tsv"


def stats(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def cold_run(glossary: bool) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one fresh CLI process."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "tarjama", "translate", str(SEED), "-o", f"{tmp}/out.txt"]
        cmd += ["--glossary", str(GLOSSARY)] if glossary else ["--no-glossary"]
        start = time.perf_counter()
        # wait4 gives this child's own rusage, not the maximum over all children so far.
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        if status != 0:
            sys.exit(f"cold run failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return seconds, usage.ru_maxrss / 1024


class PrefixStats:
    """Counts, per request, the prompt tokens llama.cpp can reuse (the prefix shared with the
    previous request's tokens), by wrapping ``Llama.generate`` of one engine."""

    def __init__(self) -> None:
        self.reused: list[int] = []
        self.total: list[int] = []

    @property
    def requests(self) -> int:
        return len(self.total)

    @classmethod
    def attach(cls, engine) -> PrefixStats:
        stats = cls()
        llm = engine.llm
        original = llm.generate

        def generate(tokens, *args, **kwargs):
            previous = list(llm._input_ids[: llm.n_tokens])
            shared = 0
            for a, b in zip(previous, tokens, strict=False):
                if a != b:
                    break
                shared += 1
            stats.reused.append(shared)
            stats.total.append(len(tokens))
            return original(tokens, *args, **kwargs)

        llm.generate = generate
        return stats

    def share_since(self, start: int) -> float:
        """Percentage of prompt tokens reused over the requests after the first ``start``."""
        total = sum(self.total[start:])
        return 100.0 * sum(self.reused[start:]) / total if total else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cold-runs", type=int, default=2)
    ap.add_argument("--warm-runs", type=int, default=3)
    ap.add_argument("--no-glossary", action="store_true")
    ap.add_argument("--variant", help="embedded variant for the warm runs (default: the default)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="variant override")
    args = ap.parse_args()
    use_glossary = not args.no_glossary and GLOSSARY.exists()

    from tarjama.document import read_document
    from tarjama.engines.gguf import GGUFEngine
    from tarjama.engines.variants import parse_options
    from tarjama.pipeline import translate_document

    doc = read_document(SEED)
    n_sent = len(doc.sentences())
    cold = [cold_run(use_glossary) for _ in range(args.cold_runs)]

    glossary = None
    if use_glossary:
        from tarjama.glossary import Glossary

        glossary = Glossary.load(GLOSSARY)
    t0 = time.perf_counter()
    engine = GGUFEngine(variant=args.variant, **parse_options(args.set))
    load_s = time.perf_counter() - t0
    cache = PrefixStats.attach(engine)
    warm: list[float] = []
    first_requests = 0
    for run in range(args.warm_runs + 1):
        start = time.perf_counter()
        translate_document(doc, engine, glossary)
        warm.append(time.perf_counter() - start)
        if run == 0:
            first_requests = cache.requests
    first, warm = warm[0], warm[1:]  # the first pass fills the prompt cache
    warm_reuse = cache.share_since(first_requests)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"seed: {len(doc.paragraphs)} paragraphs, {n_sent} sentences; "
        f"glossary: {'on' if glossary else 'off'}; "
        f"cores: {os.cpu_count()}; engine: {engine.identity.describe()}"
    )
    print()
    print("| measure | runs | min / median / max |")
    print("| --- | --- | --- |")
    if cold:  # --cold-runs 0 measures the warm engine only (e.g. to compare variants)
        print(f"| cold: fresh CLI process, seconds | {len(cold)} | {stats([c[0] for c in cold])} |")
        print(f"| cold: peak RSS, MiB | {len(cold)} | {stats([c[1] for c in cold])} |")
    print(f"| model verify + load in process, seconds | 1 | {load_s:.2f} |")
    print(f"| first pass after load, seconds | 1 | {first:.2f} |")
    print(f"| warm: seed, seconds | {len(warm)} | {stats(warm)} |")
    print(f"| warm: sentences per second | {len(warm)} | {stats([n_sent / w for w in warm])} |")
    print(f"| warm: peak RSS of the process, MiB | 1 | {rss:.0f} |")
    warm_requests = cache.requests - first_requests
    label = "warm: prompt tokens reused from the KV cache, %"
    print(f"| {label} | {warm_requests} requests | {warm_reuse:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
