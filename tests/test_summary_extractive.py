"""Extractive summaries: ranking, source order, alignment of Arabic and English points."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SEED
from summary_helpers import ARTICLE, ENGLISH, GLOSSARY, ScriptedEngine
from tarjama.document.model import Document, parse_text, read_document
from tarjama.document.record import TranslationFile, read_translation
from tarjama.errors import TarjamaError
from tarjama.glossary import Glossary
from tarjama.summary.core import summarize
from tarjama.summary.rank import RankWeights, content_tokens, rank_sentences, summary_length
from tarjama.summary.translations import check_translation
from tarjama.translate.run import Translator


def read_translation_file(path: Path, document: Document) -> TranslationFile:
    return check_translation(read_translation(path, need_sentences=True), document)


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load(GLOSSARY)


def test_seed_ranking_scores_and_source_order(glossary: Glossary) -> None:
    ranking = rank_sentences(read_document(SEED), glossary)
    assert len(ranking.sentences) == 20
    w = ranking.weights
    for s in ranking.sentences:
        for value in (s.centrality, s.position_prior, s.term_weight):
            assert 0.0 <= value <= 1.0
        expected = w.centrality * s.centrality + w.position * s.position_prior + w.terms * s.term_weight
        assert s.final == pytest.approx(expected)
    assert max(s.centrality for s in ranking.sentences) == pytest.approx(1.0)
    assert ranking.sentences[0].position_prior == 1.0
    for n in (1, 3, 5, 8):
        chosen = ranking.select(n)
        assert len(chosen) == n
        positions = [s.position for s in chosen]
        assert positions == sorted(positions), "chosen sentences must come out in source order"
        assert all(s.decision.startswith("chosen") for s in chosen)
    # The lead of a news article is its most important sentence.
    assert ranking.select(3)[0].label == "¶1.1"


def test_ranking_features_are_clitic_stripped_normalised_arabic(glossary: Glossary) -> None:
    assert content_tokens("والمريخ للمريخ المريخ في") == ["مريخ", "مريخ", "مريخ"]
    doc = parse_text(
        "زار الوفد المريخ والقمر اليوم مع الفريق.\n\nوالمريخ وللقمر وجهتان للفريق والوفد معا.\n\n"
        "ارتفعت أسعار النفط في الأسواق العالمية بشدة.\n"
    )
    ranking = rank_sentences(doc, None)
    sim = ranking.similarity
    assert sim[0, 1] > 0.2 and sim[0, 2] == 0.0
    with_terms = rank_sentences(read_document(SEED), glossary)
    assert all(s.terms for s in with_terms.sentences if s.term_weight > 0)
    assert max(s.term_weight for s in with_terms.sentences) == 1.0


def test_redundant_and_short_sentences_are_not_chosen() -> None:
    text = ("أعلنت الوكالة عن مهمة جديدة لاستكشاف المريخ في العام المقبل.\n\n"
            "أعلنت الوكالة عن مهمة جديدة لاستكشاف المريخ في العام المقبل.\n\n"
            "وقال العلماء إن المسبار سيحمل أجهزة لقياس الغلاف الجوي للكوكب الأحمر.\n\nنعم.\n")
    ranking = rank_sentences(parse_text(text))
    chosen = ranking.select(2)
    assert [s.position for s in chosen] == [0, 2]
    assert ranking.sentences[1].decision == "redundant with ¶1.1"
    assert ranking.sentences[3].eligible is False and "not eligible" in ranking.sentences[3].decision
    # Asking for more than there is: the redundant one fills the slot, the short one never does.
    assert [s.position for s in ranking.select(4)] == [0, 1, 2]


def test_summary_length() -> None:
    assert summary_length(20) == 3
    assert summary_length(20, sentences=5) == 5
    assert summary_length(20, ratio=0.25) == 5
    assert summary_length(3, ratio=0.01) == 1


def test_on_demand_translation_translates_only_the_chosen_sentences(glossary: Glossary) -> None:
    doc = parse_text(ARTICLE)
    engine = ScriptedEngine()
    summary = summarize(doc, 2, glossary=glossary, translator=Translator(engine, glossary, checks=None))
    assert [r.source for r in engine.requests] == [p.source for p in summary.points]
    assert len(engine.requests) == 2
    for point in summary.points:
        # Each English point is the translation of its own Arabic point.
        assert point.english == ENGLISH[point.source]
        para = doc.paragraphs[point.ranked.paragraph]
        assert para.sentences[point.ranked.sentence].content == point.source
        assert point.translation.origin == "translated"
        assert point.translation.engine["engine"] == "scripted"
    # Requests are the pipeline's: glossary hints, and the earlier sentences of the paragraph.
    first = engine.requests[0]
    assert {h.target for h in first.hints} >= {"ESA", "JAXA"}
    assert all(r.context == "" or r.context in ARTICLE for r in engine.requests)
    positions = [p.ranked.position for p in summary.points]
    assert positions == sorted(positions)
    assert summary.method == "extractive"


def _translation_jsonl(tmp_path: Path, glossary: Glossary, text: str = ARTICLE) -> tuple[Path, Path]:
    src = tmp_path / "article.ar.txt"
    src.write_text(text, encoding="utf-8")
    result = Translator(ScriptedEngine(), glossary, checks=None).translate_document(read_document(src))
    jsonl = tmp_path / "article.en.jsonl"
    jsonl.write_text(result.jsonl(), encoding="utf-8")
    return src, jsonl


def test_points_from_a_translation_file_are_its_text_exactly(tmp_path: Path, glossary: Glossary) -> None:
    src, jsonl = _translation_jsonl(tmp_path, glossary)
    doc = read_document(src)
    summary = summarize(doc, 3, glossary=glossary, translation=read_translation_file(jsonl, doc))
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    for point in summary.points:
        sentence = records[point.ranked.paragraph]["sentences"][point.ranked.sentence]
        assert sentence["index"] == point.ranked.sentence
        assert sentence["source"] == point.source
        assert sentence["translation"] == point.english
        assert point.translation.origin == "translation-file"
    assert summary.translation_path == str(jsonl)


def test_a_translation_of_another_text_is_refused(tmp_path: Path, glossary: Glossary) -> None:
    src, jsonl = _translation_jsonl(tmp_path, glossary)
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    records[1]["source"] = records[1]["source"].replace("2029", "2030")
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    with pytest.raises(TarjamaError, match=r"jsonl:2: paragraph 2 does not match .*2030"):
        read_translation_file(jsonl, read_document(src))
    jsonl.write_text(jsonl.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    with pytest.raises(TarjamaError, match=r"has 2 paragraph records but .* has 3 paragraphs"):
        read_translation_file(jsonl, read_document(src))
    jsonl.write_text("not json\n", encoding="utf-8")
    with pytest.raises(TarjamaError, match=r"jsonl:1: not valid JSON"):
        read_translation_file(jsonl, read_document(src))


def test_a_sentence_level_mismatch_is_refused(tmp_path: Path, glossary: Glossary) -> None:
    src, jsonl = _translation_jsonl(tmp_path, glossary)
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    records[0]["sentences"][0]["source"] = "جملة أخرى."
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    doc = read_document(src)
    with pytest.raises(TarjamaError, match="paragraph 1, sentence 1 does not match the input"):
        summarize(doc, 3, glossary=glossary, translation=read_translation_file(jsonl, doc))


def test_no_english_source_and_nothing_eligible_are_errors() -> None:
    with pytest.raises(TarjamaError, match="no English available"):
        summarize(parse_text(ARTICLE), 2)
    with pytest.raises(TarjamaError, match="no sentence has at least"):
        summarize(parse_text("نعم.\n\nلا.\n"), 2, translator=Translator(ScriptedEngine(), checks=None))
    weights = RankWeights(min_tokens=1)
    assert rank_sentences(parse_text("نعم جدا.\n"), None, weights).sentences[0].eligible
