"""Inline markup as numbered placeholders: what an engine sees of a formatted sentence.

A formatted sentence (Markdown emphasis and links, HTML inline elements, Word runs, XLIFF
inline codes) reaches an engine whole, with its markup replaced by numbered placeholders::

    اقرأ <g1>البيان الكامل</g1> على موقع الوكالة.      (a link: the target never goes out)
    شغّل <x2/> ثم أعد المحاولة.                         (inline code, an image, a URL…)

``<gN>…</gN>`` is a *paired* tag around text that is translated (emphasis, a link's text);
``<xN/>`` a *standalone* one for markup whose content is never translated (code, URLs,
images, line breaks). Numbers count from 1 in each sentence, in order of appearance, and are
shared by both kinds, as XLIFF ids are.

The rules of this module:

* A paragraph comes in as ``Piece``\\ s in its own syntax (``raw``): text, and marks that open
  or close a pair, or stand alone. ``split_pieces`` cuts it into sentences with the one
  sentence splitter (``tarjama.text.segment``), which sees standalone marks as one neutral
  character and pairs as nothing, so no sentence ends inside a code span or a URL; a closing
  mark stays with the sentence before a boundary, an opening one goes with the sentence after.
* A pair that a sentence boundary cuts becomes a pair in each sentence, with the missing half
  empty, so ``**A. B.**`` is two sentences that each keep their part of the emphasis.
* Pairs that wrap a whole sentence are peeled off and never sent (``Inline.prefix``/``suffix``):
  a bold heading reaches the engine as plain text.
* The glossary reads ``Inline.plain`` — the sentence without placeholders — and its offsets
  map back into the placeholder text with ``Inline.to_text``; the Arabic itself is never
  changed.
* A translation is valid when every placeholder of the source appears exactly once, paired
  tags open before they close, nest as in the source, and keep some text when the source had
  some (``problems``). ``Inline.render`` writes a translation back in the paragraph's syntax
  and leaves out any placeholder that is not valid, so broken markup never reaches a file.

Two syntaxes exist for paragraphs: a format's own (Markdown: ``raw`` is the Markdown, kept
byte for byte) and *tagged* text, in which a file format (HTML, DOCX, XLIFF) writes a
paragraph as XML-escaped text with placeholders numbered across the whole file
(``tagged_pieces`` reads it, ``parse`` reads a rendered paragraph back).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import unescape as _xml_unescape

from tarjama.text.segment import split_sentences

# A placeholder in a request or a translation, leniently: models write "< g1 >" or "<x2>" too.
# Groups: leading "/", the letter, the number, trailing "/".
PLACEHOLDER = re.compile(r"<\s*(/?)\s*([gx])\s*(\d+)\s*(/?)\s*>")
# The same in tagged paragraph text, plus XML's five escapes.
_TAGGED = re.compile(r"<(/?)g(\d+)>|<x(\d+)/>|&(?:amp|lt|gt|quot|apos);")
# What a standalone mark looks like to the sentence splitter: one neutral character that is
# neither a letter, a space nor a full stop (so a sentence never ends inside code or a URL).
_NEUTRAL = "\ue000"

ROLES = ("text", "open", "close", "atom", "trail", "break")
_NESTED = "nested differently from the source"


@dataclass(frozen=True, slots=True)
class Piece:
    """One piece of a paragraph in its own syntax.

    ``role``: ``text`` (``text`` is what the engine reads of it; equal to ``raw`` unless the
    piece is an escape such as ``&amp;``), ``open``/``close`` (the two halves of pair
    ``pair``), ``atom`` (a standalone mark), ``trail`` (a standalone mark that belongs to the
    word before it, like a footnote reference) or ``break`` (a line break: a sentence ends
    there and the mark stays at the edge, outside the request). ``label`` says what the mark
    is, for notes ("strong", "link to https://…").
    """

    raw: str
    role: str = "text"
    text: str = ""
    pair: int = -1
    label: str = ""

    @property
    def width(self) -> str:
        """What the sentence splitter sees of this piece."""
        if self.role == "text":
            return self.text
        if self.role == "atom":
            return _NEUTRAL
        if self.role == "break":
            return "\n"
        return ""


def text_piece(raw: str, text: str | None = None) -> Piece:
    return Piece(raw, "text", raw if text is None else text)


@dataclass(frozen=True, slots=True)
class Tag:
    """A placeholder of a sentence: ``<gN>`` (``kind`` g) or ``<xN/>`` (``kind`` x).

    ``open`` and ``close`` are the raw markup written back for ``<gN>`` and ``</gN>`` (either
    may be empty when a sentence boundary cut the pair); an x tag writes ``open``.
    """

    id: int
    kind: str
    open: str
    close: str = ""
    label: str = ""

    @property
    def placeholder(self) -> str:
        return f"<x{self.id}/>" if self.kind == "x" else f"<g{self.id}>"

    def describe(self) -> str:
        """How a note names this markup: its label, or its raw text."""
        if self.label:
            return self.label
        shown = self.open + ("…" + self.close if self.kind == "g" else "")
        return shown if len(shown) <= 60 else shown[:57] + "…"


@dataclass(frozen=True, slots=True)
class Inline:
    """A sentence with inline markup: the placeholder text an engine sees and its tags.

    ``text`` is the request (placeholders in it); ``plain`` the same without placeholders
    (what the glossary reads); ``escape`` turns translated text into the paragraph's syntax
    (``"xml"`` for tagged text, ``""`` for Markdown). ``prefix``/``suffix`` are the raw
    markup peeled off the sentence's edges.
    """

    text: str
    tags: tuple[Tag, ...] = ()
    prefix: str = ""
    suffix: str = ""
    escape: str = ""
    plain: str = ""
    # Where ``plain`` stands in ``text``, one entry per run of visible text (a sentence
    # without inner tags has one): run k starts at ``plain_starts[k]`` in ``plain`` and at
    # ``text_starts[k]`` in ``text`` (a pair per run, not an offset per character: a long
    # document holds one Inline per sentence).
    plain_starts: tuple[int, ...] = field(default=(), repr=False)
    text_starts: tuple[int, ...] = field(default=(), repr=False)

    def tag(self, number: int) -> Tag | None:
        for t in self.tags:
            if t.id == number:
                return t
        return None

    def _position(self, i: int) -> int:
        """The position in ``text`` of ``plain[i]`` (``len(text)`` for the end)."""
        if i >= len(self.plain):
            return len(self.text)
        k = bisect.bisect_right(self.plain_starts, i) - 1
        return self.text_starts[k] + i - self.plain_starts[k]

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        """A span of ``plain`` as a span of ``text`` (placeholders inside it included)."""
        return self._position(start), self._position(end - 1) + 1 if end > start else self._position(start)

    def render(self, translation: str) -> str:
        """``translation`` (placeholders in it) in the paragraph's syntax; invalid tags left out."""
        keep = valid_subset(self.text, translation)
        out = [self.prefix]
        for kind, value in tokens(translation):
            if kind == "text":
                out.append(escape_text(value, self.escape))
                continue
            tag = self.tag(value)  # type: ignore[arg-type]
            if tag is None or value not in keep or kind == "bad":
                continue
            out.append(tag.close if kind == "close" else tag.open)
        out.append(self.suffix)
        return "".join(out)


