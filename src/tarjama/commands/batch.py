"""``tarjama batch``: translate many documents into a mirrored output tree.

Inputs are folders, globs, files and ``--files-from`` lists (see ``tarjama.batch.inputs``);
outputs go under ``--out-dir`` with a language suffix, each written atomically, with one
provenance record per document in ``<out-dir>/provenance.jsonl``. A SQLite translation
memory (``--memory``) makes re-runs free and a killed run resumable by re-running the same
command. ``--shard K/N`` takes a deterministic 1/N of the documents; ``--dry-run`` shows what
would be done without loading a model. ``--runner ray`` translates on a Ray cluster
(``tarjama.batch.ray_runner``) with the same inputs, outputs, memory, provenance and exit
codes. The exit status is 0 when every document was written, 1 when any failed (each
failure is listed), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tarjama.batch.inputs import discover, inside, read_path_list, refuse_clashes
from tarjama.batch.runner import BatchOptions, BatchRunner, plan
from tarjama.batch.shard import parse_shard, select_shard
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
from tarjama.engines import load_engine
from tarjama.errors import TarjamaError
from tarjama.memory.store import MEMORY_NAME, TranslationMemory
from tarjama.translate.run import Translator
from tarjama.types import AR_EN, Direction


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


def _model_arg(model: str | None) -> str:
    """``--model`` as recorded in the memory: folders and files absolute, so cwd does not matter."""
    if not model:
        return ""
    path = Path(model).expanduser()
    return str(path.resolve()) if path.exists() else model


def run(args: argparse.Namespace) -> int:
    if args.runner != "ray":
        for given, flag in ((args.address, "--address"), (args.workers, "--workers"),
                            (args.cpus_per_worker, "--cpus-per-worker")):
            if given is not None:
                raise TarjamaError(f"{flag} is for --runner ray; add --runner ray or drop {flag}")
    elif args.threads:
        raise TarjamaError("--threads is set by --cpus-per-worker with --runner ray (each actor's CPUs)")
    inputs = list(args.inputs)
    if args.files_from:
        inputs += read_path_list(args.files_from)
    if not inputs:
        raise TarjamaError("no inputs: give folders, files or glob patterns, or --files-from LIST")
    found = discover(inputs, args.out_dir, lang=None)  # clashes checked once the language is known
    items = found.files
    if args.shard is not None:  # --shard '' is a mistake, not "all documents"
        k, n = parse_shard(args.shard)
        items = select_shard(items, k, n)
    memory_path = args.memory or args.out_dir / MEMORY_NAME
    if args.memory is None:
        inside(memory_path, args.out_dir)  # the default memory may not be a link out of --out-dir
    options = BatchOptions(
        out_dir=args.out_dir,
        batch_size=args.batch_size,
        field_name=args.field,
        column=args.column,
        lang=args.lang,
        progress=sys.stderr.isatty() if args.progress is None else args.progress,
        shard=args.shard,
    )
    glossary = load_glossary(args)
    digest = glossary.digest() if glossary else None
    direction = _direction(args, items, options)
    refuse_clashes(found.files, args.out_dir, args.lang or direction.target)
    if args.dry_run:
        return _dry_run(args, items, found.problems, options, glossary, digest, memory_path, direction)

    loading = time.perf_counter()
    translator = None
    if args.runner == "ray":
        # The cluster first: one that cannot be joined is one line, before the memory is made.
        translator = _translator(args, glossary, options, direction)
    try:
        memory = TranslationMemory(memory_path)
    except BaseException:
        if translator is not None:
            translator.close()
        raise
    try:
        translator = translator or _translator(args, glossary, options, direction)
        loaded = time.perf_counter() - loading
        try:
            runner = BatchRunner(translator, memory, options)
            memory.remember_request(args.engine or "", _model_arg(args.model))
            todo = None
            if options.progress:
                # A first pass gives the segment bar a total, hence an ETA; parsing is cheap.
                todo = sum(e.to_translate for e in plan(items, options, glossary, memory, direction))
            summary = runner.run(items, found.problems, segments_to_translate=todo)
        finally:
            translator.close()
    finally:
        memory.close()
    lines = summary.lines()
    executor = translator.executor
    if executor.name == "local":
        lines[0] += f" · model load {loaded:.1f} s"
    else:
        lines[0] += f" · identity probe {executor.probe_seconds:.1f} s · {executor.describe()}"  # type: ignore[attr-defined]
        if runner.recovered:
            lines[0] += f" · {runner.recovered} segments recovered from a killed run's result files"
    for line in lines:
        print(line, file=sys.stderr)
    return 1 if summary.failures else 0


def _direction(args: argparse.Namespace, items, options: BatchOptions) -> Direction:
    """--source/--target, else the language of the first input with text (the others must match it)."""
    from tarjama.batch.inputs import read_source
    from tarjama.text.language import detect_language, direction_from, stated_direction

    stated = stated_direction(args.source, args.target)
    if stated is not None:
        return stated
    for item in items:
        try:
            source = read_source(item, field_name=options.field_name, column=options.column)
        except TarjamaError:
            continue  # recorded as a failure when the run reads it
        found = detect_language(" ".join(u.document.plain_text() for u in source.units))
        if found in ("ar", "en"):
            return direction_from(found)
    return AR_EN


def _translator(
    args: argparse.Namespace, glossary, options: BatchOptions, direction: Direction
) -> Translator:
    """The run's ``Translator``: the engine in this process, or a Ray executor loading it on every actor."""
    checks = checker(args)
    if args.runner != "ray":
        engine = load_engine(args.engine, args.model, direction=direction, **engine_options(args))
        return Translator(engine, glossary, checks=checks, direction=direction,
                          consistent_names=args.consistent_names, adapt=not args.no_adapt)
    from tarjama.batch.ray_runner import EngineSpec, RayExecutor, RayOptions

    engine_opts = tuple(sorted(engine_options(args).items()))
    spec = EngineSpec(args.engine, _model_arg(args.model) or None, engine_opts, str(direction))
    ray_options = RayOptions(args.address, args.workers, args.cpus_per_worker or 1)
    executor = RayExecutor(spec, glossary, options.out_dir, ray_options, run_id=options.run_id, checks=checks)
    return Translator(glossary=glossary, executor=executor, direction=direction,
                      consistent_names=args.consistent_names, adapt=not args.no_adapt)


