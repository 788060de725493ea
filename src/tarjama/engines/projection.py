"""Detag and project: a sentence's inline tags put back into a translation of its plain text.

A sequence-to-sequence model does not copy placeholders reliably, so engines that can read
their model's alignment (``Seq2SeqEngine``) translate the sentence *without* them and put each
tag back here, from a word alignment: ``weights[t][s]`` says how much target word ``t`` (of
``words(target)``) attends to source word ``s`` (of ``words(plain(source))``); words are runs
of non-space characters. The rules, for each tag in source order (a parent before what it holds):

* each target word is aligned to the source word it weighs most (words without a letter or
  digit are not evidence); a source word belongs to the paired tags whose text it overlaps —
  to the one that holds most of it among tags side by side — so a tag's words always lie
  inside its parent's;
* a paired tag wraps the run of target words aligned to its words, within its parent's span
  and never across a neighbouring tag's words (when the aligned words are scattered, the run
  holding most of them); punctuation at the run's edges stays outside unless the source tag
  had it there;
* a standalone tag sits at the source sentence's edge when it stood there, else right after
  the target word aligned to the source word before it (or before the one aligned to the word
  after it);
* a tag that cannot be aligned goes around (or next to) the English a pin fixes
  (``tarjama.document.pins``: a glossary target, a Latin-script name, a number), else at the
  sentence end (a paired tag around the last word it can validly hold) — and only then is the
  sentence flagged, with an error ``Finding`` of kind ``markup``; a pin leaves a note.

Every placement is checked with ``inline.problems``, so the output is always properly nested;
a tag that no valid place holds is left out, for the markup stage to repair and flag
(``tarjama.translate.markup``). The text outside the tags is the translation, unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tarjama.document import inline
from tarjama.document.pins import locate, pins, word_pins
from tarjama.types import ERROR, MARKUP, REPAIRED, Finding, Note, TermHint

_WORD = re.compile(r"\S+")
_LEADING = "\"'“‘«([¿¡"
_TRAILING = ".,;:!?…\"'”’»)]،؛؟"
_END_PUNCT = re.compile(r"[\s.!?…:;,\"'”’»)\]]*$")


def words(text: str) -> list[tuple[int, int]]:
    """The words of ``text`` (runs of non-space characters) as character spans."""
    return [m.span() for m in _WORD.finditer(text)]


def plain(source: str) -> str:
    """``source`` without placeholders, spaces made single: what the model translates."""
    return _tags(source)[0]


def piece_words(pieces: Sequence[str], special: set[str] | frozenset[str] = frozenset()) -> list[int]:
    """For each sentencepiece piece, the index of the word it belongs to (-1: a special token).

    A piece that starts with ``▁`` starts a word, as the text decodes with a space there.
    """
    out: list[int] = []
    current = -1
    for piece in pieces:
        if piece in special:
            out.append(-1)
            continue
        if piece.startswith("▁") or current < 0:
            current += 1
        out.append(current)
    return out


def word_weights(
    attention: Sequence[Sequence[float]], target_words: Sequence[int], source_words: Sequence[int]
) -> list[list[float]]:
    """Token attention (``attention[target token][source token]``) summed into words.

    ``target_words``/``source_words`` give each token's word (-1: left out, see ``piece_words``).
    """
    rows = max(target_words, default=-1) + 1
    cols = max(source_words, default=-1) + 1
    out = [[0.0] * cols for _ in range(rows)]
    for t, tw in enumerate(target_words):
        if tw < 0 or t >= len(attention):
            continue
        row = attention[t]
        for s, sw in enumerate(source_words):
            if sw >= 0 and s < len(row):
                out[tw][sw] += float(row[s])
    return out


@dataclass
class Projection:
    """A tagged translation, with a note for each tag placed by a pin or by default and a
    finding for each placed by default (its place in the English is unknown)."""

    text: str
    notes: list[Note] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _Tag:
    n: int
    kind: str  # "g" or "x"
    parent: int  # 0: none
    start: int  # in the plain text: a paired tag's content, a standalone tag's position
    end: int
    content: str


def _tags(source: str) -> tuple[str, list[_Tag]]:
    """The source's plain text (placeholders out, spaces single) and its tags in source order."""
    text = ""
    tags: list[_Tag] = []
    by_number: dict[int, _Tag] = {}
    stack: list[int] = []
    for kind, value in inline.tokens(source):
        if kind == "text":
            piece = re.sub(r"\s+", " ", str(value))
            if text.endswith(" ") or not text:
                piece = piece.lstrip(" ")
            text += piece
            continue
        n = int(value)  # type: ignore[arg-type]
        if kind == "close":
            if n in by_number:
                by_number[n].end = len(text.rstrip(" "))
                by_number[n].content = text[by_number[n].start : by_number[n].end]
            if stack and stack[-1] == n:
                stack.pop()
            continue
        if kind not in ("open", "atom") or n in by_number:
            continue
        tag = _Tag(n, "g" if kind == "open" else "x", stack[-1] if stack else 0, len(text), len(text), "")
        by_number[n] = tag
        tags.append(tag)
        if kind == "open":
            stack.append(n)
    stripped = text.rstrip(" ")
    for tag in tags:
        tag.start, tag.end = min(tag.start, len(stripped)), min(tag.end, len(stripped))
    return stripped, tags


