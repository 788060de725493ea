"""Inline markup through translation, measured: placeholders kept, and what markup costs the English.

Builds a Markdown test set from ntrex-dev (read in place): every sentence of a fixed sample
of whole documents gets one or two pieces of inline markup inserted with a fixed seed —
emphasis around a random word, strong emphasis around a glossary term (a random word when
the sentence has none), a link around a phrase of two to four words, inline code around a
number or Latin-script token (emphasis when there is none). The same sentences are
translated twice by one engine with the glossary, as Markdown without and with the markup,
in one process (fidelity checks off in both), the two passes alternating document by document; then:

* placeholder preservation: of the sentences sent with placeholders, the share whose
  engine output had every placeholder exactly once and nested as in the source — on the
  first attempt, and after the one retry (before any repair); then how many tags the
  repair restored around pinned English and how many it dropped or placed by default;
* chrF++ (sacrebleu) of the de-marked English (markup syntax removed, code kept) against the
  reference, beside the plain translation's, and of the de-marked English against the plain
  translation itself;
* time of the marked pass over the plain pass (same process, same engine), with the load
  average;
* every tag back: of the sentences with placeholders, the share whose final translation has
  every placeholder exactly once, nested as in the source (after everything, repairs included),
  and how many sentences were flagged for markup (a tag dropped or placed by default);
* for a sequence-to-sequence engine (tags projected from the model's alignment): the share of
  marked sentences whose text, tags taken out, equals the engine's translation of the same
  sentence without its tags (``projection.plain``), each translated on its own.

    python scripts/bench_markup.py                 # 10-document sample (146 sentences), embedded model
    python scripts/bench_markup.py --all           # all 659 sentences
    python scripts/bench_markup.py --limit 5       # a quick try on 5 sentences
    python scripts/bench_markup.py --engine marian --model DIR
    python scripts/bench_markup.py --tiny-marian   # the projection path on a tiny random Marian model

Writes ``<out>/bench-markup.json`` (the numbers) and ``<out>/bench-markup.jsonl`` (every
sentence: source, marked source, both translations, placeholder outcome).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tarjama.api import Translator  # noqa: E402
from tarjama.dev.datasets import ntrex  # noqa: E402
from tarjama.document import inline  # noqa: E402
from tarjama.document.markdown import inline_pieces  # noqa: E402
from tarjama.engines.projection import plain  # noqa: E402
from tarjama.engines.seq2seq import Seq2SeqEngine  # noqa: E402
from tarjama.glossary import Glossary  # noqa: E402
from tarjama.types import TranslationRequest  # noqa: E402

SEED = 19
KINDS = ("emphasis", "term", "link", "code")
_WORD = re.compile(r"\S+")
_CORE = re.compile(r"[\w\u0600-\u06FF][\w\u0600-\u06FF.,%-]*[\w\u0600-\u06FF%]|[\w\u0600-\u06FF]")
_LATIN_OR_NUMBER = re.compile(r"[A-Za-z0-9\u0660-\u0669]")


def word_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the words of ``text`` without the punctuation around them."""
    spans = []
    for m in _WORD.finditer(text):
        core = _CORE.search(m.group(0))
        if core and any(c.isalnum() for c in core.group(0)):
            spans.append((m.start() + core.start(), m.start() + core.end()))
    return spans


def insert_markup(text: str, rng: random.Random, glossary: Glossary, link_id: str) -> tuple[str, list[str]]:
    """``text`` with one or two pieces of inline markup, and what was inserted."""
    words = word_spans(text)
    if not words:
        return text, []
    wanted = rng.sample(KINDS, 2 if rng.random() < 0.4 else 1)
    taken: list[tuple[int, int]] = []
    edits: list[tuple[int, int, str, str, str]] = []  # start, end, open, close, kind

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for kind in wanted:
        span = None
        if kind == "term":
            matches = [m for m in glossary.match(text) if free(m.start, m.end)]
            if matches:
                m = rng.choice(matches)
                span = (m.start, m.end)
        elif kind == "link":
            n = rng.randint(2, 4)
            starts = [i for i in range(len(words) - n + 1) if free(words[i][0], words[i + n - 1][1])]
            if starts:
                i = rng.choice(starts)
                span = (words[i][0], words[i + n - 1][1])
        elif kind == "code":
            tokens = [w for w in words if _LATIN_OR_NUMBER.search(text[w[0] : w[1]]) and free(*w)]
            if tokens:
                span = rng.choice(tokens)
            else:
                kind = "emphasis"
        if span is None:
            choices = [w for w in words if free(*w)]
            if not choices:
                continue
            span = rng.choice(choices)
            kind = "strong" if kind == "term" else "emphasis"
        marks = {
            "emphasis": ("*", "*"),
            "strong": ("**", "**"),
            "term": ("**", "**"),
            "link": ("[", f"](https://example.org/ntrex/{link_id}/{len(edits) + 1})"),
            "code": ("`", "`"),
        }[kind]
        taken.append(span)
        edits.append((span[0], span[1], marks[0], marks[1], kind))
    out = text
    for start, end, open_, close, _kind in sorted(edits, reverse=True):
        out = out[:start] + open_ + out[start:end] + close + out[end:]
    return out, [e[4] for e in sorted(edits)]


