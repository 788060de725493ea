"""Generated (abstractive) summaries: the prompt, the name check, and the fallback when it fails."""

from __future__ import annotations

import pytest

from summary_helpers import ARTICLE, GLOSSARY, ScriptedEngine, ScriptedLLM
from tarjama.document.model import parse_text
from tarjama.errors import TarjamaError
from tarjama.glossary import Glossary
from tarjama.report.summary import render_md
from tarjama.summary.abstractive import build_prompt, write_summary
from tarjama.summary.core import summarize
from tarjama.summary.support import check, names, numbers, supported
from tarjama.translate.run import Translator

FAITHFUL = (
    "The European Space Agency (ESA) and JAXA announced a new partnership in the exploration of the Moon "
    "and Mars, signed by Josef Aschbacher and Hiroshi Yamakawa in Tsukuba. It includes ESA's RAMSES mission "
    "to the asteroid Apophis before its approach in 2029."
)
INVENTED = (
    "The European Space Agency and JAXA announced a partnership, signed by Kuwait's Space Minister, "
    "Dr. Mohammed Al-Suwaidi, and NASA in Tsukuba."
)


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load(GLOSSARY)


def test_names_are_capitalised_runs_acronyms_not_sentence_starts() -> None:
    text = (
        "The European Space Agency (ESA) and JAXA's President Hiroshi Yamakawa met in Tsukuba, Japan. "
        "Both agencies back the ESA-led Rapid Apophis Mission for Space Safety. "
        'He said: "We welcome it." LiteBIRD follows. Yamakawa agreed. I agree.'
    )
    assert names(text) == [
        "European Space Agency", "ESA", "JAXA President Hiroshi Yamakawa", "Tsukuba", "Japan",
        "Rapid Apophis Mission for Space Safety", "LiteBIRD",
    ]  # fmt: skip
    # "Both", "He", "We", and the sentence-initial "Yamakawa" are grammar capitals, not checked.
    assert numbers("In 2029, 1,000 km; ٢٠٢٥ and 2.5") == ["2029", "1000", "2025", "2.5"]


def test_a_name_is_supported_whole_or_word_by_capitalised_word() -> None:
    allowed = "JAXA's President Hiroshi Yamakawa and ESA's Director General Josef Aschbacher met."
    assert supported("Josef Aschbacher", allowed)
    assert supported("ESA Director General Josef Aschbacher", allowed)  # every word is there, capitalised
    assert not supported("Mohammed Al-Suwaidi", allowed)
    assert not supported("Hiroshi Suzuki", allowed)
    assert supported("Earth Observation", "earth observation")  # a whole name: any case
    assert not supported("Director Smith", "the director met smith")  # word by word: as written
    result = check("Hiroshi Yamakawa and NASA met in 1970.", [allowed])
    assert result.unsupported_names == ["NASA"] and result.unsupported_numbers == ["1970"]
    assert "NASA" in result.reason() and "1970" in result.reason() and not result.ok


def test_prompt_gives_the_glossary_terms_and_the_article() -> None:
    prompt = build_prompt(["First paragraph.", "Second paragraph."], ["ESA", "Josef Aschbacher"], 3)
    assert prompt.startswith("<|im_start|>system\n") and prompt.endswith("<|im_start|>assistant\n")
    assert "in 3 sentences" in prompt
    assert "- ESA\n- Josef Aschbacher\n" in prompt
    assert "Article:\nFirst paragraph.\n\nSecond paragraph." in prompt


def test_faithful_summary_is_accepted(glossary: Glossary) -> None:
    llm = ScriptedLLM(FAITHFUL)
    translator = Translator(ScriptedEngine(), glossary, checks=None)
    summary = summarize(parse_text(ARTICLE), 2, glossary=glossary, translator=translator, abstractive=True,
                        llm=llm, writer={"engine": "scripted-llm", "model": "fake"})
    assert summary.abstract is not None and summary.abstract.accepted, summary.abstract.reason
    assert summary.method == "abstractive"
    assert summary.english_text() == FAITHFUL
    assert len(llm.prompts) == 1
    # The glossary English of the terms found in the source is in the prompt, as is the translation.
    for term in ("European Space Agency", "Josef Aschbacher", "RAMSES", "Apophis", "ispace"):
        assert f"- {term}\n" in llm.prompts[0]
    assert "The agreement was signed by Josef Aschbacher" in llm.prompts[0]
    assert llm.kwargs[0]["temperature"] == 0.0
    assert "## English summary" in render_md(summary)


def test_invented_name_is_rejected_and_the_extractive_summary_used(glossary: Glossary) -> None:
    engine = ScriptedEngine()
    translator = Translator(engine, glossary, checks=None)
    summary = summarize(parse_text(ARTICLE), 2, glossary=glossary, translator=translator, abstractive=True,
                        llm=ScriptedLLM(INVENTED))
    a = summary.abstract
    assert a is not None and not a.accepted
    assert a.check.unsupported_names == ["Kuwait Space Minister", "Mohammed Al-Suwaidi", "NASA"]
    assert "Mohammed Al-Suwaidi" in a.reason and "NASA" in a.reason
    assert summary.method == "extractive (abstractive rejected)"
    assert summary.english_text() == " ".join(p.english for p in summary.points)
    assert any("rejected" in n and "NASA" in n for n in summary.notes)
    record = summary.to_dict()
    assert record["abstractive"]["accepted"] is False
    assert record["abstractive"]["check"]["unsupported_names"] == a.check.unsupported_names
    assert "Generated summary rejected" in render_md(summary)
    # The whole article was translated once (the model summarises all of it), not sentence by sentence twice.
    assert len(engine.requests) == len(parse_text(ARTICLE).sentences())


def test_invented_numbers_and_degenerate_output_are_rejected() -> None:
    allowed = ["ESA and JAXA will fly in 2029."]
    article = ["ESA and JAXA will fly in 2029."]
    decade = write_summary(ScriptedLLM("ESA and JAXA will fly in the 1970s."), article, [], allowed)
    assert not decade.accepted and decade.check.unsupported_numbers == ["1970"]
    empty = write_summary(ScriptedLLM("   "), article, [], allowed)
    assert not empty.accepted and empty.problems == ["empty output"]
    loop = write_summary(ScriptedLLM("ESA will fly. " * 6), article, [], allowed)
    assert "repetition loop" in loop.problems
    cut = write_summary(ScriptedLLM("ESA and JAXA", finish_reason="length"), article, [], allowed)
    assert "hit the token limit" in cut.reason
    assert write_summary(ScriptedLLM("ESA and JAXA will fly in 2029."), article, [], allowed).accepted


def test_article_is_cut_to_the_context_window() -> None:
    class Small(ScriptedLLM):
        def tokenize(self, data: bytes, add_bos: bool = False, special: bool = False) -> list[int]:
            return list(range(len(data.split())))

        def n_ctx(self) -> int:
            return 260

    llm = Small("ESA flies.")
    paragraphs = [f"ESA paragraph {i} " + "word " * 40 for i in range(5)]
    draft = write_summary(llm, paragraphs, [], paragraphs, sentences=1)
    assert draft.article_paragraphs == 5 and 0 < draft.article_paragraphs_used < 5
    assert f"paragraph {draft.article_paragraphs_used - 1} " in llm.prompts[0]
    assert f"paragraph {draft.article_paragraphs_used} " not in llm.prompts[0]


def test_abstractive_needs_an_llm() -> None:
    with pytest.raises(TarjamaError, match="needs the embedded LLM"):
        translator = Translator(ScriptedEngine(), checks=None)
        summarize(parse_text(ARTICLE), 2, translator=translator, abstractive=True)
