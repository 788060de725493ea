#!/usr/bin/env python3
"""Time and peak memory of tarjama's readers, writers and runs at 1×, 10× and 100× input size.

Each case is run on inputs this script writes into a temporary folder (never the repository),
at three sizes, each in a fresh process: the process first does the same work on a tiny
input (so that imports and one-time set-up are not counted), then the timed work. Reported:

* **seconds**: the timed work alone (no interpreter start-up, no imports);
* **peak RSS**: the process's own peak resident memory (``VmHWM``; not ``wait4``, which
  carries over this script's own peak), imports included — what a user's machine must have;
* **growth per 10×**: the ratio between sizes 10× apart, for time and for peak memory, against
  the targets of issue 29 (at most 12× time and 3× memory per 10× input). A run over the time
  limit (``--timeout``) is stopped and shown as such; its ratio is a lower bound.

The cases: one paragraph of N sentences (``batch --dry-run``, and ``translate`` with a fast
scripted engine, checks on); a single-line HTML page of N sentences and a Word file of N
paragraphs (``translate`` with that engine: read, translate, write); ``glossary import`` of
an N-row CSV; ``memory import`` of an N-unit TMX file from another tool, and ``memory export``
of that memory; ``score`` of N paragraphs against a reference.

Prints a Markdown table (docs/benchmarks.md shows one run); no numbers are asserted.

    .venv/bin/python scripts/bench_scale.py [--cases text-dry-run,score] [--sizes 1,10,100]
        [--timeout 600]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NTREX = ROOT.parent / "shared" / "data" / "ntrex-dev" / "ntrex-dev.ar-en.tsv"
TIME_TARGET, MEMORY_TARGET = 12.0, 3.0


# --- inputs ---------------------------------------------------------------------------------------


def sentence(i: int) -> str:
    return f"وقعت وكالة الفضاء اتفاقا رقم {i} مع اليابان."


def one_paragraph(folder: Path, n: int) -> None:
    (folder / "one.txt").write_text(" ".join(sentence(i) for i in range(n)) + "\n", encoding="utf-8")


def html_page(folder: Path, n: int) -> None:
    body = " ".join(sentence(i) for i in range(n))
    (folder / "page.html").write_text(
        f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>خبر</title></head>'
        f"<body><p>{body}</p></body></html>\n", encoding="utf-8")


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)


def word_file(folder: Path, n: int) -> None:
    """A .docx of ``n`` paragraphs, one sentence each, laid out as Word writes a plain document."""
    with zipfile.ZipFile(folder / "doc.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>'
            f.write(head.encode())
            for i in range(n):
                f.write(f'<w:p><w:pPr><w:bidi/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr><w:t>{sentence(i)}</w:t>'
                        "</w:r></w:p>".encode())
            f.write(b"<w:sectPr/></w:body></w:document>")


def glossary_csv(folder: Path, n: int) -> None:
    rows = ["ar,en,kind,note,en_variants"] + [f"مصطلح{i},Term{i},concept,," for i in range(n)]
    (folder / "src.csv").write_text("\ufeff" + "\r\n".join(rows) + "\r\n", encoding="utf-8")
    (folder / "dst.tsv").write_text("ar\ten\tkind\tnote\ten_variants\n", encoding="utf-8")


def tmx_file(folder: Path, n: int) -> None:
    units = "".join(
        f'<tu creationid="bob"><tuv xml:lang="ar"><seg>هذه جملة رقم {i} عن الفضاء.</seg></tuv>'
        f'<tuv xml:lang="en"><seg>This is sentence number {i} about space.</seg></tuv></tu>\n'
        for i in range(n)
    )
    (folder / "in.tmx").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="ar" '
        f'datatype="plaintext"/><body>\n{units}</body></tmx>\n', encoding="utf-8")


def tmx_memory(folder: Path, n: int) -> None:
    tmx_file(folder, n)
    subprocess.run([sys.executable, "-m", "tarjama", "memory", "import", "in.tmx", "--memory", "m.sqlite",
                    "--no-glossary"], cwd=folder, check=True, capture_output=True)


def score_pair(folder: Path, n: int) -> None:
    """``n`` paragraphs of news English (ntrex-dev's references when present), the hypothesis
    each with one word left out, as a close machine translation differs."""
    if NTREX.exists():
        rows = NTREX.read_text(encoding="utf-8").splitlines()[1:]
        english = [r.split("\t")[2] for r in rows]
    else:
        english = [f"The agency signed agreement number {i} with Japan on Tuesday." for i in range(100)]
    refs, hyps = [], []
    for i in range(n):
        words = english[i % len(english)].split()
        refs.append(" ".join(words))
        drop = i % len(words)
        hyps.append(" ".join(words[:drop] + words[drop + 1 :]) or words[0])
    (folder / "ref.txt").write_text("\n\n".join(refs) + "\n", encoding="utf-8")
    (folder / "hyp.txt").write_text("\n\n".join(hyps) + "\n", encoding="utf-8")


# --- the work -------------------------------------------------------------------------------------


class FastEngine:
    """A scripted engine: an English sentence carrying the source's numbers (so checks pass)."""

    def __new__(cls):  # built on tarjama's base class only in the child, after imports
        from tarjama.engines.base import Engine
        from tarjama.types import EngineIdentity, SegmentTranslation

        class _Fast(Engine):
            name = "fast"

            @property
            def identity(self) -> EngineIdentity:
                return EngineIdentity("fast", "scripted", params={"v": 1})

            def translate(self, requests, *, done=None):
                out = []
                for k, r in enumerate(requests):
                    numbers = " ".join(re.findall(r"\d+", r.source))
                    out.append(SegmentTranslation(f"The space agency signed agreement number {numbers} "
                                                  "with Japan."))
                    if done is not None:
                        done(k)
                return out

        return _Fast()


def cli(*argv: str) -> Callable[[Path], None]:
    def run(folder: Path) -> None:
        from tarjama.cli import main

        code = main(list(argv))
        if code != 0:
            raise SystemExit(f"tarjama {' '.join(argv)} exited {code}")

    return run


def translate_file(name: str, out: str) -> Callable[[Path], None]:
    def run(folder: Path) -> None:
        from tarjama import Translator

        Translator(FastEngine()).translate_file(folder / name, folder / out)

    return run


@dataclass(frozen=True)
class Case:
    name: str
    unit: str
    base: int  # the 1× size
    prepare: Callable[[Path, int], None]
    run: Callable[[Path], None]
    what: str


CASES = [
    Case("text-dry-run", "sentences", 2_000, one_paragraph,
         cli("batch", "one.txt", "--out-dir", "o", "--dry-run"), "`batch --dry-run` of one paragraph"),
    Case("text-translate", "sentences", 500, one_paragraph, translate_file("one.txt", "one.en.txt"),
         "`translate` of one paragraph (fast engine, checks on)"),
    Case("html-translate", "sentences", 500, html_page, translate_file("page.html", "page.en.html"),
         "`translate` of a one-line HTML page"),
    Case("word-translate", "paragraphs", 500, word_file, translate_file("doc.docx", "doc.en.docx"),
         "`translate` of a Word file"),
    Case("glossary-import", "rows", 500, glossary_csv, cli("glossary", "import", "src.csv", "-g", "dst.tsv"),
         "`glossary import` of a CSV"),
    Case("tmx-import", "units", 2_000, tmx_file,
         cli("memory", "import", "in.tmx", "--memory", "new.sqlite", "--no-glossary"),
         "`memory import` of another tool's TMX"),
    Case("tmx-export", "units", 2_000, tmx_memory, cli("memory", "export", "out.tmx", "--memory", "m.sqlite"),
         "`memory export` to TMX"),
    Case("score", "paragraphs", 200, score_pair, cli("score", "hyp.txt", "--ref", "ref.txt", "-o", "r.json"),
         "`score` (BLEU, chrF++, chrF, TER)"),
]
BY_NAME = {c.name: c for c in CASES}


def child(case: Case, folder: Path, warm: Path) -> None:
    """In the measured process: the tiny warm-up, then the timed work; prints its seconds."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        os.chdir(warm)
        case.run(warm)
        start_rss = peak_kib(os.getpid())
        os.chdir(folder)
        started = time.perf_counter()
        case.run(folder)
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "start_kib": start_rss, "peak_kib": peak_kib(os.getpid())}))


def peak_kib(pid: int) -> float:
    """A process's own peak resident memory (``VmHWM``), in KiB.

    Not ``wait4``'s or ``getrusage``'s ``ru_maxrss``: Linux carries the parent's peak over into
    a child across fork and exec, so a child of a parent that once held 200 MiB reports at
    least 200 MiB however little it used itself.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return float(found.group(1)) if found else float("nan")


@dataclass
class Measure:
    size: int
    seconds: float | None  # None: stopped at the time limit
    rss_mib: float
    start_mib: float
    error: str = ""


def measure(case: Case, size: int, timeout: float) -> Measure:
    with tempfile.TemporaryDirectory(prefix=f"bench-scale-{case.name}-") as tmp:
        folder, warm = Path(tmp) / "work", Path(tmp) / "warm"
        folder.mkdir()
        warm.mkdir()
        case.prepare(warm, 2)
        case.prepare(folder, size)
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", case.name, str(folder), str(warm)]
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err)
            deadline = time.monotonic() + timeout
            while True:
                pid, status, _usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    peak = peak_kib(proc.pid)  # read before the kill: the process's own, so far
                    proc.kill()
                    os.wait4(proc.pid, 0)
                    return Measure(size, None, peak / 1024, 0.0, f"stopped after {timeout:.0f} s")
                time.sleep(0.05)
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            if proc.returncode != 0:
                last = (err.read().strip().splitlines() or ["?"])[-1]
                return Measure(size, None, float("nan"), 0.0, f"exit {proc.returncode}: {last}")
            data = json.loads(out.read().strip().splitlines()[-1])
    return Measure(size, data["seconds"], data["peak_kib"] / 1024, data["start_kib"] / 1024)


