"""Glossary matching: normalised view, offsets, clitics, word boundaries, longest match, the seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarjama.glossary import Glossary, GlossaryEntry
from tarjama.glossary.matcher import match_key
from tarjama.text.arabic import normalize, normalize_with_offsets

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "esa-jaxa-partnership.ar.txt"
SHIPPED = ROOT / "references" / "glossary.tsv"


def glossary(*rows: tuple[str, str]) -> Glossary:
    return Glossary([GlossaryEntry(forms.split(" | "), en, "place") for forms, en in rows])


def found(g: Glossary, text: str) -> list[tuple[str, str, str]]:
    return [(m.prefix, m.surface, m.entry.en) for m in g.match(text)]


MARS = glossary(("المريخ", "Mars"))
ESA = glossary(("ESA", "ESA"))


def test_normalised_view_and_offsets() -> None:
    text = "أَعلنتْ  وكالـــة\u200fٱلفضاءِ إلى مكّة"
    view, offsets = normalize_with_offsets(text)
    assert view == "اعلنت وكالهالفضاء الي مكه"  # RLM removed, not turned into a space
    assert len(offsets) == len(view)
    assert all(offsets[i] < offsets[i + 1] for i in range(len(offsets) - 1))
    # Every kept character maps to an original character it was derived from.
    assert text[offsets[view.index("مكه")]] == "م"
    assert normalize("  Jaxa\u00a0 ") == "jaxa"
    assert match_key("المريخ") == ("مريخ", True)
    assert match_key("مريخ") == ("مريخ", False)
    assert match_key("ESA") == ("esa", False)


@pytest.mark.parametrize("prefix", ["", "و", "ف", "ب", "ل", "ك", "وب", "فب"])
def test_clitics_before_article_form(prefix: str) -> None:
    text = f"نص {prefix}المريخ نص"
    assert found(MARS, text) == [(prefix, "المريخ", "Mars")]


@pytest.mark.parametrize("word", ["للمريخ", "وللمريخ", "فللمريخ"])
def test_contracted_lil_article(word: str) -> None:
    [m] = MARS.match(word)
    assert (m.prefix, m.surface) == (word[:-4], "مريخ")


@pytest.mark.parametrize("word", ["والمريخ", "فالمريخ", "بالمريخ", "كالمريخ", "وبالمريخ"])
def test_article_after_clitic_is_in_the_span(word: str) -> None:
    [m] = MARS.match(word)
    assert m.surface == "المريخ" and m.prefix == word[: -len("المريخ")]


def test_article_form_requires_the_article_bare_form_allows_it() -> None:
    assert MARS.match("مريخ") == []
    bare = glossary(("مريخ", "Mars"))
    assert found(bare, "مريخ والمريخ للمريخ بمريخ") == [
        ("", "مريخ", "Mars"), ("و", "المريخ", "Mars"), ("لل", "مريخ", "Mars"), ("ب", "مريخ", "Mars")]


@pytest.mark.parametrize("text", ["لـ ESA", "لـESA", "لESA", "وJAXA ESA", "بـESA", "(ESA)", "ESA's", "ESA،"])
def test_latin_forms_with_attached_clitics(text: str) -> None:
    assert [m.surface for m in ESA.match(text)] == ["ESA"]


def test_latin_prefix_reported() -> None:
    assert found(ESA, "لـESA") == [("لـ", "ESA", "ESA")]
    assert found(ESA, "والمدير العام لـ ESA") == [("", "ESA", "ESA")]


@pytest.mark.parametrize("text", ["MESA", "ESAB", "ESA2", "2ESA", "الESA", "xESA", "ESAو", "ESA_x"])
def test_latin_forms_need_word_boundaries(text: str) -> None:
    assert ESA.match(text) == []


def test_latin_forms_are_case_insensitive() -> None:
    assert [m.surface for m in ESA.match("esa Esa ESA eSa")] == ["esa", "Esa", "ESA", "eSa"]


@pytest.mark.parametrize("text", ["المريخي", "المريخية", "بالمريخين", "مالمريخ", "والالمريخ", "كبالمريخ"])
def test_no_match_inside_a_longer_word(text: str) -> None:
    assert MARS.match(text) == []


def test_longest_match_wins() -> None:
    g = glossary(("الفضاء", "space"), ("وكالة الفضاء الأوروبية", "European Space Agency"),
                 ("الأوروبية الكبيرة", "big European"))
    expected = [("و", "وكالة الفضاء الأوروبية", "European Space Agency")]
    assert found(g, "ووكالة الفضاء الأوروبية الكبيرة") == expected
    assert found(g, "في الفضاء") == [("", "الفضاء", "space")]


def test_diacritics_tatweel_and_hamza_variants_match_and_stay_in_the_span() -> None:
    g = glossary(("أبولّو", "Apophis"))
    for text in ["أبولو", "ابولو", "أبولّو", "أَبُولُّو", "أبـــولو", "إبولو"]:
        [m] = g.match(f"الكويكب {text} في")
        assert m.surface == text
    g = glossary(("محطة الفضاء الدولية", "ISS"))
    [m] = g.match("محطه  الفضاء\nالدوليّة.")
    assert m.surface == "محطه  الفضاء\nالدوليّة"


def test_bidi_marks_inside_a_name_do_not_block_it() -> None:
    [m] = ESA.match("قالت \u200fE\u200eSA\u200f اليوم")
    assert m.surface == "E\u200eSA"


def test_entry_order_breaks_ties_and_article_form_is_preferred() -> None:
    g = glossary(("قمر", "a moon"), ("القمر", "Moon"))
    expected = [("", "قمر", "a moon"), ("", "القمر", "Moon"), ("لل", "قمر", "Moon")]
    assert found(g, "قمر القمر للقمر") == expected


WORDS = ["المريخ", "مريخ", "ESA", "وكالة الفضاء", "esa", "الفضاء", "كتاب", "ب", "ال", "لل", "و", "لـ"]
NOISE = [*"ابتثجحخدرزسشصضطظعغفقكلمنهويىةأإآء", "\u064e", "\u0651", "\u0640", "\u200f", "\u202b",
         " ", "  ", "\n", "،", ".", "(", ")", "E", "s", "A", "1"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS + NOISE), max_size=40))
def test_matches_map_back_to_the_original_text(parts: list[str]) -> None:
    text = "".join(parts)
    g = glossary(("المريخ", "Mars"), ("ESA", "ESA"), ("وكالة الفضاء", "space agency"), ("الفضاء", "space"))
    matches = g.match(text)
    previous_end = 0
    for m in matches:
        assert text[m.start : m.end] == m.surface
        assert text[m.start - len(m.prefix) : m.start] == m.prefix
        assert m.start - len(m.prefix) >= previous_end
        previous_end = m.end
        key, _ = match_key(m.entry.ar_forms[0])
        assert key in normalize(m.surface)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["\u064e", "\u0651", "\u0652", "\u0640", ""]), min_size=6, max_size=6))
def test_diacritics_anywhere_in_a_term_still_match(marks: list[str]) -> None:
    word = "".join(ch + mark for ch, mark in zip("المريخ", marks, strict=True))
    [m] = MARS.match(f"و{word} ")
    assert m.prefix == "و" and normalize(m.surface) == "المريخ" and m.end == len(word) + 1


# The names of the seed article, as its English reference gives them.
SEED_TERMS = {
    "European Space Agency", "ESA", "Japan Aerospace Exploration Agency", "JAXA", "Hiroshi Yamakawa",
    "Josef Aschbacher", "Tsukuba", "Japan", "planetary defence", "Earth observation", "low Earth orbit",
    "International Space Station", "ISS", "space science", "Mars", "Rapid Apophis Mission for Space Safety",
    "RAMSES", "Apophis", "ministerial meeting", "Moon", "Gateway", "Artemis", "Moonlight", "Athena",
    "M-MATISSE", "Plasma Observatory", "LiteBIRD", "BepiColombo", "EarthCARE", "ispace", "Takeshi Hakamada",
    "Hakamada", "Europe", "Koichi Suzuki", "SLIM", "Astroscale", "ADRAS-J", "LUPEX", "ISRO",
}


def test_shipped_glossary_matches_every_name_in_the_seed() -> None:
    g = Glossary.load(SHIPPED)
    seed = SEED.read_text(encoding="utf-8")
    matches = g.match(seed)
    assert {m.entry.en for m in matches} >= SEED_TERMS
    by_term = {}
    for m in matches:
        by_term.setdefault(m.entry.en, []).append(m.surface)
    assert by_term["ESA"] == ["ESA"] * 10
    assert by_term["Apophis"] == ["أبولّو"]
    assert len(by_term["Mars"]) == 2 and len(by_term["Japan"]) == 3  # "لليابان" included
    # Adjectives and longer words are not the names: الأوروبية, اليابانية, القمرية, أوروبي.
    assert not any(m.surface in {"الأوروبية", "اليابانية", "القمرية", "أوروبي"} for m in matches)