def escape_text(text: str, mode: str) -> str:
    """Translated text in a paragraph syntax: ``xml`` (tagged text) escapes ``& < >``."""
    return _xml_escape(text) if mode == "xml" else text


# --------------------------------------------------------------------------- placeholders


def _kind(m: re.Match[str]) -> str:
    lead, letter, trail = m.group(1), m.group(2), m.group(4)
    if letter == "x":
        return "bad" if lead else "atom"  # "<x2>" for "<x2/>" is accepted
    if trail:
        return "bad"  # "<g1/>": a paired tag written as a standalone one
    return "close" if lead else "open"


def tokens(text: str) -> list[tuple[str, object]]:
    """``text`` as ("text", str) and ("open" | "close" | "atom" | "bad", number) tokens.

    ``bad`` is a placeholder of the wrong shape (``<g1/>``, ``</x2>``).
    """
    out: list[tuple[str, object]] = []
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        if m.start() > pos:
            out.append(("text", text[pos : m.start()]))
        out.append((_kind(m), int(m.group(3))))
        pos = m.end()
    if pos < len(text):
        out.append(("text", text[pos:]))
    return out


def strip(text: str) -> str:
    """``text`` without placeholders (spaces they leave doubled are not touched)."""
    return PLACEHOLDER.sub("", text)


