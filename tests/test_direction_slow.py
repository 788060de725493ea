"""The real embedded model from English into Arabic (slow: one model load, two short paragraphs).

Floors, not targets (the measured figures are in docs/benchmarks.md#en-ar): the output is
Arabic, says its direction, keeps the number, and holds the glossary's Arabic terms that this
model reliably writes (Latin-script acronyms) — a broken English→Arabic prompt, a lost
direction or a glossary check that cannot read Arabic fails here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import ROOT
from tarjama.cli import main
from tarjama.text.arabic import arabic_share, western_digits

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedded() -> None:
    from tarjama.models.embedded import parts_installed

    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        installed = False
    else:
        installed = parts_installed()
    if not installed:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the embedded model: run bash scripts/setup.sh test")
        pytest.skip("embedded model not installed (bash scripts/setup.sh offline)")


def test_english_into_arabic_with_the_embedded_model(
    embedded: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "note.en.txt"
    source.write_text(
        "ESA and JAXA signed an agreement on Tuesday.\n\n"
        "The first joint mission could launch in 2029, the agencies said.\n",
        encoding="utf-8",
    )
    out = tmp_path / "note.ar.jsonl"
    glossary = ROOT / "references" / "glossary.tsv"
    assert main(["translate", str(source), "-o", str(out), "--glossary", str(glossary), "--no-progress"]) == 0
    err = capsys.readouterr().err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    arabic = " ".join(r["translation"] for r in records)
    assert {r["direction"] for r in records} == {"en-ar"} and "· en-ar" in err
    assert "-en-ar@" in records[0]["engine"]["params"]["prompt"]
    assert arabic_share(arabic) > 0.6, arabic
    assert "2029" in western_digits(arabic), arabic
    sentences = [s for r in records for s in r["sentences"]]
    expected = [t for s in sentences for t in s["terms"]["expected"]]
    missing = [t for s in sentences for t in s["terms"]["missing"]]
    assert expected == ["ESA", "JAXA"] and missing == [], arabic
