#!/usr/bin/env python3
"""``tarjama batch`` on ntrex-dev: cold run, fully cached re-run, speed-up, peak RSS.

The 41 ntrex-dev documents (read in place, written as .txt files into a temporary folder,
never into the repository) are translated as one batch by fresh CLI processes:

* tiny Marian model (built here in seconds, random weights): a cold run into an empty
  output folder, then the same command again, answered entirely from the translation memory;
* the embedded model (``--engine gguf``) on a small subset (``--gguf-docs``, default 3), cold
  and then cached; ``--no-gguf`` skips it.

Prints a Markdown table; no numbers are asserted. Seconds are the process's wall time
(start-up, model load, translation, writing); segments/s is over the batch itself as the
command's own summary reports it (after the model is loaded).

    .venv/bin/python scripts/bench_batch.py [--gguf-docs 3] [--no-gguf] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "esa-jaxa-partnership.ar.txt"
GLOSSARY = ROOT / "references" / "glossary.tsv"
_SUMMARY = re.compile(
    r"(\d+) documents \((\d+) done, (\d+) failed\), (\d+) segments \((\d+) translated, (\d+) cache hits\) "
    r"in ([\d.]+) s \(([\d.]+) segments/s\).*model load ([\d.]+) s"
)


@dataclass
class Run:
    label: str
    wall: float
    rss_mib: float
    documents: int
    segments: int
    translated: int
    cache_hits: int
    batch_seconds: float
    segments_per_second: float
    load_seconds: float


def run_batch(label: str, inputs: Path, out: Path, engine_args: list[str], threads: int) -> Run:
    cmd = [sys.executable, "-m", "tarjama", "batch", str(inputs), "--out-dir", str(out), *engine_args]
    cmd += ["--glossary", str(GLOSSARY), "--threads", str(threads), "--no-progress"]
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        # wait4: this child's own peak RSS, not the maximum over every child so far.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        text = err.read()
    m = _SUMMARY.search(text)
    if status != 0 or not m:
        sys.exit(f"{label}: batch failed (status {status}):\n{text[-2000:]}")
    docs, _done, _failed, segs, translated, hits, secs, rate, load = m.groups()
    return Run(
        label, wall, usage.ru_maxrss / 1024, int(docs), int(segs), int(translated), int(hits),
        float(secs), float(rate), float(load),
    )  # fmt: skip


def write_documents(folder: Path, n: int | None = None) -> int:
    from tarjama.dev.datasets.ntrex import default_path, fixed_sample, read_ntrex

    path = default_path()
    if path is None:
        sys.exit("ntrex-dev not found: set TARJAMA_NTREX or put it in ../shared/data/ntrex-dev/")
    docs = read_ntrex(path)
    if n is not None:
        docs = fixed_sample(docs, n)
    folder.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        (folder / f"{doc.doc_id}.ar.txt").write_text(doc.source_text(), encoding="utf-8")
    return len(docs)


def tiny_model(folder: Path) -> Path:
    from tarjama.dev.datasets.ntrex import default_path
    from tarjama.dev.synthetic import build_marian

    lines = SEED.read_text(encoding="utf-8").splitlines()
    path = default_path()
    if path is not None:
        for row in path.read_text(encoding="utf-8").splitlines()[1:]:
            lines += row.split("\t")[1:]
    return build_marian(folder / "tiny-marian", [line for line in lines if line.strip()])


def table(runs: list[Run]) -> str:
    head = (
        "| run | documents | segments | translated | cache hits | wall s | model load s | batch s "
        "| segments/s | speed-up (wall) | peak RSS MiB |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    rows = [head]
    for i, r in enumerate(runs):
        cold = runs[i - 1] if r.cache_hits == r.segments and i > 0 else None
        speedup = f"{cold.wall / r.wall:.1f}×" if cold else "1"
        rows.append(
            f"| {r.label} | {r.documents} | {r.segments} | {r.translated} | {r.cache_hits} | {r.wall:.1f} "
            f"| {r.load_seconds:.1f} | {r.batch_seconds:.2f} | {r.segments_per_second:.2f} | {speedup} "
            f"| {r.rss_mib:.0f} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--gguf-docs", type=int, default=3, help="documents for the embedded model (default 3)"
    )
    parser.add_argument("--no-gguf", action="store_true", help="skip the embedded model")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="tarjama-bench-batch-") as tmp:
        work = Path(tmp)
        n = write_documents(work / "ntrex")
        model = tiny_model(work)
        marian = ["--engine", "marian", "--model", str(model)]
        runs.append(
            run_batch(
                f"tiny Marian, {n} docs, cold", work / "ntrex", work / "out-marian", marian, args.threads
            )
        )
        runs.append(
            run_batch(
                "tiny Marian, re-run (cached)", work / "ntrex", work / "out-marian", marian, args.threads
            )
        )
        if not args.no_gguf:
            k = write_documents(work / "subset", args.gguf_docs)
            gguf = ["--engine", "gguf"]
            runs.append(
                run_batch(
                    f"embedded gguf, {k} docs, cold", work / "subset", work / "out-gguf", gguf, args.threads
                )
            )
            runs.append(
                run_batch(
                    "embedded gguf, re-run (cached)", work / "subset", work / "out-gguf", gguf, args.threads
                )
            )
    print(table(runs))
    print(f"\n{sys.platform}, {os.cpu_count()} CPUs, --threads {args.threads}, glossary {GLOSSARY.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
