"""Why tarjama reads TBX and TMX itself: what translate-toolkit does with three small files.

Run with the test extra installed (``pip install -e '.[test]'``)::

    python scripts/probe_translate_toolkit.py

It prints, for the installed translate-toolkit: the terms its TBX reader returns for a TBX
2008 entry with one ``ntig`` and one ``tig`` Arabic term, what its parser makes of an internal
entity and of an external one, and tarjama's reading of the same files for comparison.
"""

from __future__ import annotations

import importlib.metadata
import tempfile
from pathlib import Path

from translate.storage import tbx

from tarjama.errors import TarjamaError
from tarjama.glossary.files import make

NTIG = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body><termEntry id="t1">
<langSet xml:lang="ar"><ntig><termGrp><term>وكالة الفضاء الأوروبية</term></termGrp></ntig>
<tig><term>إيسا</term></tig></langSet>
<langSet xml:lang="en"><tig><term>European Space Agency</term></tig></langSet>
</termEntry></body></text></martif>
"""
INTERNAL = """<?xml version="1.0"?>
<!DOCTYPE martif [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<martif type="TBX"><text><body><termEntry><langSet xml:lang="ar"><tig><term>&b;</term></tig></langSet>
<langSet xml:lang="en"><tig><term>x</term></tig></langSet></termEntry></body></text></martif>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE martif [<!ENTITY x SYSTEM "{target}">]>
<martif type="TBX"><text><body><termEntry><langSet xml:lang="ar"><tig><term>&x;</term></tig></langSet>
<langSet xml:lang="en"><tig><term>x</term></tig></langSet></termEntry></body></text></martif>
"""


def tarjama_reads(path: Path) -> str:
    try:
        return repr([e.ar_forms for e in make("tbx").read(path).entries])
    except TarjamaError as exc:
        return f"refused: {exc}"


def main() -> None:
    print(f"translate-toolkit {importlib.metadata.version('translate-toolkit')}")
    with tempfile.TemporaryDirectory() as tmp:
        secret = Path(tmp) / "secret.txt"
        secret.write_text("file content", encoding="utf-8")
        cases = {"ntig + tig": NTIG, "internal entity": INTERNAL,
                 "external entity": EXTERNAL.format(target=secret.as_uri())}
        for name, text in cases.items():
            path = Path(tmp) / "t.tbx"
            path.write_text(text, encoding="utf-8")
            try:
                unit = tbx.tbxfile.parsestring(text.encode("utf-8")).units[0]
                toolkit = repr([t.text for t in unit.get_source_terms()])
            except Exception as exc:  # report whatever the toolkit does
                toolkit = f"{type(exc).__name__}: {exc}"
            print(f"{name}:\n  translate-toolkit source terms: {toolkit}\n  tarjama: {tarjama_reads(path)}")


if __name__ == "__main__":
    main()