def blank(text: str) -> str:
    """``text`` with every placeholder turned into as many spaces: the words the fidelity
    checks read (a tag's number is not a number of the sentence), offsets unchanged."""
    return PLACEHOLDER.sub(lambda m: " " * len(m.group()), text)


def has_placeholders(text: str) -> bool:
    return PLACEHOLDER.search(text) is not None


@dataclass(frozen=True)
class _Shape:
    """What a placeholder text says about each tag: kind, parent, whether it holds text."""

    kinds: dict[int, str]
    parents: dict[int, int]  # tag → enclosing paired tag (0: none)
    wordy: dict[int, bool]  # paired tag → has a letter or digit inside
    order: list[int]


def _shape(text: str) -> _Shape:
    kinds: dict[int, str] = {}
    parents: dict[int, int] = {}
    wordy: dict[int, bool] = {}
    order: list[int] = []
    stack: list[int] = []
    for kind, value in tokens(text):
        if kind == "text":
            for open_tag in stack:
                wordy[open_tag] = wordy.get(open_tag, False) or any(c.isalnum() for c in str(value))
            continue
        n = int(value)  # type: ignore[arg-type]
        if kind == "close":
            if stack and stack[-1] == n:
                stack.pop()
            continue
        kinds[n] = "x" if kind == "atom" else "g"
        parents[n] = stack[-1] if stack else 0
        order.append(n)
        if kind == "open":
            wordy.setdefault(n, False)
            stack.append(n)
    return _Shape(kinds, parents, wordy, order)


def problems(source: str, translation: str, *, among: set[int] | None = None) -> dict[int, str]:
    """What is wrong with the placeholders of ``translation`` against ``source``, per tag.

    Empty when every tag of the source appears exactly once, paired tags open before they
    close and nest as in the source (a parent outside ``among``, when given, is skipped: its
    children then sit under its nearest ancestor that is), a paired tag that held text still
    does, and no tag appears that the source lacks (those are reported under their number).
    """
    want = _shape(source)
    tags = among if among is not None else set(want.kinds)
    found: dict[int, str] = {}
    seen: dict[int, int] = {}
    closed: set[int] = set()
    stack: list[int] = []
    wordy: dict[int, bool] = {}
    parent: dict[int, int] = {}
    for kind, value in tokens(translation):
        if kind == "text":
            for open_tag in stack:
                wordy[open_tag] = wordy.get(open_tag, False) or any(c.isalnum() for c in str(value))
            continue
        n = int(value)  # type: ignore[arg-type]
        if n not in want.kinds:
            found.setdefault(n, "not in the source")
            continue
        expected_kind = want.kinds[n]
        if kind == "bad" or (kind == "atom") != (expected_kind == "x"):
            found.setdefault(n, "written as the wrong kind of tag")
            continue
        if n not in tags:
            continue  # a tag that is being left out: ignore it here
        if kind == "close":
            if n not in seen or n in closed:
                found.setdefault(n, "closed without being opened")
            elif not stack or stack[-1] != n:
                found.setdefault(n, "closed out of order")
                if n in stack:
                    stack.remove(n)
                closed.add(n)
            else:
                stack.pop()
                closed.add(n)
            continue
        seen[n] = seen.get(n, 0) + 1
        if seen[n] > 1:
            found.setdefault(n, "appears more than once")
        parent[n] = stack[-1] if stack else 0
        if kind == "open":
            stack.append(n)
    for n in stack:
        found.setdefault(n, "never closed")
    for n in want.order:
        if n not in tags:
            continue
        if n not in seen:
            found.setdefault(n, "missing")
            continue
        if want.kinds[n] == "g" and n not in closed:
            found.setdefault(n, "never closed")
        expected_parent = want.parents[n]
        while expected_parent and expected_parent not in tags:
            expected_parent = want.parents[expected_parent]
        if parent.get(n, 0) != expected_parent and n not in found:
            found[n] = _NESTED
        if want.kinds[n] == "g" and want.wordy.get(n) and not wordy.get(n) and n not in found:
            found[n] = "lost the text it held"
    return found


