#!/usr/bin/env python3
"""Marian on CPU: transformers float32 against CTranslate2 float32 and int8, plus scoring time.

No model hub is reachable, so the model is built here: the exact architecture of
Helsinki-NLP/opus-mt-ar-en (6+6 layers, d_model 512, 8 heads, FFN 2048) with random weights
and a real sentencepiece vocabulary trained on the seed article and NTREX dev. sentencepiece
cannot reach OPUS-MT's ~62,000 pieces on so little text, so the vocabulary is padded with
filler pieces to ``--vocab`` entries: the embedding and output softmax, which dominate
decoding cost, have the real size. It is converted with ``tarjama models convert``'s code.

Random weights stop at arbitrary points, so every engine is forced to produce exactly
``--out-tokens`` tokens per sentence (transformers ``min_new_tokens = max_new_tokens``,
CTranslate2 ``min_decoding_length = max_decoding_length``): identical work, greedy, same
inputs, same batches. Each engine runs in its own subprocess (so its peak RSS is its own),
loaded once; the engines run alternately, one at a time, in an order rotated every round,
and speed ratios are computed round by round. Tokenisation and detokenisation are inside
the timing, as in the engines. Results: a Markdown table on stdout and JSON in ``--json``.
No numbers are asserted anywhere.

    .venv/bin/python scripts/bench.py [--quick] [--rounds 3] [--sentences 32] [--batch 16]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "esa-jaxa-partnership.ar.txt"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_scoring  # noqa: E402 - sibling script, importable once its folder is on the path

# (label, engine kind, CTranslate2 quantization or None)
ENGINES = (
    ("transformers float32", "transformers", None),
    ("CTranslate2 float32", "ctranslate2", "float32"),
    ("CTranslate2 int8", "ctranslate2", "int8"),
)
BASELINE = "transformers float32"


@dataclass
class EngineResult:
    label: str
    model: str
    load_seconds: float
    rss_after_load_mib: float
    peak_rss_mib: float = 0.0
    warmup_seconds: float = 0.0
    seconds: list[float] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    sentences: int = 0

    def tokens_per_second(self) -> list[float]:
        return [t / s for t, s in zip(self.tokens, self.seconds, strict=True)]

    def ms_per_sentence(self) -> list[float]:
        return [1000 * s / self.sentences for s in self.seconds]


# ---------------------------------------------------------------- worker (one per engine)


def _rss_mib(field: str = "VmRSS") -> float:
    """Current (VmRSS) or peak (VmHWM) resident memory of this process, in MiB.

    VmHWM belongs to this process's own address space. getrusage/wait4's ru_maxrss does not
    fit here: Linux carries the parent's high-water mark across fork+exec, so every worker
    would report at least the parent's RSS (which holds torch after building the models).
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Runner:
    """Loads one engine with tarjama's own loading code and runs forced-length greedy decoding."""

    def __init__(self, kind: str, model: str, threads: int, batch: int, out_tokens: int) -> None:
        self.kind, self.batch, self.out_tokens = kind, batch, out_tokens
        if kind == "transformers":
            from tarjama.engines.marian import MarianEngine

            self.engine: Any = MarianEngine(model, num_beams=1, batch_size=batch, threads=threads)
        else:
            from tarjama.engines.ctranslate2 import CTranslate2Engine

            self.engine = CTranslate2Engine(model, num_beams=1, batch_size=batch, threads=threads)

    def run(self, sentences: Sequence[str]) -> tuple[int, list[str]]:
        tokens, outputs = 0, []
        n = self.out_tokens
        for i in range(0, len(sentences), self.batch):
            batch = list(sentences[i : i + self.batch])
            if self.kind == "transformers":
                eng = self.engine
                enc = eng.tokenizer(batch, return_tensors="pt", padding=True)
                with eng._torch.inference_mode():
                    gen = eng.model.generate(
                        **enc, num_beams=1, do_sample=False, min_new_tokens=n, max_new_tokens=n
                    )
                # every row has the decoder start token plus n generated positions
                tokens += (gen.shape[1] - 1) * gen.shape[0]
                outputs += eng.tokenizer.batch_decode(gen, skip_special_tokens=True)
            else:
                eng = self.engine
                results = eng.translator.translate_batch(
                    [eng.tokenize(s) for s in batch],
                    beam_size=1,
                    min_decoding_length=n,
                    max_decoding_length=n,
                    max_input_length=0,
                )
                tokens += sum(len(r.hypotheses[0]) for r in results)
                outputs += [eng.detokenize(r.hypotheses[0]) for r in results]
        return tokens, outputs


