"""``tarjama memory``: work on translation memory files.

``merge A.sqlite B.sqlite … -o OUT.sqlite`` joins memories kept apart (one per ``--shard K/N``
machine, or copies edited in different places) into a new file with every row once:
machine translations by their key (engine, glossary, segment), human approvals all kept with
their history (``tarjama.memory.merge_memories``). The inputs are only read; the output must
be a new path and is written atomically.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tarjama.commands.common import check_output_path
from tarjama.memory import merge_memories


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "memory",
        help="work on translation memory files (merge)",
        description="Work on translation memory files (the SQLite files `tarjama batch` keeps).",
    )
    parser.set_defaults(func=lambda _args: _usage(parser))
    actions = parser.add_subparsers(dest="memory_action", metavar="ACTION")

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


def cmd_merge(args: argparse.Namespace) -> int:
    check_output_path(args.output, args.inputs)
    report = merge_memories(args.inputs, args.output)
    print(report.line(args.output), file=sys.stderr)
    return 0
