#!/usr/bin/env python3
"""Fidelity checks with the embedded model, checks off vs on, in one run (issue 12's measurements).

    python scripts/bench_fidelity.py --all --seed --out out/bench-fidelity     # all 659 + the seed
    python scripts/bench_fidelity.py --docs 10 --seed                          # the 146-sentence sample
    python scripts/bench_fidelity.py --length-band                             # the length check's band
    python scripts/bench_fidelity.py --summarise out/bench-fidelity            # figures of a (partial) run
    python scripts/bench_fidelity.py --references                              # checks on human translations
    python scripts/bench_fidelity.py --summarise out/bench-fidelity --round-trip 146   # the round-trip trial

The seed goes first, then the documents; every document's sentences and timings are appended
to ``OUT/sentences.jsonl`` as it finishes, so an interrupted run can still be summarised.

How "off" and "on" are measured in one run: the documents go in groups (``--wave`` segments,
default the engine's preferred call size); each group is translated twice, one
``Translator.translate_jobs`` over the whole group per pass, as ``tarjama batch`` fills its
engine calls: **off** with the glossary and no checks (``--no-checks``), then **on** with every
check, its repairs decoded in the engine's free slots. Both passes of a group run back to back
on the same machine at nearly the same load; the cost is on seconds ÷ off seconds. The two
passes decode their batches separately, so a sentence's first translation may differ between
them by the batch's float rounding alone.

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
import json
import os
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


from tarjama.checks import Checker, errors  # noqa: E402
from tarjama.checks.countries import english_country_spans, english_mentions  # noqa: E402
from tarjama.dev.datasets import ntrex, seed  # noqa: E402
from tarjama.document.model import parse_text  # noqa: E402
from tarjama.text.names import align_names, similarity  # noqa: E402
from tarjama.text.numbers import compare, english_quantities  # noqa: E402
from tarjama.types import TermHint  # noqa: E402


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
    print(
        f"{len(pairs)} reference sentences; with an error finding: {any_error}; per check: {fired}; "
        f"{ms:.1f} ms per sentence (load {os.getloadavg()[0]:.1f})"
    )


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


def run_group(engine, glossary, checker, group, passes: list[str]) -> tuple[list[dict], dict[str, float]]:
    """Translate a group of documents once per pass (``off``: no checks, ``on``: every check), each
    pass one ``Translator.run`` over the whole group, as ``tarjama batch`` fills its engine calls.

    Returns one record per segment and the seconds of each pass.
    """
    from tarjama.translate.run import Job, Translator
    from tarjama.types import KEPT, REPAIRED

    seconds: dict[str, float] = {}
    outputs: dict[str, list] = {}
    for name in passes:
        translator = Translator(engine, glossary, checks=checker if name == "on" else None)
        jobs = [Job(translator.prepare(parse_text(text)), tag=doc_id) for doc_id, text, _ in group]
        t0 = time.perf_counter()
        outputs[name] = translator.translate_jobs(jobs)
        seconds[name] = time.perf_counter() - t0
    rows = []
    first = outputs[passes[0]]
    for g, (doc_id, _, refs) in enumerate(group):
        prepared = first[g].job.prepared
        for k, p in enumerate(prepared):
            row = {
                "doc": doc_id,
                "paragraph": p.paragraph.index,
                "index": k,
                "source": p.request.source,
                "hints": [[h.source, h.target, h.kind, h.start, h.end] for h in p.request.hints],
                "reference": refs[p.paragraph.index] if refs is not None else None,
            }
            for name in passes:
                res = outputs[name][g].results[k]
                row[name] = res.text
                row[f"{name}_confidence"] = res.confidence.to_dict() if res.confidence else None
                row[f"{name}_findings"] = [f.to_dict() for f in res.findings]
                row[f"{name}_notes"] = [n.to_dict() for n in res.notes]
                row[f"{name}_repaired"] = any(n.kind == REPAIRED for n in res.notes)
                row[f"{name}_repair_tried"] = any(n.kind in (REPAIRED, KEPT) for n in res.notes)
            rows.append(row)
    return rows, seconds


def invented_names(row: dict, text: str) -> list[str]:
    """Names of ``text`` that neither the reference nor the source accounts for (the names label):
    not supported by the source (``align_names``) and no word of the reference within a loose
    similarity of 0.8."""
    ref_words = {w.lower() for w in re.findall(r"[A-Za-z][\w'-]*", row["reference"])}
    hints = [h[1] for h in row.get("hints", [])]
    out = []
    for m in align_names(row["source"], text, hints, english_country_spans(text)):
        if m.supported or m.token.text.lower() in ref_words:
            continue
        if any(similarity(m.token.text, w) >= 0.8 for w in ref_words):
            continue
        out.append(m.token.text)
    return out


def inconsistent_spellings(rows: list[dict], field: str) -> int:
    """Arabic names spelt more than one way within a document of ``field``'s output."""
    spellings: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        hints = [h[1] for h in r.get("hints", [])]
        text = r[field]
        for m in align_names(r["source"], text, hints, english_country_spans(text)):
            if m.how in ("skeleton", "romanizer") and m.key:
                spellings.setdefault((r["doc"], m.key), set()).add(m.token.text.lower())
    return sum(len(v) > 1 for v in spellings.values())


