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

from tarjama.commands.common import check_output_path, int_in, refuse_inputs
from tarjama.errors import TarjamaError
from tarjama.formats import meta_path
from tarjama.report import RENDERERS
from tarjama.scoring.bootstrap import DEFAULT_SAMPLES, DEFAULT_SEED
from tarjama.text.textio import write_text_atomic

# The most bootstrap resamples: the index matrix holds samples × paragraphs integers.
MAX_SAMPLES = 100_000


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
    p.add_argument("--src", metavar="SRC", help="the source (default: the source fields of a JSONL HYP)")
    p.add_argument(
        "--source", choices=("ar", "en"),
        help="source language (default: what a JSONL HYP states, else the other of HYP's script)",
    )
    p.add_argument("--target", choices=("ar", "en"), help="language of HYP (default: from its script)")
    p.add_argument(
        "--normalize", choices=("ar",),
        help="ar: Arabic normalisation of hypothesis and references (alef, ya, ta marbuta variants, "
        "diacritics, tatweel) before scoring, recorded in every signature as norm:ar",
    )
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
    p.add_argument("--format", "-f", choices=list(RENDERERS), help="report format")
    p.add_argument("-o", "--output", metavar="OUT", help="write the report to OUT instead of stdout")
    p.add_argument(
        "--report-dir", metavar="DIR", help="also write report.md, report.json and report.html here"
    )
    p.add_argument(
        "--width", "-w", type=int_in(0, 10), default=1, metavar="N",
        help="decimals shown for scores (default: 1)",
    )
    p.add_argument(
        "--bootstrap-samples", type=int_in(1, MAX_SAMPLES), default=DEFAULT_SAMPLES, metavar="N",
        help=f"resamples for --compare (default: {DEFAULT_SAMPLES}; at most {MAX_SAMPLES:,})",
    )
    p.add_argument(
        "--seed", type=int_in(0, 2**63 - 1), default=DEFAULT_SEED, metavar="N",
        help=f"random seed for --compare, recorded in the report (default: {DEFAULT_SEED})",
    )
    p.add_argument(
        "--max-input-mb", type=int_in(1, 1 << 20), default=None, metavar="N",
        help="size limit of each input in MiB (default: 8; scoring holds every paragraph's statistics "
        "in memory, a few hundred times the text's size)",
    )
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    # Imported here so `tarjama --help` does not pay for loading sacrebleu and numpy.
    from tarjama.report import FILE_NAMES, RENDERERS, format_for_path, render
    from tarjama.scoring.core import score_files

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
    # Every file the command reads, a summary's .meta.json sidecar included: never an output.
    inputs = [args.hyp, *(args.ref or []), args.src, args.glossary, args.compare, *args.summary_ref]
    if args.summary is not None:
        inputs += [args.summary, meta_path(Path(args.summary))]
    if args.output:
        check_output_path(Path(args.output), inputs)
    if report_dir is not None:
        for name in FILE_NAMES.values():
            refuse_inputs(report_dir / name, inputs, option="--report-dir")

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
            max_bytes=args.max_input_mb << 20 if args.max_input_mb else None,
            source=args.source, target=args.target, normalize=args.normalize == "ar",
        )
        report.summary = summary

        def render_one(f: str) -> str:
            return render(report, f, args.width)

    if report_dir is not None:
        try:
            report_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TarjamaError(f"--report-dir {report_dir}: cannot create it ({exc.strerror})") from None
        for f in RENDERERS:
            write_text_atomic(report_dir / FILE_NAMES[f], render_one(f))
    text = render_one(fmt)
    if args.output:
        write_text_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
