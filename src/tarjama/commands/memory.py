"""``tarjama memory``: the translation memory in and out of TMX 1.4b for CAT tools, and merged.

``export OUT.tmx`` writes every machine translation and human approval of the memory
(``--origin`` to keep one kind); ``import IN.tmx`` adds a TMX file's units: units tarjama
exported come back exactly, units whose English a translator changed become human
approvals, and units from other tools are approvals keyed from their Arabic with the
glossary named here (``--glossary``, the default glossary, or ``--no-glossary``). See
``tarjama.memory.tmx`` for the mapping. The memory defaults to ``.tarjama-memory.sqlite`` in the
working folder (``--memory`` for another, e.g. ``out/en/.tarjama-memory.sqlite`` of a batch).

``merge A.sqlite B.sqlite … -o OUT.sqlite`` joins memories kept apart (one per ``--shard K/N``
machine, or copies edited in different places) into a new file with every row once:
machine translations by their key (engine, glossary, segment), human approvals all kept with
their history (``tarjama.memory.store.merge_memories``). The inputs are only read; the output must
be a new path and is written atomically.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tarjama.commands.common import check_output_path, load_glossary
from tarjama.errors import TarjamaError
from tarjama.memory.store import MEMORY_NAME, TranslationMemory, merge_memories, remove_unused


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "memory",
        help="exchange the translation memory with CAT tools (TMX), merge memories",
        description="Export the translation memory to TMX 1.4b, import a TMX file into it, or merge "
        "memories.",
    )
    parser.set_defaults(func=lambda _args: _usage(parser))
    actions = parser.add_subparsers(dest="memory_action", metavar="ACTION")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--memory", type=Path, default=Path(MEMORY_NAME), metavar="DB",
                        help=f"translation memory (default: {MEMORY_NAME} in the working folder)")

    p = actions.add_parser("export", parents=[common], help="write the memory as TMX 1.4b")
    p.add_argument("dest", type=Path, metavar="OUT.tmx")
    p.add_argument("--origin", choices=("all", "human", "machine"), default="all",
                   help="which units: human approvals, machine translations, or all (default)")
    p.add_argument("--source-lang", default="ar", help="language code of the Arabic side (default: ar)")
    p.add_argument("--target-lang", default="en", help="language code of the English side (default: en)")
    p.set_defaults(func=cmd_export)

    p = actions.add_parser("import", parents=[common], help="add a TMX file's units to the memory")
    p.add_argument("source", type=Path, metavar="IN.tmx")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--glossary", type=Path,
                   help="glossary whose hints and digest key units from other tools (default: "
                   "references/glossary.tsv if present)")
    g.add_argument("--no-glossary", action="store_true", help="key units from other tools without a glossary")
    p.set_defaults(func=cmd_import)

    p = actions.add_parser(
        "merge",
        help="join memories into a new file, every row once",
        description="Join translation memories (e.g. one per --shard machine) into a new file: machine "
        "rows once by engine, glossary and segment (the first input wins a conflict, which is counted), "
        "every human approval once with its history.",
    )
    p.add_argument("inputs", nargs="+", type=Path, metavar="MEMORY", help="memory files to read")
    p.add_argument("-o", "--output", type=Path, required=True, help="the new memory file (must not exist)")
    p.set_defaults(func=cmd_merge)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def cmd_export(args: argparse.Namespace) -> int:
    from tarjama.memory.tmx import export_tmx

    if not args.memory.is_file():
        raise TarjamaError(f"{args.memory}: no such translation memory; give its path with --memory")
    check_output_path(args.dest, [args.memory])
    memory = TranslationMemory(args.memory, readonly=True)
    try:
        report = export_tmx(memory, args.dest, origin=args.origin, source_lang=args.source_lang,
                            target_lang=args.target_lang)
    finally:
        memory.close()
    print(f"{args.dest}: wrote {report.machine + report.human} translation units from {args.memory} "
          f"({report.human} human-approved, {report.machine} machine)")
    for why, n in report.skipped.items():
        print(f"{args.dest}: left out {n} {why}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from tarjama.glossary.files import describe_counts
    from tarjama.memory.tmx import import_tmx

    glossary = load_glossary(args)
    new = not args.memory.exists()
    memory = TranslationMemory(args.memory)
    try:
        report = import_tmx(memory, args.source, glossary)
    except BaseException:
        memory.close()
        if new:  # a refused import into a new memory leaves no empty memory behind
            remove_unused(args.memory)
        raise
    memory.close()
    keyed = f"glossary {glossary.path} ({glossary.digest()[:12]})" if glossary is not None else "no glossary"
    print(f"{args.memory}: {'created; ' if new else ''}imported {report.approvals_added} human approvals "
          f"and {report.machine_added} machine translations from {args.source}"
          + (f" ({report.approvals_present + report.machine_present} already present)"
             if report.approvals_present + report.machine_present else ""))
    if report.edited:
        print(f"{args.source}: {report.edited} units were edited after export: recorded as human approvals",
              file=sys.stderr)
    if report.foreign:
        print(f"{args.source}: {report.foreign} units from other tools keyed with {keyed}", file=sys.stderr)
    if report.coded:
        print(f"{args.source}: {report.coded} units with inline codes kept them as placeholders "
              "(<bpt>/<ept> as <gN>…</gN>, <ph>/<it>/<ut> as <xN/>)", file=sys.stderr)
    if report.skipped:
        reasons = ", ".join(f"{why} ×{n} (first on line {report.lines[why]})" if why in report.lines
                            else f"{why} ×{n}" for why, n in report.skipped.most_common())
        print(f"{args.source}: not imported: {reasons}", file=sys.stderr)
    if report.cleaned:
        print(f"{args.source}: {describe_counts(report.cleaned)}", file=sys.stderr)
    if report.dropped:
        print(f"{args.source}: dropped: {describe_counts(report.dropped)}", file=sys.stderr)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    check_output_path(args.output, args.inputs)
    report = merge_memories(args.inputs, args.output)
    print(report.line(args.output), file=sys.stderr)
    return 0
