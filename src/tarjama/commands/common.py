"""What the commands share: engine and glossary options, output paths and output writing.

Every command that translates takes the same ``--engine``, ``--model``, ``--engine-option``,
the server flags (``--base-url``, ``--api-key-env``, ``--concurrency``),
``--glossary``/``--no-glossary`` (``add_engine_options``) and, where it runs long, the same
``--batch-size``, ``--threads`` and ``--progress`` (``add_run_options``). Every command that
writes a file checks the path before any work (``check_output_path``: the folder exists and
is writable, the path is not a folder and not one of the command's inputs) and writes through
``write_output`` (atomic, with an optional ``.meta.json`` sidecar, or standard output).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama import settings
from tarjama.errors import TarjamaError
from tarjama.formats import meta_path
from tarjama.text.textio import check_writable, write_text_atomic

if TYPE_CHECKING:
    from tarjama.checks import Checker
    from tarjama.document.model import Document
    from tarjama.glossary import Glossary
    from tarjama.translate.progress import Progress
    from tarjama.types import Direction


def int_in(low: int, high: int | None = None, what: str = "a whole number") -> Callable[[str], int]:
    """An argparse ``type``: an integer from ``low`` to ``high``; anything else is a usage error.

    Numeric options are checked where they are parsed, so ``--threads -3`` is one line from
    argparse instead of an error (or a traceback) from deep inside an engine.
    """
    span = f"from {low} to {high}" if high is not None else f"at least {low}"

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what} {span}, got {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"expected {what} {span}, got {value}")
        return value

    parse.__name__ = "integer"  # argparse names the type in its messages
    return parse


def share(text: str) -> float:
    """An argparse ``type``: a number above 0 and at most 1."""
    try:
        value = float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number above 0 and at most 1, got {text!r}") from None
    if not 0 < value <= 1:  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected a number above 0 and at most 1, got {text}")
    return value


# The most CPU threads an engine may be asked for; far above any machine tarjama runs on.
MAX_THREADS = 1024
# The most segments per engine call; a larger call only holds more work in memory at once.
MAX_BATCH = 100_000


def add_engine_options(p: argparse.ArgumentParser, no_glossary_help: str = "") -> None:
    """--engine, --model, --engine-option and --glossary/--no-glossary."""
    from tarjama.engines import ENGINES

    p.add_argument("--engine", help=f"engine: {', '.join(sorted(ENGINES))} (default: resolved automatically)")
    p.add_argument(
        "--model",
        help="model folder (Marian, NLLB, M2M-100, CTranslate2), hub id, .gguf file, or a server's model id "
        "(default: per engine)",
    )
    p.add_argument(
        "--engine-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="engine setting, repeatable, e.g. parallel=4 (gguf) or num_beams=2 (nllb); tarjama config lists "
        "them",
    )
    server = p.add_argument_group("a model server (--engine openai: vLLM, llama.cpp, Ollama, TGI)")
    server.add_argument(
        "--base-url", metavar="URL",
        help="the server's OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1 (implies --engine openai)",
    )
    server.add_argument(
        "--api-key-env", metavar="NAME",
        help="environment variable holding the server's API key (the key is never written anywhere)",
    )
    server.add_argument(
        "--concurrency", type=int_in(1, 256), metavar="N", help="requests in flight at once (default: 4)"
    )
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--glossary", type=Path, help=f"glossary TSV (default: {settings.value('glossary')} if present)"
    )
    g.add_argument(
        "--no-glossary", action="store_true", help=no_glossary_help or "no term hints, enforcement or checks"
    )


def add_run_options(
    p: argparse.ArgumentParser,
    *,
    batch_help: str | None = None,
    progress_help: str = "progress on stderr (default: a bar on a terminal, a line per paragraph otherwise)",
) -> None:
    """--batch-size (when ``batch_help`` is given), --threads and --progress/--no-progress."""
    if batch_help is not None:
        p.add_argument("--batch-size", type=int_in(1, MAX_BATCH), metavar="N", help=batch_help)
    p.add_argument(
        "--threads", type=int_in(1, MAX_THREADS), metavar="N",
        help="CPU threads for the engine (default: all cores)",
    )
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help=progress_help)


def add_direction_options(p: argparse.ArgumentParser, what: str = "the input") -> None:
    """--source and --target: the languages (default: from the script of ``what``)."""
    p.add_argument(
        "--source", choices=("ar", "en"),
        help=f"language of the source: ar (default) or en; detected from {what}'s script when not given",
    )
    p.add_argument(
        "--target", choices=("ar", "en"),
        help="language of the translation: en or ar (the other one; either option is enough)",
    )


def direction_for(args: argparse.Namespace, documents: Iterable[Document], where: str) -> Direction:
    """The run's direction: --source/--target, else the documents' script (``tarjama.text.language``)."""
    from tarjama.text.language import resolve_direction

    text = " ".join(d.plain_text() for d in documents)
    source, target = getattr(args, "source", None), getattr(args, "target", None)
    return resolve_direction(text, where, source=source, target=target)


def add_check_options(p: argparse.ArgumentParser) -> None:
    """--no-checks: no fidelity checks and no repair (for comparison)."""
    p.add_argument(
        "--no-checks", action="store_true",
        help="no fidelity checks (numbers, names, countries, length, untranslated) and no repair",
    )


def add_adapt_option(p: argparse.ArgumentParser) -> None:
    """--no-adapt: no approved examples from the translation memory (adaptation is on by default)."""
    p.add_argument(
        "--no-adapt", action="store_true",
        help="do not show the engine the memory's approved sentences most like each one (on by default when "
        "the memory holds approvals and the engine takes examples)",
    )


def checker(args: argparse.Namespace) -> Checker | None:
    """The checks a translating command runs: all of them, or none with --no-checks (decided here once)."""
    if getattr(args, "no_checks", False):
        return None
    from tarjama.checks import Checker

    return Checker()


def parse_options(pairs: Iterable[str], option: str = "--engine-option") -> dict[str, str]:
    """``KEY=VALUE`` strings (of ``option``, repeatable) as a dict; ``-`` in a key reads as ``_``."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise TarjamaError(f"{option} expects KEY=VALUE, got {pair!r}")
        out[key.strip().replace("-", "_")] = value.strip()
    return out


