"""The marian engine, driven through the same loading code users run, on a tiny model."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("transformers")

from tarjama.engines import load_engine
from tarjama.engines.marian import DEFAULT_MODEL, MarianEngine
from tarjama.errors import ModelUnavailableError
from tarjama.types import TranslationRequest

ROOT = Path(__file__).resolve().parents[1]


def test_translates_a_batch_deterministically(tiny_marian: Path) -> None:
    engine = load_engine("marian", str(tiny_marian), num_beams=2)
    requests = [TranslationRequest("أعلنت وكالة الفضاء الأوروبية عن شراكة."), TranslationRequest("مرحبا بكم")]
    first = engine.translate(requests)
    second = engine.translate(list(reversed(requests)))
    assert len(first) == 2
    assert all(r.text.strip() for r in first)
    # batching and order do not change the output
    assert [r.text for r in first] == [r.text for r in reversed(second)]
    ident = engine.identity
    assert ident.engine == "marian" and ident.sha256 and len(ident.sha256) == 64
    assert ident.params["num_beams"] == 2


def test_long_segment_is_split_and_says_so(tiny_marian: Path) -> None:
    engine = MarianEngine(str(tiny_marian), num_beams=1, max_input_tokens=24)
    long = "، ".join(["أعلنت وكالة الفضاء الأوروبية عن شراكة جديدة"] * 8)
    assert engine._token_count(long) > 24
    (result,) = engine.translate([TranslationRequest(long)])
    assert result.notes and "split into" in result.notes[0] and "24 tokens" in result.notes[0]
    pieces = engine._pieces(long)
    assert len(pieces) > 1 and all(engine._token_count(p) <= 24 for p in pieces)
    # nothing is dropped: the pieces cover every word of the source
    assert " ".join(pieces).split() == long.split()


def test_not_a_model_folder(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelUnavailableError, match="not a loadable Marian model"):
        MarianEngine(str(tmp_path))


def _hf_cache(home: Path, model_folder: Path, commit: str = "a" * 40) -> None:
    repo = home / "hub" / ("models--" + DEFAULT_MODEL.replace("/", "--"))
    snap = repo / "snapshots" / commit
    shutil.copytree(model_folder, snap)
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(extra)
    return env


def test_cached_opus_mt_wins_resolution_offline(tiny_marian: Path, tmp_path: Path) -> None:
    home = tmp_path / "hf"
    _hf_cache(home, tiny_marian)
    src = tmp_path / "in.txt"
    src.write_text("أعلنت الوكالة عن شراكة.\n\nوقال المدير إن العمل جار.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "tarjama", "translate", str(src), "-o", str(out), "--no-glossary"],
        env=_env(HF_HOME=str(home), HF_HUB_OFFLINE="1"),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "marian:Helsinki-NLP/opus-mt-ar-en@" + "a" * 40 in proc.stderr  # the hub revision
    import json

    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 2
    assert records[0]["engine"]["engine"] == "marian" and records[0]["engine"]["revision"] == "a" * 40


def test_offline_without_cache_is_one_clear_error(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("نص.", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "tarjama", "translate", str(src), "--engine", "marian"],
        env=_env(HF_HOME=str(tmp_path / "empty"), HF_HUB_OFFLINE="1"),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "HF_HUB_OFFLINE" in lines[0] and "--model" in lines[0]


def test_strict_retry_injects_terms_and_misses_are_recorded(tiny_marian: Path, tmp_path: Path) -> None:
    """With a random model the glossary cannot be met: the retry must see the injected source,
    and every miss must be recorded in the output, never dropped."""
    from tarjama.document.model import parse_text
    from tarjama.glossary import Glossary
    from tarjama.translate.run import Translator

    engine = MarianEngine(str(tiny_marian), num_beams=1)
    seen: list[str] = []
    real_generate = engine._generate

    def spy(texts: list[str], *args: object) -> list:
        seen.extend(texts)
        return real_generate(texts, *args)

    engine._generate = spy  # type: ignore[method-assign]
    glossary = Glossary.load(ROOT / "references" / "glossary.tsv")
    translator = Translator(engine, glossary, checks=None)
    result = translator.translate_document(parse_text("وصلت بعثة إلى المريخ مع JAXA.\n"))
    assert seen == ["وصلت بعثة إلى المريخ مع JAXA.", "وصلت بعثة إلى Mars مع JAXA."]
    (record,) = result.records()
    sentence = record["sentences"][0]
    assert sentence["terms"]["retried"] is True
    assert set(sentence["terms"]["expected"]) == {"Mars", "JAXA"}
    missing = set(sentence["terms"]["missing"])
    assert missing == {t for t in ("Mars", "JAXA") if t not in sentence["translation"]}
    if missing:
        assert any("glossary terms missing" in n for n in sentence["notes"])


@pytest.mark.parametrize("beams", [1, 3])
def test_confidence_and_words_to_avoid(tiny_marian: Path, beams: int) -> None:
    engine = MarianEngine(str(tiny_marian), num_beams=beams)
    request = TranslationRequest("أعلنت وكالة الفضاء الأوروبية عن شراكة.")
    (first,) = engine.translate([request])
    c = first.confidence
    assert c is not None and c.min <= c.mean <= 0 and c.tokens > 0
    # One score per token the search chose (the end token included, the decoder start and any
    # padding not): the same search run here gives the sequence. (Tokenising the decoded text
    # again is no measure: a model may choose pieces the tokenizer would not.)
    torch = pytest.importorskip("torch")
    enc = engine.tokenizer([request.source], return_tensors="pt")
    with torch.inference_mode():
        generated = engine.model.generate(
            **enc, num_beams=beams, do_sample=False,
            max_new_tokens=min(engine.max_output_tokens, 2 * enc["input_ids"].shape[1] + 16),
        )
    chosen = generated[0, 1:]
    assert engine.tokenizer.decode(chosen, skip_special_tokens=True) == first.text
    assert c.tokens == int((chosen != engine.model.config.pad_token_id).sum())
    # A word the model wrote that is one target piece (then no other spelling of it exists).
    word = next(w for w in first.text.split() if w.isalpha()
                and len(engine.tokenizer(text_target=w, add_special_tokens=False)["input_ids"]) == 1)
    (second,) = engine.translate([TranslationRequest(request.source, avoid=(word,))])
    assert word not in second.text.split()