def worker(args: argparse.Namespace) -> int:
    """Protocol: one JSON line when loaded, then one JSON line per ``run`` read on stdin."""
    sentences = json.loads(Path(args.inputs).read_text(encoding="utf-8"))
    start = time.perf_counter()
    runner = _Runner(args.worker, args.model, args.threads, args.batch, args.out_tokens)
    load = time.perf_counter() - start
    start = time.perf_counter()
    runner.run(sentences[: args.batch])  # warm-up (allocations, thread pools), untimed
    warmup = time.perf_counter() - start
    out = sys.stdout
    print(json.dumps({"load": load, "rss": _rss_mib(), "warmup": warmup}), file=out, flush=True)
    for line in sys.stdin:
        if line.strip() != "run":
            break
        start = time.perf_counter()
        tokens, outputs = runner.run(sentences)
        seconds = time.perf_counter() - start
        reply = {"seconds": seconds, "tokens": tokens, "outputs": len(outputs), "peak": _rss_mib("VmHWM")}
        print(json.dumps(reply), file=out, flush=True)
    return 0


# ---------------------------------------------------------------- models


def training_lines() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    lines += [text for pair in bench_scoring.read_ntrex() for text in pair]
    return [line for line in lines if line.strip()]


def prepare_models(workdir: Path, vocab: int, seed: int, rebuild: bool) -> tuple[dict[str, Path], dict]:
    """The transformers model and its two conversions, built once per workdir and reused."""
    from transformers.utils import logging as hf_logging

    from tarjama.dev.synthetic import OPUS_MT_AR_EN, build_marian
    from tarjama.models.convert import convert_marian
    from tarjama.models.provenance import sha256_file

    hf_logging.disable_progress_bar()  # "Writing model shards" bars would clutter the report
    marian = workdir / f"opus-mt-ar-en-shape-v{vocab}-s{seed}"
    info: dict[str, Any] = {"built": [], "reused": []}
    if rebuild and workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if not (marian / "model.safetensors").is_file():
        start = time.perf_counter()
        tmp = Path(tempfile.mkdtemp(prefix=".building.", dir=workdir))
        build_marian(
            tmp, training_lines(), shape=OPUS_MT_AR_EN, vocab_size=vocab, seed=seed, pad_vocab_to=vocab
        )
        shutil.rmtree(marian, ignore_errors=True)
        os.rename(tmp, marian)
        info["built"].append({"model": marian.name, "seconds": round(time.perf_counter() - start, 1)})
    else:
        info["reused"].append(marian.name)
    folders = {BASELINE: marian}
    for label, kind, quant in ENGINES:
        if kind != "ctranslate2":
            continue
        out = workdir / f"{marian.name}-ct2-{quant}"
        if (out / "model.bin").is_file():
            info["reused"].append(out.name)
        else:
            done = convert_marian(str(marian), out, quant, force=True)
            info["built"].append({"model": out.name, "seconds": round(done.seconds, 1)})
        folders[label] = out
    vocab_json = json.loads((marian / "vocab.json").read_text(encoding="utf-8"))
    fillers = sum(1 for piece in vocab_json if piece.startswith("▁filler"))
    info["vocabulary"] = {
        "entries": len(vocab_json),
        "sentencepiece": len(vocab_json) - fillers - 1,
        "filler": fillers,
    }
    info["sha256"] = {
        BASELINE: sha256_file(marian / "model.safetensors"),
        **{label: sha256_file(folders[label] / "model.bin") for label in folders if label != BASELINE},
    }
    return folders, info


# ---------------------------------------------------------------- parent


def _stats(values: Sequence[float], fmt: str = "{:.1f}") -> str:
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


