#!/usr/bin/env python3
"""Fidelity checks with the embedded model, checks off vs on, in one run (issue 12's measurements).

    python scripts/bench_fidelity.py --all --seed --out out/bench-fidelity     # all 659 + the seed
    python scripts/bench_fidelity.py --docs 10 --seed                          # the 146-sentence sample
    python scripts/bench_fidelity.py --length-band                             # the length check's band
    python scripts/bench_fidelity.py --summarise out/bench-fidelity            # figures of a (partial) run
    python scripts/bench_fidelity.py --references                              # checks on human translations

The seed goes first, then the documents; every document's sentences and timings are appended
to ``OUT/sentences.jsonl`` as it finishes, so an interrupted run can still be summarised.

How "off" and "on" are measured in one run: for every engine call of the pipeline (the
sentences of one document, ``translate_requests`` with glossary enforcement), the run times
the call as ``--no-checks`` makes it and keeps its output (**off**), then runs the checks
stage on it (``pipeline.check_and_repair``: checks, one more engine call for the sentences
with errors, the choice between first translation and repair) and keeps that output (**on**).
So off and on see the same first translations, the same machine and the same moment's load:
seconds per sentence with checks on, as a ratio to off, is (call + checks stage) / call.

What is computed (ntrex-dev: one sentence per paragraph, so per sentence):

* **Number errors against the reference**: a sentence whose normalised number set (hard
  items of ``tarjama.text.numbers``: numbers, decades, months) differs from the reference's, by
  ``numbers.compare`` (an item of one side with no compatible item on the other). Counted
  for off and for on.
* **Precision and recall of the number check and of the country check**, on the off output:
  the check "fires" on a sentence when it reports an error (source vs translation); the truth
  is the reference-based difference above (for countries: a country/nationality of the
  translation whose countries the reference's mentions do not share, or the reverse, by
  ``checks.countries.english_mentions``). Precision = fired and true / fired; recall = fired
  and true / true.
* **Kendall's tau-b** between the confidence score (mean token log-probability) and sentence
  chrF++ against the reference (sacrebleu's sentence chrF++), off output; the lowest token
  log-probability is reported beside it.
* **chrF++** of off and on over the sample with a paired bootstrap (1,000 resamples, seed
  12345; ``tarjama.scoring.bootstrap``): Δ = on − off and its 95% interval.
* The **seed**: its sentences whose off output has a number or country finding, shown off → on.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tarjama.translate.pipeline import check_and_repair, translate_requests  # noqa: E402

from tarjama.checks import Checker, errors  # noqa: E402
from tarjama.checks.countries import english_mentions  # noqa: E402
from tarjama.dev.datasets import ntrex, seed  # noqa: E402
from tarjama.document.model import parse_text  # noqa: E402
from tarjama.document.requests import build_requests  # noqa: E402
from tarjama.text.numbers import compare, english_quantities  # noqa: E402


def kendall_tau_b(x: list[float], y: list[float]) -> float:
    """Kendall's tau-b (ties handled), O(n²): fine for a few thousand points."""
    import numpy as np

    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    dx = np.sign(a[:, None] - a[None, :])
    dy = np.sign(b[:, None] - b[None, :])
    iu = np.triu_indices(len(a), 1)
    sx, sy = dx[iu], dy[iu]
    concordant_minus_discordant = float((sx * sy).sum())
    n0 = len(sx)
    tx, ty = float((sx == 0).sum()), float((sy == 0).sum())
    denominator = ((n0 - tx) * (n0 - ty)) ** 0.5
    return concordant_minus_discordant / denominator if denominator else float("nan")


def number_error(reference: str, hypothesis: str) -> bool:
    missing, extra = compare(english_quantities(reference), english_quantities(hypothesis))
    return bool(missing or extra)


def country_error(reference: str, hypothesis: str) -> bool:
    ref, hyp = english_mentions(reference), english_mentions(hypothesis)
    ref_codes = set().union(*(m.codes for m in ref)) if ref else set()
    hyp_codes = set().union(*(m.codes for m in hyp)) if hyp else set()
    return any(not (m.codes & ref_codes) for m in hyp) or any(not (m.codes & hyp_codes) for m in ref)


def on_references() -> None:
    """The checks on ntrex-dev's human references: how often each reports an error (false alarms,
    unless the reference itself is unfaithful), and their cost per sentence."""
    path = ntrex.default_path()
    if path is None:
        raise SystemExit("ntrex-dev not found (set TARJAMA_NTREX)")
    pairs = [(ar, en) for d in ntrex.read_ntrex(path) for ar, en in zip(d.ar, d.en, strict=True)]
    checker = Checker()
    checker.run("نص", "text")  # build the lexicons first
    fired: dict[str, int] = {name: 0 for name in checker.names}
    any_error = 0
    start = time.perf_counter()
    for ar, en in pairs:
        names = {f.finding.check for f in errors(checker.run(ar, en))}
        any_error += bool(names)
        for name in names:
            fired[name] += 1
    ms = (time.perf_counter() - start) / len(pairs) * 1000
    print(f"{len(pairs)} reference sentences; with an error finding: {any_error}; per check: {fired}; "
          f"{ms:.1f} ms per sentence (load {os.getloadavg()[0]:.1f})")


