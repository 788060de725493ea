"""``tarjama batch``: translate many documents into a mirrored output tree.

Inputs are folders, globs, files and ``--files-from`` lists (see ``tarjama.batch.inputs``);
outputs go under ``--out-dir`` with a language suffix, each written atomically, with one
provenance record per document in ``<out-dir>/provenance.jsonl``. A SQLite translation
memory (``--memory``) makes re-runs free and a killed run resumable by re-running the same
command. ``--shard K/N`` takes a deterministic 1/N of the documents; ``--dry-run`` shows what
would be done without loading a model. ``--runner ray`` translates on a Ray cluster
(``tarjama.batch.ray_runner``) with the same inputs, outputs, memory, provenance and exit
codes. The exit status is 0 when every document was written, 1 when any failed (each
failure is listed), 2 for a usage error. The job itself is ``tarjama.batch.job.BatchJob``: this
command parses the options into one, runs it and prints what it says.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tarjama.batch.job import BatchJob
from tarjama.commands.common import (
    add_adapt_option,
    add_check_options,
    add_direction_options,
    add_engine_options,
    add_run_options,
    checker,
    engine_options,
    int_in,
    load_glossary,
)
from tarjama.memory.store import MEMORY_NAME


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="translate many documents (folders, globs, lists; txt, md, jsonl, tsv), resumably",
        description="Translate many documents into a mirrored tree under --out-dir, with a translation "
        "memory that makes re-runs free and killed runs resumable.",
    )
    p.add_argument("inputs", nargs="*", help="folders (recursive), files, or quoted glob patterns")
    p.add_argument("--files-from", type=Path, help="file listing input paths, one a line ('#' comments)")
    p.add_argument("-O", "--out-dir", type=Path, required=True, help="output folder (mirrors the inputs)")
    p.add_argument("--memory", type=Path, help=f"translation memory (default: <out-dir>/{MEMORY_NAME})")
    p.add_argument("--field", default="text", help="JSONL field to translate (default: text)")
    p.add_argument("--column", default="text", help="TSV column to translate (default: text)")
    p.add_argument(
        "--lang", help="language suffix of output names (default: the target language, en or ar)"
    )
    add_engine_options(p)
    add_direction_options(p, "the first input with text")
    add_run_options(
        p,
        batch_help="segments per engine call (default: 16; gguf: 4 × parallel = 64)",
        progress_help="progress bars on stderr (default: when stderr is a terminal)",
    )
    add_check_options(p)
    add_adapt_option(p)
    p.add_argument("--shard", help="K/N: translate only the K-th of N deterministic parts (1 ≤ K ≤ N)")
    p.add_argument("--dry-run", action="store_true", help="list inputs, outputs and segment counts; no model")
    p.add_argument(
        "--consistent-names", choices=("document", "run"), default="document",
        help="spell each Arabic name one way in each document (default) or across the whole run",
    )
    ray = p.add_argument_group("scale-out (tarjama[ray])")
    ray.add_argument(
        "--runner", choices=("local", "ray"), default="local",
        help="local: this process (default); ray: actors on a Ray cluster",
    )
    ray.add_argument(
        "--address", help="Ray cluster to join (auto, or host:port of `ray start --head`); default: a "
        "local cluster started for this run",
    )
    ray.add_argument(
        "--workers", type=int_in(1), metavar="N",
        help="actors, one model each (default: cluster CPUs ÷ --cpus-per-worker)",
    )
    ray.add_argument(
        "--cpus-per-worker", type=int_in(1), metavar="N",
        help="CPUs each actor reserves, and its engine's threads (default: 1)",
    )
    p.set_defaults(func=run)


def job_from(args: argparse.Namespace) -> BatchJob:
    """The batch job the options describe."""
    return BatchJob(
        inputs=list(args.inputs), out_dir=args.out_dir, files_from=args.files_from, memory=args.memory,
        field_name=args.field, column=args.column, lang=args.lang, batch_size=args.batch_size,
        progress=args.progress, shard=args.shard, engine=args.engine, model=args.model,
        engine_options=engine_options(args), source=args.source, target=args.target,
        glossary=load_glossary(args), checks=checker(args), adapt=not args.no_adapt,
        consistent_names=args.consistent_names, runner=args.runner, address=args.address,
        workers=args.workers, cpus_per_worker=args.cpus_per_worker,
    )


def run(args: argparse.Namespace) -> int:
    job = job_from(args)
    if args.dry_run:
        outcome = job.dry_run()
        print("\n".join(outcome.lines))
    else:
        outcome = job.run()
        for line in outcome.lines:
            print(line, file=sys.stderr)
    return outcome.status
