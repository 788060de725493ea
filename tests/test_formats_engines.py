"""Placeholders through Marian and CTranslate2 (tokens to copy), and batch over every format.

The tiny test models have random weights, so they show what can be shown without a real
model: a placeholder reaches the model as pieces of its vocabulary and comes back from them
intact (a tokenisation round trip), an engine that copies them keeps them through splitting
and batching, and when a model drops them (the random one always does) the sentence still
comes out with valid markup and a review flag.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

pytest.importorskip("transformers")

from tarjama.cli import main
from tarjama.document.inline import strip
from tarjama.engines.injection import model_input
from tarjama.engines.seq2seq import Seq2SeqEngine
from tarjama.types import Confidence, EngineIdentity, TranslationRequest

REQUESTS = [
    "اقرأ <g1>البيان الكامل</g1> على موقع <x2/> الوكالة.",
    "<g1>وكالة <g2>الفضاء</g2></g1> و<x3/>.",
]


def test_placeholders_reach_the_marian_model_as_known_pieces_and_come_back_intact(tiny_marian: Path) -> None:
    from tarjama.engines.marian import MarianEngine

    engine = MarianEngine(str(tiny_marian), num_beams=1)
    unk = engine.tokenizer.unk_token_id
    for text in [*REQUESTS, model_input(TranslationRequest(REQUESTS[0], strict_markup=True))]:
        ids = engine.tokenizer(text)["input_ids"]
        assert unk not in ids, engine.tokenizer.convert_ids_to_tokens(ids)
        assert engine.tokenizer.decode(ids, skip_special_tokens=True) == text
    # The model's own output side: the placeholder pieces exist in the target vocabulary too.
    english = "Read <g1>the full statement</g1> on <x2/> the website."
    ids = engine.tokenizer(text_target=english)["input_ids"]
    assert unk not in ids and engine.tokenizer.decode(ids, skip_special_tokens=True) == english


def test_placeholders_survive_the_ctranslate2_tokenizer(tiny_marian: Path, tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2")
    from tarjama.engines.ctranslate2 import CTranslate2Engine

    assert main(["models", "convert", str(tiny_marian), str(tmp_path / "ct2")]) == 0
    engine = CTranslate2Engine(str(tmp_path / "ct2"))
    for text in REQUESTS:
        pieces = engine.tokenize(text)
        assert "<unk>" not in pieces
        assert engine.detokenize(pieces) == text


class Copier(Seq2SeqEngine):
    """A sequence-to-sequence engine whose "model" copies its input: what the engine path keeps."""

    name = "copier"
    max_input_tokens = 8

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("copier", "test")

    def _token_count(self, text: str) -> int:
        return len(text.split()) + 1

    def _generate(
        self, texts: list[str], avoid: Sequence[str] = (), direction: object = None
    ) -> list[tuple[str, Confidence | None]]:
        return [(t, None) for t in texts]

    def _generate_aligned(
        self, texts: list[str], avoid: Sequence[str] = (), direction: object = None
    ) -> list[tuple[str, Confidence | None, list[list[float]]]]:
        """A copy aligns each word with itself."""
        return [(t, None, [[float(i == j) for j in range(len(t.split()))] for i in range(len(t.split()))])
                for t in texts]  # fmt: skip


def test_a_copying_model_gets_every_tag_back_in_place_through_splitting() -> None:
    long = "قال <g1>المدير العام <g2>للوكالة</g2></g1> إن المهمة <x3/> ستنطلق في العام المقبل من القاعدة."
    engine = Copier()
    assert engine.handles_markup  # tags come back by construction: the markup stage never asks again
    tagged, plain = engine.translate([TranslationRequest(long), TranslationRequest(strip(long))])
    assert "split into" in tagged.notes[0]  # longer than 8 "tokens": cut at spaces, pieces joined
    assert tagged.text == long and tagged.findings == []  # the model read no tag, and all are back
    assert " ".join(plain.text.split()) == " ".join(strip(long).split())


def test_a_tag_the_random_models_alignment_cannot_place_goes_at_the_end_and_is_flagged(
    tiny_marian: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "a.md"
    src.write_text("اقرأ [البيان](https://esa.int/s) الآن.\n", encoding="utf-8")
    out = tmp_path / "a.jsonl"
    argv = ["translate", str(src), "-o", str(out), "--engine", "marian", "--model", str(tiny_marian),
            "--no-glossary", "--no-progress"]  # fmt: skip
    assert main(argv) == 0
    (sentence,) = json.loads(out.read_text(encoding="utf-8"))["sentences"]
    assert sentence["tagged"]["source"] == "اقرأ <g1>البيان</g1> الآن."
    # Projected, never retried: its random attention aligns no word of the link's text.
    assert not any(note.startswith("retried") for note in sentence["notes"])
    assert sentence["notes"][0].startswith("markup: <g1> around «البيان» placed around")
    assert sentence["needs_review"] is True and sentence["checks"][0]["check"] == "markup"
    assert "at the end of the sentence" in sentence["checks"][0]["message"]
    assert "https://esa.int/s" in sentence["checks"][0]["message"]


def test_batch_mirrors_every_format_with_memory_and_provenance(
    tiny_marian: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import docx

    sys.path.insert(0, str(Path(__file__).parent))
    from test_formats_xliff import XLIFF_21

    folder = tmp_path / "in"
    (folder / "web").mkdir(parents=True)
    (folder / "a.ar.md").write_text("نص **مهم**.\n", encoding="utf-8")
    (folder / "web" / "p.html").write_text('<p title="عنوان">نص <b>مهم</b>.</p>\n', encoding="utf-8")
    (folder / "cat.xlf").write_text(XLIFF_21, encoding="utf-8")
    word = docx.Document()
    word.add_paragraph("نص ").add_run("مهم").bold = True
    word.save(folder / "w.docx")
    out = tmp_path / "out"
    argv = ["batch", str(folder), "--out-dir", str(out), "--engine", "marian", "--model", str(tiny_marian),
            "--no-glossary", "--no-progress"]  # fmt: skip
    assert main(argv) == 0
    files = [f for f in out.rglob("*") if f.is_file() and not f.name.startswith(".")]
    written = sorted(f.relative_to(out).as_posix() for f in files)
    assert written == ["a.en.md", "cat.en.xlf", "provenance.jsonl", "w.en.docx", "web/p.en.html"]
    records = [
        json.loads(line) for line in (out / "provenance.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(r["format"] for r in records) == ["docx", "html", "md", "xliff"]
    assert all(r["status"] == "done" for r in records)
    first = {p: p.read_bytes() for p in out.rglob("*.en.*") if p.suffix != ".docx"}
    capsys.readouterr()
    assert main(argv) == 0
    assert "0 translated" in capsys.readouterr().err  # every segment from the memory
    assert {p: p.read_bytes() for p in out.rglob("*.en.*") if p.suffix != ".docx"} == first
    assert docx.Document(str(out / "w.en.docx")).paragraphs[0].text
