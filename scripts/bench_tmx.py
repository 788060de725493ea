"""TMX import on real data: ntrex-dev as a CAT tool would hand it over, keyed with the glossary.

Writes the ntrex-dev sentence pairs (read in place, never copied into the repository) as a
TMX file laid out like a Trados export (``ar-SA``/``en-US``, one unit per sentence pair,
creation ids and dates), imports it into a fresh memory with the shipped glossary, and
reports how many units became approvals and how many were skipped because tarjama splits
their Arabic into several segments. Then it exports that memory and imports the export into
a second memory and checks the two are identical. Times are printed as a ratio (import of
the foreign file / export) measured in the same run, with the load average::

    python scripts/bench_tmx.py [--ntrex PATH] [--glossary references/glossary.tsv]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tarjama.dev.datasets.ntrex import default_path, read_ntrex  # noqa: E402
from tarjama.glossary import Glossary  # noqa: E402
from tarjama.memory.store import TranslationMemory  # noqa: E402
from tarjama.memory.tmx import export_tmx, import_tmx  # noqa: E402


def pairs(path: Path) -> list[tuple[str, str]]:
    return [pair for doc in read_ntrex(path) for pair in zip(doc.ar, doc.en, strict=True)]


def foreign_tmx(rows: list[tuple[str, str]]) -> str:
    units = "".join(
        f'<tu creationdate="20240101T000000Z" creationid="translator{i % 3}">'
        f'<tuv xml:lang="ar-SA"><seg>{escape(ar)}</seg></tuv>'
        f'<tuv xml:lang="en-US"><seg>{escape(en)}</seg></tuv></tu>\n'
        for i, (ar, en) in enumerate(rows)
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="bench" '
            'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en-US" srclang="ar-SA" '
            f'datatype="plaintext"/><body>\n{units}</body></tmx>\n')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ntrex", type=Path, default=None, help="ntrex-dev TSV (default: the shared copy)")
    parser.add_argument("--glossary", type=Path, default=ROOT / "references" / "glossary.tsv")
    args = parser.parse_args()
    path = args.ntrex or default_path()
    if path is None:
        parser.error("ntrex-dev not found; give --ntrex PATH or set TARJAMA_NTREX")
    rows = pairs(path)
    glossary = Glossary.load(args.glossary)
    with tempfile.TemporaryDirectory() as tmp:
        src, first, second = Path(tmp) / "in.tmx", Path(tmp) / "a.sqlite", Path(tmp) / "b.sqlite"
        src.write_text(foreign_tmx(rows), encoding="utf-8")
        memory = TranslationMemory(first)
        start = time.perf_counter()
        report = import_tmx(memory, src, glossary)
        import_s = time.perf_counter() - start
        memory.close()
        memory = TranslationMemory(first, readonly=True)
        start = time.perf_counter()
        exported = export_tmx(memory, Path(tmp) / "out.tmx")
        export_s = time.perf_counter() - start
        before = (memory.machine_rows(), memory.approval_rows())
        memory.close()
        memory = TranslationMemory(second)
        import_tmx(memory, Path(tmp) / "out.tmx")
        after = (memory.machine_rows(), memory.approval_rows())
        memory.close()
    print(f"ntrex-dev units: {len(rows)}")
    print(f"approvals keyed with {args.glossary.name} ({glossary.digest()[:12]}): {report.approvals_added}")
    for why, n in sorted(report.skipped.items()):
        print(f"skipped: {why}: {n}")
    print(f"exported units: {exported.human + exported.machine}; "
          f"memory → TMX → memory identical: {before == after}")
    print(f"import of the foreign file / export of the memory, time ratio: {import_s / export_s:.1f}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if before == after else 1


if __name__ == "__main__":
    raise SystemExit(main())
