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
