"""Detection of degenerate LLM output."""

from __future__ import annotations

from tarjama.engines.gguf.retry import degeneracy_issues
from tarjama.text.arabic import arabic_share, latin_names
from tarjama.text.quality import find_loop, trim_loop
from tarjama.text.terms import Term, missing

SRC = "أعلنت وكالة الفضاء الأوروبية عن شراكة جديدة مع اليابان"


def problems(source: str, output: str) -> list[str]:
    return [str(issue) for issue in degeneracy_issues(source, output)]


def missing_latin_names(source: str, output: str) -> list[str]:
    return [t.en for t in missing(output, [Term(name) for name in latin_names(source)])]


def test_good_translation_has_no_problems() -> None:
    assert problems(SRC, "The European Space Agency announced a new partnership with Japan.") == []


def test_empty() -> None:
    assert problems(SRC, "  ") == ["empty output"]


def test_arabic_output() -> None:
    assert "output is still in Arabic" in problems(SRC, "أعلنت وكالة الفضاء الأوروبية")
    assert arabic_share("ESA") == 0.0


def test_loops() -> None:
    looped = "The agency said that the mission the mission the mission the mission"
    assert find_loop(looped) is not None
    assert "repetition loop" in problems(SRC, looped)
    assert trim_loop(looped) == "The agency said that the mission"
    assert find_loop("very, very good") is None


def test_length_bounds() -> None:
    # One length rule (letters and digits, ``tarjama.text.quality``): far outside the human band.
    rambling = "The European Space Agency announced a new partnership with Japan. " * 4
    assert any("source's letters" in p for p in problems(SRC, rambling))
    assert any("source's letters" in p for p in problems(SRC, "Agency."))
    # Over three times the source's words but about its letters: not degenerate (letters, not words).
    short_words = "So, in a way, it is as if he is to go; if so, it is on us to be in it at all, as we do it."
    assert len(short_words.split()) > 3 * len(SRC.split())
    assert problems(SRC, short_words) == []
    assert problems("نعم.", "Yes, indeed, that is certainly correct.") == []  # short sources are not judged


def test_latin_names() -> None:
    src = "مهمة Astroscale ADRAS-J و M-MATISSE لـESA وJAXA"
    assert missing_latin_names(src, "the Astroscale ADRAS-J mission, M-MATISSE, ESA and JAXA") == []
    assert missing_latin_names(src, "the ADRAS J mission for ESA") == [
        "Astroscale",
        "ADRAS-J",
        "M-MATISSE",
        "JAXA",
    ]


def test_chatter() -> None:
    out = "The mission aims to approach Apophis in 2029. 🚀 #SpaceScience #RAMSES"
    assert "output contains emoji, hashtags or links not in the source" in problems(SRC, out)
    assert problems("زوروا #وسم_عربي اليوم هنا", "Visit #hashtag today here") == []


def test_near_misses_are_derived_or_recased_forms() -> None:
    from tarjama.text.quality import near_misses

    out = "a company with Japanese and European partners near the moon and Mars; Europeans"
    expected = ["Japanese", "European", "Europeans", "moon"]
    assert near_misses(out, ["Japan", "Europe", "Moon", "ESA"]) == expected
    assert near_misses("The Moon landing", ["Moon"]) == []
