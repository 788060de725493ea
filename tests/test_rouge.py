"""ROUGE-1/2/L and the Arabic/English tokeniser behind it."""

from __future__ import annotations

import pytest

from tarjama.metrics.rouge import lcs_length, rouge
from tarjama.metrics.tokenize import tokenize
from tarjama.text.arabic import is_arabic_text, strip_clitics

AR = "وسّعت وكالة الفضاء الأوروبية (ESA) ووكالة استكشاف الفضاء اليابانية (JAXA) شراكتهما، في 20 نوفمبر."


def scores(hyp: str, ref: str | list[str], **kw: bool) -> dict[str, tuple[float, float, float]]:
    return {s.name: (s.precision, s.recall, s.f1) for s in rouge(hyp, ref, **kw)}


def test_arabic_tokens_use_the_glossary_normalised_view() -> None:
    # Diacritics, tatweel, hamza forms, alef maqsura and taa marbuta do not change a token.
    assert tokenize("أَعلـــنت الوكالةُ إلى") == tokenize("اعلنت الوكاله الي") == ["اعلنت", "الوكاله", "الي"]
    assert tokenize(AR) == [
        "وسعت", "وكاله", "الفضاء", "الاوروبيه", "esa", "ووكاله", "استكشاف", "الفضاء", "اليابانيه", "jaxa",
        "شراكتهما", "في", "20", "نوفمبر",
    ]  # fmt: skip


def test_tokens_split_on_arabic_punctuation_and_at_script_changes() -> None:
    assert tokenize("الأرض،القمر؛المريخ؟") == ["الارض", "القمر", "المريخ"]
    assert tokenize("لـESA وJAXA") == ["ل", "esa", "و", "jaxa"]
    assert tokenize("The ESA-led mission's 2.5 km") == ["the", "esa", "led", "mission", "s", "2", "5", "km"]


def test_clitic_stripping_gives_one_token_per_word() -> None:
    assert {strip_clitics(w) for w in ("المريخ", "والمريخ", "للمريخ", "بالمريخ", "مريخ")} == {"مريخ"}
    # A word that itself begins with و gives the same token with or without its prefixes.
    assert len({strip_clitics(w) for w in ("وكاله", "ووكاله", "الوكاله", "والوكاله")}) == 1
    assert strip_clitics("شراكتهما") == strip_clitics("شراكه") == "شراكه"
    assert strip_clitics("وصل") == "وصل"  # too short to lose its first letter
    assert strip_clitics("esa") == "esa"
    assert tokenize("لـESA والمريخ", strip_clitics=True) == ["esa", "مريخ"]


def test_identical_arabic_texts_score_one() -> None:
    for name, (p, r, f) in scores(AR, AR).items():
        assert (p, r, f) == (1.0, 1.0, 1.0), name


def test_rouge_score_default_tokeniser_scores_identical_arabic_zero() -> None:
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    theirs = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"]).score(AR, AR)
    # Only ESA, JAXA and 20 survive its [a-z0-9] tokeniser: the Arabic content is invisible to it.
    arabic_only = "وكالة الفضاء الأوروبية ووكالة استكشاف الفضاء اليابانية"
    zero = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"]).score(arabic_only, arabic_only)
    assert all(s.fmeasure == 0 for s in zero.values())
    assert theirs["rouge1"].fmeasure == 1.0  # the three Latin/digit tokens match
    assert all(f == 1.0 for _, _, f in scores(arabic_only, arabic_only).values())


@pytest.mark.parametrize(
    ("hyp", "ref"),
    [
        ("The ESA and JAXA agencies, on 20 November 2024, signed a deal.",
         "ESA and JAXA signed a new deal in Tsukuba on 20 November."),
        ("the cat sat on the mat", "the cat was on the mat the cat"),
        ("Moon exploration is another key area.", "Exploration of the Moon: a key area; another area."),
    ],
)  # fmt: skip
def test_english_scores_equal_rouge_score(hyp: str, ref: str) -> None:
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    theirs = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"]).score(ref, hyp)
    ours = scores(hyp, ref)
    for mine, their in (("ROUGE-1", "rouge1"), ("ROUGE-2", "rouge2"), ("ROUGE-L", "rougeL")):
        t = theirs[their]
        assert ours[mine] == pytest.approx((t.precision, t.recall, t.fmeasure), abs=1e-12)


def test_hand_computed_values() -> None:
    # hyp: a b c d ; ref: a b d e f -> unigrams 3 common; bigrams {ab} common; LCS a b d = 3.
    got = scores("a b c d", "a b d e f")
    assert got["ROUGE-1"] == pytest.approx((3 / 4, 3 / 5, 2 * (3 / 4) * (3 / 5) / (3 / 4 + 3 / 5)))
    assert got["ROUGE-2"][:2] == pytest.approx((1 / 3, 1 / 4))
    assert got["ROUGE-L"][:2] == pytest.approx((3 / 4, 3 / 5))
    assert lcs_length("abcbdab", "bdcaba") == 4
    # Clipped counts: a repeated hypothesis word is matched at most as often as in the reference.
    assert scores("the the the", "the cat")["ROUGE-1"][0] == pytest.approx(1 / 3)


def test_several_references_take_the_best_f1_and_empty_text_scores_zero() -> None:
    best = scores("esa and jaxa", ["nothing in common", "esa and jaxa"])
    assert best["ROUGE-1"][2] == 1.0
    assert scores("", "esa")["ROUGE-L"] == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        rouge("x", [])


def test_clitic_stripping_is_optional_and_raises_arabic_overlap() -> None:
    hyp, ref = "استكشاف المريخ", "واستكشاف للمريخ"
    assert scores(hyp, ref)["ROUGE-1"][2] == 0.0
    assert scores(hyp, ref, strip_clitics=True)["ROUGE-1"][2] == 1.0


def test_script_detection() -> None:
    assert is_arabic_text(AR) and not is_arabic_text("ESA and JAXA (وكالة)") and not is_arabic_text("2029")