def engine_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for ``load_engine`` from --threads, the server flags and --engine-option."""
    options: dict[str, Any] = dict(parse_options(args.engine_option))
    if getattr(args, "threads", None):
        options["threads"] = args.threads
    for key in ("base_url", "api_key_env", "concurrency"):
        if getattr(args, key, None) is not None:
            options[key] = getattr(args, key)
    return options


def glossary_path(args: argparse.Namespace) -> Path | None:
    """The glossary the command uses: --glossary, else the default file if present, else none."""
    if getattr(args, "no_glossary", False):
        return None
    if args.glossary is not None:
        return Path(args.glossary)
    default = settings.path("glossary")
    return default if default.is_file() else None


def load_glossary(args: argparse.Namespace) -> Glossary | None:
    path = glossary_path(args)
    if path is None:
        return None
    from tarjama.glossary import Glossary

    return Glossary.load(path)


def progress_for(args: argparse.Namespace) -> Progress | None:
    """The progress reporter for --progress/--no-progress (see ``tarjama.translate.progress``)."""
    from tarjama.translate.progress import for_stream

    return for_stream(sys.stderr, enabled=args.progress)


def check_output_path(
    path: Path, inputs: Iterable[str | os.PathLike[str] | None] = (), *, option: str = "-o"
) -> None:
    """Fail before any work if ``path`` could not be written or would replace one of ``inputs``.

    ``inputs`` are every file the command reads (input, references, source, glossary,
    translations…); a path that is one of them after symbolic links (or as a hard link) is
    refused, whatever it is called.
    """
    if path.is_dir():
        raise TarjamaError(f"{path}: is a directory; give a file path with {option}")
    refuse_inputs(path, inputs, option=option)
    check_writable(path)


def refuse_inputs(
    path: Path, inputs: Iterable[str | os.PathLike[str] | None], *, option: str = "-o"
) -> None:
    """Refuse ``path`` when it is one of ``inputs`` (after symbolic links, or as a hard link)."""
    if not path.exists():
        return
    for given in inputs:
        if given is None:
            continue
        source = Path(given)
        if source.exists() and os.path.samefile(source, path):
            raise TarjamaError(
                f"{path}: is the input file {source}; writing there would destroy it; "
                f"choose another {option} path"
            )


def write_output(path: Path | None, text: str | bytes, meta: dict[str, Any] | None = None) -> None:
    """``text`` (or bytes) to ``path`` atomically (with ``meta`` as its ``.meta.json`` sidecar), or stdout."""
    if path is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
            return
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if isinstance(text, bytes):
        from tarjama.formats import write

        write(path, text)
    else:
        write_text_atomic(path, text)
    if meta is not None:
        write_text_atomic(meta_path(path), json.dumps(meta, ensure_ascii=False, indent=2) + "\n")


def format_from_suffix(path: str | None, suffixes: dict[str, str]) -> str | None:
    """The format an output path's suffix names, or None."""
    return suffixes.get(Path(path).suffix.lower()) if path else None
