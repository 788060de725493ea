"""Sentence splitting rules and the partition property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarjama.text.segment import split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b].strip() for a, b in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("جاء أحمد. ثم ذهب!", ["جاء أحمد.", "ثم ذهب!"]),
        ("هل جاء؟ نعم.", ["هل جاء؟", "نعم."]),
        ("Is it? Yes! Fine.", ["Is it?", "Yes!", "Fine."]),
        ("سطر أول\nسطر ثان", ["سطر أول", "سطر ثان"]),
        # never at Arabic comma, semicolon or colon
        ("قال، ثم أضاف؛ وختم: انتهى.", ["قال، ثم أضاف؛ وختم: انتهى."]),
        # numbers
        (
            "ارتفع بنسبة 2.5 في المئة إلى 1,000 دولار. ثم هبط.",
            ["ارتفع بنسبة 2.5 في المئة إلى 1,000 دولار.", "ثم هبط."],
        ),
        # dotted abbreviations and initials
        ("قال د. أحمد إن م. سعيد حضر. وانتهى.", ["قال د. أحمد إن م. سعيد حضر.", "وانتهى."]),
        (
            "The U.S. team and J. Smith met Dr. Lee. Then left.",
            ["The U.S. team and J. Smith met Dr. Lee.", "Then left."],
        ),
        # closing quotes and brackets stay with their sentence
        ('قال: "انتهى الأمر." ثم خرج.', ['قال: "انتهى الأمر."', "ثم خرج."]),
        ("قال «انتهى.» ثم خرج.", ["قال «انتهى.»", "ثم خرج."]),
        ("(هذا مثال.) وهذا آخر.", ["(هذا مثال.)", "وهذا آخر."]),
        # runs of terminals
        ("حقا؟! نعم...", ["حقا؟!", "نعم..."]),
        # Arabic full stop with a missing space still splits between Arabic words
        ("انتهى الاجتماع.وبدأ العمل.", ["انتهى الاجتماع.", "وبدأ العمل."]),
        # but a dot inside a Latin word or URL does not
        ("زوروا example.com للمزيد.", ["زوروا example.com للمزيد."]),
    ],
)
def test_rules(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_seed_paragraph_count_and_sentences(seed_text: str) -> None:
    from tarjama.document.model import parse_text

    doc = parse_text(seed_text)
    assert len(doc.paragraphs) == 9
    assert [len(p.sentences) for p in doc.paragraphs] == [2, 2, 2, 2, 4, 2, 2, 3, 1]


_alphabet = st.sampled_from(
    [*list('ابتثجحخ دذرز سشصض.!?؟،؛:\n0123456789 ,"»)(ESAJX'), " ", "  ", "د.", "U.S."]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_alphabet, max_size=80).map("".join))
def test_spans_partition_the_text(text: str) -> None:
    spans = split_sentences(text)
    assert "".join(text[a:b] for a, b in spans) == text
    pos = 0
    for a, b in spans:
        assert a == pos and b > a
        pos = b
    # every span but a whitespace-only input carries content
    if text.strip():
        assert all(text[a:b].strip() for a, b in spans)
