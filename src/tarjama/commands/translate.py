"""``tarjama translate``: translate one document (text, Markdown, HTML, Word or XLIFF).

The output is the input's format by default (or the ``-o`` suffix's, or ``--format``):
the same file in English, tarjama's JSONL translation record, or an XLIFF for review in a
CAT tool (``--xliff-version``); text and Markdown convert into each other. Outputs are
written atomically. With ``-o``, finished sentences go to a journal next to the
output as they are translated, so re-running the same command after a crash resumes; the
journal is removed once the output is in place. Text and Markdown outputs get a
``.meta.json`` sidecar naming the engine, model and glossary that produced them. Progress
goes to stderr: a bar on a terminal, one line per finished paragraph otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tarjama import formats
from tarjama.api import Translator
from tarjama.commands.common import (
    add_check_options,
    add_engine_options,
    add_run_options,
    check_output_path,
    checker,
    engine_options,
    glossary_path,
    load_glossary,
    meta_path,
    progress_for,
    write_output,
)
from tarjama.document.record import TranslatedDocument
from tarjama.engines import load_engine
from tarjama.errors import TarjamaError
from tarjama.memory.store import MEMORY_NAME, TranslationMemory

OUTPUTS = ("txt", "md", "jsonl", "html", "docx", "xliff")
SINGLE = ("txt", "md", "html", "docx", "xliff")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("translate", help="translate an Arabic document into English")
    p.add_argument(
        "input", help="a .txt or .md file (paragraphs separated by blank lines), .html, .docx, or .xlf/.xliff"
    )
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    add_engine_options(p)
    p.add_argument(
        "--format", choices=OUTPUTS,
        help="output format: the input's own, jsonl (translation record) or xliff (for a CAT tool); "
        "default: from the -o suffix, else the input's",
    )
    p.add_argument(
        "--xliff-version", choices=("1.2", "2.1"), default="1.2",
        help="XLIFF version of --format xliff for a non-XLIFF input (default 1.2; an XLIFF input keeps "
        "its own)",
    )
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


def input_format(args: argparse.Namespace) -> str:
    """The input's format from its suffix; an unknown suffix is read as plain text."""
    fmt = formats.format_for(args.input) or "txt"
    if fmt not in SINGLE:
        option = "--field" if fmt == "jsonl" else "--column"
        raise TarjamaError(
            f"{args.input}: a .{fmt} file holds many documents; translate it with "
            f"`tarjama batch {args.input} --out-dir DIR` ({option} names what to translate)"
        )
    return fmt


def output_format(args: argparse.Namespace, source_format: str) -> str:
    by_suffix = formats.format_for(args.output) if args.output else None
    fmt = args.format or (by_suffix if by_suffix in OUTPUTS else None) or source_format
    allowed = formats.output_formats(source_format)
    if fmt not in allowed:
        raise TarjamaError(
            f"--format {fmt}: a {source_format} input can be written as {', '.join(allowed)}; "
            "choose one of them (or another -o suffix)"
        )
    if fmt == "docx" and args.output is None:
        raise TarjamaError("a .docx output is a binary file; give its path with -o")
    return fmt


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
    if result.document.untouched:
        line += f" · {result.document.untouched} segments without Arabic letters left as they are"
    if meta["notes"]:
        line += f" · {len(meta['notes'])} sentences with notes (see the JSONL or .meta.json)"
    if "checks" in result.engine.params:
        line += f" · {meta['needs_review']} sentences need review"
    return line


def run(args: argparse.Namespace) -> int:
    source_format = input_format(args)
    fmt = output_format(args, source_format)
    out = Path(args.output) if args.output else None
    if out is not None:
        inputs = [args.input, glossary_path(args), args.memory]
        check_output_path(out, inputs)
        if fmt != "jsonl":
            check_output_path(meta_path(out), inputs)
    source = formats.read_source(args.input, source_format)
    document = source.units[0].document
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
    data = formats.render_as(
        source, source_format, result, fmt, name=Path(args.input).name, xliff_version=args.xliff_version
    )
    write_output(out, data, None if fmt == "jsonl" or out is None else result.metadata())
    if journal is not None and journal.exists():
        journal.unlink()
    print(summary_line(result), file=sys.stderr)
    return 0
