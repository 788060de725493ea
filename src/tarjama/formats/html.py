"""HTML (``.html``, ``.htm``): text and three attributes translated, every other byte kept.

The file is cut into tokens by the standard library's ``html.parser`` (tags, text, character
references, comments, declarations), each with its exact offsets in the file, and only
the translated spans are replaced, so everything else comes back byte for byte.

* A *paragraph* is a run of text and inline elements (``a``, ``b``, ``span``, ``img``…)
  between block boundaries (``p``, ``li``, ``td``, ``h1``…, ``br`` ends a sentence). Inline
  elements opened and closed inside the run become paired placeholders, the others
  standalone ones; a run without a letter or digit is not touched.
* The values of ``alt``, ``title`` and ``aria-label`` are translated, each on its own, and
  the ``content`` of the ``<meta>`` elements a shared link is previewed from: ``description``,
  ``og:title``, ``og:description``, ``og:site_name``, ``og:image:alt``, ``twitter:title``,
  ``twitter:description``, ``twitter:image:alt`` (``og:locale`` ``ar_XX`` becomes ``en_US``).
  The ``<title>`` is a paragraph like any other.
* Text (a run or an attribute value) without a word character of the source language — an
  English ``title=``, a Latin brand name, a number — is left as it is and counted
  (``Document.untouched``).
* Never translated, kept as they are: ``script``, ``style``, ``code``, ``kbd``, ``samp``,
  ``var``, ``pre``, ``textarea``, ``svg``, ``math``, ``template``, and any element with
  ``translate="no"`` (with everything inside it).
* ``lang="ar…"`` becomes ``lang="en"`` and ``dir="rtl"`` becomes ``dir="ltr"`` (outside
  untranslated elements), keeping each attribute's quotes; into Arabic the other way round
  (``lang="en…"`` becomes ``lang="ar"``, ``dir="ltr"`` ``dir="rtl"``), and the ``html`` element
  gets ``lang="ar" dir="rtl"`` where it lacks them, so the page reads right to left.
* In translated text, runs of whitespace (line breaks of the source layout) become one
  space; ``&``, ``<`` and ``>`` are escaped, attribute values also escape their quote.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from tarjama.document import inline
from tarjama.document.model import document_from_pieces, plain_pieces
from tarjama.errors import TarjamaError
from tarjama.formats.base import Format, ReadOptions, Source, Unit
from tarjama.text.arabic import has_source_letters
from tarjama.text.language import source_language
from tarjama.text.textio import read_text

if TYPE_CHECKING:
    from tarjama.document.record import TranslatedDocument

TRANSLATED_ATTRIBUTES = ("alt", "title", "aria-label")
# <meta name|property=…> whose content is text people read (search results, link previews).
TRANSLATED_META = {"description", "og:title", "og:description", "og:site_name", "og:image:alt",
                   "twitter:title", "twitter:description", "twitter:image:alt"}  # fmt: skip
BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "col", "colgroup", "dd",
    "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html",
    "legend", "li", "link", "main", "menu", "meta", "nav", "noscript", "ol", "optgroup", "option", "p",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul", "base",
    "iframe", "object", "video", "audio", "canvas", "select", "datalist", "map", "area", "source",
    "track", "param", "embed", "picture", "search",
}  # fmt: skip
# Never translated; inside a paragraph they are one standalone placeholder.
KEPT_INLINE = {"code", "kbd", "samp", "var", "script", "style", "template", "svg", "math"}
# Never translated; they end the paragraph before them.
KEPT_BLOCK = {"pre", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr"}  # fmt: skip
_SPACE = re.compile(r"[ \t\r\n\f]+")
# An attribute inside a start tag (as html.parser reads it): name, and its value with quotes.
_ATTRIBUTE = re.compile(
    r"""(?P<name>[^\s/>"'=][^\s/>=]*)(?:\s*=+\s*(?P<value>'[^']*'|"[^"]*"|(?!['"])[^>\s]*))?"""
)


@dataclass
class Token:
    kind: str  # start, startend, end, data, ref, comment, decl, pi, other
    start: int
    end: int = 0
    tag: str = ""
    attrs: dict[str, str | None] = field(default_factory=dict)
    ref: str = ""  # the character a reference stands for


class _Tokenizer(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tokens: list[Token] = []

    def _add(self, kind: str, tag: str = "", attrs=None, ref: str = "") -> None:
        line, column = self.getpos()
        start = self.line_starts[line - 1] + column
        self.tokens.append(Token(kind, start, tag=tag, attrs=dict(attrs or ()), ref=ref))

    def handle_starttag(self, tag, attrs):
        self._add("start", tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._add("startend", tag, attrs)

    def handle_endtag(self, tag):
        self._add("end", tag)

    def handle_data(self, data):
        self._add("data")

    def handle_entityref(self, name):
        self._add("ref", ref=html.unescape(f"&{name};"))

    def handle_charref(self, name):
        self._add("ref", ref=html.unescape(f"&#{name};"))

    def handle_comment(self, data):
        self._add("comment")

    def handle_decl(self, decl):
        self._add("decl")

    def handle_pi(self, data):
        self._add("pi")

    def unknown_decl(self, data):
        self._add("other")


def tokenize(text: str, path: Path | str = "") -> list[Token]:
    """Every token of ``text`` with its exact span; the spans partition the text."""
    parser = _Tokenizer(text)
    parser.feed(text)
    parser.close()
    tokens = [t for t in parser.tokens]
    merged: list[Token] = []
    for t in tokens:
        if merged and merged[-1].start == t.start:
            continue  # html.parser reports some constructs twice at one place: keep the first
        merged.append(t)
    for i, t in enumerate(merged):
        t.end = merged[i + 1].start if i + 1 < len(merged) else len(text)
        if t.end < t.start:
            raise TarjamaError(f"{path}: cannot locate the HTML token at offset {t.start}; report this file")
    if merged and merged[0].start != 0:
        merged.insert(0, Token("data", 0, merged[0].start))
    return merged


@dataclass
class _Mark:
    """A file-wide placeholder: tokens [first, last] (a pair: the open and close tokens)."""

    kind: str  # "g" or "x"
    first: int
    last: int
    label: str


@dataclass
class _Place:
    """Where one paragraph of the document sits in the file."""

    kind: str  # "run" or "attr"
    start: int  # offsets in the file (a run: first to last token; an attribute: its value)
    end: int
    token: int = -1  # the tag of an attribute
    name: str = ""


def attribute_spans(text: str, token: Token) -> list[tuple[str, int, int, str]]:
    """(name, value start, value end, quote) of each attribute with a value in tag ``token``."""
    raw = text[token.start : token.end]
    head = re.match(r"</?[^\s/>]+", raw)
    spans = []
    for m in _ATTRIBUTE.finditer(raw, head.end() if head else 0):
        value = m.group("value")
        if value is None:
            continue
        quote = value[0] if value[:1] in ("'", '"') else ""
        start = token.start + m.start("value") + len(quote)
        end = token.start + m.end("value") - len(quote)
        spans.append((m.group("name").lower(), start, end, quote))
    return spans


def _switches(name: str, value: str, target: str = "en", token: Token | None = None) -> str | None:
    """The new value of a ``lang``/``dir`` attribute (or ``og:locale``) in the translated copy
    (into ``target``), or None."""
    value = html.unescape(value).strip().lower()
    source = "ar" if target == "en" else "en"
    if name in ("lang", "xml:lang") and value.split("-")[0] == source:
        return target
    if name == "dir" and value == ("rtl" if target == "en" else "ltr"):
        return "ltr" if target == "en" else "rtl"
    if (name == "content" and token is not None and _meta_name(token) == "og:locale"
            and value.replace("-", "_").split("_")[0] == source):
        return "en_US" if target == "en" else "ar_AR"
    return None


def _meta_name(token: Token) -> str:
    """A ``<meta>``'s ``property`` or ``name``, lower-cased ("" for any other tag)."""
    if token.tag != "meta":
        return ""
    return (token.attrs.get("property") or token.attrs.get("name") or "").strip().lower()


def _translated(token: Token, name: str) -> bool:
    return name in TRANSLATED_ATTRIBUTES or (name == "content" and _meta_name(token) in TRANSLATED_META)


class HtmlSource(Source):
    def __init__(self, text: str, tokens: list[Token], marks: list[_Mark], places: list[_Place],
                 unit: Unit, rewrite: set[int]) -> None:  # fmt: skip
        self.text = text
        self.tokens = tokens
        self.marks = marks
        self.places = places
        self.units = [unit]
        self.rewrite = rewrite  # tags whose attributes change (translated, or lang/dir)

    def tag_text(self, i: int, values: dict[tuple[int, str], str], target: str = "en") -> str:
        """Tag token ``i`` with its translated attribute values and lang/dir switched."""
        token = self.tokens[i]
        raw = self.text[token.start : token.end]
        if i not in self.rewrite:
            return raw
        edits = []
        spans = attribute_spans(self.text, token)
        if target == "ar" and token.tag == "html" and token.kind in ("start", "startend"):
            have = {name for name, *_ in spans}
            missing = [f'{n}="{v}"' for n, v in (("lang", "ar"), ("dir", "rtl")) if n not in have]
            if missing:
                at = len(raw) - (2 if raw.endswith("/>") else 1)
                edits.append((at, at, " " + " ".join(missing)))
        for name, start, end, quote in spans:
            new = _switches(name, self.text[start:end], target, token)
            if (i, name) in values:
                new = html.escape(values[(i, name)], quote=False).replace(
                    quote or '"', "&#34;" if quote != "'" else "&#39;"
                )
            if new is None:
                continue
            edits.append((start - token.start, end - token.start, new if quote else f'"{new}"'))
        for start, end, new in sorted(edits, reverse=True):
            raw = raw[:start] + new + raw[end:]
        return raw

    def render(self, results: Sequence[TranslatedDocument]) -> str:
        result = results[0]
        target = result.direction.target
        pairs = list(zip(self.places, result.paragraphs, strict=True))
        values = {
            (place.token, place.name): "".join(
                str(v) for k, v in inline.parse(paragraph.translation) if k == "text"
            )
            for place, paragraph in pairs
            if place.kind == "attr"
        }
        runs_of = [(p, par) for p, par in pairs if p.kind == "run"]
        edits = [(p.start, p.end, self._run(par.translation, values, target)) for p, par in runs_of]
        runs = [(p.start, p.end) for p in self.places if p.kind == "run"]
        for i in sorted(self.rewrite):
            token = self.tokens[i]
            if not any(start <= token.start < end for start, end in runs):
                edits.append((token.start, token.end, self.tag_text(i, values, target)))
        out = []
        pos = 0
        for start, end, new in sorted(edits):
            out.append(self.text[pos:start])
            out.append(new)
            pos = end
        out.append(self.text[pos:])
        return "".join(out)

    def _run(self, translation: str, values: dict[tuple[int, str], str], target: str = "en") -> str:
        out = []
        for kind, value in inline.parse(translation):
            if kind == "text":
                out.append(html.escape(str(value), quote=False))
                continue
            mark = self.marks[int(value)]  # type: ignore[arg-type]
            if kind == "close":
                out.append(self.text[self.tokens[mark.last].start : self.tokens[mark.last].end])
            elif mark.first == mark.last or kind == "open":
                out.append(self.tag_text(mark.first, values, target))
            else:  # an untranslated element: byte for byte
                out.append(self.text[self.tokens[mark.first].start : self.tokens[mark.last].end])
        return "".join(out)


def _translate_no(token: Token) -> bool:
    return (token.attrs.get("translate") or "").strip().lower() == "no"


def _matching_end(tokens: list[Token], i: int) -> int | None:
    """The end tag that closes start tag ``i`` (nesting of the same name counted)."""
    name, depth = tokens[i].tag, 0
    for j in range(i + 1, len(tokens)):
        t = tokens[j]
        if t.tag != name:
            continue
        if t.kind == "start":
            depth += 1
        elif t.kind == "end":
            if depth == 0:
                return j
            depth -= 1
    return None


class Html(Format):
    name = "html"
    description = "HTML: text, alt/title/aria-label and link-preview meta translated, every other byte kept"

    def read(self, path: Path, options: ReadOptions | None = None) -> HtmlSource:
        languages = (options or ReadOptions()).languages
        return parse_html(read_text(path), str(path), languages[0] if languages else None)


_TAG_OR_CODE = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)


def parse_html(text: str, path: str = "", language: str | None = None) -> HtmlSource:
    """The paragraphs of an HTML text and where each sits (see the module docstring)."""
    if language is None:  # the language of the page's text (tags, scripts and styles left out)
        language = source_language(html.unescape(_TAG_OR_CODE.sub(" ", text)))
    return _Reader(text, path, language).read()


class _Reader:
    def __init__(self, text: str, path: str, language: str = "ar") -> None:
        self.text = text
        self.path = path
        self.language = language
        self.passed = 0
        self.tokens = tokenize(text, path)
        self.marks: list[_Mark] = [_Mark("x", -1, -1, "")]  # placeholders count from 1
        self.breaks: set[int] = set()
        self.paragraphs: list[list[inline.Piece]] = []
        self.places: list[_Place] = []
        self.rewrite: set[int] = set()
        self.run: list[tuple[int, int, str]] = []  # (first token, last token, what)

    def raw(self, i: int, j: int | None = None) -> str:
        return self.text[self.tokens[i].start : self.tokens[j if j is not None else i].end]

    def label(self, i: int, j: int) -> str:
        token = self.tokens[i]
        if token.tag == "a" and token.attrs.get("href"):
            return f"link {token.attrs['href']}"
        if token.tag:
            return f"HTML <{token.tag}>"
        raw = self.raw(i, j)
        return raw if len(raw) <= 40 else raw[:37] + "…"

    def mark(self, kind: str, i: int, j: int) -> int:
        self.marks.append(_Mark(kind, i, j, self.label(i, j)))
        return len(self.marks) - 1

    def read(self) -> HtmlSource:
        tokens = self.tokens
        i = 0
        while i < len(tokens):
            t = tokens[i]
            opening = t.kind in ("start", "startend")
            if opening and (t.tag in KEPT_INLINE or t.tag in KEPT_BLOCK or _translate_no(t)):
                end = _matching_end(tokens, i) if t.kind == "start" and t.tag not in VOID else None
                last = end if end is not None else i
                if t.tag in KEPT_BLOCK or t.tag in BLOCK:
                    self.flush()
                else:
                    self.run.append((i, last, "atom"))
                i = last + 1
                continue
            if opening:
                self.attributes(i)
                if t.tag == "br":
                    self.run.append((i, i, "break"))
                elif t.tag in BLOCK:
                    self.flush()
                elif t.tag in VOID or t.kind == "startend":
                    self.run.append((i, i, "atom"))
                else:
                    self.run.append((i, i, "open"))
            elif t.kind == "end":
                if t.tag in BLOCK or t.tag in KEPT_BLOCK:
                    self.flush()
                else:
                    self.run.append((i, i, "close"))
            elif t.kind in ("data", "ref"):
                self.run.append((i, i, t.kind))
            elif t.kind == "comment":
                self.run.append((i, i, "atom"))
            else:
                self.flush()
            i += 1
        self.flush()
        order = sorted(
            range(len(self.places)), key=lambda k: (self.places[k].start, self.places[k].kind != "run")
        )
        document = document_from_pieces([self.paragraphs[k] for k in order], "html", self.path or None,
                                         source=self.language, passed=self.passed)
        places = [self.places[k] for k in order]
        return HtmlSource(self.text, tokens, self.marks, places, Unit(document), self.rewrite)

    def attributes(self, i: int) -> None:
        """Translatable attribute values of tag ``i`` become paragraphs; lang/dir are noted."""
        token = self.tokens[i]
        for name, start, end, _quote in attribute_spans(self.text, token):
            value = html.unescape(self.text[start:end])
            if _translated(token, name) and any(c.isalnum() for c in value):
                if not has_source_letters(value, self.language):
                    self.passed += 1  # an English title=, a brand name: left as it is
                    continue
                self.places.append(_Place("attr", start, end, i, name))
                self.paragraphs.append(plain_pieces(_SPACE.sub(" ", value).strip()))
                self.rewrite.add(i)
            elif name in ("lang", "xml:lang", "dir") or any(
                _switches(name, value, side, token) is not None for side in ("en", "ar")
            ):
                self.rewrite.add(i)  # switched by the direction of the translation (``_switches``)
        if self.tokens[i].tag == "html":
            self.rewrite.add(i)  # into Arabic it gets lang and dir

    def flush(self) -> None:
        items, self.run = self.run, []
        # Whitespace and nothing else at the edges of a run stays outside the paragraph.
        while items and items[0][2] == "data" and not self.raw(items[0][0]).strip():
            items.pop(0)
        while items and items[-1][2] == "data" and not self.raw(items[-1][0]).strip():
            items.pop()
        words = "".join(self.raw(i) if what == "data" else self.tokens[i].ref
                        for i, _j, what in items if what in ("data", "ref"))
        if not any(c.isalnum() for c in words):
            return
        if not has_source_letters(words, self.language):
            self.passed += 1  # English, a number, a brand: left as it is
            return
        tagged: list[str] = []
        opened: list[tuple[str, int, int]] = []  # (tag name, slot in tagged, token)
        for i, j, what in items:
            if what == "data":
                tagged.append(inline.xml_text(_SPACE.sub(" ", self.raw(i))))
            elif what == "ref":
                tagged.append(inline.xml_text(self.tokens[i].ref))
            elif what == "open":
                opened.append((self.tokens[i].tag, len(tagged), i))
                tagged.append("")  # filled once we know whether it closes in this run
            elif what == "close":
                k = next(
                    (k for k in range(len(opened) - 1, -1, -1) if opened[k][0] == self.tokens[i].tag), None
                )
                if k is None:
                    tagged.append(inline.tag(self.mark("x", i, i), "x"))
                    continue
                for _name, slot, t in opened[k + 1 :]:  # opened inside, never closed
                    tagged[slot] = inline.tag(self.mark("x", t, t), "x")
                _name, slot, t = opened[k]
                del opened[k:]
                n = self.mark("g", t, i)
                tagged[slot] = inline.tag(n, "g")
                tagged.append(f"</g{n}>")
            else:  # atom or break
                n = self.mark("x", i, j)
                if what == "break":
                    self.breaks.add(n)
                tagged.append(inline.tag(n, "x"))
        for _name, slot, t in opened:
            tagged[slot] = inline.tag(self.mark("x", t, t), "x")
        # A <br> ends a sentence: its placeholder stays at the edge, outside the request.
        pieces = inline.tagged_pieces("".join(tagged), lambda n: self.marks[n].label, self.breaks)
        self.places.append(_Place("run", self.tokens[items[0][0]].start, self.tokens[items[-1][1]].end))
        self.paragraphs.append(pieces)