class _Builder:
    """The target with tags inserted at original positions; several may share one position."""

    def __init__(self, source: str, target: str) -> None:
        self.source = source
        self.target = target
        self.at: dict[int, list[str]] = {}

    def text(self, extra: dict[int, list[str]] | None = None) -> str:
        inserts = extra if extra is not None else self.at
        out: list[str] = []
        pos = 0
        for p in sorted(inserts):
            out.append(self.target[pos:p])
            out.extend(inserts[p])
            pos = p
        out.append(self.target[pos:])
        return "".join(out)

    def candidates(self, places: Sequence[tuple[int, str]]) -> list[dict[int, list[str]]]:
        """Every way to put ``places`` (position, string) among what is already at their positions."""
        options: list[dict[int, list[str]]] = [{p: list(v) for p, v in self.at.items()}]
        for pos, what in places:
            grown: list[dict[int, list[str]]] = []
            for option in options:
                here = option.get(pos, [])
                # Innermost first: a new tag goes inside what shares its position, else outside.
                order = range(len(here), -1, -1) if not what.startswith("</") else range(len(here) + 1)
                for i in order:
                    copy = {p: list(v) for p, v in option.items()}
                    copy.setdefault(pos, []).insert(i, what)
                    grown.append(copy)
            options = grown
        return options


def project(
    source: str,
    target: str,
    weights: Sequence[Sequence[float]] | None,
    hints: Sequence[TermHint] = (),
) -> Projection:
    """``target`` (a translation of ``plain(source)``) with ``source``'s tags put back (module docstring).

    ``weights`` is None (or of the wrong shape) when no alignment is known: every tag then goes
    where a pin or the sentence end puts it.
    """
    if not inline.has_placeholders(source):
        return Projection(target)
    plain_source, tags = _tags(source)
    src_words = words(plain_source)
    tgt_words = words(target)
    aligned = _align(weights, target, tgt_words, len(src_words))
    members = _members(tags, src_words)
    builder = _Builder(source, target)
    placed: set[int] = set()
    span_of: dict[int, tuple[int, int]] = {}  # paired tag → target word range (inclusive)
    result = Projection(target)
    for tag in tags:
        label = f"<x{tag.n}/>" if tag.kind == "x" else f"<g{tag.n}>"
        arabic = tag.content.strip() if tag.kind == "g" else ""

        def valid(option: dict[int, list[str]], n: int = tag.n) -> bool:
            return not inline.problems(source, builder.text(option), among=placed | {n})

        def put(places: Sequence[tuple[int, str]]) -> bool:
            for option in builder.candidates(places):
                if valid(option):
                    builder.at = option
                    return True
            return False

        done = False
        if tag.kind == "g":
            hull = _hull(tag, tags, members, aligned, span_of, len(tgt_words))
            if hull is not None:
                s, e = _trim(target, tgt_words[hull[0]][0], tgt_words[hull[1]][1], tag.content)
                if put([(s, f"<g{tag.n}>"), (e, f"</g{tag.n}>")]):
                    span_of[tag.n] = hull
                    done = True
            if not done:
                located = locate(target, pins(source, hints, *_source_span(source, tag.n)))
                if located is not None:
                    s, e, why = located
                    if put([(s, f"<g{tag.n}>"), (e, f"</g{tag.n}>")]):
                        span_of[tag.n] = _word_range(tgt_words, s, e)
                        result.notes.append(
                            Note(
                                f"markup: {label} around «{arabic}» put around «{target[s:e]}», aligned by "
                                f"{' and '.join(why)}",
                                REPAIRED,
                            )
                        )
                        done = True
            if not done:
                for w in range(len(tgt_words) - 1, -1, -1):
                    s, e = _trim(target, *tgt_words[w], "")
                    if e > s and (
                        put([(s, f"<g{tag.n}>"), (e, f"</g{tag.n}>")])
                        or (
                            w == len(tgt_words) - 1
                            and _yield_last_word(tag, tags, builder, span_of, placed)
                            and put([(s, f"<g{tag.n}>"), (e, f"</g{tag.n}>")])
                        )
                        or (
                            _grow_parent(tag, w, tags, builder, span_of, placed)
                            and put([(s, f"<g{tag.n}>"), (e, f"</g{tag.n}>")])
                        )
                    ):
                        span_of[tag.n] = (w, w)
                        message = (
                            f"{label} around «{arabic}» placed around «{target[s:e]}» at the end of the "
                            "sentence: its English could not be aligned"
                        )
                        result.notes.append(Note("markup: " + message, REPAIRED))
                        result.findings.append(Finding(MARKUP, message, severity=ERROR))
                        done = True
                        break
        else:
            done = _put_atom(
                tag, _Context(plain_source, target, src_words, tgt_words, aligned, hints), put, result
            )
        if done:
            placed.add(tag.n)
    result.text = builder.text()
    return result


