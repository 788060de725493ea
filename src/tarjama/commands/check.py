"""``tarjama check SRC HYP``: run the fidelity checks on any existing translation.

A QA tool for another engine's output or a person's: the same checks the pipeline runs
(``tarjama.checks``), sentence by sentence for a tarjama JSONL, paragraph by paragraph for a
text file (``tarjama.checks.files``). The report is Markdown (default, on stdout), JSON or
HTML (``--format``, or the ``-o`` suffix). The exit status is 1 when the errors found exceed
``--max-findings`` (warnings are shown but not counted), else 0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tarjama import settings
from tarjama.commands.common import add_direction_options, check_output_path, load_glossary
from tarjama.errors import TarjamaError

_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".html": "html", ".htm": "html"}


def register(sub: argparse._SubParsersAction) -> None:
    from tarjama.checks import CHECKS

    p = sub.add_parser(
        "check",
        help="check an existing translation against its source (numbers, names, countries, length …)",
        description="Run tarjama's fidelity checks on HYP as a translation of SRC: a tarjama JSONL is "
        "checked sentence by sentence, a text or Markdown file paragraph by paragraph.",
    )
    p.add_argument("src", metavar="SRC", help="the source, Arabic or English (text or Markdown)")
    p.add_argument("hyp", metavar="HYP", help="its translation (text, Markdown or tarjama JSONL)")
    add_direction_options(p, "SRC")
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--glossary", type=Path,
        help=f"glossary TSV for term hints (default: {settings.value('glossary')} if present)",
    )
    g.add_argument("--no-glossary", action="store_true", help="no glossary hints")
    p.add_argument("--checks", help=f"comma-separated checks to run (default: all: {','.join(CHECKS)})")
    p.add_argument("--format", "-f", choices=("markdown", "json", "html"), help="report format")
    p.add_argument("-o", "--output", type=Path, help="write the report here instead of stdout")
    p.add_argument(
        "--max-findings",
        type=int,
        default=None,
        metavar="N",
        help="exit 1 when more than N errors are found (default: never)",
    )
    p.add_argument(
        "--max-input-mb", type=int, default=None, metavar="N",
        help="size limit of each input in MiB (default: 8, as tarjama score)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tarjama.checks import Checker
    from tarjama.checks.files import check_files
    from tarjama.report.checks import render_check

    if args.max_findings is not None and args.max_findings < 0:
        raise TarjamaError(f"--max-findings {args.max_findings}: give 0 or more")
    if args.max_input_mb is not None and args.max_input_mb < 1:
        raise TarjamaError(f"--max-input-mb {args.max_input_mb}: give 1 or more")
    if args.output is not None:
        check_output_path(args.output, [args.src, args.hyp])
    names = [n.strip() for n in args.checks.split(",") if n.strip()] if args.checks else None
    checker = Checker(names)
    report = check_files(
        args.src, args.hyp, glossary=load_glossary(args), checker=checker,
        max_bytes=args.max_input_mb << 20 if args.max_input_mb else None,
        source=args.source, target=args.target,
    )
    fmt = args.format or (_SUFFIXES.get(args.output.suffix.lower()) if args.output else None) or "markdown"
    text = render_check(report, fmt)
    if args.output is None:
        sys.stdout.write(text)
    else:
        from tarjama.text.textio import write_text_atomic

        write_text_atomic(args.output, text)
    print(
        f"tarjama check: {len(report.units)} {report.unit}s, {report.needs_review} need review "
        f"({report.errors} errors, {report.warnings} warnings)",
        file=sys.stderr,
    )
    if args.max_findings is not None and report.errors > args.max_findings:
        print(
            f"tarjama check: {report.errors} errors exceed --max-findings {args.max_findings}",
            file=sys.stderr,
        )
        return 1
    return 0
