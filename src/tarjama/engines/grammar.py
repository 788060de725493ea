"""Constrained output for inline markup: a GBNF grammar that admits only translations keeping every tag.

For a request whose source has placeholders (``tarjama.document.inline``), ``markup_grammar``
writes a grammar in llama.cpp's GBNF (the embedded engine's sampler, a llama.cpp server's
``grammar`` field) that admits exactly the outputs in which

* every placeholder of the source appears once, and no other (text between tags holds no
  ``<`` and no line break, so no stray placeholder and no second paragraph can be written);
* paired tags open before they close and nest as in the source: a tag's parent is the same;
* tags side by side may come in any order (English moves words: Arabic verb–subject order,
  adjectives after nouns) when the sentence has at most ``MAX_FREE`` tags; beyond that, in
  source order only (the alternatives grow factorially).

Free text is allowed anywhere between tags, including nothing; whether a paired tag kept
its words is for the markup stage to check (``inline.problems``). The grammar has no
recursion (a sentence's tags nest to a fixed depth), so it is also a regular language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import permutations

from tarjama.document import inline

# Up to this many tags in a sentence, every valid order is admitted; beyond it, source order.
MAX_FREE = 4
# Text between tags: anything but the start of a tag or a line break.
TEXT_RULE = "t ::= [^<\\n]*"


@dataclass
class _Node:
    n: int
    kind: str  # "g" or "x"
    children: list[_Node] = field(default_factory=list)


def _forest(source: str) -> list[_Node]:
    """The source's tags as a forest (children in source order)."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    seen: set[int] = set()
    for kind, value in inline.tokens(source):
        if kind not in ("open", "close", "atom"):
            continue
        n = int(value)  # type: ignore[arg-type]
        if kind == "close":
            if stack and stack[-1].n == n:
                stack.pop()
            continue
        if n in seen:
            continue
        seen.add(n)
        node = _Node(n, "g" if kind == "open" else "x")
        (stack[-1].children if stack else roots).append(node)
        if kind == "open":
            stack.append(node)
    return roots


def _orders(nodes: list[_Node], free: bool) -> list[tuple[_Node, ...]]:
    return list(permutations(nodes)) if free else [tuple(nodes)]


def _sequence(nodes: list[_Node], free: bool) -> str:
    """A rule body: text, then the nodes in each admitted order, text after each."""
    if not nodes:
        return "t"
    alternatives = [" ".join(f"{_name(node)} t" for node in order) for order in _orders(nodes, free)]
    if len(alternatives) == 1:
        return f"t {alternatives[0]}"
    return "t ( " + " | ".join(alternatives) + " )"


def _name(node: _Node) -> str:
    return f"{node.kind}{node.n}"


def markup_grammar(source: str, max_free: int = MAX_FREE) -> str | None:
    """The GBNF grammar of valid translations of ``source`` (module docstring); None without tags."""
    roots = _forest(source)
    if not roots:
        return None
    nodes: list[_Node] = []
    todo = list(roots)
    while todo:
        node = todo.pop(0)
        nodes.append(node)
        todo.extend(node.children)
    free = len(nodes) <= max_free
    rules = [f"root ::= {_sequence(roots, free)}"]
    for node in sorted(nodes, key=lambda x: x.n):
        if node.kind == "x":
            rules.append(f'{_name(node)} ::= "<x{node.n}/>"')
        else:
            rules.append(f'{_name(node)} ::= "<g{node.n}>" {_sequence(node.children, free)} "</g{node.n}>"')
    rules.append(TEXT_RULE)
    return "\n".join(rules) + "\n"