def _yield_last_word(
    tag: _Tag, tags: Sequence[_Tag], builder: _Builder, span_of: dict[int, tuple[int, int]], placed: set[int]
) -> bool:
    """Make room at the sentence end for ``tag``: a tag beside it that holds the last word (and
    more) gives that word up. True when one did."""
    last = max((b for _, b in span_of.values()), default=-1)
    words_ = words(builder.target)
    if last != len(words_) - 1:
        return False
    source = builder.source
    for other in tags:
        if other.parent != tag.parent or other.n == tag.n or other.n not in span_of:
            continue
        a, b = span_of[other.n]
        if b != last or a == b:
            continue
        # It and every tag inside it that holds the last word give it up together.
        moving = [other.n] + [
            t.n for t in tags if t.n in span_of and span_of[t.n][1] == last and _inside(t, other.n, tags)
        ]
        if any(span_of[n][0] == last for n in moving):
            continue  # one of them holds nothing else
        saved = {p: list(v) for p, v in builder.at.items()}
        closes = [f"</g{n}>" for n in reversed(moving)]  # innermost first
        for value in builder.at.values():
            for close in closes:
                if close in value:
                    value.remove(close)
        end = _trim(builder.target, *words_[b - 1], "")[1]
        for option in builder.candidates([(end, close) for close in closes]):
            if not inline.problems(source, builder.text(option), among=set(placed)):
                builder.at = option
                for n in moving:
                    span_of[n] = (span_of[n][0], b - 1)
                return True
        builder.at = saved
    return False


def _grow_parent(
    tag: _Tag,
    w: int,
    tags: Sequence[_Tag],
    builder: _Builder,
    span_of: dict[int, tuple[int, int]],
    placed: set[int],
) -> bool:
    """Make room for ``tag`` when its parent holds no word it may take: the parent (and the
    ancestors that end or start with it) take in word ``w``, right after (or before) them."""
    if not tag.parent or tag.parent not in span_of:
        return False
    a, b = span_of[tag.parent]
    if w not in (a - 1, b + 1):
        return False
    words_ = words(builder.target)
    chain = [tag.parent]
    parents = {t.n: t.parent for t in tags}
    n = parents.get(tag.parent, 0)
    edge = b if w == b + 1 else a
    while n and n in span_of and span_of[n][1 if w == b + 1 else 0] == edge:
        chain.append(n)
        n = parents.get(n, 0)
    saved = {p: list(v) for p, v in builder.at.items()}
    marks = [f"</g{n}>" for n in chain] if w == b + 1 else [f"<g{n}>" for n in chain]
    for value in builder.at.values():
        for mark in marks:
            if mark in value:
                value.remove(mark)
    s, e = _trim(builder.target, *words_[w], "")
    at = e if w == b + 1 else s
    for option in builder.candidates([(at, mark) for mark in marks]):
        if not inline.problems(builder.source, builder.text(option), among=set(placed)):
            builder.at = option
            for n in chain:
                low, high = span_of[n]
                span_of[n] = (low, w) if w == b + 1 else (w, high)
            return True
    builder.at = saved
    return False


