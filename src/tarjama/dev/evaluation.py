"""Evaluating the embedded engine's variants on a fixed ntrex-dev sample (``tarjama eval``).

The sample is ``tarjama.dev.datasets.ntrex.fixed_sample`` (whole documents, evenly spaced). Each
variant goes through the real pipeline with the glossary and is scored with ``score_texts``:
``evaluate_ntrex`` and ``evaluate_seed`` translate, write ``ntrex.jsonl`` / ``seed.jsonl`` and
their reports into a folder, and return the figures of one table row (``Scores``): BLEU,
chrF++, the hypothesis/reference length ratio (sacrebleu BLEU's sys_len/ref_len), term
accuracy and seconds per sentence. The seed is a check, never the basis of a decision.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.dev.datasets import seed

if TYPE_CHECKING:
    from tarjama.engines.base import Engine

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


def evaluate_ntrex(engine: Engine, docs: Sequence[Any], glossary: Any, folder: Path, path: Path) -> Scores:
    from tarjama.dev.datasets import ntrex
    from tarjama.document.model import parse_text
    from tarjama.report import render
    from tarjama.text.textio import write_text_atomic
    from tarjama.translate.run import Translator

    hyps: list[str] = []
    refs: list[str] = []
    sources: list[str] = []
    records: list[str] = []
    seconds = 0.0
    for doc in docs:
        # Retrieval variants must never draw examples from the document being translated.
        engine.exclude_documents([doc.doc_id])
        started = time.perf_counter()
        result = Translator(engine, glossary, checks=None).translate_document(parse_text(doc.source_text()))
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


def evaluate_seed(engine: Engine, glossary: Any, folder: Path) -> Scores:
    from tarjama.document.model import read_document
    from tarjama.report import render
    from tarjama.scoring.inputs import read_paragraphs
    from tarjama.text.textio import write_text_atomic
    from tarjama.translate.run import Translator

    engine.exclude_documents([])
    document = read_document(seed.SOURCE)
    started = time.perf_counter()
    result = Translator(engine, glossary, checks=None).translate_document(document)
    seconds = time.perf_counter() - started
    hyps = [p.translation for p in result.paragraphs]
    refs = read_paragraphs(seed.REFERENCE)
    sources = [p.text for p in document.paragraphs]
    labels = {"hypothesis": "seed", "references": [str(seed.REFERENCE)], "source": str(seed.SOURCE)}
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
