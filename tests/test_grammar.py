"""The markup grammar: every valid tag order admitted, every invalid one (missing, duplicated, badly
nested, a stray tag) refused — checked by matching strings against the grammar's own text, and by
llama.cpp's grammar sampler over the embedded model's vocabulary (when it is installed)."""

from __future__ import annotations

import re
from itertools import permutations

import pytest

from tarjama.document.inline import problems
from tarjama.engines.grammar import markup_grammar
from tarjama.types import TranslationRequest

# Nested pair, a standalone tag (3 tags: every order); four side by side; five (source order).
NESTED = "<g1>وكالة <g2>الفضاء</g2></g1> و<x3/>."
FOUR = "<g1>أ</g1> ب <g2>ج</g2> <x3/> <g4>د</g4>."
FIVE = "<g1>أ</g1> <g2>ب</g2> <g3>ج</g3> <g4>د</g4> <x5/>."


def regex_of(grammar: str) -> re.Pattern[str]:
    """The GBNF grammar (the subset ``markup_grammar`` writes: literals, ``[^<\\n]*``, rule names,
    groups, alternatives; no recursion) as a Python regular expression."""
    rules = dict(line.split(" ::= ", 1) for line in grammar.strip().splitlines())
    token = re.compile(r'"[^"]*"|\[\^<\\n\]\*|[()|]|[a-z][a-z0-9]*')

    def body(name: str) -> str:
        out = []
        for t in token.findall(rules[name]):
            if t.startswith('"'):
                out.append(re.escape(t[1:-1]))
            elif t.startswith("["):
                out.append(r"[^<\n]*")
            elif t in "()|":
                out.append("(?:" if t == "(" else t)
            else:
                out.append(f"(?:{body(t)})")
        return "".join(out)

    return re.compile(body("root"))


def events(source: str) -> list[str]:
    return re.findall(r"</?g\d+>|<x\d+/>", source)


def candidates(source: str) -> list[str]:
    """Every order of the source's tag events with a word between each, plus each one left out
    and each one doubled."""
    found = [" w ".join(("", *order, "")).strip() for order in permutations(events(source))]
    evs = events(source)
    for i in range(len(evs)):
        found.append(" w ".join(evs[:i] + evs[i + 1 :]))  # one missing
        found.append(" w ".join([*evs, evs[i]]))  # one twice
    found.append(" w ".join([*evs, "<x9/>"]))  # one the source lacks
    found.append(" w ".join(evs) + "\nw")  # a second line
    return found


@pytest.mark.parametrize("source", [NESTED, FOUR])
def test_every_valid_order_is_admitted_and_nothing_else(source: str) -> None:
    grammar = markup_grammar(source)
    assert grammar is not None
    pattern = regex_of(grammar)
    admitted = valid = 0
    for text in candidates(source):
        ok = problems(source, text) == {} and "\n" not in text
        assert (pattern.fullmatch(text) is not None) == ok, text
        admitted += pattern.fullmatch(text) is not None
        valid += ok
    # NESTED: g1 and x3 in either order (g2 inside g1): 2; FOUR: 4 tags side by side, 4! orders.
    assert admitted == valid == {NESTED: 2, FOUR: 24}[source]


def test_beyond_four_tags_only_the_source_order() -> None:
    pattern = regex_of(markup_grammar(FIVE) or "")
    assert pattern.fullmatch("A <g1>a</g1> <g2>b</g2> c <g3>c</g3><g4>d</g4> <x5/>.")
    assert not pattern.fullmatch("<g2>b</g2> <g1>a</g1> <g3>c</g3> <g4>d</g4> <x5/>.")
    assert markup_grammar("بلا وسوم.") is None


@pytest.fixture(scope="module")
def vocabulary():
    """The embedded model loaded with its vocabulary only (a fraction of a second)."""
    llama_cpp = pytest.importorskip("llama_cpp")
    from tarjama.models.embedded import ensure_model, parts_installed

    if not parts_installed():
        pytest.skip("embedded model not installed (bash scripts/setup.sh test)")
    llm = llama_cpp.Llama(str(ensure_model()), vocab_only=True, verbose=False)
    yield llm, llama_cpp.llama_model_get_vocab(llm._model.model)
    llm.close()


def test_llama_cpp_admits_exactly_the_valid_orders(vocabulary) -> None:
    from tarjama.engines.gguf.constrain import GrammarError, TokenGrammar

    llm, vocab = vocabulary

    def admits(grammar: str, text: str) -> bool:
        constraint = TokenGrammar(vocab, grammar, llm.n_vocab())
        try:
            for token in llm.tokenize(text.encode("utf-8"), add_bos=False, special=False):
                if not constraint.allows(token):
                    return False
                constraint.accept(token)
            return constraint.allows(llm.token_eos())  # the end only where the grammar is complete
        finally:
            constraint.close()

    for source in (NESTED, FOUR):
        grammar = markup_grammar(source) or ""
        for text in candidates(source):
            assert admits(grammar, text) == (problems(source, text) == {} and "\n" not in text), text
    # A refused next token is masked out of the whole vocabulary, the tag that may come kept.
    import numpy as np

    constraint = TokenGrammar(vocab, markup_grammar(NESTED) or "", llm.n_vocab())
    for token in llm.tokenize(b"The <g1>", add_bos=False):
        constraint.accept(token)
    row = constraint.mask(np.zeros(llm.n_vocab(), dtype=np.float32))
    assert row[llm.token_eos()] == -np.inf and np.isfinite(row[llm.tokenize(b"<", add_bos=False)[0]])
    constraint.close()
    with pytest.raises(GrammarError):
        TokenGrammar(vocab, 'root ::= "a" (', llm.n_vocab())


@pytest.mark.parametrize("mode", ["force", "shape", "off"])
def test_the_embedded_engine_decodes_a_tagged_sentence_under_the_grammar_it_is_told(mode: str) -> None:
    """The engine's jobs, without a model: a sentence with tags gets the grammar (or none)."""
    from tarjama.engines.gguf import engine as gguf
    from tarjama.engines.gguf.config import resolve

    class Tokens:
        def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
            return list(text[:50])

    e = object.__new__(gguf.GGUFEngine)
    e.config = resolve(None, {"markup_grammar": mode})
    e.spec = gguf.PromptSpec()
    e.llm, e.pool, e.exclude_docs = Tokens(), None, ()
    (job,) = e._jobs(TranslationRequest(NESTED), strict=False, repeat_penalty=1.0)
    (plain_job,) = e._jobs(TranslationRequest("بلا وسوم."), strict=False, repeat_penalty=1.0)
    assert job.grammar == (None if mode == "off" else markup_grammar(NESTED))
    assert job.grammar_may_end == (mode == "shape") and plain_job.grammar is None