def _inside(tag: _Tag, ancestor: int, tags: Sequence[_Tag]) -> bool:
    parents = {t.n: t.parent for t in tags}
    n = tag.parent
    while n:
        if n == ancestor:
            return True
        n = parents.get(n, 0)
    return False


@dataclass(frozen=True)
class _Context:
    plain_source: str
    target: str
    src_words: Sequence[tuple[int, int]]
    tgt_words: Sequence[tuple[int, int]]
    aligned: Sequence[int | None]
    hints: Sequence[TermHint]


def _put_atom(
    tag: _Tag, ctx: _Context, put: Callable[[Sequence[tuple[int, str]]], bool], result: Projection
) -> bool:
    """Place standalone tag ``tag`` (see ``project``); True when it was placed."""
    plain_source, target, src_words, tgt_words = ctx.plain_source, ctx.target, ctx.src_words, ctx.tgt_words
    aligned, hints = ctx.aligned, ctx.hints
    label = f"<x{tag.n}/>"
    before = [i for i, (_, e) in enumerate(src_words) if e <= tag.start]
    after = [i for i, (s, _) in enumerate(src_words) if s >= tag.start]
    has_words = [any(c.isalnum() for c in plain_source[s:e]) for s, e in src_words]
    end = _END_PUNCT.search(target).start()  # type: ignore[union-attr]
    if not any(has_words[i] for i in before) and put([(0, f"<x{tag.n}/> ")]):
        return True
    if not any(has_words[i] for i in after) and put([(end, f" <x{tag.n}/>")]):
        return True
    if before:
        hits = [t for t, s in enumerate(aligned) if s == before[-1]]
        if hits and put([(_trim(target, *tgt_words[hits[-1]], "")[1], f" <x{tag.n}/>")]):
            return True
    if after:
        hits = [t for t, s in enumerate(aligned) if s == after[0]]
        if hits and put([(_trim(target, *tgt_words[hits[0]], "")[0], f"<x{tag.n}/> ")]):
            return True
    for side, index in (("after", before[-1] if before else None), ("before", after[0] if after else None)):
        if index is None:
            continue
        word = plain_source[src_words[index][0] : src_words[index][1]]
        located = locate(target, word_pins(hints, word))
        if located is None:
            continue
        s, e, why = located
        at, what = (e, f" <x{tag.n}/>") if side == "after" else (s, f"<x{tag.n}/> ")
        if put([(at, what)]):
            result.notes.append(
                Note(f"markup: {label} put {side} «{target[s:e]}», aligned by {' and '.join(why)}", REPAIRED)
            )
            return True
    # The sentence end, else the last place the tags around it allow (inside its parent).
    places = [(end, f" <x{tag.n}/>")]
    for w in range(len(tgt_words) - 1, -1, -1):
        s, e = _trim(target, *tgt_words[w], "")
        places += [(e, f" <x{tag.n}/>"), (s, f"<x{tag.n}/> ")]
    for at, what in places:
        if put([(at, what)]):
            where = "at the end of the sentence" if at == end else f"next to «{_word_at(target, at)}»"
            message = f"{label} placed {where}: its place in the English could not be aligned"
            result.notes.append(Note("markup: " + message, REPAIRED))
            result.findings.append(Finding(MARKUP, message, severity=ERROR))
            return True
    return False


def _word_at(text: str, at: int) -> str:
    """The word of ``text`` that ends or starts at ``at``."""
    before, after = re.search(r"\S*$", text[:at]).group(), re.match(r"\S*", text[at:]).group()  # type: ignore[union-attr]
    return before or after


def _source_span(source: str, n: int) -> tuple[int, int]:
    """Where paired tag ``n``'s content is in ``source`` (the placeholder text), for pins."""
    opened = re.search(rf"<\s*g\s*{n}\s*>", source)
    closed = re.search(rf"<\s*/\s*g\s*{n}\s*>", source)
    if opened is None:
        return 0, 0
    return opened.end(), closed.start() if closed is not None else len(source)


