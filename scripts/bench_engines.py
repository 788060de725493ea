"""Benchmarks of the server and many-to-many engines (docs/benchmarks.md#engines).

Run under the heavy lock, nothing else running:

    flock /tmp/tarjama-heavy.lock .venv/bin/python scripts/bench_engines.py --out /tmp/bench-engines

1. **Server vs embedded**: the seed (20 sentences, the committed glossary, every check) through
   the in-process embedded engine, then through llama-cpp-python's OpenAI-compatible server on
   the same GGUF file (started here on a free local port, all cores) with 1, 2 and 4 requests in
   flight — same machine, same run. Prints each time as a ratio to the embedded engine's, and
   how many translations differ from the embedded engine's (each difference is written out).
2. **HTTP overhead**: for single requests (1 in flight) the client's wall time per request
   against the server's own time for it (llama.cpp's ``llama_perf_context_print`` total, read
   from the server's log with ``--verbose True``).
3. **NLLB: transformers vs CTranslate2**: a random NLLB-200 model of two sizes (the tests' tiny
   one, and one of OPUS-MT's shape: 6 layers, d_model 512) on the seed's sentences, greedy and
   beam 4: the texts must be the same for float32; the speed ratio, and int8's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
SEED = ROOT / "seeds" / "esa-jaxa-partnership.ar.txt"
GLOSSARY = ROOT / "references" / "glossary.tsv"


def seed_text(paragraphs: int | None) -> str:
    """The seed, or its first ``paragraphs`` paragraphs."""
    parts = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return "\n\n".join(parts[:paragraphs]) + "\n"


PARAGRAPHS: int | None = None  # --paragraphs


def translate_seed(engine, label: str) -> dict:
    from tarjama.document.model import parse_text
    from tarjama.glossary import Glossary
    from tarjama.translate.run import Translator

    translator = Translator(engine, Glossary.load(GLOSSARY))
    start = time.perf_counter()
    result = translator.translate_document(parse_text(seed_text(PARAGRAPHS)))
    seconds = time.perf_counter() - start
    sentences = result.sentences()
    print(f"{label}: {len(sentences)} sentences in {seconds:.1f} s", flush=True)
    return {
        "label": label,
        "seconds": seconds,
        "texts": [s.translation for s in sentences],
        "identity": engine.identity.describe(),
    }


def server_vs_embedded(out: Path) -> dict:
    from tarjama.dev.llama_server import llama_server
    from tarjama.engines import load_engine
    from tarjama.engines.server.engine import OpenAIEngine
    from tarjama.models.embedded import ensure_model

    embedded = load_engine("gguf")
    base = translate_seed(embedded, "embedded (in process)")
    embedded.close()
    del embedded
    log = out / "server.log"
    runs = []
    with llama_server(ensure_model(), log, verbose=True) as url:
        for concurrency in (1, 2, 4):
            engine = OpenAIEngine(None, base_url=url, concurrency=concurrency)
            runs.append(translate_seed(engine, f"server, {concurrency} in flight"))
            engine.close()
        overhead = http_overhead(url, log)
    for run in runs:
        run["ratio"] = run["seconds"] / base["seconds"]
        run["differ"] = [
            i for i, (a, b) in enumerate(zip(base["texts"], run["texts"], strict=True)) if a != b
        ]
    return {"embedded": base, "server": runs, "overhead": overhead}


PERF = re.compile(r"llama_perf_context_print:\s+total time =\s+([\d.]+) ms")


def http_overhead(url: str, log: Path, sentences: int = 6) -> dict:
    """Client wall time per request against the server's own total for it (1 in flight)."""
    from tarjama.document.model import parse_text
    from tarjama.document.requests import build_requests
    from tarjama.engines.server.engine import OpenAIEngine

    engine = OpenAIEngine(None, base_url=url, concurrency=1)
    requests = [p.request for p in build_requests(parse_text(SEED.read_text(encoding="utf-8")), None)][
        :sentences
    ]
    engine.translate(requests[:1])  # the prompt prefix is evaluated once before measuring
    walls, servers = [], []
    for request in requests:
        before = len(PERF.findall(log.read_text(errors="replace")))
        start = time.perf_counter()
        engine.translate([request])
        walls.append(time.perf_counter() - start)
        deadline = time.monotonic() + 10
        while True:
            totals = PERF.findall(log.read_text(errors="replace"))
            if len(totals) > before or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        servers.append(float(totals[-1]) / 1000 if len(totals) > before else float("nan"))
    engine.close()
    gaps = [w - s for w, s in zip(walls, servers, strict=True)]
    return {
        "wall": walls,
        "server": servers,
        "overhead": gaps,
        "mean_overhead_ms": 1000 * sum(gaps) / len(gaps),
        "mean_server_s": sum(servers) / len(servers),
    }


