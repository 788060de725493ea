"""An English summary written by the embedded LLM from the English translation, then checked.

The model (the GGUF engine's ``llm``, a ``llama_cpp.Llama``, or anything with the same
``create_completion``) gets one ChatML prompt (``tarjama.engines.chat``):
a fixed editor's instruction, the glossary's English for the terms found in the source
(so names come out in their canonical form), and the translated article. Decoding is greedy,
so a rerun gives the same summary.

The output is then checked (``tarjama.summary.support``): every name and number must be
supported by the source's Latin-script text, the translation or the glossary English of the
terms present; empty, looping or Arabic output is refused too. ``SummaryDraft.accepted`` says
whether it passed; when it did not, ``reason`` says why (which names), and the caller falls
back to the extractive summary.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tarjama.engines.base import CompletionModel
from tarjama.engines.chat import STOP, assistant_start, chatml_turn
from tarjama.summary.support import SupportCheck, check
from tarjama.text import quality
from tarjama.text.arabic import arabic_share

SYSTEM = (
    "You are a news editor. Summarise the English news article the user gives you in {n} "
    "sentences, at most {words} words, as one paragraph. Use only facts stated in the article. "
    "Write every name exactly as the article or the glossary writes it. Do not mention any "
    "person, organisation, place, mission, date or number that the article does not mention. "
    "Output only the summary."
)
WORDS_PER_SENTENCE = 30
# Room left in the context window for the summary itself and for rounding in token counts.
_CONTEXT_MARGIN = 16


def build_prompt(article: Sequence[str], terms: Sequence[str], sentences: int) -> str:
    """The ChatML prompt: instruction, glossary English of the terms present, the article's paragraphs."""
    system = SYSTEM.format(n=sentences, words=sentences * WORDS_PER_SENTENCE)
    glossary = ""
    if terms:
        glossary = "Glossary (write these names exactly so):\n" + "\n".join(f"- {t}" for t in terms) + "\n\n"
    user = glossary + "Article:\n" + "\n\n".join(p.strip() for p in article if p.strip())
    return chatml_turn("system", system) + chatml_turn("user", user) + assistant_start()


def prompt_version() -> str:
    """Short hash of the fixed instruction, recorded beside every generated summary."""
    return hashlib.sha256(SYSTEM.encode()).hexdigest()[:12]


@dataclass
class SummaryDraft:
    """A generated summary and the verdict on it."""

    text: str
    accepted: bool
    check: SupportCheck
    problems: list[str] = field(default_factory=list)
    reason: str = ""
    seconds: float = 0.0
    article_paragraphs: int = 0
    article_paragraphs_used: int = 0
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "accepted": self.accepted,
            "reason": self.reason,
            "problems": self.problems,
            "check": self.check.to_dict(),
            "seconds": round(self.seconds, 3),
            "article_paragraphs": self.article_paragraphs,
            "article_paragraphs_used": self.article_paragraphs_used,
            "params": self.params,
        }


def _fit(llm: Any, article: list[str], terms: Sequence[str], sentences: int, max_tokens: int) -> list[str]:
    """The longest leading part of ``article`` whose prompt fits the model's context window.

    Leading paragraphs are kept because a news article front-loads what matters.
    """
    tokenize, n_ctx = getattr(llm, "tokenize", None), getattr(llm, "n_ctx", None)
    if tokenize is None or n_ctx is None:
        return article
    budget = (n_ctx() if callable(n_ctx) else int(n_ctx)) - max_tokens - _CONTEXT_MARGIN
    used = list(article)
    while used:
        prompt = build_prompt(used, terms, sentences)
        if len(tokenize(prompt.encode(), add_bos=False, special=True)) <= budget:
            return used
        used.pop()
    return used


def problems(text: str) -> list[str]:
    """Ways the output is unusable regardless of its content."""
    found = []
    if not text.strip():
        found.append("empty output")
    elif quality.find_loop(text) is not None:
        found.append("repetition loop")
    if text.strip() and arabic_share(text) > 0.2:
        found.append("not English")
    return found


def write_summary(
    llm: CompletionModel,
    article: Sequence[str],
    terms: Sequence[str],
    allowed: Sequence[str],
    *,
    sentences: int = 3,
) -> SummaryDraft:
    """Ask ``llm`` for a ``sentences``-sentence summary of ``article`` and check it against ``allowed``.

    ``article`` is the English translation, one string per paragraph; ``terms`` the glossary
    English of the terms present in the source; ``allowed`` the texts a name must come from.
    """
    started = time.perf_counter()
    max_tokens = 2 * sentences * WORDS_PER_SENTENCE + 32  # about 1.5 tokens per word, plus slack
    paragraphs = [p for p in article if p.strip()]
    used = _fit(llm, paragraphs, terms, sentences, max_tokens)
    params = {
        "decoding": "greedy",
        "max_tokens": max_tokens,
        "prompt": f"chatml-summary@{prompt_version()}",
        "glossary_terms": len(terms),
    }
    if not used:
        name_check = SupportCheck()
        reason = "the article does not fit the model's context window"
        return SummaryDraft("", False, name_check, [reason], reason, time.perf_counter() - started,
                            len(paragraphs), 0, params)
    out = llm.create_completion(
        build_prompt(used, terms, sentences),
        max_tokens=max_tokens,
        temperature=0.0,
        top_k=1,
        top_p=1.0,
        min_p=0.0,
        repeat_penalty=1.0,
        seed=0,
        stop=list(STOP),
    )
    choice = out["choices"][0]
    text = " ".join(choice["text"].split())
    found = problems(text)
    if choice.get("finish_reason") == "length":
        found.append("hit the token limit")
    name_check = check(text, allowed)
    reasons = list(found)
    if not name_check.ok:
        reasons.append(name_check.reason())
    return SummaryDraft(
        text=text,
        accepted=not reasons,
        check=name_check,
        problems=found,
        reason="; ".join(reasons),
        seconds=time.perf_counter() - started,
        article_paragraphs=len(paragraphs),
        article_paragraphs_used=len(used),
        params=params,
    )