def ratio(a: Measure, b: Measure, attr: str) -> str:
    low, high = getattr(a, attr), getattr(b, attr)
    if low is None or high is None or low <= 0:
        return "–" if high is not None else "> ∞"
    return f"{high / low:.1f}×"


def verdict(measures: Sequence[Measure]) -> str:
    misses = []
    for a, b in itertools.pairwise(measures):
        if b.seconds is None:
            misses.append(f"{b.size:,}: {b.error}")
            continue
        if a.seconds is not None and b.seconds / max(a.seconds, 1e-9) > TIME_TARGET:
            misses.append(f"time ×{b.seconds / max(a.seconds, 1e-9):.0f}")
        if b.rss_mib / a.rss_mib > MEMORY_TARGET:
            misses.append(f"memory ×{b.rss_mib / a.rss_mib:.1f}")
    return "ok" if not misses else "MISSED (" + "; ".join(misses) + ")"


def table(results: dict[str, list[Measure]], sizes: Sequence[int]) -> str:
    head = " | ".join(f"{s}×: s, MiB" for s in sizes)
    lines = [
        f"| case | 1× size | {head} | time per 10× | memory per 10× | target (≤{TIME_TARGET:.0f}× time, "
        f"≤{MEMORY_TARGET:.0f}× memory) |",
        "|---|---:|" + "---:|" * len(sizes) + "---:|---:|---|",
    ]
    for name, measures in results.items():
        case = BY_NAME[name]
        cells = [f"{m.seconds:.2f} s, {m.rss_mib:.0f}" if m.seconds is not None
                 else f"{m.error}, {m.rss_mib:.0f}" for m in measures]
        pairs = list(itertools.pairwise(measures))
        times = " / ".join(ratio(a, b, "seconds") for a, b in pairs)
        memory = " / ".join(ratio(a, b, "rss_mib") for a, b in pairs)
        lines.append(f"| {case.what} | {case.base:,} {case.unit} | " + " | ".join(cells)
                     + f" | {times} | {memory} | {verdict(measures)} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(BY_NAME), help="comma-separated cases (default: all)")
    parser.add_argument("--sizes", default="1,10,100", help="multiples of each case's base size")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds one run may take")
    parser.add_argument("--child", nargs=3, metavar=("CASE", "FOLDER", "WARM"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        name, folder, warm = args.child
        sys.path.insert(0, str(ROOT / "src"))
        child(BY_NAME[name], Path(folder), Path(warm))
        return 0
    names = [n.strip() for n in args.cases.split(",") if n.strip()]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(BY_NAME)}")
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, list[Measure]] = {}
    for name in names:
        case = BY_NAME[name]
        results[name] = []
        for multiple in sizes:
            m = measure(case, case.base * multiple, args.timeout)
            results[name].append(m)
            shown = f"{m.seconds:.2f} s" if m.seconds is not None else m.error
            print(f"{name} ×{multiple} ({m.size:,} {case.unit}): {shown}, peak {m.rss_mib:.0f} MiB "
                  f"(after warm-up {m.start_mib:.0f} MiB)", file=sys.stderr, flush=True)
            if m.seconds is None:
                break  # a larger size would only take longer
        results[name] += [Measure(case.base * s, None, float("nan"), 0.0, "not run")
                          for s in sizes[len(results[name]):]]
    print(table(results, sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
