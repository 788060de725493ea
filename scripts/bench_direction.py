#!/usr/bin/env python3
"""English→Arabic with the embedded model: ntrex-dev and the seed in reverse (issue 23's measurements).

    python scripts/bench_direction.py --seed --docs 10 --out /tmp/bench-dir   # the seed + 10 documents
    python scripts/bench_direction.py --seed --all --out /tmp/bench-dir       # the seed + all 41
    python scripts/bench_direction.py --summarise /tmp/bench-dir              # figures of a (partial) run
    python scripts/bench_direction.py --references                            # checks on human Arabic
    python scripts/bench_direction.py --length-band                           # the en→ar length band

Run the model runs under ``flock /tmp/tarjama-heavy.lock``. The seed goes first, then the
documents (ntrex-dev's English, one sentence per paragraph, into Arabic); every document's
sentences are appended to ``OUT/sentences.jsonl`` as it finishes, so an interrupted run can
still be summarised.

**Off and on in one run.** For each document the English is translated as
``--no-glossary --no-checks`` makes it (**off**: the engine alone, timed), then as
``--glossary references/glossary.tsv`` with the checks makes it (**on**: term hints, glossary
enforcement, the checks and their one repair per sentence, decoded in the same pass; timed),
one after the other on the same machine; the cost ratio is on ÷ off.

What is computed:

* **chrF++ and BLEU** of off and on against the human Arabic (sacrebleu; BLEU with its
  ``intl`` tokenizer, which splits Arabic punctuation ، ؛ ؟ off words, and also 13a for
  comparison), corpus level over paragraphs, each with its signature; and chrF++ with the Arabic
  normalisation of ``tarjama.metrics`` (``--normalize ar``) on both sides.
* **Number/date check precision and recall** on the off output: the check fires when it reports
  an error (English source vs Arabic translation); the truth is a difference between the number
  sets (hard items of ``tarjama.text.numbers``) of the translation and of the human Arabic.
  Precision = fired and true / fired; recall = fired and true / true.
* **The seed in reverse**: references/esa-jaxa-partnership.en.txt into Arabic, chrF++ against
  seeds/esa-jaxa-partnership.ar.txt, and the glossary's Arabic term accuracy (Arabic-aware,
  ``tarjama.metrics.term_accuracy`` en-ar), off and on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tarjama.checks import Checker, errors  # noqa: E402
from tarjama.dev.datasets import ntrex  # noqa: E402
from tarjama.document.model import parse_text  # noqa: E402
from tarjama.document.requests import build_requests  # noqa: E402
from tarjama.glossary import Glossary  # noqa: E402
from tarjama.text.numbers import arabic_quantities, compare  # noqa: E402
from tarjama.translate.stages import Stages  # noqa: E402
from tarjama.types import EN_AR  # noqa: E402

SEED_EN = ROOT / "references" / "esa-jaxa-partnership.en.txt"
SEED_AR = ROOT / "seeds" / "esa-jaxa-partnership.ar.txt"
GLOSSARY = ROOT / "references" / "glossary.tsv"


def number_error(reference: str, hypothesis: str) -> bool:
    missing, extra = compare(arabic_quantities(reference), arabic_quantities(hypothesis))
    return bool(missing or extra)


def run_document(engine, glossary, checker, text: str, doc_id: str) -> list[dict]:
    """Translate one English document off and on (module docstring); one record per paragraph."""
    document = parse_text(text)
    off_prepared = build_requests(document, None, EN_AR)
    on_prepared = build_requests(document, glossary, EN_AR)
    off_requests = [p.request for p in off_prepared]
    started = time.perf_counter()
    off = Stages(engine, None, None).translate(off_requests, [[] for _ in off_requests])
    off_seconds = time.perf_counter() - started

    started = time.perf_counter()
    requests = [p.request for p in on_prepared]
    expected = [p.expected for p in on_prepared]
    results = Stages(engine, glossary, checker).translate(requests, expected)
    on_seconds = time.perf_counter() - started

    records = []
    for para in document.paragraphs:
        idx = [i for i, p in enumerate(on_prepared) if p.paragraph.index == para.index]
        if not idx:
            continue
        records.append(
            {
                "doc": doc_id,
                "paragraph": para.index,
                "source": para.text,
                "off": " ".join(off[i].text for i in idx),
                "on": " ".join(results[i].text for i in idx),
                "fired_off": sorted(
                    {
                        f.finding.check
                        for i in idx
                        for f in errors(
                            checker.run(requests[i].source, off[i].text, requests[i].hints, EN_AR)
                        )
                    }
                ),
                "terms_expected": sum(len(t.expected) for i in idx if (t := results[i].terms)),
                "terms_missing_on": sum(len(t.missing) for i in idx if (t := results[i].terms)),
            }
        )
    for r in records:
        r["seconds_off"] = off_seconds / len(records)
        r["seconds_on"] = on_seconds / len(records)
    return records


def translate(args: argparse.Namespace) -> None:
    from tarjama.engines import load_engine

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = out / "sentences.jsonl"
    done = set()
    if log.exists():
        lines = log.read_text(encoding="utf-8").splitlines()
        done = {json.loads(line)["doc"] for line in lines if line.strip()}
    engine = load_engine("gguf", None, direction=EN_AR, threads=args.threads)
    glossary = Glossary.load(GLOSSARY)
    checker = Checker()
    meta = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine.identity.to_dict(),
        "load": os.getloadavg()[0],
    }
    (out / "run.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    jobs: list[tuple[str, str, list[str]]] = []
    if args.seed:
        reference = [p.strip() for p in SEED_AR.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        jobs.append(("seed", SEED_EN.read_text(encoding="utf-8"), reference))
    if args.docs or args.all:
        docs = ntrex.read_ntrex(ntrex.default_path())
        docs = docs if args.all else ntrex.fixed_sample(docs, args.docs)
        jobs += [(d.doc_id, "\n\n".join(d.en) + "\n", d.ar) for d in docs]
    for doc_id, text, reference in jobs:
        if doc_id in done:
            continue
        started = time.perf_counter()
        records = run_document(engine, glossary, checker, text, doc_id)
        for r, ref in zip(records, reference, strict=True):
            r["reference"] = ref
        with log.open("a", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(
            f"{doc_id}: {len(records)} paragraphs in {time.perf_counter() - started:.1f} s "
            f"(load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    engine.close()
    summarise(out)


def scores(hyps: list[str], refs: list[str]) -> dict[str, tuple[float, str]]:
    from tarjama.metrics.bleu import BLEU
    from tarjama.metrics.chrf import ChrFPlusPlus

    out = {}
    for name, metric in (
        ("chrF++", ChrFPlusPlus("ar")),
        ("chrF++ normalised", ChrFPlusPlus("ar", normalize=True)),
        ("BLEU intl", BLEU("ar")),
    ):
        s = metric.corpus(hyps, [refs])
        out[name] = (s.score, s.signature)
    from sacrebleu.metrics import BLEU as SacreBLEU

    b = SacreBLEU(tokenize="13a")
    out["BLEU 13a"] = (b.corpus_score(hyps, [refs]).score, b.get_signature().format())
    return out


def summarise(out: Path) -> None:
    from tarjama.metrics.term_accuracy import term_accuracy

    lines = (out / "sentences.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(x) for x in lines if x]
    glossary = Glossary.load(GLOSSARY)
    for label, subset in (
        ("seed", [r for r in records if r["doc"] == "seed"]),
        ("ntrex-dev", [r for r in records if r["doc"] != "seed"]),
    ):
        if not subset:
            continue
        docs = len({r["doc"] for r in subset})
        print(f"== {label}: {docs} documents, {len(subset)} paragraphs")
        refs = [r["reference"] for r in subset]
        for side in ("off", "on"):
            hyps = [r[side] for r in subset]
            figures = scores(hyps, refs)
            print(f"  {side}: " + "; ".join(f"{k} {v[0]:.1f}" for k, v in figures.items()))
            terms = term_accuracy([r["source"] for r in subset], hyps, glossary, EN_AR)
            if terms.total:
                missed = [en for en, (c, t) in terms.per_term.items() if c < t]
                print(
                    f"    glossary Arabic term accuracy: {terms.correct}/{terms.total} = "
                    f"{terms.score:.1f} % (missing: {missed})"
                )
        for k, v in scores([r["on"] for r in subset], refs).items():
            print(f"    signature {k}: {v[1]}")
        off_s = sum(r["seconds_off"] for r in subset)
        on_s = sum(r["seconds_on"] for r in subset)
        print(f"  seconds: off {off_s:.0f}, on {on_s:.0f}; cost ratio on/off {on_s / off_s:.2f}")
        truth = [number_error(r["reference"], r["off"]) for r in subset]
        fired = ["numbers" in r["fired_off"] for r in subset]
        tp = sum(t and f for t, f in zip(truth, fired, strict=True))
        precision = tp / sum(fired) if sum(fired) else float("nan")
        recall = tp / sum(truth) if sum(truth) else float("nan")
        print(
            f"  number check on off output: fired {sum(fired)}, truth {sum(truth)}, both {tp}: "
            f"precision {precision:.2f}, recall {recall:.2f}"
        )
        print(
            f"  paragraphs whose numbers differ from the reference: off {sum(truth)}, "
            f"on {sum(number_error(r['reference'], r['on']) for r in subset)}"
        )


def on_references() -> None:
    """The checks on ntrex-dev's human Arabic (English source): false alarms per check."""
    docs = ntrex.read_ntrex(ntrex.default_path())
    pairs = [(en, ar) for d in docs for ar, en in zip(d.ar, d.en, strict=True)]
    checker = Checker()
    fired: dict[str, int] = {c.name: 0 for c in checker.for_direction(EN_AR)}
    any_error = 0
    started = time.perf_counter()
    for en, ar in pairs:
        names = {f.finding.check for f in errors(checker.run(en, ar, (), EN_AR))}
        any_error += bool(names)
        for name in names:
            fired[name] += 1
    ms = (time.perf_counter() - started) / len(pairs) * 1000
    print(
        f"{len(pairs)} reference sentences (English source, human Arabic); with an error finding: "
        f"{any_error}; per check: {fired}; {ms:.1f} ms per sentence"
    )