def describe(source: str, found: dict[int, str]) -> str:
    """``found`` (see ``problems``) in words, each tag named by its placeholder."""
    atoms = {int(m.group(3)) for m in PLACEHOLDER.finditer(source) if m.group(2) == "x"}
    return "; ".join(f"<x{n}/> {why}" if n in atoms else f"<g{n}> {why}" for n, why in sorted(found.items()))


def spaced(text: str) -> str:
    """``text`` with a space on each side of every placeholder (whole tokens for a subword model)."""
    return re.sub(r"[ \t]{2,}", " ", PLACEHOLDER.sub(lambda m: f" {m.group(0)} ", text)).strip()


def valid_subset(source: str, translation: str) -> set[int]:
    """The tags of ``source`` that ``translation`` carries validly once the broken ones are left out.

    Broken tags are dropped one round at a time (a dropped parent can make its children
    valid again) until what is left has no problem.
    """
    keep = set(_shape(source).kinds)
    while True:
        found = {n: why for n, why in problems(source, translation, among=keep).items() if n in keep}
        if not found:
            return keep
        # A tag is often only misplaced because a broken one around it is still counted: drop
        # the broken ones first, and the misplaced ones only when nothing else is wrong.
        causes = {n for n, why in found.items() if why != _NESTED}
        keep -= causes or set(found)


def without(translation: str, drop: set[int]) -> str:
    """``translation`` with every placeholder of the tags in ``drop`` removed (and unknown ones)."""

    def keep(m: re.Match[str]) -> str:
        return "" if int(m.group(3)) in drop or _kind(m) == "bad" else m.group(0)

    return PLACEHOLDER.sub(keep, translation)


# ---------------------------------------------------------------------------- sentences


def well_nested(pieces: Sequence[Piece]) -> list[Piece]:
    """``pieces`` with every pair that crosses another (``<b>*</b>*``) made two standalone marks.

    Placeholders must nest; markup that does not (Markdown emphasis across an HTML tag) is
    kept byte for byte but as standalone marks.
    """
    out = list(pieces)
    demote: set[int] = set()
    stack: list[int] = []
    on_stack: dict[int, int] = {}  # pair → how many times it is open: membership in O(1)
    for piece in out:
        if piece.role == "open":
            stack.append(piece.pair)
            on_stack[piece.pair] = on_stack.get(piece.pair, 0) + 1
        elif piece.role == "close" and on_stack.get(piece.pair):
            while stack[-1] != piece.pair:
                crossed = stack.pop()  # opened inside, closed outside: crosses
                on_stack[crossed] -= 1
                demote.add(crossed)
            stack.pop()
            on_stack[piece.pair] -= 1
        elif piece.role == "close":
            demote.add(piece.pair)
    return [Piece(p.raw, "atom", p.text, p.pair, p.label) if p.role in ("open", "close") and p.pair in demote
            else p for p in out]  # fmt: skip


def split_pieces(pieces: Sequence[Piece]) -> list[list[Piece]]:
    """Cut a paragraph's pieces into sentences (see the module docstring)."""
    pieces = well_nested(pieces)
    view = "".join(p.width for p in pieces)
    spans = split_sentences(view)
    cuts = [end for _start, end in spans[:-1]]
    out: list[list[Piece]] = [[] for _ in range(max(1, len(spans)))]
    seg = 0
    pos = 0
    for piece in pieces:
        width = len(piece.width)
        if width == 0:
            # Zero-width marks: a close (or a trailing mark) stays left of a cut, an open goes right.
            while seg < len(cuts) and (pos > cuts[seg] or (pos == cuts[seg] and piece.role == "open")):
                seg += 1
            out[seg].append(piece)
            continue
        while seg < len(cuts) and pos >= cuts[seg]:
            seg += 1
        if piece.role != "text" or piece.raw != piece.text:
            out[seg].append(piece)  # indivisible
            pos += width
            continue
        text = piece.raw
        while seg < len(cuts) and pos + len(text) > cuts[seg]:
            k = cuts[seg] - pos
            if k > 0:
                out[seg].append(text_piece(text[:k]))
            text, pos = text[k:], cuts[seg]
            seg += 1
        if text:
            out[seg].append(text_piece(text))
        pos += len(text)
    return [s for s in out if s]


