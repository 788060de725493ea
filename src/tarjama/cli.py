"""Command-line interface: a thin layer over the library.

Each command lives in its own module of ``tarjama.commands`` exposing ``register(subparsers)``;
the parser it adds sets ``func`` to a callable taking the parsed arguments and returning an
exit code. What the commands share (engine and glossary options, output paths, output
writing, checked numeric option types) is in ``tarjama.commands.common``.

The rules every command follows here:

* a ``TarjamaError`` becomes one line on stderr (``tarjama: error: …``) and its exit code;
* a usage error (unknown option, bad number, missing argument) is one line too, naming the
  command and pointing at its ``--help``, exit 2 — not argparse's usage block;
* a closed standard output (``tarjama glossary list | head -1``) ends the command quietly
  with exit status 141, as a Unix tool killed by SIGPIPE; the atomic writers leave every
  file as it was or complete;
* Ctrl-C is one line and exit 130;
* when stderr is not a terminal, the progress bars of the libraries underneath (transformers'
  weight loading, hub downloads) are off: logs get tarjama's own progress lines only.

Anything else escaping a command is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import importlib.util
import os
import sys
from collections.abc import Iterator, Sequence
from typing import NoReturn

from tarjama import __version__
from tarjama.errors import TarjamaError
from tarjama.text.textio import disk_error

# Modules that contribute commands, in the order they appear in --help.
COMMAND_MODULES = (
    "tarjama.commands.translate",
    "tarjama.commands.batch",
    "tarjama.commands.summarize",
    "tarjama.commands.score",
    "tarjama.commands.check",
    "tarjama.commands.glossary",
    "tarjama.commands.memory",
    "tarjama.commands.review",
    "tarjama.commands.models",
    "tarjama.commands.config",
)
# Development commands (``tarjama eval``): in a checkout only, the built package leaves ``tarjama.dev`` out.
DEV_COMMAND_MODULES = ("tarjama.dev.eval_command",)

# Exit status of a command whose standard output was closed (128 + SIGPIPE), as a shell shows it.
EXIT_BROKEN_PIPE = 141


class UsageError(Exception):
    """A command line argparse refused; carries the one line to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Parser(argparse.ArgumentParser):
    """argparse with usage errors as one line that says where the full usage is."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message}; see `{self.prog} --help`")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="tarjama",
        description="Arabic⇄English translation with glossary enforcement and evaluation.",
    )
    parser.add_argument("--version", action="version", version=f"tarjama {__version__}")
    parser.add_argument(
        "--limit", action="append", default=[], metavar="NAME=VALUE",
        help="raise (or lower) a reading limit for this run: input=SIZE (one input file, default 256M), "
        "unpacked=SIZE (an archive such as .docx or .xlsx, default 1G), entries=N (archive members, "
        "default 10000), ratio=N (how many times an archive member may expand, default 100); also "
        "TARJAMA_LIMITS=input=1G,entries=50000",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser, required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    if importlib.util.find_spec("tarjama.dev") is not None:
        for name in DEV_COMMAND_MODULES:
            importlib.import_module(name).register(sub)
    return parser


def one_line(message: str) -> str:
    """A message as one line, whatever a file name or a library put in it."""
    return " ".join(message.splitlines()) if "\n" in message or "\r" in message else message


def _quiet_libraries() -> None:
    """Library progress bars off when stderr is a log, before any library is imported."""
    if not sys.stderr.isatty():
        # huggingface_hub and transformers (weight loading) both read this at import.
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _stdout_closed() -> int:
    """Standard output went away (its reader exited): stop quietly, like a tool killed by SIGPIPE."""
    try:
        # Whatever is still buffered cannot be delivered; point stdout at /dev/null so that the
        # interpreter's final flush does not print "Exception ignored … BrokenPipeError".
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return EXIT_BROKEN_PIPE


@contextlib.contextmanager
def _limits(settings: Sequence[str]) -> Iterator[None]:
    """``--limit NAME=VALUE`` options applied to ``tarjama.text.textio.LIMITS`` (and to the
    environment, so that processes this run starts read the same limits) for one command."""
    if not settings:
        yield
        return
    from tarjama.text.textio import LIMITS, LIMITS_ENV

    saved, env = dataclasses.replace(LIMITS), os.environ.get(LIMITS_ENV)
    try:
        for setting in settings:
            LIMITS.set(setting)
        os.environ[LIMITS_ENV] = ",".join(s for s in [env or "", *settings] if s)
        yield
    finally:
        for f in dataclasses.fields(LIMITS):
            setattr(LIMITS, f.name, getattr(saved, f.name))
        if env is None:
            os.environ.pop(LIMITS_ENV, None)
        else:
            os.environ[LIMITS_ENV] = env


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except UsageError as exc:
            print(one_line(exc.message), file=sys.stderr)
            return 2
        except SystemExit as exc:  # --help and --version print, then exit 0
            return exc.code if isinstance(exc.code, int) else 0
        _quiet_libraries()
        try:
            with _limits(args.limit):
                code = int(args.func(args) or 0)  # every command and action sets func
            sys.stdout.flush()  # a closed pipe shows here, while it can still be handled
            return code
        except TarjamaError as exc:
            print(f"tarjama: error: {one_line(str(exc))}", file=sys.stderr)
            return exc.exit_code
        except OSError as exc:  # a full or read-only disk under a writer that does not say so itself
            error = disk_error(exc.filename or "an output file", exc)
            if error is None or isinstance(exc, BrokenPipeError):
                raise
            print(f"tarjama: error: {one_line(str(error))}", file=sys.stderr)
            return error.exit_code
    except BrokenPipeError:
        return _stdout_closed()
    except KeyboardInterrupt:
        print("tarjama: interrupted", file=sys.stderr)
        return 130
