"""``tarjama eval``: translate a fixed ntrex-dev sample with embedded-engine variants and score them.

The sample is ``tarjama.dev.datasets.ntrex.fixed_sample`` with ``--docs`` documents (default
10 evenly spaced documents, 146 sentences: enough for tuning decisions, where the CI's 4
documents are not), or the whole split with ``--all``. Each variant (``--variant``, repeatable;
``--set KEY=VALUE`` overrides fields of ``tarjama.engines.gguf.config.EmbeddedConfig``) goes
through the real pipeline with the glossary and is scored with ``score_texts``. ``--seed``
also scores the seed article as a check (never as the basis of a decision).

Per variant it writes ``OUT/VARIANT/{report.md,report.json,ntrex.jsonl}`` and prints one
table row: BLEU, chrF++, the hypothesis/reference length ratio (sacrebleu BLEU's
sys_len/ref_len), term accuracy and seconds per sentence; ``OUT/summary.{md,json}`` collects
the rows with the command that produced them.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from tarjama import settings
from tarjama.commands.common import int_in
from tarjama.dev.evaluation import TABLE_HEADER, VariantRow, evaluate_ntrex, evaluate_seed, table_row
from tarjama.errors import TarjamaError

DEFAULT_DOCS = 10


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score embedded-engine variants on a fixed ntrex-dev sample")
    p.add_argument(
        "--docs", type=int_in(1), default=DEFAULT_DOCS, metavar="N",
        help=f"documents in the sample (default {DEFAULT_DOCS})",
    )
    p.add_argument(
        "--all", action="store_true", help="the whole ntrex-dev split (41 documents, 659 sentences)"
    )
    p.add_argument(
        "--variant", action="append", help="embedded variant to run (repeatable; default: the default)"
    )
    p.add_argument(
        "--set",
        "--engine-option",
        dest="set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a variant option (--engine-option as in translate)",
    )
    p.add_argument("--seed", action="store_true", help="also translate and score the seed article (a check)")
    p.add_argument(
        "--ntrex", type=Path, help="ntrex-dev TSV (default: $TARJAMA_NTREX or ../shared/data/ntrex-dev)"
    )
    p.add_argument(
        "--glossary", type=Path, default=settings.path("glossary"),
        help=f"glossary (default {settings.value('glossary')})",
    )
    p.add_argument("--model", help="a .gguf file instead of the embedded model")
    p.add_argument(
        "--out", type=Path, default=Path("artifacts/eval"), help="report folder (default artifacts/eval)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tarjama.commands.common import parse_options
    from tarjama.dev.datasets import ntrex
    from tarjama.engines import load_engine
    from tarjama.engines.gguf.config import DEFAULT_VARIANT, resolve
    from tarjama.glossary import Glossary

    path = args.ntrex or ntrex.default_path()
    if path is None:
        raise TarjamaError("ntrex-dev not found: set $TARJAMA_NTREX or pass --ntrex FILE")
    docs = ntrex.read_ntrex(path)
    sample = docs if args.all else ntrex.fixed_sample(docs, args.docs)
    options = parse_options(args.set, "--set")
    names = args.variant or [DEFAULT_VARIANT]
    for name in names:
        resolve(name, options)  # fail on a bad name or option before loading anything
    glossary = Glossary.load(args.glossary) if args.glossary else None
    n_sent = sum(len(d.ar) for d in sample)
    print(
        f"ntrex-dev {'(all)' if args.all else 'sample'}: {len(sample)} documents, {n_sent} sentences: "
        f"{', '.join(d.doc_id for d in sample)}",
        file=sys.stderr,
    )
    rows: list[VariantRow] = []
    for name in names:
        config = resolve(name, options)
        pool = ntrex.example_pool(path) if config.retrieve else None
        engine = load_engine("gguf", args.model, variant=name, pool=pool, **options)
        try:
            folder = args.out / name
            sample_scores = evaluate_ntrex(engine, sample, glossary, folder, Path(path))
            seed_scores = evaluate_seed(engine, glossary, folder) if args.seed else None
        finally:
            engine.close()
        command = "tarjama eval " + " ".join(
            [f"--variant {name}"]
            + (["--all"] if args.all else ([f"--docs {args.docs}"] if args.docs != DEFAULT_DOCS else []))
            + [f"--set {shlex.quote(k + '=' + v)}" for k, v in options.items()]
            + (["--seed"] if args.seed else [])
        )
        row = VariantRow(name, options, sample_scores, seed_scores, command)
        rows.append(row)
        print(table_row(row), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    from tarjama.text.textio import write_text_atomic

    summary = {
        "sample": [d.doc_id for d in sample],
        "sentences": n_sent,
        "attribution": ntrex.ATTRIBUTION,
        "rows": [r.to_dict() for r in rows],
    }
    write_text_atomic(args.out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    write_text_atomic(args.out / "summary.md", "\n".join([TABLE_HEADER, *map(table_row, rows)]) + "\n")
    print(f"reports in {args.out}", file=sys.stderr)
    return 0