def _fires(finding: dict, check: str) -> bool:
    """An error of ``check`` (for names: an unaccounted name, not a Latin name missing)."""
    if finding["check"] != check or finding["severity"] != "error":
        return False
    return check != "names" or "garbled" in finding["message"]


def flagged(findings: list[dict]) -> bool:
    """An error finding or the low-confidence warning: what asks a reader to look."""
    return any(f["severity"] == "error" or f["check"] == "confidence" for f in findings)


def summarise(rows: list[dict], timings: list[dict]) -> dict:
    import numpy as np
    from sacrebleu.metrics import CHRF

    from tarjama.checks.confidence import LOW_CONFIDENCE
    from tarjama.scoring.bootstrap import paired_bootstrap

    chrf = CHRF(word_order=2)
    n = len(rows)
    both = "on" in rows[0]
    off_seconds = sum(t.get("off", 0.0) for t in timings)
    on_seconds = sum(t.get("on", 0.0) for t in timings)
    out: dict = {
        "sentences": n,
        "off_seconds": off_seconds,
        "on_seconds": on_seconds,
        "cost_ratio": on_seconds / off_seconds if off_seconds and on_seconds else None,
    }
    out["number_errors_off"] = sum(number_error(r["reference"], r["off"]) for r in rows)
    if both:
        out["repair_tried"] = sum(r["on_repair_tried"] for r in rows)
        out["repaired"] = sum(r["on_repaired"] for r in rows)
        out["rewritten"] = sum(
            any(n["text"].startswith("rewritten from the source") for n in r["on_notes"]) for r in rows
        )
        out["spelling_unified"] = sum(
            any(n["text"].startswith("name spelt as in") for n in r["on_notes"]) for r in rows
        )
        out["needs_review_on"] = sum(any(f["severity"] == "error" for f in r["on_findings"]) for r in rows)
        out["number_errors_on"] = sum(number_error(r["reference"], r["on"]) for r in rows)
        out["number_errors_change"] = (out["number_errors_on"] - out["number_errors_off"]) / max(
            1, out["number_errors_off"]
        )
    lists: dict[str, list] = {}
    names_truth = [bool(invented_names(r, r["off"])) for r in rows]
    for name, truth in (
        ("numbers", [number_error(r["reference"], r["off"]) for r in rows]),
        ("countries", [country_error(r["reference"], r["off"]) for r in rows]),
        ("names", names_truth),
    ):
        fired = [
            any(
                f["check"] == name
                and f["severity"] == "error"
                and (name != "names" or "garbled" in f["message"])
                for f in r["off_findings"]
            )
            for r in rows
        ]
        tp = sum(f and t for f, t in zip(fired, truth, strict=True))
        out[f"{name}_check"] = {
            "fired": sum(fired),
            "true": sum(truth),
            "true_positives": tp,
            "precision": tp / sum(fired) if sum(fired) else None,
            "recall": tp / sum(truth) if sum(truth) else None,
        }
        lists[f"{name}_missed"] = [
            {"source": r["source"], "off": r["off"], "reference": r["reference"]}
            for r, f, t in zip(rows, fired, truth, strict=True)
            if t and not f
        ]
        lists[f"{name}_false_alarms"] = [
            {
                "source": r["source"],
                "off": r["off"],
                "reference": r["reference"],
                "findings": [x["message"] for x in r["off_findings"] if x["check"] == name],
            }
            for r, f, t in zip(rows, fired, truth, strict=True)
            if f and not t
        ]
    out["names_invented_sentences_off"] = sum(names_truth)
    out["inconsistent_spellings_off"] = inconsistent_spellings(rows, "off")
    if both:
        out["names_invented_sentences_on"] = sum(bool(invented_names(r, r["on"])) for r in rows)
        out["inconsistent_spellings_on"] = inconsistent_spellings(rows, "on")
    # Confidence against sentence chrF++, and the low-confidence threshold.
    scored = [r for r in rows if r["off_confidence"]]
    sentence_chrf = [chrf.sentence_score(r["off"], [r["reference"]]).score for r in scored]
    means = [r["off_confidence"]["mean"] for r in scored]
    out["kendall_tau_mean"] = kendall_tau_b(means, sentence_chrf)
    out["kendall_tau_min"] = kendall_tau_b([r["off_confidence"]["min"] for r in scored], sentence_chrf)
    out["confidence_scored"] = len(scored)
    worst_cut = float(np.percentile(sentence_chrf, 10))
    worst = [c <= worst_cut for c in sentence_chrf]
    calibration = {}
    for pct in (5, 10, 15, 20, 25):
        threshold = float(np.percentile(means, pct))
        low = [m < threshold for m in means]
        calibration[f"p{pct}"] = {
            "threshold": round(threshold, 4),
            "share_flagged": sum(low) / len(low),
            "worst_10pct_caught": sum(a and b for a, b in zip(low, worst, strict=True)) / max(1, sum(worst)),
        }
    low = [m < LOW_CONFIDENCE for m in means]
    calibration["in_use"] = {
        "threshold": LOW_CONFIDENCE,
        "share_flagged": sum(low) / len(low),
        "worst_10pct_caught": sum(a and b for a, b in zip(low, worst, strict=True)) / max(1, sum(worst)),
    }
    out["low_confidence_calibration"] = calibration
    # Meaning: the share of the worst 10 % (sentence chrF++) and of the rest that is flagged.
    for field in ("off", "on") if both else ("off",):
        scores = [chrf.sentence_score(r[field], [r["reference"]]).score for r in rows]
        cut = float(np.percentile(scores, 10))
        bad = [sc <= cut for sc in scores]
        # Errors as recorded (off: as the checks find them on the unchecked output, computed after);
        # low confidence with the threshold in force now, from each output's own confidence.
        marks = [
            any(f["severity"] == "error" for f in r[f"{field}_findings"])
            or (r[f"{field}_confidence"] or {}).get("mean", 0) < LOW_CONFIDENCE
            for r in rows
        ]
        out[f"meaning_{field}"] = {
            "worst_10pct_flagged": sum(m and b for m, b in zip(marks, bad, strict=True)) / max(1, sum(bad)),
            "rest_flagged": sum(m and not b for m, b in zip(marks, bad, strict=True)) / max(1, n - sum(bad)),
        }
    out["lists"] = lists
    if not both:
        return out
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


