"""Command-line interface: a thin layer over the library.

Each command lives in its own module of ``tarjama.commands`` exposing ``register(subparsers)``;
the parser it adds sets ``func`` to a callable taking the parsed arguments and returning an
exit code. What the commands share (engine and glossary options, output paths, output
writing) is in ``tarjama.commands.common``. A ``TarjamaError`` becomes one line on stderr and
a non-zero exit.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tarjama import __version__
from tarjama.errors import TarjamaError

# Modules that contribute commands, in the order they appear in --help.
COMMAND_MODULES = (
    "tarjama.commands.translate",
    "tarjama.commands.batch",
    "tarjama.commands.memory",
    "tarjama.commands.summarize",
    "tarjama.commands.score",
    "tarjama.commands.glossary",
    "tarjama.commands.models",
    "tarjama.commands.eval",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tarjama",
        description="Arabic⇄English translation with glossary enforcement and evaluation.",
    )
    parser.add_argument("--version", action="version", version=f"tarjama {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except TarjamaError as exc:
        print(f"tarjama: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("tarjama: interrupted", file=sys.stderr)
        return 130
