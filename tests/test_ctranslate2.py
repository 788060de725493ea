"""The ctranslate2 engine and ``tarjama models convert``, on tiny Marian models built here.

Conversion goes through the CLI, as users run it. The float32 conversion must reproduce the
marian engine's greedy output exactly; a copy of the tiny model with enlarged weights makes
that check meaningful, since the plain random model writes the same text whatever the input.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("transformers")
pytest.importorskip("ctranslate2")

from tarjama.cli import main
from tarjama.engines import load_engine
from tarjama.engines.ctranslate2 import CTranslate2Engine
from tarjama.engines.marian import MarianEngine
from tarjama.engines.seq2seq import join_pieces, split_note, split_to_fit
from tarjama.errors import ModelUnavailableError
from tarjama.models.convert import PROVENANCE_FILE
from tarjama.types import TranslationRequest

SENTENCES = [
    "أعلنت وكالة الفضاء الأوروبية عن شراكة جديدة مع اليابان.",
    "مرحبا بكم",
    'وقال المدير إن العمل جار في 2025 — "جيد"؟',
    "الطقس جميل اليوم في القاهرة",
    "ارتفعت أسعار النفط بنسبة 3% يوم الاثنين.",
    "Ω ☃ 漢字",
]


def convert(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(["models", "convert", *args])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture(scope="module")
def responsive_marian(tiny_marian: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model with its matrices scaled up, so that its output depends on the input."""
    import torch
    from transformers import MarianMTModel

    folder = tmp_path_factory.mktemp("models") / "responsive-marian"
    shutil.copytree(tiny_marian, folder)
    model = MarianMTModel.from_pretrained(folder)
    with torch.no_grad():
        for name, param in model.named_parameters():
            # Positions are sinusoidal constants; the <pad> row stays zero (0 × 10).
            if param.dim() == 2 and "embed_positions" not in name:
                param.mul_(10.0)
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def converted(
    tiny_marian: Path, responsive_marian: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """float32 conversions of both models and an int8 (default) one of the tiny model."""
    root = tmp_path_factory.mktemp("ct2")
    jobs = {
        "tiny-f32": (tiny_marian, ["--quantization", "float32"]),
        "responsive-f32": (responsive_marian, ["--quantization", "float32"]),
        "tiny-int8": (tiny_marian, []),
    }
    for name, (src, extra) in jobs.items():
        assert main(["models", "convert", str(src), str(root / name), *extra]) == 0
    return {name: root / name for name in jobs}


@pytest.mark.parametrize(
    ("marian_fixture", "ct2"), [("tiny_marian", "tiny-f32"), ("responsive_marian", "responsive-f32")]
)
def test_float32_greedy_matches_marian(
    request: pytest.FixtureRequest, converted: dict[str, Path], marian_fixture: str, ct2: str
) -> None:
    marian = MarianEngine(str(request.getfixturevalue(marian_fixture)), num_beams=1, batch_size=4)
    engine = load_engine("ctranslate2", str(converted[ct2]), num_beams=1, batch_size=4)
    requests = [TranslationRequest(s) for s in SENTENCES]
    expected = [r.text for r in marian.translate(requests)]
    got = [r.text for r in engine.translate(requests)]
    assert got == expected
    assert all(text.strip() for text in got)
    if marian_fixture == "responsive_marian":
        # the comparison above is only worth something if the output depends on the input
        assert len(set(got)) > 1


def test_tokenisation_matches_marian_tokenizer(tiny_marian: Path, converted: dict[str, Path]) -> None:
    marian = MarianEngine(str(tiny_marian), num_beams=1)
    engine = CTranslate2Engine(str(converted["tiny-f32"]), num_beams=1)
    vocab = json.loads((tiny_marian / "vocab.json").read_text(encoding="utf-8"))
    for text in SENTENCES:
        ids = marian.tokenizer(text)["input_ids"]
        # pieces outside the vocabulary are <unk> for both (CTranslate2 maps them itself)
        ours = [vocab.get(t, vocab["<unk>"]) for t in engine.tokenize(text)]
        assert ours == ids
        assert engine._token_count(text) == marian._token_count(text)


def test_beam_search_is_batch_independent(converted: dict[str, Path]) -> None:
    engine = CTranslate2Engine(str(converted["responsive-f32"]), num_beams=3, batch_size=2)
    requests = [TranslationRequest(s) for s in SENTENCES[:4]]
    first = [r.text for r in engine.translate(requests)]
    second = [r.text for r in engine.translate(list(reversed(requests)))]
    assert first == list(reversed(second))


def test_int8_runs(converted: dict[str, Path]) -> None:
    engine = load_engine("ctranslate2", str(converted["tiny-int8"]), num_beams=2)
    results = engine.translate([TranslationRequest(s) for s in SENTENCES])
    assert len(results) == len(SENTENCES)
    assert all(r.text.strip() and not r.notes for r in results)
    assert engine.identity.params["compute_type"].startswith("int8")
    assert engine.identity.params["quantization"] == "int8"
    assert engine.translate([]) == []
    engine.close()


def test_identity(tiny_marian: Path, converted: dict[str, Path]) -> None:
    folder = converted["tiny-f32"]
    engine = CTranslate2Engine(str(folder), num_beams=2, batch_size=3, threads=1)
    ident = engine.identity
    assert ident.engine == "ctranslate2"
    assert ident.model == str(folder.resolve())
    assert ident.sha256 == hashlib.sha256((folder / "model.bin").read_bytes()).hexdigest()
    assert ident.params["num_beams"] == 2 and ident.params["batch_size"] == 3
    assert ident.params["threads"] == 1 and ident.params["compute_type"] == "float32"
    assert ident.params["max_input_tokens"] == 128  # the tiny model's position table
    # the identity ties the converted weights back to the Marian weights they came from
    assert ident.params["converted_source_sha256"] == MarianEngine(str(tiny_marian)).identity.sha256
    assert ident.describe().startswith("ctranslate2:") and "sha256:" in ident.describe()
    json.dumps(ident.to_dict())


def test_long_segment_is_split_like_marian(tiny_marian: Path, converted: dict[str, Path]) -> None:
    engine = CTranslate2Engine(str(converted["tiny-f32"]), num_beams=1, max_input_tokens=24)
    marian = MarianEngine(str(tiny_marian), num_beams=1, max_input_tokens=24)
    long = "، ".join(["أعلنت وكالة الفضاء الأوروبية عن شراكة جديدة"] * 8)
    assert engine._token_count(long) > 24
    (result,) = engine.translate(
        [
            TranslationRequest(long),
        ]
    )
    (reference,) = marian.translate([TranslationRequest(long)])
    assert result.notes == reference.notes
    assert result.notes[0].startswith("split into") and "24 tokens" in result.notes[0]
    pieces = engine._pieces(long)
    assert pieces == marian._pieces(long)
    assert len(pieces) > 1 and all(engine._token_count(p) <= 24 for p in pieces)
    assert " ".join(pieces).split() == long.split()
    assert result.text == reference.text


def test_convert_cli_layout_and_message(
    tiny_marian: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nested" / "ct2"
    rc, stdout, _ = convert(capsys, str(tiny_marian), str(out))
    assert rc == 0
    assert "int8" in stdout and "--engine ctranslate2" in stdout and str(out) in stdout
    names = {p.name for p in out.iterdir()}
    assert {"model.bin", "config.json", "source.spm", "target.spm", "vocab.json", PROVENANCE_FILE} <= names
    provenance = json.loads((out / PROVENANCE_FILE).read_text(encoding="utf-8"))
    assert provenance["quantization"] == "int8" and provenance["max_position_embeddings"] == 128
    # the temporary folder was renamed into place: nothing is left beside the output
    assert [p.name for p in out.parent.iterdir()] == ["ct2"]


def test_existing_output_needs_force(
    tiny_marian: Path, converted: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ct2"
    shutil.copytree(converted["tiny-f32"], out)
    before = (out / "model.bin").read_bytes()
    rc, _, err = convert(capsys, str(tiny_marian), str(out))
    assert rc == 2
    assert err.count("\n") == 1 and "already exists" in err and "--force" in err
    assert (out / "model.bin").read_bytes() == before
    rc, _, _ = convert(capsys, str(tiny_marian), str(out), "--force")
    assert rc == 0
    assert json.loads((out / PROVENANCE_FILE).read_text(encoding="utf-8"))["quantization"] == "int8"
    assert (out / "model.bin").read_bytes() != before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ct2"]


def test_force_never_replaces_an_unrelated_folder(
    tiny_marian: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    rc, _, err = convert(capsys, str(tiny_marian), str(out), "--force")
    assert rc == 2 and "not a CTranslate2 model folder" in err
    assert (out / "notes.txt").read_text() == "keep me"


def test_convert_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = convert(capsys, str(tmp_path / "missing"), str(tmp_path / "out"))
    assert rc == 2 and err.count("\n") == 1 and "no such model folder" in err

    bert = tmp_path / "bert"
    bert.mkdir()
    (bert / "config.json").write_text(json.dumps({"model_type": "bert"}))
    rc, _, err = convert(capsys, str(bert), str(tmp_path / "out"))
    assert rc == 2 and err.count("\n") == 1 and "'bert'" in err
    assert "not a Marian, NLLB or M2M-100 model" in err

    empty = tmp_path / "empty"
    empty.mkdir()
    rc, _, err = convert(capsys, str(empty), str(tmp_path / "out"))
    assert rc == 2 and "no config.json" in err
    assert not (tmp_path / "out").exists()


def test_failed_conversion_leaves_nothing(
    tiny_marian: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(tiny_marian, broken)
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    (tmp_path / "out").mkdir()
    rc, _, err = convert(capsys, str(broken), str(tmp_path / "out" / "ct2"))
    assert rc == 2 and err.count("\n") == 1
    assert list((tmp_path / "out").iterdir()) == []


def test_engine_errors(tiny_marian: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="tarjama models convert"):
        CTranslate2Engine(str(tiny_marian))
    with pytest.raises(ModelUnavailableError, match="converted model folder"):
        CTranslate2Engine(None)
    with pytest.raises(ModelUnavailableError, match="no such"):
        CTranslate2Engine(str(tmp_path / "missing"))


def test_spm_files_are_required(converted: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "no-spm"
    shutil.copytree(converted["tiny-f32"], folder)
    (folder / "source.spm").unlink()
    with pytest.raises(ModelUnavailableError, match=r"source\.spm missing"):
        CTranslate2Engine(str(folder))


def test_split_helpers() -> None:
    def words(text: str) -> int:
        return len(text.split())

    text = "one two three, four five six، seven eight nine ten"
    pieces = split_to_fit(text, words, 4)
    assert all(words(p) <= 4 for p in pieces)
    assert " ".join(pieces).split() == text.split()
    # clause punctuation is preferred over plain spaces
    assert pieces[0].endswith(",") or pieces[0].endswith("،")
    assert split_to_fit("short", words, 4) == ["short"]
    joined = join_pieces([["a", "b"], ["c"]], ["A ", " B", "C"], 4, 3.0)
    assert [r.text for r in joined] == ["A B", "C"]
    assert joined[0].notes == [split_note(2, 4)] and joined[1].notes == []
    assert joined[0].seconds == pytest.approx(2.0)


def test_padded_vocabulary_converts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import training_lines
    from tarjama.dev.synthetic import build_marian

    folder = build_marian(tmp_path / "padded", training_lines()[:200], vocab_size=300, pad_vocab_to=1500)
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    assert len(vocab) == 1500 and vocab["<pad>"] == 1499 and vocab["</s>"] == 0
    assert json.loads((folder / "config.json").read_text())["vocab_size"] == 1500
    rc, _, _ = convert(capsys, str(folder), str(tmp_path / "ct2"))
    assert rc == 0
    engine = CTranslate2Engine(str(tmp_path / "ct2"), num_beams=1)
    assert len(engine.translate([TranslationRequest(SENTENCES[0])])) == 1


def test_confidence_matches_marian_and_words_to_avoid(tiny_marian: Path, converted: dict[str, Path]) -> None:
    marian = MarianEngine(str(tiny_marian), num_beams=1)
    engine = CTranslate2Engine(str(converted["tiny-f32"]), num_beams=1)
    request = TranslationRequest(SENTENCES[0])
    (ours,) = engine.translate([request])
    (theirs,) = marian.translate([request])
    assert ours.text == theirs.text
    assert ours.confidence is not None and theirs.confidence is not None
    assert ours.confidence.min <= ours.confidence.mean <= 0
    # The same tokens scored by the same weights (Marian leaves <pad> out of its softmax).
    assert ours.confidence.tokens == theirs.confidence.tokens
    assert ours.confidence.mean == pytest.approx(theirs.confidence.mean, abs=0.25)
    pieces = engine.target_sp.encode
    word = next(w for w in ours.text.split() if w.isalpha() and len(pieces(w, out_type=str)) == 1)
    (avoided,) = engine.translate([TranslationRequest(request.source, avoid=(word,))])
    assert word not in avoided.text.split()
