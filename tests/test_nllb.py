"""The ``nllb`` engine (NLLB-200 and M2M-100) through transformers and through CTranslate2.

Tiny random models built for the session (``tiny_nllb``, ``tiny_m2m100``: a sentencepiece model
trained here, the published folder layout) load through the code users run (``--engine nllb
--model FOLDER``); the conversion goes through ``tarjama models convert``. As for Marian, copies
with enlarged weights make the output depend on the input, so that "the same output on both
paths" means something.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("transformers")
pytest.importorskip("ctranslate2")

from tarjama.cli import main
from tarjama.engines import load_engine, resolve_engine_name
from tarjama.engines.ctranslate2 import CTranslate2Engine
from tarjama.engines.nllb import NllbEngine
from tarjama.errors import TarjamaError
from tarjama.translate.run import Translator
from tarjama.types import AR_EN, EN_AR, TranslationRequest

ARABIC = [
    "أعلنت وكالة الفضاء الأوروبية عن شراكة جديدة مع اليابان.",
    "مرحبا بكم",
    "ارتفعت أسعار النفط بنسبة 3% يوم الاثنين.",
    "وقال المدير إن العمل جار في 2025.",
    "Ω ☃ 漢字",
]
ENGLISH = ["The European Space Agency announced a new partnership.", "Oil prices rose on Monday."]
FAMILIES = ("tiny_nllb", "tiny_m2m100")


def responsive(folder: Path, out: Path) -> Path:
    """``folder`` with its matrices scaled up, so that its output depends on the input."""
    import torch
    from transformers import AutoModelForSeq2SeqLM

    shutil.copytree(folder, out)
    model = AutoModelForSeq2SeqLM.from_pretrained(out)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if param.dim() == 2 and "embed_positions" not in name:
                param.mul_(10.0)
    model.save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def models(tiny_nllb: Path, tiny_m2m100: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Responsive copies of both families and their float32 conversions (through the CLI)."""
    root = tmp_path_factory.mktemp("nllb")
    found: dict[str, Path] = {}
    for name, folder in (("nllb", tiny_nllb), ("m2m100", tiny_m2m100)):
        found[name] = responsive(folder, root / name)
        found[f"{name}-ct2"] = root / f"{name}-ct2"
        assert (
            main(
                [
                    "models",
                    "convert",
                    str(found[name]),
                    str(found[f"{name}-ct2"]),
                    "--quantization",
                    "float32",
                ]
            )
            == 0
        )
    return found


def requests() -> list[TranslationRequest]:
    return [TranslationRequest(s) for s in ARABIC] + [TranslationRequest(s, direction=EN_AR) for s in ENGLISH]


@pytest.mark.parametrize("family", ["nllb", "m2m100"])
def test_transformers_and_ctranslate2_give_the_same_greedy_output(
    models: dict[str, Path], family: str
) -> None:
    hf = load_engine("nllb", str(models[family]), num_beams=1, batch_size=3)
    ct2 = load_engine("nllb", str(models[f"{family}-ct2"]), num_beams=1, batch_size=3)
    assert isinstance(hf, NllbEngine) and isinstance(ct2, CTranslate2Engine)
    got_hf, got_ct2 = hf.translate(requests()), ct2.translate(requests())
    assert [r.text for r in got_ct2] == [r.text for r in got_hf]
    assert len({r.text for r in got_hf[: len(ARABIC)]}) > 1  # the output depends on the input
    assert got_hf[0].text != got_hf[len(ARABIC)].text  # and on the direction
    for a, b in zip(got_hf, got_ct2, strict=True):
        assert a.confidence is not None and b.confidence is not None
        assert a.confidence.tokens == b.confidence.tokens
        assert (
            abs(a.confidence.mean - b.confidence.mean) < 1e-3
            and abs(a.confidence.min - b.confidence.min) < 1e-3
        )
    ct2.close()


