#!/usr/bin/env python3
"""Seed article end to end with the embedded model: two engine variants side by side.

cold = a fresh ``tarjama translate`` process with the default engine (start-up, model
verification and load, translation), measured from outside, with its peak RSS. warm = an
engine object translating the seed again in one process (model loaded, prompt prefix
cached). The warm runs alternate a baseline variant (default ``cached``: one request at a
time, as before continuous batching) and the candidate (default: the default variant) in one
process, so that both see the same machine load; each round gives a speed-up ratio. Prints a
Markdown table with runs and min/median/max; no numbers are asserted anywhere.

    .venv/bin/python scripts/bench_seed.py [--cold-runs 1] [--warm-runs 3] [--no-glossary] \
        [--baseline NAME] [--variant NAME] [--set KEY=VALUE ...]

``--set`` overrides options of the candidate (``tarjama.engines.variants``), e.g.
``--set parallel=8`` or ``--set n_ubatch=256``. The table also shows, per warm pass, the
prompt tokens evaluated and reused from the cached prefix and the tokens generated.
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


def warm_pass(engine, doc, glossary) -> tuple[float, dict[str, int]]:
    from tarjama.pipeline import translate_document

    before = dict(engine.generator().stats)
    start = time.perf_counter()
    translate_document(doc, engine, glossary)
    seconds = time.perf_counter() - start
    after = engine.generator().stats
    return seconds, {k: after[k] - before[k] for k in after}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cold-runs", type=int, default=1)
    ap.add_argument("--warm-runs", type=int, default=3)
    ap.add_argument("--no-glossary", action="store_true")
    ap.add_argument("--baseline", default="cached", help="baseline variant (default: cached, sequential)")
    ap.add_argument("--variant", help="candidate variant (default: the default)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="candidate override")
    args = ap.parse_args()
    use_glossary = not args.no_glossary and GLOSSARY.exists()

    from tarjama.document import read_document
    from tarjama.engines.gguf import GGUFEngine
    from tarjama.engines.variants import DEFAULT_VARIANT, parse_options

    doc = read_document(SEED)
    n_sent = len(doc.sentences())
    cold = [cold_run(use_glossary) for _ in range(args.cold_runs)]

    glossary = None
    if use_glossary:
        from tarjama.glossary import Glossary

        glossary = Glossary.load(GLOSSARY)
    names = {"baseline": args.baseline, "candidate": args.variant or DEFAULT_VARIANT}
    engines = {}
    load: dict[str, float] = {}
    for role, name in names.items():
        t0 = time.perf_counter()
        options = parse_options(args.set) if role == "candidate" else {}
        engines[role] = GGUFEngine(variant=name, **options)
        load[role] = time.perf_counter() - t0
        warm_pass(engines[role], doc, glossary)  # first pass: evaluates the shared prefix
    warm: dict[str, list[float]] = {role: [] for role in engines}
    counts: dict[str, dict[str, int]] = {}
    for run in range(args.warm_runs):
        # Alternate the order so neither variant always runs after the other.
        order = ["baseline", "candidate"] if run % 2 == 0 else ["candidate", "baseline"]
        for role in order:
            seconds, counts[role] = warm_pass(engines[role], doc, glossary)
            warm[role].append(seconds)
    ratios = [b / c for b, c in zip(warm["baseline"], warm["candidate"], strict=True)]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"seed: {len(doc.paragraphs)} paragraphs, {n_sent} sentences; "
        f"glossary: {'on' if glossary else 'off'}; cores: {os.cpu_count()}"
    )
    for role, engine in engines.items():
        print(
            f"{role}: {names[role]} · {engine.identity.describe()} · "
            f"options {engine.identity.params.get('options', {})}"
        )
    print()
    print(f"| measure | runs | baseline ({names['baseline']}) | candidate ({names['candidate']}) |")
    print("| --- | --- | --- | --- |")
    if cold:  # --cold-runs 0 measures the warm engines only
        print(
            f"| cold: fresh CLI process (default engine), seconds | {len(cold)} | – | "
            f"{stats([c[0] for c in cold])} |"
        )
        print(f"| cold: peak RSS, MiB | {len(cold)} | – | {stats([c[1] for c in cold])} |")
    print(
        f"| engine load in process (verify + load), seconds | 1 | {load['baseline']:.2f} | "
        f"{load['candidate']:.2f} |"
    )
    b, c = warm["baseline"], warm["candidate"]
    print(f"| warm: seed, seconds, min / median / max | {len(b)} | {stats(b)} | {stats(c)} |")
    print(
        f"| warm: sentences per second | {len(b)} | {stats([n_sent / w for w in b])} | "
        f"{stats([n_sent / w for w in c])} |"
    )
    print(f"| warm: speed-up (baseline s / candidate s, per round) | {len(ratios)} | 1 | {stats(ratios)} |")
    for key, label in (
        ("prompt_evaluated", "prompt tokens evaluated per pass"),
        ("prompt_reused", "prompt tokens reused from the cached prefix per pass"),
        ("generated", "tokens generated per pass"),
        ("steps", "llama.cpp decode calls per pass"),
    ):
        print(f"| warm: {label} | 1 | {counts['baseline'][key]} | {counts['candidate'][key]} |")
    print(f"| peak RSS of this process (both engines loaded), MiB | 1 | {rss:.0f} | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