def demark(markdown: str) -> str:
    """Markdown prose without its inline markup: link and emphasis text kept, code kept bare."""
    out = []
    for piece in inline_pieces(markdown):
        if piece.role == "text":
            out.append(piece.text)
        elif piece.role in ("atom", "trail") and piece.raw.startswith("`"):
            out.append(piece.raw.strip("`").strip())
        elif piece.role in ("atom", "trail"):
            out.append(piece.raw)
    return re.sub(r"[ \t]{2,}", " ", "".join(out)).strip()


def outcome(sentence) -> str:
    """What happened to one sentence's placeholders (see the module docstring)."""
    if sentence.tagged is None or not inline.has_placeholders(sentence.tagged[0]):
        return "no placeholders"
    repaired = [n for n in sentence.notes if n.startswith("markup: ")]
    retried = any(n.startswith("retried:") and "inline markup" in n for n in sentence.notes)
    if not repaired:
        return "kept after retry" if retried else "kept first time"
    if sentence.needs_review:
        return "repaired (dropped or placed by default)"
    return "repaired (restored by pins)"


def tiny_marian(folder: Path) -> Path:
    """A tiny random Marian model (built once into ``folder``), as the tests build it."""
    from tarjama.dev.synthetic import build_marian

    if (folder / "config.json").is_file():
        return folder
    lines = (ROOT / "seeds" / "esa-jaxa-partnership.ar.txt").read_text(encoding="utf-8").splitlines()
    path = ntrex.default_path()
    if path is not None:
        for doc in ntrex.read_ntrex(path):
            lines += [*doc.ar, *doc.en]
    return build_marian(folder, [line for line in lines if line.strip()])


