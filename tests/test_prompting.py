"""Prompt construction for the embedded model."""

from __future__ import annotations

from tarjama.engines.gguf.prompts import chatml_prompt
from tarjama.types import TermHint


def test_prompts_share_the_prefix_up_to_the_sentence() -> None:
    a = chatml_prompt("جملة أولى")
    b = chatml_prompt("جملة ثانية", (TermHint("ESA", "ESA"),))
    common = len(a) - len("جملة أولى<|im_end|>\n<|im_start|>assistant\n")
    assert a[:common] == b[:common]  # llama.cpp reuses the evaluated prefix across sentences
    assert a.endswith("<|im_start|>assistant\n")


def test_hints_and_strict_mode() -> None:
    p = chatml_prompt("مهمة أبولّو", (TermHint("أبولّو", "Apophis"),), strict=True)
    last_user = p.rsplit("<|im_start|>user\n", 1)[1]
    # The strict instruction sits in the last user turn, so a retry reuses the cached prefix.
    assert last_user.startswith("Use each glossary term exactly as given")
    assert "Glossary:\n- أبولّو = Apophis\n\nمهمة أبولّو<|im_end|>" in last_user
    assert "exactly as given" not in p.split("<|im_end|>", 1)[0]
    assert p.startswith(chatml_prompt("مهمة أبولّو").rsplit("<|im_start|>user\n", 1)[0])


def test_inject_terms_uses_offsets_and_keeps_clitics() -> None:
    from tarjama.engines.injection import inject_terms

    src = "مع كيانات في اليابان وأوروبا ولليابان والقمرية"
    hints = [
        TermHint("اليابان", "Japan", start=13, end=20),
        TermHint("أوروبا", "Europe", start=22, end=28),
        TermHint("يابان", "Japan", start=32, end=37),
        TermHint("قمر", "Moon", start=-1, end=-1),  # no offsets: never replaced blindly
    ]
    assert inject_terms(src, hints) == "مع كيانات في Japan وـEurope وللـJapan والقمرية"


def test_same_hints_can_be_left_out() -> None:
    from tarjama.engines.gguf.prompts import PromptSpec, build_prompt

    hints = (TermHint("ESA", "ESA"), TermHint("القمر", "Moon"))
    full = build_prompt("مهمة ESA إلى القمر", hints)
    lean = build_prompt("مهمة ESA إلى القمر", hints, spec=PromptSpec(same_hints=False))
    assert "- ESA = ESA\n" in full and "- القمر = Moon\n" in full
    assert "- ESA = ESA" not in lean and "- القمر = Moon\n" in lean
    last_turn = build_prompt("مهمة ESA", hints[:1], spec=PromptSpec(same_hints=False)).rsplit("user\n", 1)[1]
    assert "Glossary" not in last_turn


# SHA-256 of three embedded prompts as the engine wrote them before the prompt text moved to
# tarjama.engines.prompts (main at 7e7212b): the embedded engine's prompts must not change by a byte.
PINNED_PROMPTS = (
    "f5fb7c9d425062d77a9be242a26737fdaecdcef68ddd626e6c3dc69691560f9d",
    "6b63bb89c2538f5a0b5994f0a9f05e7740eee2b382248b839c6c15d3eb02595f",
    "d3d0ed94d99a00da41c80b2129762207e1d95eafcb26eb50fe464eea9c70c257",
)


def test_embedded_prompts_are_byte_for_byte_as_before() -> None:
    import hashlib

    from tarjama.engines.gguf.prompts import EXAMPLES, NO_INVENT_NOTE, PromptSpec, build_prompt

    hints = (TermHint("وكالة الفضاء الأوروبية", "European Space Agency"), TermHint("ESA", "ESA"))
    source = "أعلنت وكالة الفضاء الأوروبية ESA عن شراكة."
    prompts = (
        build_prompt(source, hints),
        build_prompt(source, hints, strict=True, notes=(NO_INVENT_NOTE,), context="جملة سابقة.",
                     spec=PromptSpec(context=True)),
        build_prompt("وقالت <g1>الوزارة</g1> إن <x2/>.", (), spec=PromptSpec(template="raw"), strict=True,
                     examples=EXAMPLES),
    )
    assert tuple(hashlib.sha256(p.encode()).hexdigest() for p in prompts) == PINNED_PROMPTS


def test_the_embedded_chatml_prompt_is_the_shared_messages_rendered() -> None:
    from tarjama.engines.chat import assistant_start, render_chatml
    from tarjama.engines.gguf.prompts import build_prompt
    from tarjama.engines.prompts import EXAMPLES, MARKUP_EXAMPLE, PromptSpec, chat_messages

    hints = (TermHint("القمر", "Moon"),)
    cases = (
        {}, {"strict": True, "notes": ("note one",)}, {"context": "قبل.", "spec": PromptSpec(context=True)},
        {"examples": (*EXAMPLES[:2], MARKUP_EXAMPLE)},
    )
    for kwargs in cases:
        messages = chat_messages("مهمة إلى القمر", hints, **kwargs)
        assert messages[0].role == "system" and messages[-1].role == "user"
        assert render_chatml(messages) + assistant_start() == build_prompt("مهمة إلى القمر", hints, **kwargs)


def test_english_into_arabic_has_its_own_instruction_and_pairs_for_every_engine() -> None:
    from tarjama.engines.prompts import EXAMPLES_EN_AR, PROMPTS, chat_messages
    from tarjama.types import EN_AR

    pairs = PROMPTS[EN_AR].examples[:3]
    messages = chat_messages("The Moon mission.", (TermHint("Moon", "القمر"),), direction=EN_AR,
                             examples=pairs)
    assert "English-to-Arabic" in messages[0].content and "Arabic-to-English" not in messages[0].content
    assert messages[1].content == EXAMPLES_EN_AR[0].en and messages[2].content == EXAMPLES_EN_AR[0].ar
    # An example's hint is written as the example's own request shows it: English → Arabic.
    assert "- Australian Space Agency = وكالة الفضاء الأسترالية" in messages[3].content
    assert messages[-1].content == "Glossary:\n- Moon = القمر\n\nThe Moon mission."