def has_words(pieces: Sequence[Piece]) -> bool:
    """Whether a sentence has text to translate (a letter or digit outside its marks)."""
    return any(p.role == "text" and any(c.isalnum() for c in p.text) for p in pieces)


def is_plain(pieces: Sequence[Piece]) -> bool:
    """No marks and no escapes: the raw text is what an engine reads."""
    return all(p.role == "text" and p.raw == p.text for p in pieces)


def build(pieces: Sequence[Piece], escape: str = "", collapse: bool = False) -> Inline:
    """The Inline of one sentence (its pieces, surrounding whitespace included).

    ``collapse`` turns every run of whitespace into one space in what the engine reads
    (HTML, where line breaks in the source are only layout).
    """
    items = list(pieces)
    # Trim surrounding whitespace: it stays in the segment, outside the request.
    while items and items[0].role == "text" and not items[0].text.strip():
        items.pop(0)
    while items and items[-1].role == "text" and not items[-1].text.strip():
        items.pop()
    # The sentence's own surrounding whitespace stays in the segment (for reassembly).
    if items and items[0].role == "text" and items[0].raw == items[0].text:
        items[0] = text_piece(items[0].raw.lstrip())
    if items and items[-1].role == "text" and items[-1].raw == items[-1].text:
        items[-1] = text_piece(items[-1].raw.rstrip())
    opens = {p.pair for p in items if p.role == "open"}
    closes = {p.pair for p in items if p.role == "close"}
    # Halves of pairs cut by a sentence boundary: the other half is empty, at the edge.
    head = [
        Piece("", "open", pair=p.pair, label=p.label)
        for p in reversed(items)
        if p.role == "close" and p.pair not in opens
    ]
    tail = [
        Piece("", "close", pair=p.pair, label=p.label)
        for p in reversed(items)
        if p.role == "open" and p.pair not in closes
    ]
    items = head + items + tail
    prefix: list[str] = []
    peeled: list[str] = []  # the suffix, innermost first (reversed once peeling is done)
    # Peel marks that wrap the whole sentence, and line breaks at its edges (two cursors, so
    # deeply nested markup peels in linear time).
    lo, hi = 0, len(items)
    while lo < hi:
        first, last = items[lo], items[hi - 1]
        if first.role == "break":
            prefix.append(first.raw)
            lo += 1
        elif last.role == "break":
            peeled.append(last.raw)
            hi -= 1
        elif hi - lo > 1 and first.role == "open" and last.role == "close" and first.pair == last.pair:
            prefix.append(first.raw)
            peeled.append(last.raw)
            lo, hi = lo + 1, hi - 1
        else:
            break
        # Whitespace uncovered by peeling stays outside the request too.
        while lo < hi and items[lo].role == "text" and not items[lo].text.strip():
            prefix.append(items[lo].raw)
            lo += 1
        while lo < hi and items[hi - 1].role == "text" and not items[hi - 1].text.strip():
            peeled.append(items[hi - 1].raw)
            hi -= 1
    items = items[lo:hi]
    suffix = peeled[::-1]
    tags: list[Tag] = []
    number_of: dict[int, int] = {}
    closes_of: dict[int, str] = {p.pair: p.raw for p in items if p.role == "close"}
    text: list[str] = []
    plain: list[str] = []
    plain_starts: list[int] = []
    text_starts: list[int] = []
    length = 0
    plain_length = 0

    def emit(s: str, visible: bool) -> None:
        nonlocal length, plain_length
        if visible and s:
            plain_starts.append(plain_length)
            text_starts.append(length)
            plain_length += len(s)
            plain.append(s)
        text.append(s)
        length += len(s)

    first_text = next((k for k, p in enumerate(items) if p.role == "text"), -1)
    last_text = max((k for k, p in enumerate(items) if p.role == "text"), default=-1)
    for k, piece in enumerate(items):
        if piece.role == "text":
            value = piece.text
            # The request has no surrounding whitespace: inside peeled markup it joins the
            # prefix or suffix, outside it the segment keeps it for reassembly.
            if k == first_text and k == 0:
                prefix.append(value[: len(value) - len(value.lstrip())] if "".join(prefix) else "")
                value = value.lstrip()
            if k == last_text and k == len(items) - 1:
                suffix.insert(0, value[len(value.rstrip()) :] if "".join(suffix) else "")
                value = value.rstrip()
            if collapse:
                value = re.sub(r"\s+", " ", value)
                if text and text[-1].endswith(" ") and value.startswith(" "):
                    value = value[1:]
            emit(value, True)
        elif piece.role == "open":
            n = len(tags) + 1
            number_of[piece.pair] = n
            tags.append(Tag(n, "g", piece.raw, closes_of.get(piece.pair, ""), piece.label))
            emit(f"<g{n}>", False)
        elif piece.role == "close":
            emit(f"</g{number_of[piece.pair]}>", False)
        else:  # atom, trail, or a line break inside (not at an edge of) the sentence
            n = len(tags) + 1
            tags.append(Tag(n, "x", piece.raw, "", piece.label))
            emit(f"<x{n}/>", False)
    return Inline(
        text="".join(text),
        tags=tuple(tags),
        prefix="".join(prefix),
        suffix="".join(suffix),
        escape=escape,
        plain="".join(plain),
        plain_starts=tuple(plain_starts),
        text_starts=tuple(text_starts),
    )


