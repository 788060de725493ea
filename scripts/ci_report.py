#!/usr/bin/env python3
"""CI report: translate the seed (and a fixed ntrex-dev sample) with the embedded model, score, gate.

Prints the Markdown reports with sacrebleu signatures, writes Markdown/JSON/HTML reports and
the translations under ``--out`` (default ``artifacts/ci``), then applies the regression gate
of ``references/baseline.json`` (``tarjama.scoring.gate``); exits 1 when a check fails, when a
dataset of the baseline was not scored (the ntrex-dev data missing fails the gate; only
``--no-ntrex`` leaves it out, and its row says so), or when nothing was checked.

    .venv/bin/python scripts/ci_report.py [--seed-hyp FILE] [--ntrex FILE] [--ntrex-hyp FILE]
                                          [--ntrex-docs 4] [--no-ntrex]

``--seed-hyp`` and ``--ntrex-hyp`` score an existing translation (text, one paragraph per
sentence of the sample for ntrex) instead of translating: the tests use them to show that the
gate fails on a deliberately worse output.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tarjama.dev.datasets import seed
from tarjama.document.model import parse_text, read_document
from tarjama.document.record import TranslatedDocument
from tarjama.errors import TarjamaError
from tarjama.glossary import Glossary
from tarjama.report import render
from tarjama.scoring import gate
from tarjama.scoring.core import ScoreReport, score_texts
from tarjama.scoring.inputs import read_paragraphs
from tarjama.text.textio import write_text_atomic

ROOT = seed.ROOT
SEED = seed.SOURCE
SEED_REF = seed.REFERENCE
GLOSSARY = ROOT / "references" / "glossary.tsv"
BASELINE = ROOT / "references" / "baseline.json"


def write_reports(report: ScoreReport, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for fmt, name in (("markdown", "report.md"), ("json", "report.json"), ("html", "report.html")):
        write_text_atomic(folder / name, render(report, fmt))


def missed_terms(results: list[TranslatedDocument]) -> tuple[int, int]:
    """(glossary terms missing from the English, of them those whose sentence is flagged
    ``needs_review``) over ``results``."""
    missed = flagged = 0
    for result in results:
        for sentence in result.sentences():
            n = len(sentence.terms.missing) if sentence.terms is not None else 0
            missed += n
            flagged += n if sentence.needs_review else 0
    return missed, flagged


def seed_report(
    args: argparse.Namespace, glossary: Glossary, engine_box: list, made: list[TranslatedDocument]
) -> ScoreReport:
    """The seed scored; a translation this run makes is appended to ``made``."""
    sources = [p.text for p in read_document(SEED).paragraphs]
    refs = read_paragraphs(SEED_REF)
    engines: list[dict] = []
    if args.seed_hyp:
        hyps = read_paragraphs(args.seed_hyp)
        label = str(args.seed_hyp)
    else:
        from tarjama.translate.run import Translator

        result = Translator(engine(engine_box), glossary, checks=None).translate_document(read_document(SEED))
        made.append(result)
        out = args.out / "seed.en.jsonl"
        write_text_atomic(out, result.jsonl())
        hyps = [p.translation for p in result.paragraphs]
        engines = [result.engine.to_dict()]
        label = str(out)
        print(f"seed translated in {result.seconds:.1f} s by {result.engine.describe()}", file=sys.stderr)
    if len(hyps) != len(refs):
        raise TarjamaError(f"seed hypothesis has {len(hyps)} paragraphs, the reference {len(refs)}")
    labels = {"hypothesis": label, "references": [str(SEED_REF)], "source": str(SEED), "engines": engines}
    return score_texts(hyps, [refs], sources, glossary=glossary, labels=labels)


def ntrex_report(
    args: argparse.Namespace, glossary: Glossary, engine_box: list, made: list[TranslatedDocument]
) -> ScoreReport | None:
    """The sample scored, or None (with the reason on stderr) when the data is not there; the
    translations this run makes are appended to ``made``."""
    from tarjama.dev.datasets import ntrex
    from tarjama.translate.run import Translator

    path = args.ntrex or ntrex.default_path()
    if path is None or not Path(path).is_file():
        where = path or "$TARJAMA_NTREX or ../shared/data/ntrex-dev/ntrex-dev.ar-en.tsv"
        print(f"ntrex-dev not found ({where}): its sample cannot be scored", file=sys.stderr)
        return None
    sample = ntrex.fixed_sample(ntrex.read_ntrex(path), args.ntrex_docs)
    hyps: list[str] = []
    refs: list[str] = []
    sources: list[str] = []
    started = time.perf_counter()
    identity = None
    given = read_paragraphs(args.ntrex_hyp) if args.ntrex_hyp else None
    for doc in sample:
        refs += doc.en
        sources += doc.ar
        if given is not None:
            continue
        translator = Translator(engine(engine_box), glossary, checks=None)
        result = translator.translate_document(parse_text(doc.source_text()))
        made.append(result)
        hyps += [p.translation for p in result.paragraphs]
        identity = result.engine.to_dict()
    if given is not None:
        if len(given) != len(refs):
            raise TarjamaError(
                f"{args.ntrex_hyp}: {len(given)} paragraphs, the sample has {len(refs)} sentences"
            )
        hyps = given
    print(
        f"ntrex-dev sample: {len(sample)} documents, {len(hyps)} sentences in "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    ids = ", ".join(d.doc_id for d in sample)
    name = f"ntrex-dev sample ({ids}; {ntrex.ATTRIBUTION})"
    labels = {
        "hypothesis": str(args.ntrex_hyp) if given is not None else name,
        "references": [str(path)],
        "source": str(path),
        "engines": [identity] if identity else [],
    }
    return score_texts(hyps, [refs], sources, glossary=glossary, labels=labels)


def engine(box: list):
    """Load the embedded engine once, on first use, and reuse it for every dataset."""
    if not box:
        from tarjama.engines.gguf.engine import GGUFEngine

        box.append(GGUFEngine())
    return box[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed-hyp", type=Path, help="score this translation of the seed instead of translating")
    ap.add_argument("--ntrex-docs", type=int, default=4, help="documents in the ntrex-dev sample (default 4)")
    ap.add_argument("--no-ntrex", action="store_true", help="leave the ntrex-dev sample out (a row says so)")
    ap.add_argument("--ntrex", type=Path, help="ntrex-dev TSV (default: $TARJAMA_NTREX or ../shared/data)")
    ap.add_argument("--ntrex-hyp", type=Path, help="score this translation of the sample, do not translate")
    ap.add_argument("--baseline", type=Path, default=BASELINE)
    ap.add_argument("--out", type=Path, default=ROOT / "artifacts" / "ci")
    args = ap.parse_args()
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        baseline = gate.load_baseline(args.baseline)
        glossary = Glossary.load(GLOSSARY)
        box: list = []
        made: dict[str, list[TranslatedDocument]] = {"seed": [], "ntrex-sample": []}
        reports = {"seed": seed_report(args, glossary, box, made["seed"])}
        skipped = {"ntrex-sample": "left out (--no-ntrex)"} if args.no_ntrex else {}
        if not args.no_ntrex and (sample := ntrex_report(args, glossary, box, made["ntrex-sample"])):
            reports["ntrex-sample"] = sample
    except TarjamaError as exc:
        print(f"ci_report: error: {exc}", file=sys.stderr)
        return 2
    checks: list[gate.GateCheck] = []
    for name, report in reports.items():
        print(f"\n# {name}\n")
        print(render(report, "markdown"))
        write_reports(report, args.out / name)
        checks += gate.check(name, report, baseline)
        if made[name]:  # translated in this run (not a given --seed-hyp / --ntrex-hyp)
            checks.append(gate.flagged_check(name, *missed_terms(made[name])))
    checks += gate.unscored(baseline, reports, skipped)
    print(gate.render_checks(checks, str(args.baseline), baseline))
    failed = gate.failures(checks)
    if failed:
        reasons = "; ".join(f"{c.dataset} {c.measure}" for c in failed)
        print(f"regression gate FAILED: {len(failed)} of {len(checks)} checks ({reasons})", file=sys.stderr)
        return 1
    ran = sum(1 for c in checks if c.passed)
    print(f"regression gate passed: {ran} checks; reports in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
