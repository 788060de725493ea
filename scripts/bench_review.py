"""Benchmark the review workbench: the document page of a 1,000-sentence document, and approvals
per second from one and from two concurrent clients.

The document: ntrex-dev's Arabic sentences (read in place), one per paragraph as in
``tarjama.dev.datasets.ntrex``, cycled until the document has 1,000 sentences (the second pass
repeats rows), translated through the real pipeline with the shipped glossary by an engine
that answers each sentence with ntrex-dev's *reference* English — a stand-in for a model
with real English lengths, so page weight is what a real translation would give; no model
runs. The JSONL is written to a temporary folder, and ``tarjama review`` serves it in its own
process, exactly as a user starts it.

* **Document page**: ``GET /doc/0`` (sentences needing review first) from a client on the
  same machine, after one warm-up: response time (request sent → last byte; the server's
  time plus loopback), bytes as sent, and bytes with ``Accept-Encoding: gzip``, as browsers
  ask. With ``--browser``, also the time Chromium takes from navigation to the page's
  ``load`` event (HTML, CSS, script; the script then opens the first sentence).
* **Approvals**: each client (its own process, one keep-alive connection, as a browser tab)
  approves its own sentences one after another; approvals per second = all approvals / wall
  time from the first request to the last response, every one checked in the memory
  afterwards (``lost`` must be 0). One client, then two at once.

Speed is reported with the machine's load average (``os.getloadavg``) at the start and end of
each measurement: the development machine is shared, so absolute times are pessimistic.
Nothing here asserts on time.

    .venv/bin/python scripts/bench_review.py [--sentences 1000] [--runs 10] [--approvals 200] [--browser]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from tarjama.api import Translator
from tarjama.dev.datasets.ntrex import default_path, read_ntrex
from tarjama.document.model import parse_text
from tarjama.engines.base import Engine, SegmentDone
from tarjama.glossary import Glossary
from tarjama.memory.store import MEMORY_NAME
from tarjama.types import EngineIdentity, SegmentTranslation, TranslationRequest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "references" / "glossary.tsv"


class ReferenceEngine(Engine):
    """Answers each Arabic sentence with its ntrex-dev reference English (no model)."""

    name = "reference"

    def __init__(self, pairs: dict[str, str]) -> None:
        self.pairs = pairs

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("reference", "ntrex-dev references")

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        out = []
        for r in requests:
            # A row the segmenter splits in two gives each piece the row's English.
            english = self.pairs.get(r.source) or next(en for ar, en in self.pairs.items() if r.source in ar)
            out.append(SegmentTranslation(english))
        return out


def build_document(folder: Path, sentences: int) -> tuple[Path, Path]:
    """The translate JSONL of a ``sentences``-sentence document, and the glossary copy it used."""
    ntrex = default_path()
    if ntrex is None:
        sys.exit("ntrex-dev not found: set TARJAMA_NTREX to ntrex-dev.ar-en.tsv")
    rows = [(ar, en) for doc in read_ntrex(ntrex) for ar, en in zip(doc.ar, doc.en, strict=True)]
    glossary = folder / "glossary.tsv"
    shutil.copy(GLOSSARY, glossary)
    paragraphs: list[str] = []
    count = k = 0
    from tarjama.text.segment import split_sentences

    while count < sentences:
        ar = rows[k % len(rows)][0]
        k += 1
        n = len(split_sentences(ar))
        if count + n <= sentences:
            paragraphs.append(ar)
            count += n
    text = "\n\n".join(paragraphs) + "\n"
    engine = ReferenceEngine(dict(rows))
    with Translator(engine, Glossary.load(glossary)) as translator:
        doc = translator.translate_document(parse_text(text, "txt", path="ntrex-1000.ar.txt"))
    assert len(doc.sentences()) == sentences, len(doc.sentences())
    path = folder / "ntrex-1000.en.jsonl"
    path.write_text(doc.jsonl(), encoding="utf-8")
    return path, glossary


def start_server(jsonl: Path, glossary: Path) -> tuple[subprocess.Popen[str], int, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tarjama", "review", str(jsonl), "--glossary", str(glossary), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
    if not m:
        proc.kill()
        sys.exit(f"tarjama review did not start: {line}{proc.communicate()[1]}")
    return proc, int(m.group(1)), m.group(2)


def get(conn: http.client.HTTPConnection, path: str, token: str, gzip_ok: bool = False
        ) -> tuple[float, bytes]:
    headers = {"Authorization": f"token {token}"}
    if gzip_ok:
        headers["Accept-Encoding"] = "gzip"
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    assert response.status == 200, (response.status, body[:200])
    return elapsed, body


def spread(seconds: list[float]) -> list[float]:
    """min, median and max in milliseconds."""
    return [round(1000 * f(seconds), 1) for f in (min, statistics.median, max)]


def page_measure(port: int, token: str, runs: int) -> dict[str, object]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    load_before = os.getloadavg()[0]
    get(conn, "/doc/0", token)  # warm-up: the first page builds every sentence's view
    times, gzip_times = [], []
    body = packed = b""
    for _ in range(runs):
        t, body = get(conn, "/doc/0", token)
        times.append(t)
        t, packed = get(conn, "/doc/0", token, gzip_ok=True)
        gzip_times.append(t)
    index_t, _ = get(conn, "/", token)
    conn.close()
    assert gzip.decompress(packed) == body
    return {
        "runs": runs,
        "ms": spread(times),
        "ms_gzip": spread(gzip_times),
        "bytes": len(body),
        "bytes_gzip": len(packed),
        "rows": body.count(b"<article class=\"sentence"),
        "index_ms": round(1000 * index_t, 1),
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def browser_measure(port: int, token: str, runs: int) -> dict[str, object] | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    loads = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"http://127.0.0.1:{port}/?token={token}")
        for _ in range(runs):
            page.goto(f"http://127.0.0.1:{port}/doc/0")
            page.wait_for_selector("article.sentence.active")
            loads.append(page.evaluate(
                "() => { const t = performance.getEntriesByType('navigation')[0]; return t.loadEventEnd; }"))
        browser.close()
    return {"runs": runs, "ms": [round(min(loads)), round(statistics.median(loads)), round(max(loads))]}


def client(port: int, token: str, csrf: str, sentences: list[int], name: str, start_at: float,
           results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while time.time() < start_at:
        time.sleep(0.001)
    started = time.perf_counter()
    failures = 0
    for k in sentences:
        body = json.dumps({"sentence": k, "translation": f"Approved by {name}: sentence {k}.", "editor": name,
                           "seconds": 1})
        conn.request("POST", "/api/doc/0/approve", body=body, headers={
            "Authorization": f"token {token}", "X-CSRF-Token": csrf, "Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        failures += response.status != 200
    results.put((name, len(sentences), failures, time.perf_counter() - started, time.time()))
    conn.close()


def approvals_measure(port: int, token: str, csrf: str, memory: Path, clients: int, per_client: int,
                      first: int) -> dict[str, object]:
    with sqlite3.connect(memory) as db:
        before = db.execute("SELECT COUNT(*) FROM approvals").fetchone()[0]
    results: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    start_at = time.time() + 1.0
    procs = []
    for c in range(clients):
        sentences = list(range(first + c * per_client, first + (c + 1) * per_client))
        procs.append(multiprocessing.Process(target=client, args=(port, token, csrf, sentences, f"editor{c}",
                                                                  start_at, results)))
    load_before = os.getloadavg()[0]
    for p in procs:
        p.start()
    done = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    wall = max(d[4] for d in done) - start_at
    total = sum(d[1] for d in done)
    with sqlite3.connect(memory) as db:
        after = db.execute("SELECT COUNT(*) FROM approvals").fetchone()[0]
    return {
        "clients": clients,
        "approvals": total,
        "failures": sum(d[2] for d in done),
        "wall_s": round(wall, 2),
        "per_second": round(total / wall, 1),
        "ms_per_approval_per_client": round(1000 * statistics.mean(d[3] / d[1] for d in done), 1),
        "in_memory": after - before,
        "lost": total - (after - before),
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sentences", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--approvals", type=int, default=200, help="approvals per client")
    ap.add_argument("--browser", action="store_true", help="also time the page load in headless Chromium")
    ap.add_argument("--json", type=Path, help="write the results here too")
    args = ap.parse_args()
    if 3 * args.approvals > args.sentences:
        sys.exit("--approvals: each client needs its own sentences (3 × approvals ≤ sentences)")
    folder = Path(tempfile.mkdtemp(prefix="tarjama-bench-review-"))
    try:
        jsonl, glossary = build_document(folder, args.sentences)
        proc, port, token = start_server(jsonl, glossary)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            _, page = get(conn, "/doc/0", token)
            conn.close()
            csrf = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
            results: dict[str, object] = {"sentences": args.sentences, "cpus": os.cpu_count()}
            results["page"] = page_measure(port, token, args.runs)
            if args.browser:
                results["browser"] = browser_measure(port, token, max(3, args.runs // 2))
            memory = jsonl.parent / MEMORY_NAME
            results["one_client"] = approvals_measure(port, token, csrf, memory, 1, args.approvals, 0)
            results["two_clients"] = approvals_measure(port, token, csrf, memory, 2, args.approvals,
                                                       args.approvals)
            results["page_after"] = page_measure(port, token, max(3, args.runs // 2))
        finally:
            proc.terminate()
            proc.communicate(timeout=30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def report(r: dict) -> None:
    page, after = r["page"], r["page_after"]
    print(f"document: {r['sentences']} sentences (ntrex-dev, reference English) · {r['cpus']} CPUs")
    print()
    print("| document page (`GET /doc/0`) | runs | ms min / median / max | bytes | load avg start → end |")
    print("|---|---:|---:|---:|---|")
    print(f"| as sent | {page['runs']} | {' / '.join(map(str, page['ms']))} | {page['bytes']:,} | "
          f"{page['load'][0]} → {page['load'][1]} |")
    print(f"| gzip (as browsers ask) | {page['runs']} | {' / '.join(map(str, page['ms_gzip']))} | "
          f"{page['bytes_gzip']:,} | |")
    print(f"| as sent, after {r['one_client']['approvals'] + r['two_clients']['approvals']} approvals | "
          f"{after['runs']} | {' / '.join(map(str, after['ms']))} | {after['bytes']:,} | "
          f"{after['load'][0]} → {after['load'][1]} |")
    if r.get("browser"):
        b = r["browser"]
        print(f"| Chromium, navigation → load event | {b['runs']} | {' / '.join(map(str, b['ms']))} | | |")
    print()
    print("| approvals | clients | approvals | wall s | approvals/s | ms per approval (per client) | lost | "
          "load avg start → end |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for key, label in (("one_client", "one client"), ("two_clients", "two clients at once")):
        a = r[key]
        print(f"| {label} | {a['clients']} | {a['approvals']} | {a['wall_s']} | {a['per_second']} | "
              f"{a['ms_per_approval_per_client']} | {a['lost']} | {a['load'][0]} → {a['load'][1]} |")
    one, two = r["one_client"]["per_second"], r["two_clients"]["per_second"]
    print(f"\ntwo clients / one client: {two / one:.2f}× the approvals per second")


if __name__ == "__main__":
    main()