def length_band() -> None:
    import numpy as np

    from tarjama.checks.length import MIN_SOURCE_WORDS, size

    path = ntrex.default_path()
    if path is None:
        raise SystemExit("ntrex-dev not found (set TARJAMA_NTREX)")
    ratios = [
        size(en) / max(1, size(ar))
        for d in ntrex.read_ntrex(path)
        for ar, en in zip(d.ar, d.en, strict=True)
        if len(ar.split()) >= MIN_SOURCE_WORDS
    ]
    pct = np.percentile(ratios, [0.5, 1, 50, 99, 99.5])
    print(
        f"{len(ratios)} sentences; letters+digits ratio percentiles 0.5/1/50/99/99.5: "
        + " / ".join(f"{p:.3f}" for p in pct)
    )


def run_document(translator, checker, text: str, references: list[str] | None, glossary, doc_id: str):
    """Translate one document off and on (module docstring); one record per sentence."""
    document = parse_text(text)
    prepared = build_requests(document, glossary)
    requests = [p.request for p in prepared]
    expected = [p.expected for p in prepared]
    t0 = time.perf_counter()
    results, outcomes = translate_requests(translator, requests, expected, glossary)
    t1 = time.perf_counter()
    off = [copy.deepcopy(r) for r in results]
    off_findings = [
        checker.findings(r.source, res.text, r.hints) for r, res in zip(requests, off, strict=True)
    ]
    check_and_repair(translator, requests, results, outcomes, expected, checker)
    t2 = time.perf_counter()
    rows = []
    for k, (p, a, b) in enumerate(zip(prepared, off, results, strict=True)):
        rows.append(
            {
                "doc": doc_id,
                "paragraph": p.paragraph.index,
                "index": k,
                "source": p.request.source,
                "reference": references[p.paragraph.index] if references is not None else None,
                "off": a.text,
                "on": b.text,
                "off_confidence": a.confidence.to_dict() if a.confidence else None,
                "on_confidence": b.confidence.to_dict() if b.confidence else None,
                "off_findings": [f.to_dict() for f in off_findings[k]],
                "on_findings": [f.to_dict() for f in b.findings or []],
                "repaired": any(n.startswith("repaired after checks") for n in b.notes),
                "repair_tried": any("after checks" in n for n in b.notes),
            }
        )
    return rows, t1 - t0, t2 - t0


