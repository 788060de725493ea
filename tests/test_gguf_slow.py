"""The real embedded model on the seed article (slow: about a minute on 2 cores)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from conftest import ROOT, SEED
from tarjama.arabic import arabic_share
from tarjama.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedded_available() -> None:
    from tarjama.models.embedded import parts_installed

    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        llama = False
    else:
        llama = True
    if not (llama and parts_installed()):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the embedded model: run bash scripts/setup.sh test")
        pytest.skip("embedded model not installed (bash scripts/setup.sh offline)")


def latin_names(text: str) -> set[str]:
    return set(re.findall(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*", text))


def test_seed_with_embedded_model(embedded_available, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)  # the default glossary is references/glossary.tsv
    out = tmp_path / "seed.en.jsonl"
    assert main(["translate", str(SEED), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 9
    english = " ".join(r["translation"] for r in records)
    assert arabic_share(english) < 0.01, english
    assert all(r["engine"]["engine"] == "gguf" and r["engine"]["sha256"] for r in records)
    missing = sorted(latin_names(SEED.read_text(encoding="utf-8")) - latin_names(english))
    assert missing == [], f"Latin-script names missing from the output: {missing}\n{english}"
    assert "gguf:Qwen2.5-Coder-1.5B-Instruct-Q4_K_M@sha256:cc324af070c2" in err
    # Checks ran (the default) and every sentence has the model's own confidence.
    sentences = [s for r in records for s in r["sentences"]]
    for s in sentences:
        assert s["confidence"]["min"] <= s["confidence"]["mean"] <= 0 < s["confidence"]["tokens"]
    assert records[0]["engine"]["params"]["checks"] and "need review" in err


def test_decoding_is_deterministic(embedded_available) -> None:
    from tarjama.engines.base import TranslationRequest
    from tarjama.engines.gguf import GGUFEngine

    engine = GGUFEngine()
    req = [TranslationRequest("يُعد استكشاف القمر مجالًا رئيسيًا آخر للتعاون.")]
    first = engine.translate(req)[0].text
    engine.translate([TranslationRequest("وقد التزمت كلا الوكالتين بتعزيز شراكتهما.")])
    assert engine.translate(req)[0].text == first
    # Several requests decoded side by side: the same call gives the same text again.
    many = [
        TranslationRequest(s) for s in ("وصل الوفد إلى طوكيو.", "أطلقت الوكالة القمر الصناعي.", req[0].source)
    ]
    together = [r.text for r in engine.translate(many)]
    assert [r.text for r in engine.translate(many)] == together
    assert all(t and arabic_share(t) < 0.2 for t in together), together
    engine.close()
