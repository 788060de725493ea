"""``tarjama eval``: translate a fixed ntrex-dev sample with embedded-engine variants and score them.

The sample is ``tarjama.datasets.ntrex.fixed_sample`` with ``--docs`` documents (default
10 evenly spaced documents, 146 sentences: enough for tuning decisions, where the CI's 4
documents are not), or the whole split with ``--all``. Each variant (``--variant``, repeatable;
``--set KEY=VALUE`` overrides fields of ``tarjama.engines.variants.EmbeddedConfig``) goes
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
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tarjama.errors import TarjamaError

DEFAULT_DOCS = 10
SEED = Path("seeds/esa-jaxa-partnership.ar.txt")
SEED_REF = Path("references/esa-jaxa-partnership.en.txt")
DEFAULT_GLOSSARY = Path("references/glossary.tsv")


@dataclass
class Scores:
    bleu: float
    chrf: float
    length_ratio: float
    term_accuracy: str
    sentences: int
    seconds: float

    @property
    def seconds_per_sentence(self) -> float:
        return self.seconds / max(1, self.sentences)


@dataclass
class VariantRow:
    variant: str
    options: dict[str, str]
    sample: Scores
    seed: Scores | None
    command: str

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["sample"]["seconds_per_sentence"] = self.sample.seconds_per_sentence
        if self.seed:
            out["seed"]["seconds_per_sentence"] = self.seed.seconds_per_sentence
        return out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score embedded-engine variants on a fixed ntrex-dev sample")
    p.add_argument(
        "--docs", type=int, default=DEFAULT_DOCS, help=f"documents in the sample (default {DEFAULT_DOCS})"
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
        "--glossary", type=Path, default=DEFAULT_GLOSSARY, help=f"glossary (default {DEFAULT_GLOSSARY})"
    )
    p.add_argument("--model", help="a .gguf file instead of the embedded model")
    p.add_argument(
        "--out", type=Path, default=Path("artifacts/eval"), help="report folder (default artifacts/eval)"
    )
    p.set_defaults(func=run)


def length_ratio(hyps: Sequence[str], refs: Sequence[str]) -> float:
    """Hypothesis/reference length as sacrebleu's BLEU counts it (13a tokens, whole corpus)."""
    from sacrebleu.metrics import BLEU

    score = BLEU().corpus_score(list(hyps), [list(refs)])
    return score.sys_len / max(1, score.ref_len)


def scored(
    hyps: list[str],
    refs: list[str],
    sources: list[str],
    glossary: Any,
    labels: dict[str, Any],
    *,
    sentences: int,
    seconds: float,
) -> tuple[Any, Scores]:
    """The score report of ``hyps`` and the row of figures the eval table shows."""
    from tarjama.scoring.core import score_texts

    report = score_texts(hyps, [refs], sources, glossary=glossary, labels=labels)
    terms = report.terms
    term_text = (
        "n/a" if terms is None or not terms.total else f"{terms.formatted()} ({terms.correct}/{terms.total})"
    )
    return report, Scores(
        bleu=report.metric("BLEU").score,
        chrf=report.metric("chrF2++").score,
        length_ratio=length_ratio(hyps, refs),
        term_accuracy=term_text,
        sentences=sentences,
        seconds=seconds,
    )


def evaluate_ntrex(engine: Any, docs: Sequence[Any], glossary: Any, folder: Path, path: Path) -> Scores:
    from tarjama.datasets import ntrex
    from tarjama.document import parse_text
    from tarjama.pipeline import translate_document
    from tarjama.report import render
    from tarjama.textio import write_text_atomic

    hyps: list[str] = []
    refs: list[str] = []
    sources: list[str] = []
    records: list[str] = []
    seconds = 0.0
    for doc in docs:
        # Retrieval variants must never draw examples from the document being translated.
        if hasattr(engine, "exclude_docs"):
            engine.exclude_docs = (doc.doc_id,)
        started = time.perf_counter()
        result = translate_document(parse_text(doc.source_text()), engine, glossary)
        seconds += time.perf_counter() - started
        hyps += [p.translation for p in result.paragraphs]
        refs += doc.en
        sources += doc.ar
        records.append(result.jsonl())
    labels = {
        "hypothesis": f"ntrex-dev sample ({', '.join(d.doc_id for d in docs)}; {ntrex.ATTRIBUTION})",
        "references": [str(path)],
        "source": str(path),
        "engines": [engine.identity.to_dict()],
    }
    report, scores = scored(hyps, refs, sources, glossary, labels, sentences=len(hyps), seconds=seconds)
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(folder / "ntrex.jsonl", "".join(records))
    write_text_atomic(folder / "report.md", render(report, "markdown"))
    write_text_atomic(folder / "report.json", render(report, "json"))
    return scores


def evaluate_seed(engine: Any, glossary: Any, folder: Path) -> Scores:
    from tarjama.document import read_document
    from tarjama.pipeline import translate_document
    from tarjama.report import render
    from tarjama.scoring.inputs import read_paragraphs
    from tarjama.textio import write_text_atomic

    if hasattr(engine, "exclude_docs"):
        engine.exclude_docs = ()
    document = read_document(SEED)
    started = time.perf_counter()
    result = translate_document(document, engine, glossary)
    seconds = time.perf_counter() - started
    hyps = [p.translation for p in result.paragraphs]
    refs = read_paragraphs(SEED_REF)
    sources = [p.text for p in document.paragraphs]
    labels = {"hypothesis": "seed", "references": [str(SEED_REF)], "source": str(SEED)}
    report, scores = scored(
        hyps, refs, sources, glossary, labels, sentences=len(document.sentences()), seconds=seconds
    )
    write_text_atomic(folder / "seed.jsonl", result.jsonl())
    write_text_atomic(folder / "seed-report.md", render(report, "markdown"))
    return scores


TABLE_HEADER = (
    "| variant | options | sample BLEU | sample chrF++ | len ratio | terms | s/sent | "
    "seed BLEU | seed chrF++ | seed terms | command |\n"
    "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | --- |"
)


def table_row(row: VariantRow) -> str:
    s, d = row.sample, row.seed
    opts = " ".join(f"{k}={v}" for k, v in row.options.items()) or "–"
    seed = f"{d.bleu:.1f} | {d.chrf:.1f} | {d.term_accuracy}" if d else "– | – | –"
    return (
        f"| {row.variant} | {opts} | {s.bleu:.1f} | {s.chrf:.1f} | {s.length_ratio:.3f} | "
        f"{s.term_accuracy} | {s.seconds_per_sentence:.2f} | {seed} | `{row.command}` |"
    )


def run(args: argparse.Namespace) -> int:
    from tarjama.datasets import ntrex
    from tarjama.engines import load_engine
    from tarjama.engines.variants import DEFAULT_VARIANT, parse_options, resolve
    from tarjama.glossary import Glossary

    path = args.ntrex or ntrex.default_path()
    if path is None:
        raise TarjamaError("ntrex-dev not found: set $TARJAMA_NTREX or pass --ntrex FILE")
    if args.docs < 1:
        raise TarjamaError(f"--docs must be at least 1, got {args.docs}")
    docs = ntrex.read_ntrex(path)
    sample = docs if args.all else ntrex.fixed_sample(docs, args.docs)
    options = parse_options(args.set)
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
        engine = load_engine("gguf", args.model, variant=name, **options)
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
    from tarjama.textio import write_text_atomic

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