def length_band() -> None:
    import numpy as np

    from tarjama.checks.length import MIN_SOURCE_WORDS, size

    ratios = [
        size(ar) / max(1, size(en))
        for d in ntrex.read_ntrex(ntrex.default_path())
        for ar, en in zip(d.ar, d.en, strict=True)
        if len(en.split()) >= MIN_SOURCE_WORDS
    ]
    pct = np.percentile(ratios, [0.5, 1, 50, 99, 99.5])
    print(
        f"{len(ratios)} sentences; Arabic/English letters+digits ratio percentiles 0.5/1/50/99/99.5: "
        + " / ".join(f"{p:.3f}" for p in pct)
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", action="store_true", help="the seed in reverse (English reference into Arabic)")
    p.add_argument("--docs", type=int, default=0, help="this many ntrex-dev documents (a spread sample)")
    p.add_argument("--all", action="store_true", help="all ntrex-dev documents")
    p.add_argument("--out", default="/tmp/bench-direction", help="where sentences.jsonl goes")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--summarise", metavar="OUT", help="only print the figures of OUT")
    p.add_argument("--references", action="store_true")
    p.add_argument("--length-band", action="store_true")
    args = p.parse_args()
    if args.summarise:
        summarise(Path(args.summarise))
    elif args.references:
        on_references()
    elif args.length_band:
        length_band()
    else:
        translate(args)


if __name__ == "__main__":
    main()