def nllb_paths(out: Path, quick: bool = False) -> list[dict]:
    from conftest import training_lines
    from tarjama.cli import main
    from tarjama.dev.synthetic import TINY, MarianShape, build_nllb
    from tarjama.engines import load_engine
    from tarjama.types import TranslationRequest

    seed = [s for s in re.split(r"(?<=[.!؟?])\s+", " ".join(SEED.read_text(encoding="utf-8").split())) if s]
    requests = [TranslationRequest(s) for s in seed][: 4 if quick else None]
    rows = []
    shapes = {
        "tiny (d_model 32, 1 layer)": TINY,
        "OPUS-MT shape (d_model 512, 6 layers)": MarianShape(512, 6, 8, 2048, 512),
    }
    if quick:
        shapes = {"tiny (d_model 32, 1 layer)": TINY}
    for label, shape in shapes.items():
        folder = build_nllb(
            out / f"nllb-{shape.d_model}", training_lines(), "nllb", shape=shape, vocab_size=8000
        )
        for quant in ("float32", "int8"):
            assert (
                main(
                    [
                        "models",
                        "convert",
                        str(folder),
                        str(out / f"ct2-{shape.d_model}-{quant}"),
                        "--quantization",
                        quant,
                        "--force",
                    ]
                )
                == 0
            )
        for beams in (1, 4):
            timings = {}
            texts = {}
            for name, model in (
                ("transformers", folder),
                ("ct2-float32", out / f"ct2-{shape.d_model}-float32"),
                ("ct2-int8", out / f"ct2-{shape.d_model}-int8"),
            ):
                engine = load_engine("nllb", str(model), num_beams=beams, batch_size=8)
                engine.translate(requests[:2])  # warm-up
                start = time.perf_counter()
                texts[name] = [r.text for r in engine.translate(requests)]
                timings[name] = time.perf_counter() - start
                engine.close()
            rows.append(
                {
                    "model": label,
                    "beams": beams,
                    "sentences": len(requests),
                    "seconds": timings,
                    "float32_same": texts["transformers"] == texts["ct2-float32"],
                    "float32_differ": sum(
                        a != b for a, b in zip(texts["transformers"], texts["ct2-float32"], strict=True)
                    ),
                    "speedup_float32": timings["transformers"] / timings["ct2-float32"],
                    "speedup_int8": timings["transformers"] / timings["ct2-int8"],
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=None, help="folder for the results (default: a temporary one)"
    )
    parser.add_argument("--skip-server", action="store_true")
    parser.add_argument("--skip-nllb", action="store_true")
    parser.add_argument("--quick", action="store_true", help="tiny NLLB only, 4 sentences (a smoke test)")
    parser.add_argument(
        "--paragraphs", type=int, default=None, help="server vs embedded on the seed's first N paragraphs"
    )
    args = parser.parse_args()
    global PARAGRAPHS
    PARAGRAPHS = args.paragraphs
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-engines-"))
    out.mkdir(parents=True, exist_ok=True)
    results: dict = {"date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count()}
    results["paragraphs"] = args.paragraphs
    if not args.skip_nllb:
        results["nllb"] = nllb_paths(out, args.quick)
    if not args.skip_server:
        results["server"] = server_vs_embedded(out)
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    server = results.get("server")
    if server:
        base = server["embedded"]
        print(f"\nembedded: {base['seconds']:.1f} s")
        for run in server["server"]:
            print(
                f"{run['label']}: {run['seconds']:.1f} s = {run['ratio']:.2f}× the embedded engine's time; "
                f"{len(run['differ'])} of {len(base['texts'])} translations differ"
            )
            for i in run["differ"]:
                print(f"  [{i}] embedded: {base['texts'][i]}\n      server:   {run['texts'][i]}")
        o = server["overhead"]
        print(
            f"HTTP overhead: {o['mean_overhead_ms']:.0f} ms per sentence against the server's own "
            f"{o['mean_server_s']:.2f} s"
        )
    shutil.rmtree(out / "nllb-32", ignore_errors=True)
    print(f"results: {out / 'results.json'}")


if __name__ == "__main__":
    main()
