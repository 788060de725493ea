"""``tarjama translate``: translate one document (text, Markdown, HTML, Word or XLIFF).

Parses, checks the output paths before any work, loads the engine and makes one call:
``Translator.translate_file`` (``tarjama.translate.run``), which reads the input, translates it
(resumable through a journal beside ``-o``), writes the output atomically in the input's format
(or the ``-o`` suffix's, or ``--format``: tarjama's JSONL record, an XLIFF for a CAT tool) with
its ``.meta.json`` sidecar. Without ``-o`` the output goes to standard output. Progress goes to
stderr: a bar on a terminal, one line per finished paragraph otherwise; then one summary line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tarjama import formats
from tarjama.commands.common import (
    add_adapt_option,
    add_check_options,
    add_direction_options,
    add_engine_options,
    add_run_options,
    check_output_path,
    checker,
    direction_for,
    engine_options,
    glossary_path,
    load_glossary,
    progress_for,
)
from tarjama.document.record import TranslatedDocument
from tarjama.engines import load_engine
from tarjama.errors import TarjamaError
from tarjama.memory.store import MEMORY_NAME, TranslationMemory
from tarjama.text.language import stated_direction
from tarjama.translate.run import Translator
from tarjama.types import ADAPTED


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "translate", help="translate a document: Arabic into English, or English into Arabic (--source en)"
    )
    p.add_argument(
        "input", help="a .txt or .md file (paragraphs separated by blank lines), .html, .docx, or .xlf/.xliff"
    )
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    add_engine_options(p)
    add_direction_options(p)
    p.add_argument(
        "--format", choices=formats.DOCUMENT_OUTPUTS,
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
    add_adapt_option(p)
    p.add_argument(
        "--memory",
        type=Path,
        help=f"translation memory whose approved translations replace machine output and teach the engine "
        f"(default: {MEMORY_NAME} beside the -o file, when it exists)",
    )
    p.set_defaults(func=run)


def summary_line(result: TranslatedDocument) -> str:
    sentences = result.sentences()
    rate = len(sentences) / result.seconds if result.seconds else 0.0
    line = (
        f"tarjama: {len(result.paragraphs)} paragraphs, {len(sentences)} sentences in {result.seconds:.1f} s "
        f"({rate:.2f} sent/s) · {result.engine.describe()}"
    )
    if str(result.direction) != "ar-en":
        line += f" · {result.direction}"
    if result.glossary is not None:
        found, expected = result.term_totals()
        line += f" · glossary terms {found}/{expected}"
    human = sum(1 for s in sentences if s.origin == "human")
    if human:
        line += f" · {human} approved translations from the memory"
    if adapted := sum(1 for s in sentences if any(n.kind == ADAPTED for n in s.notes)):
        line += f" · {adapted} adapted with approved examples"
    if resumed := sum(s.cached for s in sentences) - human:
        line += f" · {resumed} sentences resumed from journal"
    if result.document.untouched:
        language = "English" if result.direction.source == "en" else "Arabic"
        line += f" · {result.document.untouched} segments without {language} letters left as they are"
    if noted := sum(1 for s in sentences if s.notes):
        line += f" · {noted} sentences with notes (see the JSONL or .meta.json)"
    if "checks" in result.engine.params:
        line += f" · {result.needs_review()} sentences need review"
    return line


def run(args: argparse.Namespace) -> int:
    source_format = formats.single_format(args.input)
    out = Path(args.output) if args.output else None
    fmt = formats.choose_output(source_format, args.format, out)
    if out is not None:
        inputs = [args.input, glossary_path(args), args.memory]
        check_output_path(out, inputs)
        if fmt != formats.RECORD:
            check_output_path(formats.meta_path(out), inputs)
    if args.memory is not None and not args.memory.is_file():
        raise TarjamaError(f"{args.memory}: no such translation memory; check the --memory path")
    # A bad input, or a file declaring the other direction than --source/--target, fails before
    # the model loads.
    stated = stated_direction(args.source, args.target)
    languages = (stated.source, stated.target) if stated is not None else None
    source = formats.read_source(args.input, source_format, formats.ReadOptions(languages=languages))
    direction = direction_for(args, [u.document for u in source.units], args.input)
    glossary = load_glossary(args)
    memory = TranslationMemory(args.memory, readonly=True) if args.memory is not None else None
    try:
        engine = load_engine(args.engine, args.model, direction=direction, **engine_options(args))
        with Translator(engine, glossary, batch_size=args.batch_size, checks=checker(args),
                        direction=direction, adapt=not args.no_adapt) as translator:
            result, data = translator.translate_file(
                args.input, out, format=fmt, xliff_version=args.xliff_version, memory=memory,
                progress=progress_for(args), source=source,
            )
    finally:
        if memory is not None:
            memory.close()
    if out is None:
        write_stdout(data)
    print(summary_line(result), file=sys.stderr)
    return 0


def write_stdout(data: str | bytes) -> None:
    if isinstance(data, bytes):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(data)
        sys.stdout.flush()
