"""Detag and project: tags put back into a translation of the plain sentence from a word alignment.

The pure function (an alignment matrix in, a tagged translation out) is tested on hand-made
alignments; the engines (Marian, NLLB, CTranslate2 on the tiny random models) show that every tag
comes back, properly nested, around the very text the model gives for the plain sentence.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tarjama.document.inline import problems, strip
from tarjama.engines.projection import piece_words, plain, project, word_weights, words
from tarjama.types import TermHint, TranslationRequest


def matrix(links: dict[int, int], n_target: int, n_source: int) -> list[list[float]]:
    """Weights with target word t aligned to source word links[t] (unlinked words weigh nothing)."""
    return [[1.0 if links.get(t) == s else 0.0 for s in range(n_source)] for t in range(n_target)]


def same_text(tagged: str, target: str) -> bool:
    """The words of ``tagged`` without its tags are those of ``target`` (spaces aside: a standalone
    tag before a full stop leaves one in the stripped view)."""

    def spaced(text: str) -> str:
        return re.sub(r"\s+(?=[.,;:!?])", "", " ".join(text.split()))

    return spaced(strip(tagged)) == spaced(target)


def test_paired_and_standalone_tags_follow_the_alignment() -> None:
    source = "اقرأ <g1>البيان الكامل</g1> على موقع <x2/> الوكالة."
    target = "Read the full statement on the agency's website."
    assert plain(source) == "اقرأ البيان الكامل على موقع الوكالة."
    # Read←اقرأ the←البيان full←الكامل statement←البيان on←على agency's←الوكالة website←موقع
    links = {0: 0, 1: 1, 2: 2, 3: 1, 4: 3, 5: 5, 6: 5, 7: 4}
    result = project(source, target, matrix(links, 8, 6))
    # The tag after موقع follows "website", its final full stop left outside.
    assert result.text == "Read <g1>the full statement</g1> on the agency's website <x2/>."
    assert result.findings == [] and result.notes == []


def test_tags_move_with_their_words_and_nest_as_in_the_source() -> None:
    # Verb–subject order: the tags swap places in English.
    source = "<g1>زار</g1> <g2>الوزير</g2> باريس."
    target = "The minister visited Paris."
    result = project(source, target, matrix({0: 1, 1: 1, 2: 0, 3: 2}, 4, 3))
    assert result.text == "<g2>The minister</g2> <g1>visited</g1> Paris."
    # Nested tags, the adjective after its noun in Arabic, and a standalone tag glued to a word.
    source = "<g1>وكالة <g2>الفضاء</g2></g1> و<x3/>."
    result = project(source, "The Space Agency and.", matrix({1: 1, 2: 0, 3: 2}, 4, 3))
    assert result.text == "The <g1><g2>Space</g2> Agency</g1> and <x3/>."
    assert result.findings == []


def test_scattered_alignments_never_cross_a_neighbouring_tag() -> None:
    source = "<g1>أ ب</g1> <g2>ج</g2> د"
    target = "w1 w2 w3 w4 w5"
    # g1's words align to w1 and w4, g2's to w2 and w3: g1 keeps the run holding most of its words.
    result = project(source, target, matrix({0: 0, 1: 2, 2: 2, 3: 1, 4: 3}, 5, 4))
    assert result.text == "<g1>w1</g1> <g2>w2 w3</g2> w4 w5"
    assert problems(source, result.text) == {}


def test_unaligned_tags_go_to_a_pin_else_the_sentence_end_flagged_only_then() -> None:
    source = "التقى الوزير بمسؤولي <g1>ناسا</g1> في <g2>مدينة</g2> <x3/> أمس."
    target = "The minister met NASA officials in the city yesterday."
    hints = [TermHint("ناسا", "NASA", start=source.index("ناسا"), end=source.index("ناسا") + 4)]
    result = project(source, target, None, hints)  # no alignment at all
    # g1 pinned by the glossary (a note, no finding); nothing pins g2 and x3: the sentence end, flagged.
    assert result.text == "The minister met <g1>NASA</g1> officials in the city <g2>yesterday</g2> <x3/>."
    assert same_text(result.text, target)
    assert result.notes[0] == "markup: <g1> around «ناسا» put around «NASA», aligned by the glossary"
    assert [f.severity for f in result.findings] == ["error", "error"]
    assert result.findings[0].message.startswith("<g2> around «مدينة» placed around «yesterday» at the end")
    assert result.findings[1].message.startswith("<x3/> placed at the end of the sentence")


def test_a_latin_name_pins_a_tag_and_a_number_pins_a_standalone_one() -> None:
    source = "أعلنت <g1>ESA</g1> إطلاق 3 <x2/> أقمار."
    target = "ESA announced the launch of 3 satellites."
    result = project(source, target, None)
    assert result.text == "<g1>ESA</g1> announced the launch of 3 <x2/> satellites."
    assert result.findings == []


def test_every_tag_comes_back_whatever_the_alignment() -> None:
    import random

    source = "<g1>قال <g2>المدير</g2></g1> إن <x3/> المهمة <g4>ستنطلق <x5/> قريبا</g4>."
    target = "The director said that the mission will be launched soon."
    n_source, n_target = len(words(plain(source))), len(words(target))
    rng = random.Random(7)
    for _ in range(200):
        weights = [[rng.random() for _ in range(n_source)] for _ in range(n_target)]
        result = project(source, target, weights)
        assert problems(source, result.text) == {}, result.text
        assert same_text(result.text, target)


def test_token_attention_sums_into_words() -> None:
    pieces = ["▁Inter", "national", "▁Space", "</s>", "<pad>"]
    assert piece_words(pieces, {"</s>", "<pad>"}) == [0, 0, 1, -1, -1]
    attention = [[0.5, 0.5, 0.0], [0.25, 0.0, 0.75]]  # two target tokens of one word, three source tokens
    assert word_weights(attention, [0, 0], [0, 1, -1]) == [[0.75, 0.5]]


TAGGED = [
    "اقرأ <g1>البيان الكامل</g1> على موقع <x2/> الوكالة.",
    "<g1>وكالة <g2>الفضاء</g2></g1> الأوروبية و<x3/>.",
    "وقال <g1>المدير العام</g1> إن <g2>المهمة</g2> ستنطلق <x3/> في <g4>العام المقبل</g4>.",
]


def _engine(kind: str, folder: Path, tmp_path_factory: pytest.TempPathFactory):
    if kind == "marian":
        from tarjama.engines.marian import MarianEngine

        return MarianEngine(str(folder), num_beams=2)
    if kind == "nllb":
        from tarjama.engines.nllb import NllbEngine

        return NllbEngine(str(folder), num_beams=2)
    pytest.importorskip("ctranslate2")
    from tarjama.cli import main
    from tarjama.engines.ctranslate2 import CTranslate2Engine

    out = tmp_path_factory.mktemp("ct2") / "model"
    assert main(["models", "convert", str(folder), str(out)]) == 0
    return CTranslate2Engine(str(out), num_beams=2)


@pytest.mark.parametrize("kind", ["marian", "nllb", "ctranslate2"])
def test_tiny_models_get_every_tag_back_around_the_plain_translation(
    kind: str, tiny_marian: Path, tiny_nllb: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    engine = _engine(kind, tiny_nllb if kind == "nllb" else tiny_marian, tmp_path_factory)
    # The model's own attention gives a word alignment for every sentence.
    for text, _, weights in engine._generate_aligned([plain(s) for s in TAGGED]):
        assert weights is not None and len(weights) == len(words(text))
    tagged = engine.translate([TranslationRequest(s) for s in TAGGED])
    plain_run = engine.translate([TranslationRequest(plain(s)) for s in TAGGED])
    for source, result, reference in zip(TAGGED, tagged, plain_run, strict=True):
        assert problems(source, result.text) == {}, result.text  # 100 % of tags, properly nested
        assert same_text(result.text, reference.text)
        assert not any(note.startswith("retried") for note in result.notes)