# ----------------------------------------------------------------------- tagged text


def tagged_pieces(
    text: str, labels: Callable[[int], str] | None = None, breaks: Collection[int] = ()
) -> list[Piece]:
    """Pieces of a paragraph in tagged text (XML-escaped text, file-wide placeholders).

    ``<gN>``/``</gN>`` become a pair, ``<xN/>`` an atom (a line break when N is in ``breaks``);
    ``labels(N)`` names tag N for notes. A line break inside the text stays text (sentences
    end there).
    """
    pieces: list[Piece] = []
    pos = 0
    for m in _TAGGED.finditer(text):
        if m.start() > pos:
            pieces.append(text_piece(text[pos : m.start()]))
        raw = m.group(0)
        if raw.startswith("&"):
            pieces.append(text_piece(raw, _xml_unescape(raw, {"&quot;": '"', "&apos;": "'"})))
        elif m.group(3) is not None:
            n = int(m.group(3))
            pieces.append(
                Piece(raw, "break" if n in breaks else "atom", pair=n, label=labels(n) if labels else "")
            )
        else:
            n = int(m.group(2))
            pieces.append(
                Piece(raw, "close" if m.group(1) else "open", pair=n, label=labels(n) if labels else "")
            )
        pos = m.end()
    if pos < len(text):
        pieces.append(text_piece(text[pos:]))
    return pieces


def tag(number: int, kind: str) -> str:
    """The tagged-text placeholder of file-wide tag ``number``: ``<gN>`` or ``<xN/>``."""
    return f"<x{number}/>" if kind == "x" else f"<g{number}>"


def xml_text(text: str) -> str:
    """Plain text as tagged text."""
    return _xml_escape(text)


def parse(tagged: str) -> list[tuple[str, object]]:
    """A rendered paragraph of tagged text as tokens, the text unescaped (see ``tokens``)."""
    out: list[tuple[str, object]] = []
    for kind, value in tokens(tagged):
        if kind == "text":
            value = _xml_unescape(str(value), {"&quot;": '"', "&apos;": "'"})
            if out and out[-1][0] == "text":
                out[-1] = ("text", str(out[-1][1]) + value)
                continue
        out.append((kind, value))
    return out


def normalize(translation: str) -> str:
    """An engine's placeholders in canonical form, with spaces kept outside paired tags.

    ``< g1 >`` becomes ``<g1>`` and ``<x2>`` becomes ``<x2/>``; ``<g1> text </g1>`` becomes
    `` <g1>text</g1> `` (Markdown emphasis with a space inside is no emphasis at all), and
    the spaces that leaves doubled are made single.
    """

    def canonical(m: re.Match[str]) -> str:
        kind = _kind(m)
        n = m.group(3)
        if kind == "open":
            return f"<g{n}>"
        if kind == "close":
            return f"</g{n}>"
        if kind == "atom":
            return f"<x{n}/>"
        return m.group(0)

    text = PLACEHOLDER.sub(canonical, translation)
    before = None
    while before != text:
        before = text
        text = re.sub(r"(<g\d+>)([ \t]+)", r"\2\1", text)
        text = re.sub(r"([ \t]+)(</g\d+>)", r"\2\1", text)
    return re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", text).strip()
