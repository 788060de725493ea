"""``tarjama translate``: translate one document to text, Markdown or JSONL.

Outputs are written atomically. With ``-o``, finished sentences go to a journal next to the
output as they are translated, so re-running the same command after a crash resumes; the
journal is removed once the output is in place. Text and Markdown outputs get a
``.meta.json`` sidecar naming the engine, model and glossary that produced them. Progress
goes to stderr: a bar on a terminal, one line per finished paragraph otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tarjama.api import Translator
from tarjama.commands.common import (
    add_check_options,
    add_engine_options,
    add_run_options,
    check_output_path,
    checker,
    engine_options,
    format_from_suffix,
    glossary_path,
    load_glossary,
    meta_path,
    progress_for,
    write_output,
)
from tarjama.document import detect_format, read_document
from tarjama.engines import load_engine
from tarjama.errors import TarjamaError
from tarjama.memory import MEMORY_NAME, TranslationMemory
from tarjama.record import TranslatedDocument

FORMATS = ("txt", "md", "jsonl")
_SUFFIXES = {".jsonl": "jsonl", ".md": "md", ".markdown": "md", ".txt": "txt"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("translate", help="translate an Arabic document into English")
    p.add_argument("input", help="UTF-8 text or Markdown file (paragraphs separated by blank lines)")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    add_engine_options(p)
    p.add_argument("--format", choices=FORMATS, help="output format (default: from -o suffix, else input's)")
    add_run_options(p, batch_help="segments per engine call (default: 8; gguf: 4 × parallel = 64)")
    add_check_options(p)
    p.add_argument(
        "--memory",
        type=Path,
        help=f"translation memory whose approved translations replace machine output (default: {MEMORY_NAME} "
        "beside the -o file, when it exists)",
    )
    p.set_defaults(func=run)


def memory_path(args: argparse.Namespace, out: Path | None) -> Path | None:
    """--memory, else the memory beside the output file when there is one."""
    if args.memory is not None:
        if not args.memory.is_file():
            raise TarjamaError(f"{args.memory}: no such translation memory; check the --memory path")
        return args.memory
    beside = out.parent / MEMORY_NAME if out is not None else None
    return beside if beside is not None and beside.is_file() else None


def output_format(args: argparse.Namespace) -> str:
    return args.format or format_from_suffix(args.output, _SUFFIXES) or detect_format(args.input)


def summary_line(result: TranslatedDocument) -> str:
    meta = result.metadata()
    rate = meta["sentences"] / result.seconds if result.seconds else 0.0
    line = (
        f"tarjama: {meta['paragraphs']} paragraphs, {meta['sentences']} sentences in {result.seconds:.1f} s "
        f"({rate:.2f} sent/s) · {result.engine.describe()}"
    )
    if result.glossary is not None:
        found, expected = result.term_totals()
        line += f" · glossary terms {found}/{expected}"
    human = sum(1 for s in result.sentences() if s.origin == "human")
    if human:
        line += f" · {human} approved translations from the memory"
    if meta["resumed_sentences"] - human:
        line += f" · {meta['resumed_sentences'] - human} sentences resumed from journal"
    if meta["notes"]:
        line += f" · {len(meta['notes'])} sentences with notes (see the JSONL or .meta.json)"
    if "checks" in result.engine.params:
        line += f" · {meta['needs_review']} sentences need review"
    return line


def run(args: argparse.Namespace) -> int:
    fmt = output_format(args)
    out = Path(args.output) if args.output else None
    if out is not None:
        inputs = [args.input, glossary_path(args), args.memory]
        check_output_path(out, inputs)
        if fmt != "jsonl":
            check_output_path(meta_path(out), inputs)
    document = read_document(args.input)
    glossary = load_glossary(args)
    mem_path = memory_path(args, out)
    memory = TranslationMemory(mem_path, readonly=True) if mem_path is not None else None
    journal = out.with_name(f".{out.name}.tarjama-journal") if out else None
    try:
        engine = load_engine(args.engine, args.model, **engine_options(args))
        with Translator(engine, glossary, batch_size=args.batch_size, checks=checker(args)) as translator:
            result = translator.translate_document(
                document, journal=journal, progress=progress_for(args), memory=memory
            )
    finally:
        if memory is not None:
            memory.close()
    text = result.jsonl() if fmt == "jsonl" else result.text()
    write_output(out, text, None if fmt == "jsonl" or out is None else result.metadata())
    if journal is not None and journal.exists():
        journal.unlink()
    print(summary_line(result), file=sys.stderr)
    return 0
