#!/usr/bin/env python3
"""Adaptive translation in a simulated newsroom on ntrex-dev: does translating with the memory's
approved sentences as examples beat translating without them? (issue 27's measurements)

    flock /tmp/tarjama-heavy.lock .venv/bin/python scripts/bench_adaptive.py --out out/bench-adaptive
    .venv/bin/python scripts/bench_adaptive.py --out out/bench-adaptive --summarise   # figures only
    .venv/bin/python scripts/bench_adaptive.py --retrieval                            # no model: retrieval

**Scenario 1, within documents**: for each ntrex-dev document, the sentences of its first half
are approved in a translation memory with their human references (as an editor would have
approved them); its second half is then translated twice by the same ``Translator`` (same
engine, same glossary, checks off in both): with adaptation off (``adapt=False``) and on (the
default), scored against the references. Then the same with other similarity thresholds: each
threshold's pass takes from the cache every segment whose examples did not change (the memory
keys on the examples), so it costs only the segments whose examples changed, and its output is
exactly what a re-run with the memory would give.

**Scenario 2, across documents**: documents that share named entities with other documents of
ntrex-dev (at least ``--shared`` names in common, by the reference names below; picked without
looking at any translation). Every sentence of the *other* documents on the topic is approved;
every sentence of the document itself is translated with adaptation off and on.

What is reported, each pass against the references (ntrex-dev has one sentence per line; a line
tarjama splits in two is scored as the two halves joined): chrF++ and BLEU with a paired
bootstrap (``tarjama.scoring.bootstrap``: 1,000 resamples, seed 12345) of on − off and its 95 %
interval; the **share of reference names reproduced exactly** (a name: a run of capitalised
words in the reference, leading function words dropped, e.g. "Ri Yong Ho", "Senate Judiciary
Committee"; reproduced when the hypothesis contains it verbatim), with a paired bootstrap of the
difference on the same resamples; the **cost**: wall seconds of the off and on passes run back
to back in this process (only when both ran fresh, not resumed), and the mean prompt tokens of
a first attempt; how many segments got examples. **Isolated**: the same figures with every line
that got no examples given the off pass's English. Such a line's request is the off pass's, yet
its English can differ, because the embedded engine decodes side by side and its wording varies
with the batch; ``unadapted_changed`` counts those lines, and the isolated figures leave that
noise out and measure the examples alone. The off pass also gives the **confidence
calibration** of the review page (``tarjama.review.confidence``): the thirds of the sentences'
mean token log-probability and how sentence chrF++ differs between them, and the same for the
levels the shipped thresholds give (``shipped``). ``--skip on`` runs the off pass alone (its
calibration; no adapted pass, no thresholds).

Every pass's sentences go to ``OUT/<pass>.jsonl`` as they finish and every machine translation to
``OUT/cache-off.sqlite`` or ``OUT/cache-on.sqlite``: an interrupted run goes on where it stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tarjama.dev.datasets import ntrex  # noqa: E402
from tarjama.document.model import parse_text  # noqa: E402
from tarjama.document.requests import build_requests  # noqa: E402
from tarjama.glossary import Glossary  # noqa: E402
from tarjama.memory.matches import EXAMPLE_THRESHOLD, MatchIndex  # noqa: E402
from tarjama.memory.store import Approval, TranslationMemory  # noqa: E402
from tarjama.translate.run import Job, Translator  # noqa: E402
from tarjama.types import ADAPTED, Confidence  # noqa: E402

THRESHOLDS = (0.0, EXAMPLE_THRESHOLD, 40.0)
# Words that start a capitalised run without being part of a name.
FUNCTION = {
    "The", "A", "An", "In", "On", "At", "But", "And", "Or", "He", "She", "It", "They", "We", "I", "You",
    "This", "That", "These", "Those", "There", "If", "As", "For", "When", "After", "Before", "Its", "His",
    "Her", "Their", "Our", "My", "What", "So", "While", "Some", "Many", "Last", "One", "Two", "No", "Yes",
    "Did", "Do", "Does", "It's", "I've", "I'm", "Remember", "During", "Hundreds", "Thousands", "According",
    "However", "Now", "Then", "Also", "Both", "Each", "Every", "All", "Not", "Why", "How", "Who", "Where",
}
_CAPITAL_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+|the\s+|de\s+|al-)?[A-Z][\w'’.-]*)*")


def reference_names(reference: str) -> list[str]:
    """The names a reference sentence holds (module docstring), each once, in order."""
    found: list[str] = []
    for m in _CAPITAL_RUN.finditer(reference):
        words = m.group(0).split()
        while words and words[0] in FUNCTION:
            words = words[1:]
        name = " ".join(words).rstrip(".'’")
        if name.endswith("'s") or name.endswith("’s"):
            name = name[:-2]
        if len(name) >= 2 and name not in found:
            found.append(name)
    return found


@dataclass
class Line:
    """One ntrex-dev line to translate: where it is, its Arabic, its reference."""

    doc: str
    index: int
    ar: str
    en: str


def approve_lines(
    memory: TranslationMemory, lines: Sequence[Line], glossary: Glossary | None
) -> tuple[int, int]:
    """Approve each line's reference as its translation (one-segment lines only); (approved, skipped)."""
    memory.scope(None, glossary.digest() if glossary else None)
    approved = skipped = 0
    for k, line in enumerate(lines):
        prepared = build_requests(parse_text(line.ar + "\n"), glossary)
        if len(prepared) != 1:
            skipped += 1  # tarjama splits this line in two: its reference cannot be split with it
            continue
        request = prepared[0].request
        when = 1_700_000_000.0 + k  # fixed times: the same memory on every run
        approval = Approval(request.key(), request.source, line.en, "newsroom", when, via="bench")
        memory.approve(request, approval)
        approved += 1
    return approved, skipped