BACK_SYSTEM = (
    "You are a professional English-to-Arabic news translator. Translate the English sentence into "
    "faithful Modern Standard Arabic. Output only the Arabic translation."
)


def round_trip(out: Path, limit: int) -> int:
    """The round-trip experiment (issue 26, item 5): translate the off English of the first ``limit``
    ntrex-dev sentences of OUT back into Arabic with the embedded model (batched, greedy, three
    example pairs reversed), score each back-translation against the source (chrF++), and see
    whether a low round-trip score finds the sentences whose English is worst (lowest sentence
    chrF++ against the reference) that no other finding flags. The cost is the back-translation
    time against a forward translation of the same sentences, in the same run."""
    import numpy as np
    from sacrebleu.metrics import CHRF

    from tarjama.checks.confidence import LOW_CONFIDENCE
    from tarjama.engines import load_engine
    from tarjama.engines.chat import STOP, assistant_start, chatml_turn
    from tarjama.engines.gguf.batching import Job
    from tarjama.engines.gguf.prompts import EXAMPLES
    from tarjama.translate.run import Job as RunJob
    from tarjama.translate.run import Translator

    rows = [json.loads(line) for line in (out / "sentences.jsonl").read_text("utf-8").splitlines()]
    rows = [r for r in rows if "doc" in r and r["doc"] != "seed"][:limit]
    checker = Checker()
    for r in rows:
        hints = [TermHint(*h) for h in r.get("hints", [])]
        r["off_findings"] = [f.to_dict() for f in checker.findings(r["source"], r["off"], hints)]
    engine = load_engine("gguf")
    prefix = chatml_turn("system", BACK_SYSTEM) + "".join(
        chatml_turn("user", ex.en) + chatml_turn("assistant", ex.ar) for ex in EXAMPLES[:3]
    )

    def flow(english: str):
        prompt = prefix + chatml_turn("user", english) + assistant_start()
        tokens = tuple(engine.llm.tokenize(prompt.encode(), add_bos=True, special=True))
        (output,) = yield [Job(tokens, max_tokens=min(512, 6 * len(english.split()) + 24), stop=STOP)]
        return output.text.strip()

    generator = engine.generator()
    t0 = time.perf_counter()
    back = generator.run([flow(r["off"]) for r in rows])
    back_seconds = time.perf_counter() - t0
    translator = Translator(engine, None, checks=None)
    t0 = time.perf_counter()
    translator.translate_jobs([RunJob(translator.prepare(parse_text(r["source"] + "\n"))) for r in rows])
    forward_seconds = time.perf_counter() - t0
    engine.close()
    chrf = CHRF(word_order=2)
    trip = [chrf.sentence_score(b, [r["source"]]).score for b, r in zip(back, rows, strict=True)]
    quality = [chrf.sentence_score(r["off"], [r["reference"]]).score for r in rows]
    worst = [q <= float(np.percentile(quality, 10)) for q in quality]
    low = [t <= float(np.percentile(trip, 10)) for t in trip]
    others = [
        flagged(r["off_findings"]) or (r["off_confidence"] or {}).get("mean", 0) < LOW_CONFIDENCE
        for r in rows
    ]
    n_worst = max(1, sum(worst))
    result = {
        "sentences": len(rows),
        "back_seconds": back_seconds,
        "forward_seconds": forward_seconds,
        "cost_ratio_back_over_forward": back_seconds / forward_seconds,
        "kendall_tau_round_trip_vs_chrf": kendall_tau_b(trip, quality),
        "worst_10pct_flagged_by_round_trip": sum(a and b for a, b in zip(low, worst, strict=True)) / n_worst,
        "worst_10pct_flagged_by_the_others": sum(a and b for a, b in zip(others, worst, strict=True))
        / n_worst,
        "worst_10pct_only_round_trip": sum(
            a and b and not c for a, b, c in zip(low, worst, others, strict=True)
        )
        / n_worst,
        "rest_flagged_by_round_trip": sum(a and not b for a, b in zip(low, worst, strict=True))
        / max(1, len(rows) - sum(worst)),
        "load_average": os.getloadavg()[0],
    }
    (out / "round_trip.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(json.dumps(result, indent=2))
    return 0


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
    parser.add_argument(
        "--round-trip",
        type=int,
        metavar="N",
        default=0,
        help="with --summarise OUT: the round-trip experiment on OUT's first N ntrex-dev sentences",
    )
    parser.add_argument("--passes", default="off,on", help="off, on, or off,on (default: both, in one run)")
    parser.add_argument(
        "--wave",
        type=int,
        default=0,
        help="segments per group of documents (default: the engine's preferred call size)",
    )
    parser.add_argument("--resume", action="store_true", help="keep OUT/sentences.jsonl and add the rest")
    parser.add_argument(
        "--recheck", action="store_true", help="find the off output's findings again with the current checks"
    )
    args = parser.parse_args()
    if args.length_band:
        length_band()
        return 0
    if args.summarise and args.round_trip:
        return round_trip(args.summarise, args.round_trip)
    if args.summarise:
        return report(args.summarise, None, recheck=args.recheck)
    if args.references:
        on_references()
        return 0
    from tarjama.engines import load_engine
    from tarjama.glossary import Glossary

    path = ntrex.default_path()
    if path is None:
        raise SystemExit("ntrex-dev not found (set TARJAMA_NTREX)")
    docs = ntrex.read_ntrex(path)
    sample = ntrex.fixed_sample(docs, args.docs)
    # With --all the fixed sample goes first, so that a run stopped early still covers it.
    docs = sample + [d for d in docs if d not in sample] if args.all else sample
    glossary = Glossary.load(ROOT / "references" / "glossary.tsv")
    checker = Checker()
    passes = [p.strip() for p in args.passes.split(",") if p.strip()]
    if not passes or any(p not in ("off", "on") for p in passes):
        raise SystemExit("--passes: off, on or off,on")
    args.out.mkdir(parents=True, exist_ok=True)
    log_path = args.out / "sentences.jsonl"
    done: set[str] = set()
    if args.resume and log_path.is_file():
        for line in log_path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if "timing" in rec:
                done |= set(rec["timing"]["docs"])
    elif log_path.exists():
        log_path.unlink()
    engine = load_engine("gguf")
    work = []
    if args.seed:
        text = seed.SOURCE.read_text(encoding="utf-8")
        refs = [p.text for p in parse_text(seed.REFERENCE.read_text(encoding="utf-8")).paragraphs]
        work.append(("seed", text, refs))
    work += [(d.doc_id, d.source_text(), list(d.en)) for d in docs]
    work = [w for w in work if w[0] not in done]
    # Whole documents in groups of at least one engine call's worth of segments (seed alone).
    wave = args.wave or engine.preferred_call_size
    groups: list[list] = []
    for w in work:
        if (
            w[0] == "seed"
            or not groups
            or groups[-1][0][0] == "seed"
            or sum(len(parse_text(t).paragraphs) for _, t, _ in groups[-1]) >= wave
        ):
            groups.append([w])
        else:
            groups[-1].append(w)
    meta = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_start": os.getloadavg(),
        "documents": len(docs),
        "passes": passes,
        "engine": engine.identity.to_dict(),
        "checks": checker.describe(),
        "command": "python scripts/bench_fidelity.py " + " ".join(sys.argv[1:]),
    }
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(json.dumps({"meta": meta}) + "\n")
        for i, group in enumerate(groups):
            rows, seconds = run_group(engine, glossary, checker, group, passes)
            for r in rows:
                log.write(json.dumps(r, ensure_ascii=False) + "\n")
            load = os.getloadavg()
            timing = {"docs": [g[0] for g in group], "sentences": len(rows), "load": load, **seconds}
            log.write(json.dumps({"timing": timing}) + "\n")
            log.flush()
            print(
                f"[{i + 1}/{len(groups)}] {', '.join(timing['docs'])}: {len(rows)} segments, "
                + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
                + f", load {load[0]:.1f}",
                file=sys.stderr,
                flush=True,
            )
    engine.close()
    return report(args.out, datetime.now(UTC).isoformat(timespec="seconds"), recheck=args.recheck)


