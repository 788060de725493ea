"""A segment's context is a bounded window of its paragraph's earlier sentences (issue 29, D1)."""

from __future__ import annotations

from pathlib import Path

from tarjama.document.model import parse_text
from tarjama.document.requests import CONTEXT_CHARS, CONTEXT_SENTENCES, build_requests
from tarjama.engines.gguf.config import VARIANTS, EmbeddedConfig

ROOT = Path(__file__).resolve().parents[1]


def test_a_news_paragraph_gets_every_earlier_sentence() -> None:
    document = parse_text((ROOT / "seeds" / "esa-jaxa-partnership.ar.txt").read_text(encoding="utf-8"))
    prepared = build_requests(document, None)
    for item in prepared:
        earlier = [s.plain for s in item.paragraph.sentences if s.index < item.segment.index]
        assert item.request.context == " ".join(earlier)
    assert any(item.request.context for item in prepared)


def test_the_context_of_a_long_paragraph_is_a_window() -> None:
    sentences = [f"وقعت الوكالة الاتفاق رقم {i} مع اليابان." for i in range(2000)]
    document = parse_text(" ".join(sentences) + "\n")
    prepared = build_requests(document, None)
    assert len(prepared) == 2000
    assert all(len(p.request.context) <= CONTEXT_CHARS for p in prepared)
    assert prepared[-1].request.context == " ".join(sentences[-1 - CONTEXT_SENTENCES : -1])
    assert prepared[3].request.context == " ".join(sentences[:3])


def test_long_sentences_are_kept_whole_within_the_character_bound() -> None:
    long = "كلمة " * (CONTEXT_CHARS // 5 - 20)
    sentences = [long.strip() + f" رقم {i}." for i in range(4)]
    prepared = build_requests(parse_text(" ".join(sentences) + "\n"), None)
    assert prepared[-1].request.context == sentences[-2]  # one whole sentence, not two
    huge = "كلمة " * CONTEXT_CHARS + "نهاية."
    prepared = build_requests(parse_text(huge + " جملة تالية.\n"), None)
    assert prepared[-1].request.context == huge[-CONTEXT_CHARS:]


def test_the_embedded_default_does_not_read_context() -> None:
    # So the memory's and the journal's keys for the default engine do not depend on the window.
    assert EmbeddedConfig().context is False
    assert VARIANTS["batched"].context is False
