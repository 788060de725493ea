"""``tarjama translate``: translate one document to text, Markdown or JSONL.

Outputs are written atomically. With ``-o``, finished sentences go to a journal next to the
output as they are translated, so re-running the same command after a crash resumes; the
journal is removed once the output is in place. Text and Markdown outputs get a
``.meta.json`` sidecar naming the engine, model and glossary that produced them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from tarjama.document import detect_format, read_document
from tarjama.engines import ENGINES, load_engine
from tarjama.errors import TarjamaError
from tarjama.pipeline import TranslationResult, translate_document
from tarjama.textio import write_text_atomic

DEFAULT_GLOSSARY = Path("references/glossary.tsv")
FORMATS = ("txt", "md", "jsonl")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("translate", help="translate an Arabic document into English")
    p.add_argument("input", help="UTF-8 text or Markdown file (paragraphs separated by blank lines)")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    add_engine_options(p)
    p.add_argument("--format", choices=FORMATS, help="output format (default: from -o suffix, else input's)")
    p.add_argument(
        "--batch-size", type=int, help="segments per engine call (default: 8; gguf: 4 × parallel = 64)"
    )
    p.add_argument("--threads", type=int, help="CPU threads for the engine (default: all cores)")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    p.set_defaults(func=run)


def add_engine_options(p: argparse.ArgumentParser, no_glossary_help: str = "") -> None:
    """--engine, --model and --glossary/--no-glossary, shared by every command that translates."""
    p.add_argument("--engine", help=f"engine: {', '.join(sorted(ENGINES))} (default: resolved automatically)")
    p.add_argument("--model", help="model id, local Marian folder, or .gguf file (default: per engine)")
    p.add_argument(
        "--engine-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="gguf engine setting, repeatable, e.g. parallel=4 or variant=cached (see engines/variants.py)",
    )
    g = p.add_mutually_exclusive_group()
    g.add_argument("--glossary", type=Path, help=f"glossary TSV (default: {DEFAULT_GLOSSARY} if present)")
    g.add_argument(
        "--no-glossary", action="store_true", help=no_glossary_help or "no term hints, enforcement or checks"
    )


def engine_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for ``load_engine`` from --threads and --engine-option."""
    from tarjama.engines.variants import parse_options

    options: dict[str, Any] = dict(parse_options(args.engine_option))
    if getattr(args, "threads", None):
        options["threads"] = args.threads
    return options


def output_format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    if args.output:
        suffix = Path(args.output).suffix.lower().lstrip(".")
        if suffix in {"jsonl", "md"}:
            return suffix
        if suffix == "markdown":
            return "md"
        if suffix == "txt":
            return "txt"
    return detect_format(args.input)


def check_output_path(path: Path) -> None:
    """Fail before any translation work if the output could not be written."""
    if path.is_dir():
        raise TarjamaError(f"{path}: is a directory; give a file path with -o")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise TarjamaError(f"{path}: output folder {folder} does not exist; create it or choose another -o")
    # A real probe, not os.access: root passes access checks on read-only filesystems.
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
    except OSError:
        raise TarjamaError(f"{path}: output folder {folder} is not writable; choose another -o") from None
    os.close(fd)
    os.unlink(probe)


def load_glossary(args: argparse.Namespace):
    if args.no_glossary:
        return None
    path = args.glossary
    if path is None:
        if not DEFAULT_GLOSSARY.is_file():
            return None
        path = DEFAULT_GLOSSARY
    from tarjama.glossary import Glossary

    return Glossary.load(path)


def render(result: TranslationResult, fmt: str) -> str:
    return result.jsonl() if fmt == "jsonl" else result.text()


def summary_line(result: TranslationResult) -> str:
    meta = result.metadata()
    rate = meta["sentences"] / result.seconds if result.seconds else 0.0
    line = (
        f"tarjama: {meta['paragraphs']} paragraphs, {meta['sentences']} sentences in {result.seconds:.1f} s "
        f"({rate:.2f} sent/s) · {result.engine.describe()}"
    )
    if result.glossary is not None:
        found, expected = result.term_totals()
        line += f" · glossary terms {found}/{expected}"
    if meta["resumed_sentences"]:
        line += f" · {meta['resumed_sentences']} sentences resumed from journal"
    if meta["notes"]:
        line += f" · {len(meta['notes'])} sentences with notes (see the JSONL or .meta.json)"
    return line


def run(args: argparse.Namespace) -> int:
    fmt = output_format(args)
    out = Path(args.output) if args.output else None
    if out is not None:
        check_output_path(out)
    if args.batch_size is not None and args.batch_size < 1:
        raise TarjamaError(f"--batch-size must be at least 1, got {args.batch_size}")
    document = read_document(args.input)
    glossary = load_glossary(args)
    engine = load_engine(args.engine, args.model, **engine_options(args))
    journal = out.with_name(f".{out.name}.tarjama-journal") if out else None
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    try:
        result = translate_document(
            document, engine, glossary, batch_size=args.batch_size, journal_path=journal, progress=progress
        )
    finally:
        engine.close()
    text = render(result, fmt)
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_text_atomic(out, text)
        if fmt != "jsonl":
            meta = json.dumps(result.metadata(), ensure_ascii=False, indent=2) + "\n"
            write_text_atomic(out.with_name(out.name + ".meta.json"), meta)
        if journal is not None and journal.exists():
            journal.unlink()
    print(summary_line(result), file=sys.stderr)
    return 0