def report(out: Path, finished: str | None, recheck: bool = False) -> int:
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
    if recheck:
        checker = Checker()
        for r in rows + seed_rows:
            hints = [TermHint(*h) for h in r.get("hints", [])]
            r["off_findings"] = [f.to_dict() for f in checker.findings(r["source"], r["off"], hints)]
    ntrex_t = [t for t in timings if "seed" not in t["docs"]]
    summary = summarise(rows, ntrex_t) if rows else {}
    summary.update(meta)
    summary.update(
        {
            "finished": finished or "(partial run)",
            "documents_done": sum(len(t["docs"]) for t in ntrex_t),
            "load_averages": [round(t["load"][0], 1) for t in timings],
        }
    )
    seed_t = [t for t in timings if "seed" in t["docs"]]
    if seed_t and "on" in seed_t[0] and "off" in seed_t[0]:
        summary["seed_seconds"] = {
            "off": seed_t[0]["off"],
            "on": seed_t[0]["on"],
            "ratio": seed_t[0]["on"] / seed_t[0]["off"],
        }
    if seed_rows and "on" in seed_rows[0]:
        summary["seed"] = [
            {
                "source": r["source"],
                "off": r["off"],
                "on": r["on"],
                "off_findings": [f["message"] for f in r["off_findings"]],
                "on_findings": [f["message"] for f in r["on_findings"]],
                "on_notes": [n["text"] for n in r["on_notes"]],
            }
            for r in seed_rows
            if r["off_findings"] or r["on_repair_tried"] or r["off"] != r["on"]
        ]
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k not in ("seed", "lists")}, indent=2))
    for s in summary.get("seed", []):
        print(
            f"\nseed: {s['source']}\n  off: {s['off']}\n       {s['off_findings']}\n  on:  {s['on']}\n"
            f"       {s['on_findings']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