@pytest.mark.parametrize("family", FAMILIES)
def test_language_codes_come_from_the_direction(request: pytest.FixtureRequest, family: str) -> None:
    folder = request.getfixturevalue(family)
    engine = load_engine("nllb", str(folder), num_beams=1)
    ar, en = ("arb_Arab", "eng_Latn") if family == "tiny_nllb" else ("__ar__", "__en__")
    assert engine.identity.params["languages"] == {"ar": ar, "en": en}
    assert engine.directions() == {AR_EN, EN_AR}
    for direction, first, forced in ((AR_EN, ar, en), (EN_AR, en, ar)):
        ids = engine._encode(["نص"], direction)["input_ids"][0].tolist()
        assert engine.tokenizer.convert_ids_to_tokens(ids)[0] == first
        assert engine.tokenizer.convert_ids_to_tokens(
            [engine._generate_options(direction)["forced_bos_token_id"]]
        ) == [forced]
    # a Translator for English into Arabic takes the model, and the output carries no code
    translator = Translator(engine, None, checks=None, direction=EN_AR)
    assert translator.identity.params["direction"] == "en-ar"


def test_the_converted_folder_tokenises_with_the_codes(models: dict[str, Path]) -> None:
    engine = CTranslate2Engine(str(models["nllb-ct2"]), num_beams=1)
    assert engine.tokenize("مرحبا", AR_EN)[0] == "arb_Arab" and engine.tokenize("Hi", EN_AR)[0] == "eng_Latn"
    assert engine.tokenize("مرحبا", AR_EN)[-1] == "</s>"
    hf = load_engine("nllb", str(models["nllb"]), num_beams=1)
    vocabulary = hf.tokenizer.get_vocab()
    for text in ARABIC:
        ids = hf._encode([text], AR_EN)["input_ids"][0].tolist()
        # a piece outside the vocabulary is <unk> for both (CTranslate2 maps it itself)
        ours = [t if t in vocabulary else "<unk>" for t in engine.tokenize(text)]
        assert ours == hf.tokenizer.convert_ids_to_tokens(ids)


def test_the_folder_picks_the_engine(models: dict[str, Path], tiny_marian: Path) -> None:
    assert resolve_engine_name(str(models["nllb"])) == "nllb"
    assert resolve_engine_name(str(models["m2m100"])) == "nllb"
    assert resolve_engine_name(str(models["nllb-ct2"])) == "ctranslate2"
    assert resolve_engine_name(str(tiny_marian)) == "marian"
    # --engine nllb on a converted folder runs CTranslate2, with the options typed as on the command line
    converted = load_engine("nllb", str(models["nllb-ct2"]), num_beams="2", max_input_tokens="40")
    assert isinstance(converted, CTranslate2Engine) and (converted.num_beams, converted.max_input_tokens) == (
        2,
        40,
    )
    with pytest.raises(
        TarjamaError, match=r"not an NLLB or M2M-100 model \(config.json model_type is 'marian'"
    ):
        load_engine("nllb", str(tiny_marian))


def test_translate_command_with_an_nllb_folder(models: dict[str, Path], tmp_path: Path, capsys) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("\n\n".join(ARABIC[:3]) + "\n", encoding="utf-8")
    out = tmp_path / "doc.jsonl"
    args = [
        "translate",
        str(doc),
        "-o",
        str(out),
        "--model",
        str(models["nllb"]),
        "--no-glossary",
        "--no-progress",
    ]
    assert main([*args, "--engine-option", "num_beams=2"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    identity = records[0]["engine"]
    assert identity["engine"] == "nllb" and identity["params"]["num_beams"] == 2
    assert identity["params"]["family"] == "nllb" and len(identity["sha256"]) == 64
    assert all(r["translation"].strip() for r in records)
    assert "nllb:" in capsys.readouterr().err
    assert main([*args, "--engine", "nllb", "--engine-option", "beams=2"]) == 2
    assert "engine nllb takes no option beams; its options: num_beams, batch_size, max_input_tokens" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("family", ["m2m100", "m2m100-ct2"])
def test_words_to_avoid_are_suppressed(models: dict[str, Path], family: str) -> None:
    engine = load_engine("nllb", str(models[family]), num_beams=1)
    outputs = {r.text: s for r, s in zip(engine.translate(requests()), ARABIC + ENGLISH, strict=True)}
    text, source = max(outputs.items(), key=lambda item: len(set(item[0].split())))
    word = max(set(text.split()), key=text.split().count)
    request = TranslationRequest(source, avoid=(word,), direction=EN_AR if source in ENGLISH else AR_EN)
    avoided = engine.translate([request])[0].text
    assert len(set(text.split())) > 1 and word in text.split() and word not in avoided.split()