class _Worker:
    def __init__(self, label: str, kind: str, model: Path, args: argparse.Namespace, inputs: Path) -> None:
        # Lives as long as the worker (its stderr, shown if it fails); closed in finish().
        self.log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        cmd = [
            sys.executable,
            __file__,
            "--worker",
            kind,
            "--model",
            str(model),
            "--inputs",
            str(inputs),
            "--threads",
            str(args.threads),
            "--batch",
            str(args.batch),
            "--out-tokens",
            str(args.out_tokens),
        ]
        env = {**os.environ, "OMP_NUM_THREADS": str(args.threads), "TOKENIZERS_PARALLELISM": "false"}
        self.label = label
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, env=env, cwd=ROOT
        )

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.log.seek(0)
            tail = self.log.read().decode(errors="replace")[-2000:]
            sys.exit(f"{self.label}: worker failed:\n{tail}")
        return json.loads(line)

    def ask(self, command: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.read()

    def finish(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()
        self.log.close()


def pick_sentences(count: int) -> list[str]:
    """``count`` NTREX Arabic sentences at evenly spaced rows (deterministic, spread out)."""
    pairs = bench_scoring.read_ntrex()
    return [pairs[i * len(pairs) // count][0] for i in range(count)]


def run_translation(
    args: argparse.Namespace, folders: dict[str, Path]
) -> tuple[list[EngineResult], list[dict]]:
    sentences = pick_sentences(args.sentences)
    inputs = Path(tempfile.mkstemp(suffix=".json")[1])
    inputs.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
    workers: dict[str, _Worker] = {}
    results: dict[str, EngineResult] = {}
    try:
        # Loaded one after the other so that loading never competes with a timed run.
        for label, kind, _ in ENGINES:
            w = _Worker(label, kind, folders[label], args, inputs)
            ready = w.read()
            workers[label] = w
            results[label] = EngineResult(
                label,
                folders[label].name,
                ready["load"],
                ready["rss"],
                warmup_seconds=ready["warmup"],
                sentences=len(sentences),
            )
            print(f"  loaded {label} in {ready['load']:.1f} s", file=sys.stderr)
        rounds = []
        labels = [label for label, _, _ in ENGINES]
        for r in range(args.rounds):
            # Rotate the order so no engine always runs first (or right after another).
            order = labels[r % len(labels) :] + labels[: r % len(labels)]
            per_round: dict[str, float] = {}
            for label in order:
                reply = workers[label].ask("run")
                res = results[label]
                res.seconds.append(reply["seconds"])
                res.tokens.append(reply["tokens"])
                res.peak_rss_mib = max(res.peak_rss_mib, reply["peak"])
                if reply["outputs"] != len(sentences):
                    sys.exit(f"{label}: {reply['outputs']} outputs for {len(sentences)} sentences")
                per_round[label] = reply["tokens"] / reply["seconds"]
            rounds.append(
                {
                    "order": order,
                    "tokens_per_second": per_round,
                    "speedup": {k: v / per_round[BASELINE] for k, v in per_round.items() if k != BASELINE},
                }
            )
            print(
                f"  round {r + 1}/{args.rounds}: "
                + ", ".join(f"{k} {v:.0f} tok/s" for k, v in per_round.items()),
                file=sys.stderr,
            )
    finally:
        for w in workers.values():
            w.finish()
        inputs.unlink(missing_ok=True)
    return list(results.values()), rounds


def translation_table(results: list[EngineResult], rounds: list[dict], args: argparse.Namespace) -> str:
    lines = [
        "| engine | runs | tokens/s min / median / max | ms/sentence min / median / max | "
        "speed vs transformers (per round) min / median / max | tokens/sentence | load s | "
        "RSS after load MiB | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for res in results:
        if res.label == BASELINE:
            ratio = "1 (baseline)"
        else:
            ratio = _stats([r["speedup"][res.label] for r in rounds], "{:.2f}×")
        per_sentence = sorted({t / res.sentences for t in res.tokens})
        lines.append(
            f"| {res.label} | {len(res.seconds)} | {_stats(res.tokens_per_second())} | "
            f"{_stats(res.ms_per_sentence())} | {ratio} | {', '.join(f'{t:g}' for t in per_sentence)} | "
            f"{res.load_seconds:.1f} | {res.rss_after_load_mib:.0f} | {res.peak_rss_mib:.0f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--quick", action="store_true", help="8 sentences, batch 8, 32 tokens, 2 rounds, small scoring"
    )
    ap.add_argument("--rounds", type=int, help="alternating rounds (default 3; quick 2)")
    ap.add_argument("--sentences", type=int, help="NTREX Arabic sentences per run (default 32; quick 8)")
    ap.add_argument("--batch", type=int, help="batch size (default 16; quick 8)")
    ap.add_argument("--out-tokens", type=int, help="forced output tokens per sentence (default 64; quick 32)")
    ap.add_argument("--threads", type=int, default=2, help="threads per engine (default 2)")
    ap.add_argument("--vocab", type=int, default=62000, help="vocabulary entries (default 62000, as OPUS-MT)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--workdir", type=Path, default=ROOT / "build" / "bench", help="models, reused between runs"
    )
    ap.add_argument("--rebuild", action="store_true", help="rebuild the models even if present")
    ap.add_argument("--json", type=Path, default=ROOT / "artifacts" / "bench" / "bench.json")
    ap.add_argument("--skip-scoring", action="store_true")
    # worker mode (internal)
    ap.add_argument("--worker", choices=["transformers", "ctranslate2"], help=argparse.SUPPRESS)
    ap.add_argument("--model", help=argparse.SUPPRESS)
    ap.add_argument("--inputs", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    quick = args.quick
    defaults = {"rounds": (3, 2), "sentences": (32, 8), "batch": (16, 8), "out_tokens": (64, 32)}
    for name, (full, small) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, small if quick else full)
    if args.worker:
        return worker(args)

    start = time.perf_counter()
    print(f"preparing models in {args.workdir} …", file=sys.stderr)
    folders, info = prepare_models(args.workdir, args.vocab, args.seed, args.rebuild)
    results, rounds = run_translation(args, folders)
    scoring_sizes = (250, 500, 1000, 2000) if quick else bench_scoring.DEFAULT_SIZES
    scoring_repeats = 1 if quick else 3
    scoring = [] if args.skip_scoring else bench_scoring.bench_scoring(scoring_sizes, scoring_repeats)

    import ctranslate2
    import torch
    import transformers

    vocab = info["vocabulary"]
    if vocab["filler"]:
        padding = (
            f"{vocab['sentencepiece']:,} sentencepiece pieces + {vocab['filler']:,} filler pieces, padded "
            f"because sentencepiece cannot reach {args.vocab:,} on this corpus"
        )
    else:
        padding = "all sentencepiece pieces, no padding"
    versions = (
        f"torch {torch.__version__}, transformers {transformers.__version__}, "
        f"CTranslate2 {ctranslate2.__version__}"
    )
    setup = (
        f"{args.sentences} NTREX dev Arabic sentences, batch {args.batch}, greedy, exactly {args.out_tokens} "
        f"output tokens per sentence, {args.threads} threads per engine, {args.rounds} alternating rounds "
        f"after one warm-up batch. Model: OPUS-MT ar-en architecture (6+6 layers, d_model 512), random "
        f"weights, vocabulary {vocab['entries']:,} entries ({padding}). "
        f"{platform.machine()}, {os.cpu_count()} CPUs; {versions}."
    )
    md = ["## Translation speed (CPU)", "", translation_table(results, rounds, args), "", setup]
    if scoring:
        md += ["", "## Scoring time", "", bench_scoring.markdown(scoring, scoring_repeats)]
    md += [
        "",
        f"Total benchmark time {time.perf_counter() - start:.0f} s (models {info['built'] or 'reused'}).",
    ]
    print("\n".join(md))
    report = {
        "settings": {k: v for k, v in vars(args).items() if k not in {"worker", "model", "inputs"}},
        "setup": setup,
        "models": {**info, "folders": {k: str(v) for k, v in folders.items()}},
        "translation": [
            asdict(r) | {"tokens_per_second": r.tokens_per_second(), "ms_per_sentence": r.ms_per_sentence()}
            for r in results
        ],
        "rounds": rounds,
        "scoring": [asdict(t) for t in scoring],
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "ctranslate2": ctranslate2.__version__,
            "python": platform.python_version(),
        },
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nJSON: {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