def _align(
    weights: Sequence[Sequence[float]] | None, target: str, tgt_words: list[tuple[int, int]], n_source: int
) -> list[int | None]:
    """For each target word, the source word it weighs most (None: not evidence)."""
    aligned: list[int | None] = [None] * len(tgt_words)
    if weights is None or len(weights) != len(tgt_words):
        return aligned
    for t, row in enumerate(weights):
        s, e = tgt_words[t]
        if len(row) != n_source or not any(c.isalnum() for c in target[s:e]):
            continue
        best = max(range(n_source), key=lambda i: row[i], default=None)
        if best is not None and row[best] > 0:
            aligned[t] = best
    return aligned


def _members(tags: Sequence[_Tag], src_words: Sequence[tuple[int, int]]) -> dict[int, set[int]]:
    """The source words of each paired tag (a word split between tags side by side goes to the
    one holding most of it; a tag's words are always among its parent's)."""
    paired = [t for t in tags if t.kind == "g"]
    members: dict[int, set[int]] = {}

    def overlap(w: int, tag: _Tag) -> int:
        s, e = src_words[w]
        return max(0, min(e, tag.end) - max(s, tag.start))

    for tag in paired:  # parents come first (source order)
        pool = (
            members.get(tag.parent, set(range(len(src_words)))) if tag.parent else set(range(len(src_words)))
        )
        siblings = [t for t in paired if t.parent == tag.parent and t.n != tag.n]
        mine = set()
        for w in pool:
            share = overlap(w, tag)
            if share and all(
                overlap(w, o) < share or (overlap(w, o) == share and o.n > tag.n) for o in siblings
            ):
                mine.add(w)
        members[tag.n] = mine
    return members


def _hull(
    tag: _Tag,
    tags: Sequence[_Tag],
    members: dict[int, set[int]],
    aligned: Sequence[int | None],
    span_of: dict[int, tuple[int, int]],
    n_target: int,
) -> tuple[int, int] | None:
    """The target word range (inclusive) aligned to ``tag``'s words (see ``project``), or None."""
    low, high = span_of.get(tag.parent, (0, n_target - 1)) if tag.parent else (0, n_target - 1)
    if tag.parent and tag.parent not in span_of:
        return None
    mine = members[tag.n]
    others: set[int] = set()
    for o in tags:
        if o.kind == "g" and o.parent == tag.parent and o.n != tag.n:
            others |= members[o.n]
    blocked = {t for t in range(low, high + 1) if aligned[t] is not None and aligned[t] in others}
    for o, (a, b) in span_of.items():
        if any(t.n == o and t.parent == tag.parent for t in tags):
            blocked |= set(range(a, b + 1))
    runs: list[list[int]] = [[]]
    for t in range(low, high + 1):
        if t in blocked:
            runs.append([])
        elif aligned[t] is not None and aligned[t] in mine:
            runs[-1].append(t)
    best = max(runs, key=len)
    if not best:
        return None
    return best[0], best[-1]


def _trim(target: str, s: int, e: int, content: str) -> tuple[int, int]:
    """A span of ``target`` with punctuation at its edges left outside (unless ``content`` has it)."""
    content = content.strip()
    if not (content and content[-1] in _TRAILING):
        while e - 1 > s and target[e - 1] in _TRAILING:
            e -= 1
    if not (content and content[0] in _LEADING):
        while s + 1 < e and target[s] in _LEADING:
            s += 1
    return s, e


def _word_range(tgt_words: Sequence[tuple[int, int]], s: int, e: int) -> tuple[int, int]:
    inside = [i for i, (a, b) in enumerate(tgt_words) if a < e and b > s]
    return (inside[0], inside[-1]) if inside else (0, 0)


def token_alignment(
    attention: Sequence[Sequence[float]],
    source_pieces: Sequence[str],
    target_pieces: Sequence[str],
    source_text: str,
    target_text: str,
    special: Callable[[str], bool],
) -> list[list[float]] | None:
    """Word weights for ``project`` from a model's token attention (``attention[target][source]``).

    Pieces are sentencepiece pieces (``special`` says which are not text); None when the words
    they make are not the words of the texts (the alignment would say nothing true).
    """
    src = piece_words(source_pieces, {p for p in source_pieces if special(p)})
    tgt = piece_words(target_pieces, {p for p in target_pieces if special(p)})
    if max(src, default=-1) + 1 != len(words(source_text)):
        return None
    if max(tgt, default=-1) + 1 != len(words(target_text)):
        return None
    return word_weights(attention, tgt, src)
