"""The markup stage: placeholders checked after every engine call, retried once, repaired, flagged."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tarjama.document.model import parse_text
from tarjama.document.pins import locate, quoted
from tarjama.document.requests import build_requests
from tarjama.engines.base import Engine
from tarjama.glossary import Glossary
from tarjama.translate.run import Translator
from tarjama.types import EngineIdentity, SegmentTranslation, TranslationRequest

ROOT = Path(__file__).resolve().parents[1]


class Scripted(Engine):
    """An engine that answers each request with ``answer(request)`` and records every call."""

    name = "scripted"

    def __init__(self, answer: Callable[[TranslationRequest], str]) -> None:
        self.answer = answer
        self.calls: list[list[TranslationRequest]] = []

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("scripted", "test")

    def translate(self, requests: Sequence[TranslationRequest], *, done=None) -> list[SegmentTranslation]:
        self.calls.append(list(requests))
        return [SegmentTranslation(self.answer(r)) for r in requests]


class ChecksItself(Scripted):
    handles_markup = True


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load(ROOT / "references" / "glossary.tsv")


def translate(markdown: str, engine: Engine, glossary: Glossary | None = None):
    return Translator(engine, glossary, checks=None).translate_document(parse_text(markdown, "md"))


def test_the_glossary_matches_inside_emphasis_and_its_offsets_point_into_the_request(
    glossary: Glossary,
) -> None:
    text = "وقعت **وكالة الفضاء الأوروبية** اتفاقية مع [جاكسا](https://jaxa.jp)."
    (prep,) = build_requests(parse_text(text, "md"), glossary)
    request = prep.request
    assert request.source == "وقعت <g1>وكالة الفضاء الأوروبية</g1> اتفاقية مع <g2>جاكسا</g2>."
    assert [h.target for h in request.hints] == ["European Space Agency", "JAXA"]
    for hint in request.hints:
        assert request.source[hint.start : hint.end] == hint.source


def test_every_span_of_the_plain_sentence_maps_onto_its_request_text() -> None:
    # Inline.to_text against the character-by-character mapping: the request text's span,
    # placeholders taken out, is the plain span, for every span of every sentence.
    import re

    text = ("**وقعت** وكالة *الفضاء* `code` الأوروبية [اتفاقية **مع** جاكسا](https://jaxa.jp) اليوم. "
            "جملة ثانية بلا علامات. *كلها مائلة*\n")
    prepared = build_requests(parse_text(text, "md"), None)
    inlines = [p.segment.inline for p in prepared if p.segment.inline is not None]
    assert len(prepared) == 3 and len(inlines) == 2
    assert len(re.findall(r"<g\d+>|<x\d+/>", inlines[0].text)) == 5
    for inline in inlines:
        # brute force: the index in ``text`` of each visible character, and the end
        where = [i for i, _ in _visible(inline.text)] + [len(inline.text)]
        assert "".join(c for _, c in _visible(inline.text)) == inline.plain
        n = len(inline.plain)
        for start in range(n + 1):
            for end in range(start, n + 1):
                a, b = inline.to_text(start, end)
                assert a == where[start]
                assert b == (where[end - 1] + 1 if end > start else where[start])
                assert re.sub(r"</?g\d+>|<x\d+/>", "", inline.text[a:b]) == inline.plain[start:end]


def _visible(text: str) -> list[tuple[int, str]]:
    """(index, character) of each character of ``text`` outside placeholders."""
    import re

    out, pos = [], 0
    for m in re.finditer(r"</?g\d+>|<x\d+/>", text):
        out += [(i, text[i]) for i in range(pos, m.start())]
        pos = m.end()
    return out + [(i, text[i]) for i in range(pos, len(text))]


def test_broken_placeholders_are_retried_once_with_strict_markup() -> None:
    engine = Scripted(
        lambda r: "Read <g1>the statement</g1> now." if r.strict_markup else "Read the statement now."
    )
    result = translate("اقرأ [البيان](https://esa.int/s) الآن.", engine)
    assert [[r.strict_markup for r in call] for call in engine.calls] == [[False], [True]]
    (sentence,) = result.sentences()
    assert sentence.translation == "Read [the statement](https://esa.int/s) now."
    assert sentence.notes == ["retried: inline markup (<g1> missing)"]
    assert sentence.findings == [] and not sentence.needs_review
    assert sentence.tagged == ("اقرأ <g1>البيان</g1> الآن.", "Read <g1>the statement</g1> now.")


def test_an_engine_that_checks_markup_itself_is_not_asked_twice() -> None:
    engine = ChecksItself(lambda r: "Read the statement now.")
    translate("اقرأ [البيان](https://esa.int/s) الآن.", engine)
    assert len(engine.calls) == 1


def test_markup_is_restored_where_the_glossary_or_a_latin_name_pins_it(glossary: Glossary) -> None:
    engine = ChecksItself(lambda r: "The European Space Agency signed an agreement with JAXA on the H3.")
    text = "وقعت **وكالة الفضاء الأوروبية** اتفاقية مع [جاكسا](https://jaxa.jp) بشأن *H3*."
    result = translate(text, engine, glossary)
    (sentence,) = result.sentences()
    assert sentence.translation == (
        "The **European Space Agency** signed an agreement with [JAXA](https://jaxa.jp) on the *H3*."
    )
    assert [f.severity for f in sentence.findings] == ["warning"] * 3
    assert "strong emphasis around «وكالة الفضاء الأوروبية» restored around «European Space Agency»" in (
        sentence.findings[0].message
    )
    assert "aligned by a Latin-script name" in sentence.findings[2].message
    assert not sentence.needs_review


def test_a_tag_restored_by_its_pins_takes_in_the_bracket_it_opens(glossary: Glossary) -> None:
    # The Word article's first sentence: the model dropped the bold; the glossary and the name
    # ESA pin "European Space Agency (ESA" — the bold must not stop before the bracket closes.
    engine = ChecksItself(lambda r: "The European Space Agency (ESA) announced a new partnership.")
    text = "أعلنت **وكالة الفضاء الأوروبية (ESA)** عن شراكة جديدة."
    (sentence,) = translate(text, engine, glossary).sentences()
    assert sentence.translation == "The **European Space Agency (ESA)** announced a new partnership."
    assert "restored around «European Space Agency (ESA)»" in sentence.findings[0].message


def test_a_tag_around_a_whole_quotation_goes_back_around_the_english_quotation() -> None:
    # The Word article's last paragraph: italic around a quoted name nothing else pins.
    engine = ChecksItself(
        lambda r: 'The new cooperation, called "the next big collaborations", aims at social progress.'
    )
    text = 'ويهدف التعاون الجديد، الذي يُسمى "*التعاونات الكبيرة التالية*"، إلى دفع التقدم الاجتماعي.'
    (sentence,) = translate(text, engine).sentences()
    assert sentence.translation == (
        'The new cooperation, called "*the next big collaborations*", aims at social progress.'
    )
    assert "aligned by its quotation marks" in sentence.findings[0].message
    assert not sentence.needs_review


def test_a_quotation_pins_only_when_source_and_english_have_as_many() -> None:
    source = 'قال "<g1>أ</g1>" و"ب".'
    assert quoted(source, 9, 10, 'He said "a" and "b".') == [("a", "its quotation marks")]
    assert quoted(source, 9, 10, 'He said "a" and b.') == []
    # the tag is not the whole quotation
    assert quoted('قال "<g1>أ ب</g1> ج".', 9, 12, 'He said "a b c".') == []


def test_a_pinned_span_grows_only_to_close_what_it_opened() -> None:
    assert locate("the (ESA) team", [("ESA", "a name")]) == (5, 8, ["a name"])
    assert locate("the ESA (2025) plan", [("ESA (2025", "x")]) == (4, 14, ["x"])
    assert locate("«big plan» now", [("big plan»", "x")]) == (0, 10, ["x"])
    assert locate("the (ESA team", [("(ESA", "x")]) == (4, 8, ["x"])  # nothing beside it to take in


def test_markup_nothing_pins_is_dropped_keeping_the_text_and_the_sentence_is_flagged() -> None:
    engine = ChecksItself(lambda r: "Read the full statement on the agency's website.")
    result = translate("اقرأ [البيان الكامل](https://esa.int/s) على موقع الوكالة.", engine)
    (sentence,) = result.sentences()
    assert sentence.translation == "Read the full statement on the agency's website."
    (finding,) = sentence.findings
    assert finding.check == "markup" and finding.severity == "error"
    assert "link https://esa.int/s around «البيان الكامل» dropped" in finding.message
    assert sentence.needs_review
    record = next(result.records())["sentences"][0]
    assert record["needs_review"] is True and record["checks"][0]["check"] == "markup"


def test_code_is_never_lost() -> None:
    engine = ChecksItself(lambda r: "Run the command again.")
    (sentence,) = translate("أعد تشغيل الأمر `run --fast` مرة أخرى.", engine).sentences()
    assert sentence.translation == "Run the command again `run --fast`."
    assert sentence.needs_review and "placed at the end of the sentence" in sentence.findings[0].message


def test_a_well_placed_answer_needs_nothing() -> None:
    engine = Scripted(lambda r: r.source.replace("اقرأ", "Read").replace("البيان", "the statement"))
    (sentence,) = translate("اقرأ [البيان](https://esa.int/s).", engine).sentences()
    assert len(engine.calls) == 1 and sentence.notes == [] and sentence.findings == []
