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
import json
import sys
from pathlib import Path
from typing import Any

from tarjama.commands.translate import add_engine_options, check_output_path, engine_options, load_glossary
from tarjama.document import read_document
from tarjama.engines import load_engine
from tarjama.errors import TarjamaError
from tarjama.textio import write_text_atomic

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
    p.add_argument("input", help="UTF-8 Arabic text or Markdown file")
    n = p.add_mutually_exclusive_group()
    n.add_argument("--sentences", "-n", type=int, metavar="N", help="number of key sentences (default: 3)")
    n.add_argument("--ratio", type=float, metavar="R", help="share of the document's sentences, 0 < R ≤ 1")
    p.add_argument("--abstractive", action="store_true", help="also write an English summary with the LLM")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from -o suffix, else txt)")
    p.add_argument(
        "--translation", metavar="JSONL",
        help="take the English from this `tarjama translate --format jsonl` file of the same input",
    )
    add_engine_options(p, no_glossary_help="no term features, hints or checks")
    p.add_argument(
        "--ref-summary", action="append", default=[], metavar="REF",
        help="reference summary (Arabic or English, by its script) to score with ROUGE; repeatable",
    )
    p.add_argument("--strip-clitics", action="store_true", help="ROUGE: strip Arabic clitics before matching")
    p.add_argument("--threads", type=int, help="CPU threads for the engine (default: all cores)")
    p.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="progress bar on stderr when the whole document is translated (default: when a terminal)",
    )
    p.set_defaults(func=run)


def output_format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    if args.output:
        return _SUFFIXES.get(Path(args.output).suffix.lower(), "txt")
    return "txt"


def _writer_llm(engine: Any, args: argparse.Namespace, options: dict[str, Any]) -> tuple[Any, Any]:
    """The LLM that writes the abstractive summary, and the engine that owns it.

    The translating engine is reused when it is the GGUF engine; otherwise the embedded model
    (or ``--model`` when it names a .gguf file) is loaded for writing only.
    """
    if engine is not None and hasattr(engine, "llm"):
        return engine.llm, engine
    model = args.model if args.model and (args.engine in (None, "gguf")) else None
    writer = load_engine("gguf", model, **options)
    if not hasattr(writer, "llm"):
        raise TarjamaError("--abstractive needs the gguf engine's LLM; install tarjama[offline]")
    return writer.llm, writer


def run(args: argparse.Namespace) -> int:
    from tarjama.scoring.summary import score_summary
    from tarjama.summary.core import summarize
    from tarjama.summary.rank import summary_length
    from tarjama.summary.render import provenance, render
    from tarjama.summary.translations import read_translation_file
    from tarjama.textio import read_text

    fmt = output_format(args)
    out = Path(args.output) if args.output else None
    if out is not None:
        check_output_path(out)
    if args.sentences is not None and args.sentences < 1:
        raise TarjamaError(f"--sentences {args.sentences}: give a positive number of sentences")
    if args.ratio is not None and not 0 < args.ratio <= 1:
        raise TarjamaError(f"--ratio {args.ratio}: give a share of the sentences above 0 and at most 1")
    # Read every input before loading any model, so a bad path fails in a moment.
    references = [(r, read_text(r)) for r in args.ref_summary]
    document = read_document(args.input)
    glossary = load_glossary(args)
    translation = read_translation_file(args.translation, document) if args.translation else None
    total = len(document.sentences())
    n = summary_length(total, args.sentences, args.ratio)
    options = engine_options(args)

    engine = writer_engine = None
    try:
        if translation is None:
            engine = load_engine(args.engine, args.model, **options)
        llm = None
        if args.abstractive:
            llm, writer_engine = _writer_llm(engine, args, options)
        progress = sys.stderr.isatty() if args.progress is None else args.progress
        summary = summarize(
            document, n, glossary=glossary, translation=translation, engine=engine,
            abstractive=args.abstractive, llm=llm,
            writer=writer_engine.identity.to_dict() if writer_engine is not None else None,
            progress=progress,
        )
    finally:
        for e in {id(x): x for x in (engine, writer_engine) if x is not None}.values():
            e.close()
    if references:
        summary.rouge = score_summary(
            summary.sides(), references, hypothesis=str(out or "summary"), strip_clitics=args.strip_clitics
        )

    text = render(summary, fmt)
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_text_atomic(out, text)
        if fmt != "jsonl":
            meta = json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n"
            write_text_atomic(out.with_name(out.name + ".meta.json"), meta)
    print(f"tarjama: summary {provenance(summary)}", file=sys.stderr)
    for note in summary.notes:
        print(f"tarjama: {note}", file=sys.stderr)
    if summary.rouge is not None:
        for entry in summary.rouge.entries:
            scores = ", ".join(f"{s.name} {s.f1 * 100:.1f}" for s in entry.scores)
            side = "Arabic" if entry.language == "ar" else "English"
            print(f"tarjama: ROUGE F1 ({side} vs {entry.reference}): {scores}", file=sys.stderr)
    return 0
