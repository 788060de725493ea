"""Reading aligned paragraphs: hypotheses, references and sources for scoring.

A scoring input is a document of paragraphs, in one of two forms:

* plain text or Markdown, where paragraphs are blocks separated by blank lines. The split
  is the one ``tarjama translate`` uses (``tarjama.document.model``), so a translation always has
  as many paragraphs as its source; a Markdown code fence stays one paragraph even when it
  contains blank lines;
* JSONL written by ``tarjama translate --format jsonl``: one record per paragraph whose
  ``translation`` is the text scored. Its ``source`` and ``engine`` fields are kept so a
  report can show the Arabic and say which engine produced the output.

For scoring, a paragraph is stripped and its internal line breaks become single spaces:
metrics compare one segment per paragraph, and a line break inside a paragraph is layout,
not content. All problems are ``TarjamaError`` naming the file and line.

**Size limit**: scoring (and ``tarjama check``) keeps every paragraph's statistics in memory,
a few hundred times the text's size, so an input over the ``scoring`` reading limit
(``tarjama.text.textio.LIMITS``: 8 MiB; a test set is well under 1 MiB) is refused before it
is scored, with one line naming the limit and how to raise it (``--max-input-mb N``, or
``--limit scoring=NM``). A pipe or a device (``/dev/zero``) is read only up to the limit.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tarjama.document.model import detect_format, parse_text
from tarjama.document.record import looks_like_translation_jsonl, read_translation
from tarjama.errors import TarjamaError
from tarjama.text.textio import LIMITS, check_controls, decode_utf8, read_text

_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t\r\n]*")


@dataclass
class ParagraphFile:
    """The paragraphs of one input file, with where each starts for error messages."""

    path: str
    kind: str  # "text" or "jsonl"
    paragraphs: list[str]
    lines: list[int]  # 1-based line on which each paragraph starts (JSONL: record line)
    sources: list[str] | None = None  # JSONL only: the ``source`` field of each record
    engines: list[dict[str, Any]] = field(default_factory=list)  # distinct engine records, in order

    def __len__(self) -> int:
        return len(self.paragraphs)

    def where(self, i: int) -> str:
        """``path:line`` for paragraph ``i`` (0-based)."""
        return f"{self.path}:{self.lines[i]}"


def flatten(text: str) -> str:
    """A paragraph as one scoring segment: stripped, line breaks turned into one space."""
    return _LINE_BREAK.sub(" ", text.strip())


def snippet(text: str, width: int = 40) -> str:
    """A short quoted excerpt for error messages."""
    text = flatten(text)
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def read_paragraphs(path: str | Path) -> list[str]:
    """The scoring segments of ``path`` (plain text, Markdown or tarjama JSONL), one per paragraph."""
    return read_paragraph_file(path).paragraphs


def read_bounded(path: str | Path, max_bytes: int | None = None) -> str:
    """The text of ``path`` (as ``read_text``), refused with one line over ``max_bytes``
    (default: the ``scoring`` reading limit); a pipe or a device is read only up to the limit."""
    LIMITS.check()
    limit = LIMITS.scoring if max_bytes is None else max_bytes
    p = Path(path)
    if limit >= LIMITS.input:  # the input limit is the tighter one: read_text applies it
        return read_text(p)

    def raise_it(needed: int) -> str:
        mib = -(-needed // (1 << 20))
        return (f"score a smaller file, or raise the limit with --max-input-mb {mib} "
                f"(or --limit scoring={mib}M)")

    try:
        mode = p.stat().st_mode
    except OSError:
        mode = None  # missing or unreadable: read_text reports it
    regular = mode is None or stat.S_ISREG(mode) or stat.S_ISDIR(mode)
    size = p.stat().st_size if mode is not None and stat.S_ISREG(mode) else None
    if regular:
        if size is not None and size > limit:
            raise TarjamaError(
                f"{p}: {size / (1 << 20):.1f} MiB, over the scoring input limit of {limit / (1 << 20):g} MiB "
                f"(scores keep every paragraph's statistics in memory); {raise_it(size)}"
            )
        return read_text(p)
    try:
        with open(p, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise TarjamaError(f"{p}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise TarjamaError(
            f"{p}: more than the scoring input limit of {limit / (1 << 20):g} MiB to read, and it is not a "
            f"regular file (a device or a pipe); check the path, or {raise_it(2 * limit)}"
        )
    text = decode_utf8(data, p)
    check_controls(text, str(p), byte_base=3 if data.startswith(b"\xef\xbb\xbf") else 0)
    if not text.strip():
        raise TarjamaError(f"{p}: file is empty (no text to process); give a file with content")
    return text


def read_paragraph_file(path: str | Path, *, max_bytes: int | None = None) -> ParagraphFile:
    """Read ``path`` into a ParagraphFile; JSONL is recognised by suffix or by its first line.

    ``max_bytes`` is the size limit (default: the ``scoring`` reading limit).
    """
    text = read_bounded(path, max_bytes)
    if looks_like_translation_jsonl(path, text):
        tf = read_translation(path, text=text)
        return ParagraphFile(
            path=tf.path,
            kind="jsonl",
            paragraphs=[flatten(p.translation) for p in tf.paragraphs],
            lines=tf.lines,
            sources=[flatten(p.source) for p in tf.paragraphs] if tf.has_sources else None,
            engines=tf.engines,
        )
    doc = parse_text(text, detect_format(path), path=str(path))
    return ParagraphFile(
        path=str(path),
        kind="text",
        paragraphs=[flatten(p.text) for p in doc.paragraphs],
        lines=[text.count("\n", 0, p.start) + 1 for p in doc.paragraphs],
    )


def source_paragraphs(f: ParagraphFile) -> list[str]:
    """What a file contributes as the *source* side: JSONL ``source`` fields, else its paragraphs."""
    if f.kind == "jsonl":
        if f.sources is None:
            raise TarjamaError(
                f"{f.path}: JSONL records have no \"source\" field, so it cannot serve as --src; "
                "give the Arabic source text file instead"
            )
        return f.sources
    return f.paragraphs


def check_aligned(hyp: ParagraphFile, others: Sequence[tuple[str, ParagraphFile, list[str]]]) -> None:
    """Refuse inputs that do not line up paragraph for paragraph.

    ``others`` are ``(role, file, paragraphs)`` triples (role: "reference", "source", …).
    The message gives both counts and the first misaligned position with a snippet, and,
    when paragraph lengths diverge earlier, where a split or merge probably happened.
    """
    _check_nonempty("hypothesis", hyp, hyp.paragraphs)
    for role, other, paras in others:
        if len(paras) != len(hyp.paragraphs):
            raise TarjamaError(_count_mismatch(hyp, role, other, paras))
        _check_nonempty(role, other, paras)


def _check_nonempty(role: str, f: ParagraphFile, paras: Sequence[str]) -> None:
    for i, text in enumerate(paras):
        if not text.strip():
            raise TarjamaError(
                f"{f.where(i)}: {role} paragraph {i + 1} of {len(paras)} is empty; every paragraph "
                "needs text (re-run the translation, or remove that paragraph from all inputs)"
            )


def _count_mismatch(hyp: ParagraphFile, role: str, other: ParagraphFile, paras: list[str]) -> str:
    n_hyp, n_other = len(hyp.paragraphs), len(paras)
    first = min(n_hyp, n_other)  # 0-based index of the first paragraph without a partner
    if n_hyp > n_other:
        extra = f"hypothesis paragraph {first + 1} ({hyp.where(first)}: {snippet(hyp.paragraphs[first])})"
        missing = f"has no {role} paragraph"
    else:
        extra = f"{role} paragraph {first + 1} ({other.where(first)}: {snippet(paras[first])})"
        missing = "has no hypothesis paragraph"
    message = (
        f"{hyp.path} has {n_hyp} paragraphs but {role} {other.path} has {n_other}; "
        f"first misaligned position: {extra} {missing}"
    )
    hint = _first_length_divergence(hyp.paragraphs, paras)
    if hint is not None and hint < first:
        message += (
            f"; lengths first diverge at paragraph {hint + 1} "
            f"({len(hyp.paragraphs[hint].split())} vs {len(paras[hint].split())} words), "
            "a likely split or merge"
        )
    return message + "; separate paragraphs with blank lines the same way in both files"


def _first_length_divergence(a: Sequence[str], b: Sequence[str], ratio: float = 2.5) -> int | None:
    # Translations and references of the same paragraph rarely differ in length by more than
    # 2.5x (Arabic vs English word counts included), so the first such pair is a good guess
    # at where one file split or merged a paragraph.
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        nx, ny = max(len(x.split()), 1), max(len(y.split()), 1)
        if max(nx, ny) / min(nx, ny) > ratio and max(nx, ny) >= 8:
            return i
    return None
