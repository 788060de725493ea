"""``tarjama score``: score a translation and write Markdown, JSON or HTML reports.

Without ``-o`` the report goes to stdout (Markdown unless ``--format`` says otherwise),
so CI logs show it; ``-o FILE`` writes it atomically, taking the format from the suffix
when ``--format`` is absent; ``--report-dir DIR`` additionally writes all three formats.

``--summary S --summary-ref REF`` adds a ROUGE section for a summary of the same document
(``tarjama summarize``'s JSONL or a plain-text summary; each reference is paired with the
summary side in its script). Without HYP and ``--ref`` the report holds only that section.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tarjama.errors import TarjamaError
from tarjama.scoring.bootstrap import DEFAULT_SAMPLES, DEFAULT_SEED
from tarjama.textio import write_text_atomic


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``score`` command to the ``tarjama`` parser."""
    p = subparsers.add_parser(
        "score",
        help="score a translation against references (BLEU, chrF++, chrF, TER, terms)",
        description=(
            "Score HYP paragraph by paragraph against one or more references with sacrebleu "
            "(corpus BLEU, chrF++, chrF, TER, each with its signature, plus per-paragraph scores). "
            "Inputs are text/Markdown files with paragraphs separated by blank lines, or JSONL from "
            "`tarjama translate --format jsonl`."
        ),
    )
    p.add_argument(
        "hyp", metavar="HYP", nargs="?",
        help="translation to score (text, Markdown or tarjama JSONL); optional with --summary",
    )
    p.add_argument(
        "--ref", "-r", action="append", metavar="REF",
        help="reference translation; repeat for several references (required with HYP)",
    )
    p.add_argument("--src", metavar="SRC", help="Arabic source (default: the source fields of a JSONL HYP)")
    p.add_argument("--glossary", "-g", metavar="G", help="glossary for term accuracy (needs the source)")
    p.add_argument(
        "--compare", metavar="HYP2",
        help="baseline translation: paired bootstrap test of HYP against HYP2 (Δ = HYP - HYP2)",
    )
    p.add_argument(
        "--summary", metavar="SUMMARY",
        help="also score this summary with ROUGE-1/2/L (tarjama summarize JSONL, or a plain-text summary)",
    )
    p.add_argument(
        "--summary-ref", action="append", default=[], metavar="REF",
        help="reference summary for --summary (Arabic or English, paired by script); repeatable",
    )
    p.add_argument(
        "--strip-clitics", action="store_true",
        help="ROUGE: strip Arabic clitics (و ف ب ل ك, ال, attached pronouns) before matching",
    )
    p.add_argument("--format", "-f", choices=("markdown", "json", "html"), help="report format")
    p.add_argument("-o", "--output", metavar="OUT", help="write the report to OUT instead of stdout")
    p.add_argument(
        "--report-dir", metavar="DIR", help="also write report.md, report.json and report.html here"
    )
    p.add_argument("--width", "-w", type=int, default=1, help="decimals shown for scores (default: 1)")
    p.add_argument(
        "--bootstrap-samples", type=int, default=DEFAULT_SAMPLES, metavar="N",
        help=f"resamples for --compare (default: {DEFAULT_SAMPLES})",
    )
    p.add_argument(
        "--seed", type=int, default=DEFAULT_SEED,
        help=f"random seed for --compare, recorded in the report (default: {DEFAULT_SEED})",
    )
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    # Imported here so `tarjama --help` does not pay for loading sacrebleu and numpy.
    from tarjama.report import FILE_NAMES, FORMATS, format_for_path, render
    from tarjama.scoring.core import score_files

    if not 0 <= args.width <= 10:
        raise TarjamaError(f"--width {args.width}: give a number of decimals from 0 to 10")
    if args.bootstrap_samples < 1:
        raise TarjamaError(f"--bootstrap-samples {args.bootstrap_samples}: give a positive number")
    fmt = args.format or (format_for_path(args.output) if args.output else None) or "markdown"
    report_dir = Path(args.report_dir) if args.report_dir else None
    if report_dir is not None and report_dir.exists() and not report_dir.is_dir():
        raise TarjamaError(f"--report-dir {report_dir}: exists and is not a folder; give a folder path")

    if args.hyp is None and args.summary is None:
        raise TarjamaError("nothing to score: give HYP --ref REF and/or --summary S --summary-ref R")
    if args.hyp is not None and not args.ref:
        raise TarjamaError(f"{args.hyp}: no reference given; pass at least one --ref FILE")
    if args.hyp is None and args.ref:
        raise TarjamaError("--ref given without HYP; name the translation to score before the options")
    if bool(args.summary) != bool(args.summary_ref):
        raise TarjamaError("--summary and --summary-ref go together: a summary and its reference summaries")

    summary = None
    if args.summary is not None:
        from tarjama.scoring.summary import score_summary_files

        summary = score_summary_files(args.summary, args.summary_ref, strip_clitics=args.strip_clitics)
    if args.hyp is None:
        from tarjama.report.rouge import render_summary_report

        def render_one(f: str) -> str:
            return render_summary_report(summary, f, args.width)
    else:
        report = score_files(
            args.hyp, args.ref, src=args.src, glossary=args.glossary, compare=args.compare,
            n_samples=args.bootstrap_samples, seed=args.seed,
        )
        report.summary = summary

        def render_one(f: str) -> str:
            return render(report, f, args.width)

    if report_dir is not None:
        try:
            report_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TarjamaError(f"--report-dir {report_dir}: cannot create it ({exc.strerror})") from None
        for f in FORMATS:
            write_text_atomic(report_dir / FILE_NAMES[f], render_one(f))
    text = render_one(fmt)
    if args.output:
        write_text_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
