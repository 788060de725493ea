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
        [--baseline NAME|none] [--variant NAME] [--set KEY=VALUE ...] [--floor-runs 3] [--floor-only]

``--checks on`` runs the warm passes with the fidelity checks and their repairs (as ``tarjama
translate`` does by default); ``--checks both`` adds, in every round, a checked pass of the
candidate beside its unchecked one (the ratio of the two is printed).

``--set`` overrides options of the candidate (``tarjama.engines.gguf.config``), e.g.
``--set parallel=8`` or ``--set n_ubatch=256``. The table also shows, per warm pass, the
prompt tokens evaluated and reused from the cached prefix and the tokens generated.

The floor: absolute seconds differ threefold between machines of the same kind, so the
candidate's warm time is also stated against what this machine's llama.cpp can do, measured
in the same process with the candidate's own context (its prompt prefix in the KV cache, its
``n_batch``, ``n_ubatch``, flash attention and threads), best of ``--floor-runs``:

- prompt tokens/s: one decode call of ``n_batch`` prompt tokens after the prefix (the
  engine fills its calls with prompt tokens up to ``n_batch``);
- ms per generated token: ``parallel`` sequences side by side (the engine's width), each
  after the prefix and a 64-token sentence prompt, one token each per call.

floor seconds of a pass = prompt tokens evaluated / prompt tokens/s + tokens generated × ms
per token, from the tokens that pass actually evaluated and generated; ratio = warm seconds ÷
floor seconds. A pass's time is also split into time inside ``llama_decode`` (and, of that,
in narrow calls: fewer sequences than half the side-by-side width, the tail of a pass) and
the rest (Python: scheduling, sampling, detokenising, the glossary checks). ``--floor-only``
prints only the floor (used by ``scripts/bench_setup.py --floor``).
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


# Arabic filler for the floor measurement (token values hardly matter to the cost of a call).
FILLER = "وقالت وكالة الفضاء الكندية في بيان إن القمر الصناعي سيُطلق في أوائل عام 2027، بعد تأخير دام عامين. "
SENTENCE_TOKENS = 64  # prompt tokens of each sequence after the prefix in the generation floor
GEN_STEPS = 32  # tokens generated per sequence in one generation-floor run


class DecodeClock:
    """Wraps a backend's ``decode``: seconds inside llama.cpp, and those of narrow calls.

    A call is narrow when it carries fewer than half as many sequences as the engine decodes
    side by side: the tail of a pass, when few sentences (or a retry) are left.
    """

    def __init__(self, backend, width: int) -> None:
        self.seconds = 0.0
        self.narrow_seconds = 0.0
        self.narrow_calls = 0
        self.width = width
        self._decode = backend.decode
        backend.decode = self

    def __call__(self, feeds):
        t0 = time.perf_counter()
        try:
            return self._decode(feeds)
        finally:
            dt = time.perf_counter() - t0
            self.seconds += dt
            if 2 * len(feeds) < self.width:
                self.narrow_seconds += dt
                self.narrow_calls += 1