def jobs_for(translator: Translator, lines: Sequence[Line]) -> list[Job]:
    """One job per line (a one-paragraph document), tagged with the line."""
    jobs = []
    for line in lines:
        document = parse_text(line.ar + "\n")
        jobs.append(Job(translator.prepare(document), document, tag=line))
    return jobs


def run_pass(
    translator: Translator, lines: Sequence[Line], memory: TranslationMemory, cache: TranslationMemory,
    out: Path,
) -> dict:
    """Translate ``lines`` (resuming ``out``), one record per line; returns the pass's timing."""
    done = {}
    if out.exists():
        for text in out.read_text(encoding="utf-8").splitlines():
            record = json.loads(text)
            done[(record["doc"], record["index"])] = record
    todo = [line for line in lines if (line.doc, line.index) not in done]
    started = time.perf_counter()
    translated = 0
    cache.scope(translator.identity.to_dict(), translator.glossary_digest)
    with out.open("a", encoding="utf-8") as fh:
        for result in translator.run(jobs_for(translator, todo), memory=memory, store=cache):
            line: Line = result.job.tag
            translated += result.translated
            record = {
                "doc": line.doc, "index": line.index, "ar": line.ar, "ref": line.en,
                "hyp": " ".join(r.text for r in result.results),
                "adapted": any(n.kind == ADAPTED for r in result.results for n in r.notes),
                "examples": [[e.ref[:12], e.score] for p in result.job.prepared for e in p.request.examples],
                "confidence": [r.confidence.mean for r in result.results if r.confidence is not None],
                "match": max((r.match.percent for r in result.results if r.match), default=None),
                "origin": [r.origin for r in result.results],
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.flush()
            done[(line.doc, line.index)] = record
    seconds = time.perf_counter() - started
    records = [done[(line.doc, line.index)] for line in lines]
    return {"records": records, "seconds": seconds, "fresh": not todo or len(todo) == len(lines),
            "translated": translated, "resumed": len(lines) - len(todo), "load": os.getloadavg()[0]}


def prompt_tokens(translator: Translator, memory: TranslationMemory, lines: Sequence[Line]) -> float | None:
    """Mean prompt tokens of a first attempt for ``lines`` under ``translator`` (the embedded engine)."""
    engine = translator.engine
    if engine is None or not hasattr(engine, "prompt") or not hasattr(engine, "llm"):
        return None
    index = MatchIndex.of(memory.standing_approvals()) if translator.adapts else None
    counts = []
    from dataclasses import replace

    for line in lines:
        for p in translator.prepare(parse_text(line.ar + "\n")):
            request = p.request
            if index is not None and not memory.approved_many([request.key()]):
                request = replace(request, examples=index.examples(
                    request.source, limit=translator.examples, threshold=translator.example_threshold))
            text = engine.prompt(request, strict=False)
            counts.append(len(engine.llm.tokenize(text.encode("utf-8"), add_bos=True, special=True)))
    return sum(counts) / len(counts) if counts else None


# --- scoring --------------------------------------------------------------------------------


def names_share(hyps: Sequence[str], refs: Sequence[str]) -> tuple[int, int, list[tuple[int, int]]]:
    """(names reproduced, names, per-line (reproduced, names))."""
    per = []
    for hyp, ref in zip(hyps, refs, strict=True):
        names = reference_names(ref)
        per.append((sum(1 for n in names if n in hyp), len(names)))
    return sum(h for h, _ in per), sum(n for _, n in per), per


def compare(off: list[dict], on: list[dict]) -> dict:
    """``scores`` of on against off, and ``isolated``: the same with every line that got no
    examples taken from the off pass (the module docstring), with how many such lines differ."""
    out = scores(off, on)
    isolated = [o if o["examples"] else f for f, o in zip(off, on, strict=True)]
    pairs = zip(off, on, strict=True)
    out["unadapted_changed"] = sum(1 for f, o in pairs if not o["examples"] and f["hyp"] != o["hyp"])
    out["isolated"] = scores(off, isolated)
    return out


def scores(off: list[dict], on: list[dict]) -> dict:
    """chrF++, BLEU (paired bootstrap of on − off), names reproduced (same resamples)."""
    import numpy as np

    from tarjama.scoring.bootstrap import (
        DEFAULT_SAMPLES,
        DEFAULT_SEED,
        interval,
        paired_bootstrap,
        resample_indices,
    )

    refs = [r["ref"] for r in off]
    assert refs == [r["ref"] for r in on]
    hyp_off, hyp_on = [r["hyp"] for r in off], [r["hyp"] for r in on]
    results = {r.name: r for r in paired_bootstrap(hyp_on, hyp_off, [refs])}
    out: dict = {"sentences": len(refs), "adapted": sum(r["adapted"] for r in on)}
    for name in ("chrF2++", "chrF++", "BLEU"):
        if name in results:
            r = results[name]
            out[name] = {"off": r.baseline, "on": r.system, "delta": r.delta, "low": r.delta_ci.low,
                         "high": r.delta_ci.high, "p": r.p_value, "signature": r.signature}
    if not any(k.startswith("chrF") for k in out):
        out["metrics"] = sorted(results)
    got_off, total, per_off = names_share(hyp_off, refs)
    got_on, _, per_on = names_share(hyp_on, refs)
    idx = resample_indices(len(refs), DEFAULT_SAMPLES, DEFAULT_SEED)
    a, b = np.array(per_off, dtype=float), np.array(per_on, dtype=float)
    share_off = a[idx][:, :, 0].sum(1) / np.maximum(1, a[idx][:, :, 1].sum(1))
    share_on = b[idx][:, :, 0].sum(1) / np.maximum(1, b[idx][:, :, 1].sum(1))
    ci = interval(100 * (share_on - share_off))
    out["names"] = {"total": total, "off": got_off, "on": got_on,
                    "off_share": 100 * got_off / max(1, total), "on_share": 100 * got_on / max(1, total),
                    "delta": 100 * (got_on - got_off) / max(1, total), "low": ci.low, "high": ci.high}
    return out


def calibration(records: list[dict]) -> dict:
    """Confidence levels from the off pass: terciles of the mean token log-probability, and how
    sentence chrF++ differs between the three levels; ``shipped``: the same for the levels of
    ``tarjama.review.confidence`` (its thresholds, as the review page shows them). A line tarjama
    splits in two counts by its less confident half."""
    import numpy as np
    from sacrebleu.metrics import CHRF

    from tarjama.review import confidence as shipped

    chrf = CHRF(word_order=2)
    rows = [(min(r["confidence"]), chrf.sentence_score(r["hyp"], [r["ref"]]).score)
            for r in records if r["confidence"]]
    conf = np.array([c for c, _ in rows])
    score = np.array([s for _, s in rows])
    low, high = (float(np.quantile(conf, q)) for q in (1 / 3, 2 / 3))
    levels = {"low": conf < low, "medium": (conf >= low) & (conf < high), "high": conf >= high}
    names = np.array([shipped.level(Confidence(c, c)) for c in conf])

    def split(masks: dict) -> dict:
        return {name: {"n": int(mask.sum()),
                       "mean_chrf": float(score[mask].mean()) if mask.any() else None,
                       "below_40": float((score[mask] < 40).mean()) if mask.any() else None}
                for name, mask in masks.items()}

    return {
        "sentences": len(rows), "low_below": round(low, 3), "high_from": round(high, 3),
        "levels": split(levels),
        "shipped": {"low_below": shipped.LOW_BELOW, "high_from": shipped.HIGH_FROM,
                    "levels": split({name: names == name for name in ("low", "medium", "high")})},
        # Every sentence's (confidence, sentence chrF++), least confident first: the measurement itself.
        "figures": sorted((round(float(c), 4), round(float(s), 2)) for c, s in zip(conf, score, strict=True)),
    }


# --- the scenarios --------------------------------------------------------------------------


def within_documents(docs: list[ntrex.NtrexDocument]) -> tuple[list[Line], list[Line]]:
    approved, translated = [], []
    for d in docs:
        half = len(d.ar) // 2
        for i, (ar, en) in enumerate(zip(d.ar, d.en, strict=True)):
            (approved if i < half else translated).append(Line(d.doc_id, i, ar, en))
    return approved, translated


def topic_pairs(docs: list[ntrex.NtrexDocument], shared: int) -> list[tuple[ntrex.NtrexDocument, list]]:
    """Each document with the other documents sharing at least ``shared`` reference names with it."""
    names = [set().union(*(reference_names(e) for e in d.en)) for d in docs]
    out = []
    for i, d in enumerate(docs):
        others = [docs[j] for j in range(len(docs)) if j != i and len(names[i] & names[j]) >= shared]
        if others:
            out.append((d, others))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("out/bench-adaptive"))
    ap.add_argument("--docs", type=int, help="only this many documents (a fixed, evenly spaced sample)")
    ap.add_argument("--engine", default="gguf")
    ap.add_argument("--model")
    ap.add_argument("--glossary", type=Path, default=ROOT / "references" / "glossary.tsv")
    ap.add_argument("--shared", type=int, default=5, help="scenario 2: names a topic pair shares (default 5)")
    ap.add_argument("--summarise", action="store_true", help="only the figures of what OUT holds")
    ap.add_argument("--retrieval", action="store_true", help="only the retrieval figures (no model)")
    ap.add_argument("--topics", type=int, help="scenario 2: only this many of its documents, the shortest")
    ap.add_argument("--skip", action="append", default=[], choices=("thresholds", "cross", "on"),
                    help="leave a part out ('on': the adapted within pass, and with it the thresholds)")
    args = ap.parse_args()
    path = ntrex.default_path()
    if path is None:
        raise SystemExit("ntrex-dev not found (set TARJAMA_NTREX)")
    docs = ntrex.read_ntrex(path)
    if args.docs:
        docs = ntrex.fixed_sample(docs, args.docs)
    if args.retrieval:
        return retrieval_figures(docs)
    args.out.mkdir(parents=True, exist_ok=True)
    glossary = Glossary.load(args.glossary) if args.glossary else None
    approved, translated = within_documents(docs)
    report: dict = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "docs": len(docs),
                    "engine": args.engine, "glossary": str(args.glossary), "cores": os.cpu_count()}

    memory1 = TranslationMemory(args.out / "approvals-within.sqlite")
    if not memory1.standing_approvals():
        report["approved"], report["approval_skipped"] = approve_lines(memory1, approved, glossary)
    # The off pass and the on passes keep separate caches, so that each of the two main passes
    # translates every segment (its seconds are its whole cost); a threshold's pass reuses the on
    # pass's rows whose examples are the same.
    caches = {"off": TranslationMemory(args.out / "cache-off.sqlite"),
              "on": TranslationMemory(args.out / "cache-on.sqlite")}
    from tarjama.engines import load_engine

    engine = None if args.summarise else load_engine(args.engine, args.model)
    passes_path = args.out / "passes.json"
    passes: dict = json.loads(passes_path.read_text()) if passes_path.exists() else {}

    def translator(adapt: bool, threshold: float = EXAMPLE_THRESHOLD) -> Translator:
        return Translator(engine, glossary, checks=None, adapt=adapt, example_threshold=threshold)

    def do(name: str, t: Translator | None, lines: list[Line], memory: TranslationMemory) -> list[dict]:
        out = args.out / f"{name}.jsonl"
        if t is None:
            if not out.exists():
                raise SystemExit(f"{out}: this pass has not run yet; run without --summarise")
            # in the order of the lines, as a live pass returns them (the file is in finishing order)
            records = map(json.loads, out.read_text(encoding="utf-8").splitlines())
            rows = {(r["doc"], r["index"]): r for r in records}
            return [rows[(line.doc, line.index)] for line in lines]
        result = run_pass(t, lines, memory, caches["on" if t.adapts else "off"], out)
        if result["fresh"] and result["resumed"] == 0:
            passes[name] = {k: v for k, v in result.items() if k != "records"}
            passes[name]["prompt_tokens"] = prompt_tokens(t, memory, lines)
            passes_path.write_text(json.dumps(passes, indent=2))
        print(f"{name}: {len(lines)} lines, {result['translated']} translated, {result['seconds']:.0f} s, "
              f"load {result['load']:.1f}", file=sys.stderr, flush=True)
        return result["records"]

    live = engine is not None
    off = do("within-off", translator(False) if live else None, translated, memory1)
    on = None
    if "on" not in args.skip:
        on = do("within-on", translator(True) if live else None, translated, memory1)
    report["within"] = compare(off, on) if on is not None else {"sentences": len(off)}
    report["within"]["passes"] = {k: passes.get(k) for k in ("within-off", "within-on") if k in passes}
    report["calibration"] = calibration(off)
    if "cross" not in args.skip:
        pairs = topic_pairs(docs, args.shared)
        if args.topics:
            pairs = sorted(pairs, key=lambda pair: (len(pair[0].ar), pair[0].doc_id))[: args.topics]
        report["cross"] = {"pairs": [[d.doc_id, [o.doc_id for o in others]] for d, others in pairs]}
        all_off, all_on = [], []
        for d, others in pairs:
            lines = [Line(d.doc_id, i, ar, en) for i, (ar, en) in enumerate(zip(d.ar, d.en, strict=True))]
            memory2 = TranslationMemory(args.out / f"approvals-cross-{d.doc_id}.sqlite")
            if not memory2.standing_approvals():
                approve_lines(memory2, [Line(o.doc_id, i, ar, en) for o in others
                                        for i, (ar, en) in enumerate(zip(o.ar, o.en, strict=True))], glossary)
            all_off += do(f"cross-off-{d.doc_id}", translator(False) if live else None, lines, memory2)
            all_on += do(f"cross-on-{d.doc_id}", translator(True) if live else None, lines, memory2)
            memory2.close()
        if all_off:
            report["cross"].update(compare(all_off, all_on))
    if "thresholds" not in args.skip and on is not None:
        report["thresholds"] = {}
        for t in THRESHOLDS:
            if t == EXAMPLE_THRESHOLD:
                rows = on
            else:
                rows = do(f"within-on-t{t:g}", translator(True, t) if live else None, translated, memory1)
            report["thresholds"][f"{t:g}"] = compare(off, rows)
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    (args.out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if engine is not None:
        engine.close()
    return 0


def retrieval_figures(docs: list[ntrex.NtrexDocument]) -> int:
    """How well each similarity finds the approvals that hold a segment's names (no model)."""
    from rapidfuzz import fuzz

    from tarjama.memory.matches import cosine, trigrams, view

    approved, translated = within_documents(docs)
    views = [view(line.ar) for line in approved]
    grams = [trigrams(v) for v in views]
    measures = {
        "char 3-gram cosine": lambda q: [cosine(trigrams(view(q)), g) for g in grams],
        "edit distance (fuzz.ratio)": lambda q: [fuzz.ratio(view(q), v) for v in views],
        "word sets (fuzz.token_set_ratio)": lambda q: [fuzz.token_set_ratio(view(q), v) for v in views],
    }
    total = sum(len(reference_names(line.en)) for line in translated)
    for name, measure in measures.items():
        same = held = 0
        for line in translated:
            scores = measure(line.ar)
            top = sorted(range(len(approved)), key=lambda i: (-scores[i], i))[:3]
            same += sum(approved[i].doc == line.doc for i in top)
            text = " ".join(approved[i].en for i in top)
            held += sum(1 for n in reference_names(line.en) if n in text)
        print(f"{name}: {100 * same / (3 * len(translated)):.0f} % of the 3 nearest from the same document; "
              f"{100 * held / total:.0f} % of the {total} reference names in their English")
    oracle = sum(1 for line in translated for n in reference_names(line.en)
                 if n in " ".join(a.en for a in approved if a.doc == line.doc))
    print(f"any first-half sentence of the same document: {100 * oracle / total:.0f} % of the names")
    # The look-up's cost in a larger memory: every ntrex-dev pair 16 times over (a suffix makes
    # each copy another source), against the engine's ~1–2 s per sentence.
    pairs = [(ar, en) for d in docs for ar, en in zip(d.ar, d.en, strict=True)]
    rows = [Approval(str(k), f"{ar} {k}", en, "x", float(k)) for k in range(16) for ar, en in pairs]
    started = time.perf_counter()
    index = MatchIndex.of(rows)
    built = time.perf_counter() - started
    queries = [ar for ar, _ in pairs[:100]]
    started = time.perf_counter()
    for q in queries:
        index.examples(q)
    examples = (time.perf_counter() - started) / len(queries)
    started = time.perf_counter()
    for q in queries:
        index.best(q)
    best = (time.perf_counter() - started) / len(queries)
    print(f"{len(index)} approvals: index built in {built:.2f} s; examples {1000 * examples:.1f} ms and best "
          f"match {1000 * best:.1f} ms per segment (load {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