def _rounded(values) -> list[float]:
    return [round(x, 2) for x in values]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, default=10, help="whole documents in the fixed sample (default 10)")
    p.add_argument("--all", action="store_true", help="all 659 sentences")
    p.add_argument("--limit", type=int, help="only the first N sentences of the sample (a quick try)")
    p.add_argument("--engine", default="gguf")
    p.add_argument("--model")
    p.add_argument("--glossary", type=Path, default=ROOT / "references" / "glossary.tsv")
    p.add_argument("--out", type=Path, default=ROOT / "out" / "bench-markup")
    p.add_argument("--engine-option", action="append", default=[], metavar="KEY=VALUE",
                   help="an engine setting, e.g. markup_grammar=false (JSON values; repeatable)")  # fmt: skip
    p.add_argument("--tiny-marian", action="store_true",
                   help="build a tiny random Marian model (as the tests do) and measure the projection path "
                   "with it, without a glossary")  # fmt: skip
    args = p.parse_args()
    if args.tiny_marian:
        args.engine, args.model = "marian", str(tiny_marian(args.out / "tiny-marian"))

    from sacrebleu.metrics import CHRF

    path = ntrex.default_path()
    if path is None:
        print("ntrex-dev not found: set TARJAMA_NTREX to ntrex-dev.ar-en.tsv", file=sys.stderr)
        return 2
    docs = ntrex.read_ntrex(path)
    sample = docs if args.all else ntrex.fixed_sample(docs, args.docs)
    glossary = Glossary.load(args.glossary)
    rng = random.Random(SEED)
    rows = []  # (doc id, Arabic, marked Arabic, reference, kinds)
    for doc in sample:
        for k, (ar, en) in enumerate(zip(doc.ar, doc.en, strict=True)):
            marked, kinds = insert_markup(ar, rng, glossary, f"{doc.doc_id}-{k}")
            rows.append((doc.doc_id, ar, marked, en, kinds))
    if args.limit:
        rows = rows[: args.limit]
    # The two passes alternate document by document, so that a change in the machine's load
    # weighs on both alike.
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(row[0], []).append(i)
    load_before = os.getloadavg()
    plain_paragraphs: list = []
    marked_paragraphs: list = []
    plain_seconds = marked_seconds = 0.0
    # Fidelity checks off in both passes: what is measured is the markup alone (with checks on,
    # their repairs would re-translate different sentences in the two passes).
    # The tiny model translates without the glossary: its retries would change the text compared.
    used = None if args.tiny_marian else glossary
    options = {}
    for item in args.engine_option:
        key, _, value = item.partition("=")
        try:
            options[key] = json.loads(value)
        except ValueError:
            options[key] = value
    with Translator.load(
        engine=args.engine, model=args.model, glossary=used, checks=None, **options
    ) as translator:
        for number, indices in enumerate(groups.values(), start=1):
            for column, paragraphs in ((1, plain_paragraphs), (2, marked_paragraphs)):
                started = time.perf_counter()
                (result,) = translator.translate_batch(["\n\n".join(rows[i][column] for i in indices) + "\n"],
                                                       format="md")  # fmt: skip
                seconds = time.perf_counter() - started
                if column == 1:
                    plain_seconds += seconds
                else:
                    marked_seconds += seconds
                assert len(result.paragraphs) == len(indices)
                paragraphs += result.paragraphs
            print(f"document {number}/{len(groups)} done", file=sys.stderr, flush=True)
        identity = translator.identity.describe()
        tagged = [s.tagged for p in marked_paragraphs for s in p.sentences
                  if s.tagged is not None and inline.has_placeholders(s.tagged[0])]  # fmt: skip
        equal_plain = None
        if isinstance(translator.engine, Seq2SeqEngine):
            # Each sentence alone, with and without its tags: a batch's longest input sets the
            # output budget, which a random model always reaches.
            equal_plain = 0
            for src, _ in tagged:
                (with_tags,) = translator.engine.translate([TranslationRequest(src)])
                (without,) = translator.engine.translate([TranslationRequest(plain(src))])
                kept = " ".join(inline.strip(with_tags.text).split())
                equal_plain += kept == " ".join(without.text.split())
    load_after = os.getloadavg()

    plain_en = [demark(p.translation) for p in plain_paragraphs]
    marked_en = [demark(p.translation) for p in marked_paragraphs]
    refs = [r[3] for r in rows]
    chrf = CHRF(word_order=2)
    scores = {
        "plain_vs_reference": chrf.corpus_score(plain_en, [refs]).score,
        "marked_vs_reference": chrf.corpus_score(marked_en, [refs]).score,
        "marked_vs_plain": chrf.corpus_score(marked_en, [plain_en]).score,
    }
    delta = scores["marked_vs_reference"] - scores["plain_vs_reference"]
    counts: dict[str, int] = {}
    details = []
    for row, p_plain, p_marked in zip(rows, plain_paragraphs, marked_paragraphs, strict=True):
        for s in p_marked.sentences:
            counts[outcome(s)] = counts.get(outcome(s), 0) + 1
        sentences = [{"tagged": s.tagged, "outcome": outcome(s), "notes": s.notes}
                     for s in p_marked.sentences]  # fmt: skip
        details.append({
            "doc": row[0], "source": row[1], "marked": row[2], "kinds": row[4],
            "plain": p_plain.translation, "translation": p_marked.translation, "sentences": sentences,
        })  # fmt: skip
    with_tags = sum(v for k, v in counts.items() if k != "no placeholders")
    every_tag = sum(not inline.problems(src, out) for src, out in tagged)
    flagged = sum(
        any(f.check == "markup" for f in s.findings)
        for p in marked_paragraphs for s in p.sentences
        if s.tagged is not None and inline.has_placeholders(s.tagged[0])
    )  # fmt: skip
    first = counts.get("kept first time", 0)
    after_retry = first + counts.get("kept after retry", 0)
    kinds: dict[str, int] = {}
    for row in rows:
        for kind in row[4]:
            kinds[kind] = kinds.get(kind, 0) + 1
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python scripts/bench_markup.py " + " ".join(sys.argv[1:]),
        "engine": identity,
        "sample": "all ntrex-dev" if args.all else f"ntrex-dev fixed_sample(docs, {args.docs})",
        "attribution": ntrex.ATTRIBUTION,
        "sentences": len(rows),
        "markup_inserted": kinds,
        "segments_marked": sum(counts.values()),
        "segments_with_placeholders": with_tags,
        "outcomes": counts,
        "kept_first_attempt_pct": round(100 * first / with_tags, 1) if with_tags else None,
        "kept_after_retry_pct": round(100 * after_retry / with_tags, 1) if with_tags else None,
        "every_tag_back_pct": round(100 * every_tag / len(tagged), 1) if tagged else None,
        "flagged_for_markup": flagged,
        "text_equals_plain_pct": round(100 * equal_plain / len(tagged), 1)
        if tagged and equal_plain is not None else None,
        "chrf++": {k: round(v, 2) for k, v in scores.items()},
        "chrf++_delta_marked_minus_plain": round(delta, 2),
        "seconds": {"plain": round(plain_seconds, 1), "marked": round(marked_seconds, 1)},
        "marked_over_plain_time": round(marked_seconds / plain_seconds, 2) if plain_seconds else None,
        "load_average": {"before": _rounded(load_before), "after": _rounded(load_after)},
        "cpus": os.cpu_count(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench-markup.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    with open(args.out / "bench-markup.jsonl", "w", encoding="utf-8") as fh:
        for d in details:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
