"""``tarjama summarize``: an aligned Arabic/English summary of one document.

Extractive by default: the best N source sentences (``tarjama.summary.rank``) in source
order, each with its English — from ``--translation`` (a ``tarjama translate --format jsonl``
file of the same input, checked) or translated on demand with the engine and glossary (only
those N sentences). ``--abstractive`` adds an English summary written by the embedded LLM and
kept only if every name in it is in the source, its translation or the glossary.

Nothing is loaded that is not needed: with ``--translation`` and no ``--abstractive`` no model
is loaded at all. Outputs are written atomically; txt, md and html get a ``.meta.json``
sidecar holding the full record (the same as the JSONL header plus points), which is also
what ``tarjama score --summary`` reads. ROUGE against ``--ref-summary`` files goes to stderr
and into the output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.commands.common import (
    add_direction_options,
    add_engine_options,
    add_run_options,
    check_output_path,
    direction_for,
    engine_options,
    format_from_suffix,
    glossary_path,
    int_in,
    load_glossary,
    progress_for,
    share,
    write_output,
)
from tarjama.document.model import read_document
from tarjama.engines import load_engine
from tarjama.errors import TarjamaError
from tarjama.formats import meta_path
from tarjama.translate.run import Translator

if TYPE_CHECKING:
    from tarjama.engines.base import Engine

FORMATS = ("txt", "md", "jsonl", "html")
_SUFFIXES = {
    ".txt": "txt", ".md": "md", ".markdown": "md", ".jsonl": "jsonl", ".html": "html", ".htm": "html",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "summarize",
        help="aligned Arabic/English summary: key sentences and their translations",
        description=(
            "Choose the key sentences of an Arabic document (LexRank over the normalised Arabic, "
            "a lead-position prior and glossary terms) and pair each with its English translation, "
            "in source order. --abstractive adds an English summary written by the embedded model, "
            "rejected (with the reason) if it names anything the article does not."
        ),
    )
    p.add_argument("input", help="UTF-8 Arabic or English text or Markdown file")
    n = p.add_mutually_exclusive_group()
    n.add_argument(
        "--sentences", "-n", type=int_in(1), metavar="N", help="number of key sentences (default: 3)"
    )
    n.add_argument("--ratio", type=share, metavar="R", help="share of the document's sentences, 0 < R ≤ 1")
    p.add_argument("--abstractive", action="store_true", help="also write an English summary with the LLM")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from -o suffix, else txt)")
    p.add_argument(
        "--translation", metavar="JSONL",
        help="take the translations from this `tarjama translate --format jsonl` file of the same input",
    )
    add_engine_options(p, no_glossary_help="no term features, hints or checks")
    add_direction_options(p)
    p.add_argument(
        "--ref-summary", action="append", default=[], metavar="REF",
        help="reference summary (Arabic or English, by its script) to score with ROUGE; repeatable",
    )
    p.add_argument("--strip-clitics", action="store_true", help="ROUGE: strip Arabic clitics before matching")
    add_run_options(p)
    p.set_defaults(func=run)


def output_format(args: argparse.Namespace) -> str:
    return args.format or format_from_suffix(args.output, _SUFFIXES) or "txt"


def _writer_llm(
    engine: Engine | None, args: argparse.Namespace, options: dict[str, Any]
) -> tuple[Any, Engine]:
    """The LLM that writes the abstractive summary, and the engine that owns it.

    The translating engine is reused when it has a completion model (the GGUF engine);
    otherwise the embedded model (or ``--model`` when it names a .gguf file) is loaded for
    writing only.
    """
    if engine is not None and (llm := engine.completion_model()) is not None:
        return llm, engine
    model = args.model if args.model and (args.engine in (None, "gguf")) else None
    writer = load_engine("gguf", model, **options)
    llm = writer.completion_model()
    if llm is None:
        raise TarjamaError("--abstractive needs the gguf engine's LLM; install tarjama[offline]")
    return llm, writer


def run(args: argparse.Namespace) -> int:
    from tarjama.document.record import read_translation
    from tarjama.report.summary import provenance, render
    from tarjama.scoring.summary import score_summary
    from tarjama.summary.core import summarize
    from tarjama.summary.rank import summary_length
    from tarjama.summary.translations import check_translation
    from tarjama.text.textio import read_text

    fmt = output_format(args)
    out = Path(args.output) if args.output else None
    if out is not None:
        inputs = [args.input, args.translation, glossary_path(args), *args.ref_summary]
        check_output_path(out, inputs)
        if fmt != "jsonl":
            check_output_path(meta_path(out), inputs)
    # Read every input before loading any model, so a bad path fails in a moment.
    references = [(r, read_text(r)) for r in args.ref_summary]
    document = read_document(args.input)
    glossary = load_glossary(args)
    translation = (
        check_translation(read_translation(args.translation, need_sentences=True), document)
        if args.translation
        else None
    )
    direction = direction_for(args, [document], args.input)
    total = len(document.sentences())
    n = summary_length(total, args.sentences, args.ratio)
    options = engine_options(args)

    engine = writer_engine = None
    try:
        if translation is None:
            engine = load_engine(args.engine, args.model, direction=direction, **options)
        llm = None
        if args.abstractive:
            llm, writer_engine = _writer_llm(engine, args, options)
        # The key points are translated as `tarjama translate` would, without the fidelity checks
        # (the summary checks its own names and numbers).
        translator = (
            Translator(engine, glossary, checks=None, direction=direction) if engine is not None else None
        )
        summary = summarize(
            document, n, glossary=glossary, translation=translation, translator=translator,
            abstractive=args.abstractive, llm=llm,
            writer=writer_engine.identity.to_dict() if writer_engine is not None else None,
            progress=progress_for(args), direction=direction,
        )
    finally:
        for e in {id(x): x for x in (engine, writer_engine) if x is not None}.values():
            e.close()
    if references:
        summary.rouge = score_summary(
            summary.sides(), references, hypothesis=str(out or "summary"), strip_clitics=args.strip_clitics
        )

    text = render(summary, fmt)
    write_output(out, text, None if fmt == "jsonl" or out is None else summary.to_dict())
    print(f"tarjama: summary {provenance(summary)}", file=sys.stderr)
    for note in summary.notes:
        print(f"tarjama: {note}", file=sys.stderr)
    if summary.rouge is not None:
        for entry in summary.rouge.entries:
            scores = ", ".join(f"{s.name} {s.f1 * 100:.1f}" for s in entry.scores)
            side = "Arabic" if entry.language == "ar" else "English"
            print(f"tarjama: ROUGE F1 ({side} vs {entry.reference}): {scores}", file=sys.stderr)
    return 0