def summarise(rows: list[dict], off_seconds: float, on_seconds: float) -> dict:
    from sacrebleu.metrics import CHRF

    from tarjama.scoring.bootstrap import paired_bootstrap

    chrf = CHRF(word_order=2)
    n = len(rows)
    out: dict = {
        "sentences": n,
        "off_seconds": off_seconds,
        "on_seconds": on_seconds,
        "cost_ratio": on_seconds / off_seconds if off_seconds else None,
    }
    out["repair_tried"] = sum(r["repair_tried"] for r in rows)
    out["repaired"] = sum(r["repaired"] for r in rows)
    out["needs_review_on"] = sum(any(f["severity"] == "error" for f in r["on_findings"]) for r in rows)
    out["number_errors_off"] = sum(number_error(r["reference"], r["off"]) for r in rows)
    out["number_errors_on"] = sum(number_error(r["reference"], r["on"]) for r in rows)
    for name, truth_of in (("numbers", number_error), ("countries", country_error)):
        fired = [
            any(f["check"] == name and f["severity"] == "error" for f in r["off_findings"]) for r in rows
        ]
        truth = [truth_of(r["reference"], r["off"]) for r in rows]
        tp = sum(f and t for f, t in zip(fired, truth, strict=True))
        out[f"{name}_check"] = {
            "fired": sum(fired),
            "true": sum(truth),
            "true_positives": tp,
            "precision": tp / sum(fired) if sum(fired) else None,
            "recall": tp / sum(truth) if sum(truth) else None,
        }
    scored = [r for r in rows if r["off_confidence"]]
    sentence_chrf = [chrf.sentence_score(r["off"], [r["reference"]]).score for r in scored]
    out["kendall_tau_mean"] = kendall_tau_b([r["off_confidence"]["mean"] for r in scored], sentence_chrf)
    out["kendall_tau_min"] = kendall_tau_b([r["off_confidence"]["min"] for r in scored], sentence_chrf)
    out["confidence_scored"] = len(scored)
    refs = [[r["reference"] for r in rows]]
    (result,) = [
        x
        for x in paired_bootstrap([r["on"] for r in rows], [r["off"] for r in rows], refs)
        if x.name == "chrF2++"
    ]
    out["chrf_off"], out["chrf_on"] = result.baseline, result.system
    out["chrf_delta"], out["chrf_delta_ci"] = result.delta, [result.delta_ci.low, result.delta_ci.high]
    out["chrf_p"] = result.p_value
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10, help="ntrex-dev documents (fixed sample; default 10)")
    parser.add_argument("--all", action="store_true", help="all ntrex-dev documents (659 sentences)")
    parser.add_argument("--seed", action="store_true", help="also the seed article")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "out" / "bench-fidelity", help="folder for results"
    )
    parser.add_argument("--length-band", action="store_true", help="print the length check's band and exit")
    parser.add_argument("--references", action="store_true", help="run the checks on the references and exit")
    parser.add_argument(
        "--summarise", type=Path, metavar="OUT", help="summarise OUT/sentences.jsonl and exit"
    )
    args = parser.parse_args()
    if args.length_band:
        length_band()
        return 0
    if args.summarise:
        return report(args.summarise, None)
    if args.references:
        on_references()
        return 0
    from tarjama.engines import load_engine
    from tarjama.glossary import Glossary

    path = ntrex.default_path()
    if path is None:
        raise SystemExit("ntrex-dev not found (set TARJAMA_NTREX)")
    docs = ntrex.read_ntrex(path)
    docs = docs if args.all else ntrex.fixed_sample(docs, args.docs)
    glossary = Glossary.load(ROOT / "references" / "glossary.tsv")
    checker = Checker()
    args.out.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    load_start = os.getloadavg()
    engine = load_engine("gguf")
    meta = {
        "started": started,
        "load_average_start": load_start,
        "documents": len(docs),
        "command": "python scripts/bench_fidelity.py " + " ".join(sys.argv[1:]),
    }
    with open(args.out / "sentences.jsonl", "w", encoding="utf-8") as log:
        log.write(json.dumps({"meta": meta}) + "\n")
        work = []
        if args.seed:
            text = seed.SOURCE.read_text(encoding="utf-8")
            refs = [p.text for p in parse_text(seed.REFERENCE.read_text(encoding="utf-8")).paragraphs]
            work.append(("seed", text, refs))
        work += [(d.doc_id, d.source_text(), list(d.en)) for d in docs]
        for i, (doc_id, text, refs) in enumerate(work):
            doc_rows, off, on = run_document(engine, checker, text, refs, glossary, doc_id)
            for r in doc_rows:
                log.write(json.dumps(r, ensure_ascii=False) + "\n")
            load = os.getloadavg()
            log.write(
                json.dumps(
                    {
                        "timing": {
                            "doc": doc_id,
                            "off": off,
                            "on": on,
                            "sentences": len(doc_rows),
                            "load": load,
                        }
                    }
                )
                + "\n"
            )
            log.flush()
            print(
                f"[{i + 1}/{len(work)}] {doc_id}: {len(doc_rows)} sentences, off {off:.1f} s, on {on:.1f} s, "
                f"load {load[0]:.1f}",
                file=sys.stderr,
                flush=True,
            )
    engine.close()
    return report(args.out, datetime.now(UTC).isoformat(timespec="seconds"))


def report(out: Path, finished: str | None) -> int:
    """Summarise OUT/sentences.jsonl (ntrex-dev rows; the seed's shown apart) into OUT/summary.json."""
    rows, seed_rows, timings, meta = [], [], [], {}
    for line in (out / "sentences.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if "meta" in rec:
            meta = rec["meta"]
        elif "timing" in rec:
            timings.append(rec["timing"])
        elif rec["doc"] == "seed":
            seed_rows.append(rec)
        else:
            rows.append(rec)
    ntrex_t = [t for t in timings if t["doc"] != "seed"]
    summary = summarise(rows, sum(t["off"] for t in ntrex_t), sum(t["on"] for t in ntrex_t)) if rows else {}
    all_off, all_on = sum(t["off"] for t in timings), sum(t["on"] for t in timings)
    summary.update(meta)
    summary.update(
        {
            "finished": finished or "(partial run)",
            "documents_done": len(ntrex_t),
            "all_off_seconds": all_off,
            "all_on_seconds": all_on,
            "all_cost_ratio": all_on / all_off if all_off else None,
            "load_averages": [t["load"][0] for t in timings],
        }
    )
    if seed_rows:
        summary["seed"] = [
            {
                "source": r["source"],
                "off": r["off"],
                "on": r["on"],
                "off_findings": [f["message"] for f in r["off_findings"]],
                "on_findings": [f["message"] for f in r["on_findings"]],
                "repaired": r["repaired"],
            }
            for r in seed_rows
            if r["off_findings"] or r["repair_tried"]
        ]
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "seed"}, indent=2))
    for s in summary.get("seed", []):
        print(
            f"\nseed: {s['source']}\n  off: {s['off']}\n       {s['off_findings']}\n  on:  {s['on']}\n"
            f"       {s['on_findings']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
