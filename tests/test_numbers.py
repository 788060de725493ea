"""Reading numbers, decades and months in Arabic and English (``tarjama.text.numbers``)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tarjama.text.numbers import arabic_quantities, compare, english_quantities, hard_keys


def ar(text: str) -> list[tuple[str, Fraction, bool]]:
    return [(q.kind, q.value, q.hard) for q in arabic_quantities(text)]


def en(text: str) -> list[tuple[str, Fraction, bool]]:
    return [(q.kind, q.value, q.hard) for q in english_quantities(text)]


N, D, M = "number", "decade", "month"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("عام 2029", [(N, 2029, True)]),
        ("عام ٢٠٢٩", [(N, 2029, True)]),  # Arabic-Indic digits
        ("عام ۲۰۲۹", [(N, 2029, True)]),  # Persian digits
        ("١٢٬٥٠٠ شخص", [(N, 12500, True)]),  # Arabic thousands separator
        ("بنسبة 40 في المئة", [(N, 40, True)]),  # the المئة of a percentage is not 100
        ("بنسبة ٪٤٠", [(N, 40, True)]),
        ("خمسة وعشرون شخصا", [(N, 25, True)]),  # unit و tens, the Arabic order
        ("سبعة عشر عاما", [(N, 17, True)]),
        ("ثلاثمائة", [(N, 300, True)]),
        ("ثلاث مئة", [(N, 300, True)]),
        ("مائة وخمسون", [(N, 150, True)]),
        ("ألف وخمسمائة", [(N, 1500, True)]),
        ("ثلاثة آلاف", [(N, 3000, True)]),
        ("10 آلاف", [(N, 10000, True)]),
        ("1.2 مليار دولار", [(N, Fraction(12, 10) * 10**9, True)]),
        ("مليون ونصف", [(N, 1_500_000, True)]),
        ("نصف مليون", [(N, 500_000, True)]),
        ("نصف السكان", [(N, Fraction(1, 2), True)]),
        ("ربع الميزانية", [(N, Fraction(1, 4), True)]),
        ("ثلثا الأعضاء", [(N, Fraction(2, 3), True)]),
        ("القرن الحادي والعشرين", [(N, 21, True)]),  # ordinal compound
        ("الطابق الثالث عشر", [(N, 13, True)]),
        ("والعشرين", [(N, 20, True)]),  # clitic و on a number word
        ("عشرات الآلاف", []),  # vague: no number
        ("بين خمسة وعشرة", [(N, 5, True), (N, 10, True)]),  # a range, not 15
        ("عامين", [(N, 2, False)]),  # dual: soft 2
        ("الحكومتان", [(N, 2, False)]),  # feminine dual
        ("أحد الأعضاء", [(N, 1, False)]),  # "one of": soft
        ("يوم الاثنين", []),  # Monday, not two
        ("لست أدري", []),  # not ل + ست (six)
    ],
)
def test_arabic_numbers(text: str, expected: list) -> None:
    assert ar(text) == [(k, Fraction(v), h) for k, v, h in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ثلاثينيات القرن الحادي والعشرين", [(D, 2030, True)]),  # the seed's decade
        ("في سبعينيات القرن الماضي", [(D, 1970, True)]),
        ("ستينيات القرن العشرين", [(D, 1960, True)]),
        ("في الثمانينات", [(D, 80, True)]),  # no century: any century
        ("في 20 نوفمبر", [(N, 20, True), (M, 11, True)]),  # Egyptian/Gulf series
        ("في يناير", [(M, 1, True)]),
        ("كانون الثاني", [(M, 1, True)]),  # Levantine series: not ordinal 2
        ("تشرين الثاني/نوفمبر", [(M, 11, True), (M, 11, True)]),
        ("في شباط", [(M, 2, True)]),
        ("في أيلول", [(M, 9, True)]),
        ("كانون الأول", [(M, 12, True)]),
        ("في جانفي", [(M, 1, True)]),  # Maghreb series
        ("ذو الحجة", [(M, 112, True)]),  # Hijri months
        ("جمادى الآخرة", [(M, 106, True)]),
        ("15 صفر 1445", [(N, 15, True), (M, 102, True), (N, 1445, True)]),
        ("مارس ضغوطا", [(M, 3, False)]),  # "practised": soft without a date cue
        ("في مارس", [(M, 3, True)]),
        ("باب", []),  # "door", not ب + آب (August)
    ],
)
def test_arabic_decades_and_months(text: str, expected: list) -> None:
    assert ar(text) == [(k, Fraction(v), h) for k, v, h in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the 2030s", [(D, 2030, True)]),
        ("the 1970's", [(D, 1970, True)]),
        ("the '70s", [(D, 70, True)]),
        ("the seventies", [(D, 70, True)]),
        ("in 2029", [(N, 2029, True)]),
        ("twenty-five people", [(N, 25, True)]),
        ("one hundred and fifty", [(N, 150, True)]),
        ("1,500 cars", [(N, 1500, True)]),
        ("1.5 million", [(N, 1_500_000, True)]),
        ("$1.2bn", [(N, 1_200_000_000, True)]),
        ("a million", [(N, 1_000_000, True)]),
        ("half a million", [(N, 500_000, True)]),
        ("two and a half", [(N, Fraction(5, 2), True)]),
        ("40%", [(N, 40, True)]),
        ("40 per cent", [(N, 40, True)]),
        ("the 21st century", [(N, 21, True)]),
        ("the twenty-first century", [(N, 21, True)]),
        ("a third of", [(N, Fraction(1, 3), True)]),
        ("two-thirds", [(N, Fraction(2, 3), True)]),
        ("one of them", [(N, 1, False)]),
        ("the second half", [(N, 2, False), (N, Fraction(1, 2), False)]),
        ("November 20th", [(M, 11, True), (N, 20, True)]),
        ("Jan. 5", [(M, 1, True), (N, 5, True)]),
        ("in May", [(M, 5, True)]),
        ("May be", [(M, 5, False)]),
        ("it may rain", []),
        ("during Ramadan", [(M, 109, True)]),
        ("Dhu al-Hijjah", [(M, 112, True)]),
        ("the 1950-53 war", [(N, 1950, True), (N, 1953, True)]),
        ("at 5.30pm", [(N, 5, True), (N, 30, True)]),
        ("COVID-19", [(N, 19, True)]),
        ("hundreds of people", []),
    ],
)
def test_english(text: str, expected: list) -> None:
    assert en(text) == [(k, Fraction(v), h) for k, v, h in expected]


def test_compare_matches_across_languages_and_reports_both_directions() -> None:
    missing, extra = compare(
        arabic_quantities("في ثلاثينيات القرن الحادي والعشرين"), english_quantities("in the 1970s")
    )
    assert [q.english() for q in missing] == ["2030s"]
    assert [q.text for q in extra] == ["1970s"]
    same = compare(arabic_quantities("1.2 مليار دولار عام 2029"), english_quantities("$1.2 billion in 2029"))
    assert same == ([], [])
    # A decade without a century matches the same tens of any century.
    assert compare(arabic_quantities("في الثمانينات"), english_quantities("in the 1980s")) == ([], [])
    # Soft items support but are never required.
    assert compare(arabic_quantities("منذ عامين"), english_quantities("for years")) == ([], [])
    assert compare(arabic_quantities("منذ عامين"), english_quantities("for two years")) == ([], [])
    # 150.000 is 150,000 in Arabic news.
    assert compare(arabic_quantities("150.000 سيارة"), english_quantities("150,000 cars")) == ([], [])


def test_decades_of_one_century_are_told_apart() -> None:
    """The 1970s are not the 1980s: a check comparing decades only by their century misses it."""
    for arabic in ("في سبعينيات القرن العشرين", "في سبعينيات القرن الماضي"):
        missing, extra = compare(arabic_quantities(arabic), english_quantities("in the 1980s"))
        assert [q.english() for q in missing] == ["1970s"] and [q.text for q in extra] == ["1980s"]
        assert compare(arabic_quantities(arabic), english_quantities("in the 1970s")) == ([], [])
    # Without a century on one side, the tens still have to agree.
    missing, extra = compare(arabic_quantities("في السبعينات"), english_quantities("in the 1980s"))
    assert [q.text for q in missing] == ["السبعينات"] and [q.text for q in extra] == ["1980s"]
    seventies = arabic_quantities("في سبعينيات القرن العشرين")
    missing, extra = compare(seventies, english_quantities("in the '80s"))
    assert [q.english() for q in missing] == ["1970s"] and [q.text for q in extra] == ["'80s"]


def test_spans_point_at_the_original_text() -> None:
    text = "وأعلنت في ثلاثينيات القرن الحادي والعشرين عن ١٢٬٥٠٠ وظيفة"
    for q in arabic_quantities(text):
        assert text[q.start : q.end] == q.text
    english = "In the 1970s, about twenty-five thousand jobs."
    for q in english_quantities(english):
        assert english[q.start : q.end] == q.text
    assert hard_keys(english_quantities(english)) == {("decade", 1970, True), ("number", 25000, True)}
