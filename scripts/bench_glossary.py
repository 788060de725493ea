"""Benchmark glossary matching: build and match time, and memory, against glossary size.

Text: the seed article plus the Arabic side of ntrex-dev (read in place when present),
paragraphs shuffled with a fixed seed and repeated to 1 MB of UTF-8. Glossaries: the shipped
entries plus synthetic ones made deterministically — random Arabic words (a tenth taken from
the text's own word pairs, so there are real hits, and a twentieth Latin acronyms).

Prints a Markdown table with min/median/max over ``--runs`` runs. "key hits" counts the
automaton's raw key occurrences before the word/clitic checks: matching costs one pass over
the text plus a little per hit, so a bigger glossary costs more only through more hits.
Memory is measured in a separate run under tracemalloc (Python allocations, which slows
timing) plus the automaton's own size from pyahocorasick. Nothing here asserts on time.

    .venv/bin/python scripts/bench_glossary.py [--runs 3] [--sizes 10 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import tracemalloc
from pathlib import Path

from tarjama.glossary import Glossary, GlossaryEntry
from tarjama.glossary.matcher import Matcher
from tarjama.text.arabic import normalize_with_offsets

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "esa-jaxa-partnership.ar.txt"
NTREX = ROOT.parent / "shared" / "data" / "ntrex-dev" / "ntrex-dev.ar-en.tsv"
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def corpus(size_bytes: int = 1_000_000) -> str:
    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n") if p.strip()]
    if NTREX.exists():
        paragraphs += [row.split("\t")[1] for row in NTREX.read_text(encoding="utf-8").splitlines()[1:]]
    rng = random.Random(0)
    out: list[str] = []
    total = 0
    while total < size_bytes:
        batch = paragraphs[:]
        rng.shuffle(batch)
        for p in batch:
            out.append(p)
            total += len(p.encode("utf-8")) + 1
            if total >= size_bytes:
                break
    return "\n".join(out)


def synthetic_entries(n: int, text: str) -> list[GlossaryEntry]:
    shipped = Glossary.load(ROOT / "references" / "glossary.tsv").entries
    if n <= len(shipped):
        return shipped[:n]
    rng = random.Random(n)
    words = text.split()
    entries = list(shipped)
    seen = {f for e in entries for f in e.ar_forms}
    while len(entries) < n:
        roll = rng.random()
        if roll < 0.10:
            i = rng.randrange(len(words) - 1)
            form = f"{words[i]} {words[i + 1]}".strip('،.:"()')
        elif roll < 0.15:
            form = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(3, 6)))
        else:
            form = " ".join(
                "".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 7)))
                for _ in range(rng.randint(1, 3))
            )
        if form and form not in seen:
            seen.add(form)
            entries.append(GlossaryEntry([form], f"term {len(entries)}", "concept"))
    return entries


def stats(values: list[float]) -> str:
    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1_000, 10_000, 100_000])
    args = parser.parse_args()
    text = corpus()
    megabytes = len(text.encode("utf-8")) / 1e6
    print(f"text: {megabytes:.2f} MB UTF-8, {len(text):,} characters; runs: {args.runs}\n")
    view = normalize_with_offsets(text)[0]
    print(
        "| terms | key hits | matches | build s (min / median / max) | match s (min / median / max) "
        "| MB/s (median) | peak Python MiB | automaton MiB |"
    )
    print("|---:|---:|---:|---|---|---:|---:|---:|")
    for size in args.sizes:
        entries = synthetic_entries(size, text)
        builds, matches_t = [], []
        found = 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            matcher = Matcher(entries)
            t1 = time.perf_counter()
            found = len(matcher.match(text))
            t2 = time.perf_counter()
            builds.append(t1 - t0)
            matches_t.append(t2 - t1)
        # Raw key occurrences before the edge checks: what match time grows with, besides the text.
        hits = sum(1 for _ in matcher._automaton.iter(view)) if entries else 0
        automaton_mib = matcher._automaton.get_stats()["total_size"] / 2**20
        del matcher
        tracemalloc.start()
        Matcher(entries).match(text)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(
            f"| {size:,} | {hits:,} | {found:,} | {stats(builds)} | {stats(matches_t)} "
            f"| {megabytes / statistics.median(matches_t):.2f} | {peak:.1f} | {automaton_mib:.1f} |"
        )


if __name__ == "__main__":
    main()