def _dry_run(
    args, items, problems, options, glossary, digest, memory_path: Path, direction: Direction
) -> int:
    memory = None
    memo = f"no translation memory at {memory_path} yet"
    if memory_path.is_file():
        memory = TranslationMemory(memory_path, readonly=True)
        if memory.scope_from_request(args.engine or "", _model_arg(args.model), digest):
            memo = f"cached per {memory_path} (engine as resolved in its last run with these options)"
        else:
            memory.close()
            memory = None
            memo = f"{memory_path} has no run with this --engine/--model yet"
    try:
        entries = plan(items, options, glossary, memory, direction)
    finally:
        if memory:
            memory.close()
    segments = cached = repeats = failed = 0
    for _given, reason in problems:
        print(f"FAILED: {reason}")
        failed += 1
    for e in entries:
        if e.error:
            print(f"FAILED: {e.error}")
            failed += 1
            continue
        print(f"{e.item.path} → {e.output}  ({e.segments} segments, {e.cached} cached, {e.repeats} repeats)")
        segments, cached, repeats = segments + e.segments, cached + e.cached, repeats + e.repeats
    print(
        f"dry run: {len(entries) + len(problems)} documents ({failed} unreadable), {segments} segments, "
        f"{cached} cached, {repeats} repeats within this run (translated once), "
        f"{segments - cached - repeats} to translate; {memo}; no model loaded"
    )
    return 1 if failed else 0