def measure_floor(engine, runs: int) -> dict[str, float]:
    """Best prompt tokens/s and ms per generated token of ``engine``'s own llama.cpp context."""
    from tarjama.engines.gguf.batching import PREFIX_SEQ, Feed

    gen = engine.generator()  # creates the context and evaluates the shared prompt prefix
    backend, width = gen.backend, gen.parallel
    prefix = len(gen.prefix)
    n_batch = backend.n_batch
    filler = engine.llm.tokenize((FILLER * 60).encode(), add_bos=False)
    need = max(n_batch, width * SENTENCE_TOKENS)
    if len(filler) < need:
        raise SystemExit(f"filler text too short: {len(filler)} tokens, {need} needed")
    seqs = list(range(1, width + 1))

    def reset() -> None:
        for seq in seqs:
            backend.clear(seq)
            backend.copy(PREFIX_SEQ, seq, prefix)

    prompt: list[float] = []
    generate: list[float] = []
    for _ in range(runs):
        reset()
        t0 = time.perf_counter()
        backend.decode([Feed(1, filler[:n_batch], prefix, True)])
        prompt.append(n_batch / (time.perf_counter() - t0))
        reset()
        # each sequence's sentence prompt, in calls of at most n_batch tokens (not timed)
        feeds = [Feed(seq, filler[i * SENTENCE_TOKENS : (i + 1) * SENTENCE_TOKENS], prefix, True)
                 for i, seq in enumerate(seqs)]
        per_call = max(1, n_batch // SENTENCE_TOKENS)
        for k in range(0, len(feeds), per_call):
            backend.decode(feeds[k : k + per_call])
        pos = prefix + SENTENCE_TOKENS
        t0 = time.perf_counter()
        for step in range(GEN_STEPS):
            step_feeds = [Feed(seq, [filler[(step * 7 + seq) % n_batch]], pos + step, True) for seq in seqs]
            backend.decode(step_feeds)
        generate.append(1000 * (time.perf_counter() - t0) / (width * GEN_STEPS))
    for seq in seqs:
        backend.clear(seq)
    return {
        "prompt_tps": max(prompt),
        "prompt_tps_median": statistics.median(prompt),
        "gen_ms": min(generate),
        "gen_ms_median": statistics.median(generate),
        "width": width,
        "n_batch": n_batch,
        "prefix": prefix,
        "runs": runs,
    }


def floor_seconds(floor: dict[str, float], counts: dict[str, int]) -> float:
    return counts["prompt_evaluated"] / floor["prompt_tps"] + counts["generated"] * floor["gen_ms"] / 1000


def describe_floor(floor: dict[str, float]) -> str:
    return (
        f"floor ({floor['runs']} runs, best / median): prompt {floor['prompt_tps']:.1f} / "
        f"{floor['prompt_tps_median']:.1f} tokens/s ({floor['n_batch']} tokens per call after a "
        f"{floor['prefix']}-token prefix); generation {floor['gen_ms']:.2f} / {floor['gen_ms_median']:.2f} "
        f"ms per token ({floor['width']} sequences side by side); load average "
        f"{os.getloadavg()[0]:.1f}, {os.cpu_count()} cores"
    )


def warm_pass(
    engine, doc, glossary, clock: DecodeClock | None = None, checks: bool = False
) -> tuple[float, dict[str, float]]:
    from tarjama.checks import Checker
    from tarjama.translate.run import Translator

    before = dict(engine.generator().stats)
    clocked = (clock.seconds, clock.narrow_seconds, clock.narrow_calls) if clock else (0.0, 0.0, 0)
    start = time.perf_counter()
    Translator(engine, glossary, checks=Checker() if checks else None).translate_document(doc)
    seconds = time.perf_counter() - start
    after = engine.generator().stats
    counts: dict[str, float] = {k: after[k] - before[k] for k in after}
    if clock:
        counts["decode_seconds"] = clock.seconds - clocked[0]
        counts["narrow_seconds"] = clock.narrow_seconds - clocked[1]
        counts["narrow_calls"] = clock.narrow_calls - clocked[2]
    return seconds, counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cold-runs", type=int, default=1)
    ap.add_argument("--warm-runs", type=int, default=3)
    ap.add_argument("--no-glossary", action="store_true")
    ap.add_argument("--baseline", default="cached", help="baseline variant (cached; none: no baseline)")
    ap.add_argument("--variant", help="candidate variant (default: the default)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="candidate override")
    ap.add_argument("--floor-runs", type=int, default=3, help="runs of the floor measurement (best counts)")
    ap.add_argument("--floor-only", action="store_true", help="measure the floor only")
    ap.add_argument(
        "--checks", choices=("off", "on", "both"), default="off",
        help="warm passes with the fidelity checks and their repairs (both: the candidate twice per round)",
    )
    args = ap.parse_args()
    use_glossary = not args.no_glossary and GLOSSARY.exists()

    from tarjama.commands.common import parse_options
    from tarjama.document.model import read_document
    from tarjama.engines.gguf.config import DEFAULT_VARIANT
    from tarjama.engines.gguf.engine import GGUFEngine

    if args.floor_only:
        engine = GGUFEngine(**parse_options(args.set))
        print(describe_floor(measure_floor(engine, args.floor_runs)))
        return 0
    doc = read_document(SEED)
    n_sent = len(doc.sentences())
    cold = [cold_run(use_glossary) for _ in range(args.cold_runs)]

    glossary = None
    if use_glossary:
        from tarjama.glossary import Glossary

        glossary = Glossary.load(GLOSSARY)
    names = {"candidate": args.variant or DEFAULT_VARIANT}
    if args.baseline != "none":
        names = {"baseline": args.baseline, **names}
    engines = {}
    load: dict[str, float] = {}
    checked: dict[str, bool] = {}
    for role, name in names.items():
        t0 = time.perf_counter()
        options = parse_options(args.set) if role == "candidate" else {}
        engines[role] = GGUFEngine(variant=name, **options)
        load[role] = time.perf_counter() - t0
        checked[role] = args.checks == "on"
        warm_pass(engines[role], doc, glossary)  # first pass: evaluates the shared prefix
    if args.checks == "both":  # the same engine, a checked pass beside each unchecked one
        engines["candidate+checks"] = engines["candidate"]
        names["candidate+checks"] = f"{names['candidate']}, checks on"
        load["candidate+checks"] = load["candidate"]
        checked["candidate+checks"] = True
    floor = measure_floor(engines["candidate"], args.floor_runs)
    clocks: dict[str, DecodeClock] = {}
    for role, e in engines.items():
        same = next((r for r in clocks if engines[r] is e), None)
        clocks[role] = clocks[same] if same else DecodeClock(e.generator().backend, e.generator().parallel)
    warm: dict[str, list[float]] = {role: [] for role in engines}
    per_pass: dict[str, list[dict[str, float]]] = {role: [] for role in engines}
    for run in range(args.warm_runs):
        # Alternate the order so neither variant always runs after the other.
        order = list(engines) if run % 2 == 0 else list(reversed(engines))
        for role in order:
            seconds, counts = warm_pass(engines[role], doc, glossary, clocks[role], checked[role])
            warm[role].append(seconds)
            per_pass[role].append(counts)
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
    roles = list(engines)
    print("| measure | runs | " + " | ".join(f"{r} ({names[r]})" for r in roles) + " |")
    print("| --- | --- |" + " --- |" * len(roles))

    def row(label: str, runs: int, cells: dict[str, str]) -> None:
        print(f"| {label} | {runs} | " + " | ".join(cells.get(r, "–") for r in roles) + " |")

    n = args.warm_runs
    if cold:  # --cold-runs 0 measures the warm engines only
        row("cold: fresh CLI process (default engine), seconds", len(cold),
            {"candidate": stats([c[0] for c in cold])})
        row("cold: peak RSS, MiB", len(cold), {"candidate": stats([c[1] for c in cold])})
    row("engine load in process (verify + load), seconds", 1, {r: f"{load[r]:.2f}" for r in roles})
    row("warm: seed, seconds, min / median / max", n, {r: stats(warm[r]) for r in roles})
    row("warm: sentences per second", n, {r: stats([n_sent / w for w in warm[r]]) for r in roles})
    if "baseline" in engines:
        ratios = [b / c for b, c in zip(warm["baseline"], warm["candidate"], strict=True)]
        speedup = {"baseline": "1", "candidate": stats(ratios)}
        row("warm: speed-up (baseline s / candidate s, per round)", n, speedup)
    if "candidate+checks" in engines:
        ratios = [c / u for c, u in zip(warm["candidate+checks"], warm["candidate"], strict=True)]
        row("warm: checks on ÷ off (per round)", n, {"candidate": "1", "candidate+checks": stats(ratios)})
    last = {r: per_pass[r][-1] for r in roles}
    for key, label in (
        ("prompt_evaluated", "prompt tokens evaluated per pass"),
        ("prompt_reused", "prompt tokens reused from the cached prefix per pass"),
        ("generated", "tokens generated per pass"),
        ("steps", "llama.cpp decode calls per pass"),
        ("narrow_calls", "of which narrow (fewer sequences than half the side-by-side width)"),
    ):
        row(f"warm: {label}", 1, {r: f"{last[r][key]:.0f}" for r in roles})
    # Against the floor, each pass with its own token counts (decoding is deterministic, so
    # they are the same in every pass).
    floors = {r: [floor_seconds(floor, c) for c in per_pass[r]] for r in roles}
    to_floor = {r: [w / f for w, f in zip(warm[r], floors[r], strict=True)] for r in roles}
    inside = {r: [c["decode_seconds"] for c in per_pass[r]] for r in roles}
    outside = {r: [w - d for w, d in zip(warm[r], inside[r], strict=True)] for r in roles}
    narrow = {r: [c["narrow_seconds"] for c in per_pass[r]] for r in roles}
    row("warm: floor for the pass's tokens, seconds", n, {r: stats(floors[r]) for r in roles})
    row("**warm: ratio to the floor (warm s / floor s)**", n, {r: f"**{stats(to_floor[r])}**" for r in roles})
    row("warm: seconds inside llama_decode", n, {r: stats(inside[r]) for r in roles})
    row("warm: … of which in narrow decode calls", n, {r: stats(narrow[r]) for r in roles})
    row("warm: seconds outside llama_decode (Python: scheduling, sampling, checks)", n,
        {r: stats(outside[r]) for r in roles})
    row("peak RSS of this process (all engines loaded), MiB", 1, {roles[-1]: f"{rss:.0f}"})
    print()
    print(describe_floor(floor))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
