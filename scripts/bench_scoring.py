#!/usr/bin/env python3
"""Scoring time against corpus size: BLEU, chrF++ and TER (sacrebleu's Python API), term accuracy.

Segments are NTREX-128 dev rows (read in place), cycled up to the largest size. Hypotheses
are the English references perturbed deterministically per segment (words dropped, swapped
and substituted with a seeded generator), so every metric does the work it does on real
system output without any MT model running. Each size is timed ``--repeats`` times; the
growth exponent is the least-squares slope of log(seconds) on log(segments) over the
medians (1.0 = linear). Term accuracy (``tarjama.metrics.term_accuracy``) is included when the
module and the glossary are present. No numbers are asserted anywhere.

    .venv/bin/python scripts/bench_scoring.py [--sizes 1000,2000,5000,10000] [--repeats 3] [--json F]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NTREX = ROOT.parent / "shared" / "data" / "ntrex-dev" / "ntrex-dev.ar-en.tsv"
GLOSSARY = ROOT / "references" / "glossary.tsv"
NTREX_ATTRIBUTION = "NTREX-128 (Federmann, Kocmi and Xin, 2022), CC BY-SA 4.0"
DEFAULT_SIZES = (1000, 2000, 5000, 10000)


@dataclass
class MetricTiming:
    metric: str
    sizes: list[int]
    # seconds[i] holds every repeat for sizes[i]
    seconds: list[list[float]]
    exponent: float | None
    score_at_largest: float | None
    extra: dict[str, object] = field(default_factory=dict)


def read_ntrex(path: Path = NTREX) -> list[tuple[str, str]]:
    """(Arabic, English) pairs of the NTREX dev file, header skipped."""
    if not path.is_file():
        sys.exit(f"{path}: NTREX dev file not found (expected beside the repository in shared/data)")
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) == 3 and cols[1].strip() and cols[2].strip():
            pairs.append((cols[1].strip(), cols[2].strip()))
    return pairs


def perturb(reference: str, index: int, vocabulary: Sequence[str]) -> str:
    """A deterministic MT-like hypothesis: ~10% words dropped, ~10% substituted, one swap."""
    rng = random.Random(index)
    words = [w for w in reference.split() if rng.random() > 0.1]
    words = [rng.choice(vocabulary) if rng.random() < 0.1 else w for w in words]
    if len(words) > 2 and rng.random() < 0.5:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words) or reference


def corpus(size: int, pairs: Sequence[tuple[str, str]]) -> tuple[list[str], list[str], list[str]]:
    """Sources, references and hypotheses for ``size`` segments (rows cycled as needed)."""
    vocabulary = sorted({w for _, en in pairs for w in en.split()})
    rows = [pairs[i % len(pairs)] for i in range(size)]
    sources = [ar for ar, _ in rows]
    references = [en for _, en in rows]
    hypotheses = [perturb(en, i, vocabulary) for i, en in enumerate(references)]
    return sources, references, hypotheses


def fit_exponent(sizes: Sequence[int], seconds: Sequence[float]) -> float | None:
    """Least-squares slope of log(seconds) against log(size)."""
    points = [(math.log(n), math.log(s)) for n, s in zip(sizes, seconds, strict=True) if s > 0]
    if len(points) < 2:
        return None
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else None


def _metrics() -> dict[str, Callable[[list[str], list[str], list[str]], tuple[float | None, dict]]]:
    from sacrebleu.metrics import BLEU, CHRF, TER

    def sacre(metric: object) -> Callable[[list[str], list[str], list[str]], tuple[float | None, dict]]:
        def run(src: list[str], ref: list[str], hyp: list[str]) -> tuple[float | None, dict]:
            return metric.corpus_score(hyp, [ref]).score, {}  # type: ignore[attr-defined]

        return run

    found = {"BLEU": sacre(BLEU()), "chrF++": sacre(CHRF(word_order=2)), "TER": sacre(TER())}
    try:
        from tarjama.glossary import Glossary
        from tarjama.metrics.term_accuracy import term_accuracy
    except ImportError:
        return found
    if GLOSSARY.is_file():
        glossary = Glossary.load(GLOSSARY)

        def terms(src: list[str], ref: list[str], hyp: list[str]) -> tuple[float | None, dict]:
            result = term_accuracy(src, hyp, glossary)
            return result.score, {"term_occurrences": result.total}

        found["term accuracy"] = terms
    return found


def bench_scoring(sizes: Sequence[int] = DEFAULT_SIZES, repeats: int = 3) -> list[MetricTiming]:
    pairs = read_ntrex()
    data = {n: corpus(n, pairs) for n in sizes}
    timings = []
    for name, run in _metrics().items():
        per_size: list[list[float]] = []
        score: float | None = None
        extra: dict = {}
        for n in sizes:
            src, ref, hyp = data[n]
            runs = []
            for _ in range(repeats):
                start = time.perf_counter()
                score, extra = run(src, ref, hyp)
                runs.append(time.perf_counter() - start)
            per_size.append(runs)
        medians = [statistics.median(r) for r in per_size]
        timings.append(MetricTiming(name, list(sizes), per_size, fit_exponent(sizes, medians), score, extra))
    return timings


def markdown(timings: Sequence[MetricTiming], repeats: int) -> str:
    sizes = timings[0].sizes if timings else []
    head = " | ".join(f"{n:,} seg (s)" for n in sizes)
    lines = [
        f"| metric | {head} | growth exponent | score at {sizes[-1]:,} |" if sizes else "",
        "|---|" + "---:|" * (len(sizes) + 2),
    ]
    for t in timings:
        cells = " | ".join(f"{statistics.median(r):.3f}" for r in t.seconds)
        exp = f"{t.exponent:.2f}" if t.exponent is not None else "n/a"
        score = f"{t.score_at_largest:.2f}" if t.score_at_largest is not None else "n/a"
        if "term_occurrences" in t.extra:
            score += f" ({t.extra['term_occurrences']} term occurrences)"
        lines.append(f"| {t.metric} | {cells} | {exp} | {score} |")
    names = {t.metric for t in timings}
    lines.append("")
    lines.append(
        f"Median of {repeats} run(s) per size; exponent = slope of log(time) on log(segments). "
        f"Data: {NTREX_ATTRIBUTION}, cycled; hypotheses = references perturbed deterministically."
    )
    if "term accuracy" not in names:
        lines.append("Term accuracy not timed: tarjama.metrics.term_accuracy or references/glossary.tsv "
                     "is missing.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated segment counts"
    )
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the timings here")
    args = ap.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    timings = bench_scoring(sizes, args.repeats)
    print(markdown(timings, args.repeats))
    if args.json:
        args.json.write_text(json.dumps([asdict(t) for t in timings], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
