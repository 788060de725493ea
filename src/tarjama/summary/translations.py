"""English for the chosen sentences: from an earlier translation run, or translated on demand.

* ``check_translation`` verifies that a translation JSONL (read by ``tarjama.document.record``) is a
  translation of *this* input: every paragraph's ``source`` and each used sentence's
  ``source`` must equal the input's text (whitespace runs compared as one space), otherwise it
  is refused with the first difference, because a translation of another version of the
  article would pair Arabic points with the wrong English. ``from_jsonl`` then takes each
  chosen sentence's translation by paragraph and sentence index.
* ``translate_points`` translates only the chosen sentences through the run's ``Translator``
  (``tarjama.translate.run``): the same glossary hints, context, enforcement and checks as
  ``tarjama translate``, for N sentences instead of all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tarjama.errors import TarjamaError

if TYPE_CHECKING:
    from tarjama.document.model import Document, Paragraph, Segment
    from tarjama.document.record import TranslatedDocument, TranslationFile
    from tarjama.document.requests import PreparedSegment
    from tarjama.translate.run import Translator
    from tarjama.types import TermOutcome

Key = tuple[int, int]  # (paragraph index, sentence index within the paragraph)


@dataclass
class PointTranslation:
    """The English of one source sentence and where it came from."""

    text: str
    engine: dict[str, Any]
    origin: str  # "translation-file" or "translated"
    notes: list[str] = field(default_factory=list)
    terms: TermOutcome | None = None
    seconds: float = 0.0


def same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _snippets(a: str, b: str, width: int = 50) -> tuple[str, str]:
    """Excerpts of ``a`` and ``b`` from just before their first difference (whitespace runs as one)."""
    a, b = " ".join(a.split()), " ".join(b.split())
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, at - 15)

    def cut(text: str) -> str:
        piece = text[start : start + width]
        return repr(("…" if start else "") + piece + ("…" if start + width < len(text) else ""))

    return cut(a), cut(b)


def sentence_map(document: Document) -> dict[Key, tuple[Paragraph, Segment]]:
    """Every translatable sentence by (paragraph, sentence-within-paragraph), JSONL numbering."""
    return {(p.index, i): (p, seg) for p in document.paragraphs for i, seg in enumerate(p.sentences)}


def check_translation(tf: TranslationFile, document: Document) -> TranslationFile:
    """``tf`` if it translates ``document`` paragraph for paragraph; otherwise one clear error."""
    hint = f"translate it again with `tarjama translate {document.path or 'INPUT'} --format jsonl -o FILE`"
    if len(tf.paragraphs) != len(document.paragraphs):
        raise TarjamaError(
            f"{tf.path} has {len(tf.paragraphs)} paragraph records but {document.path or 'the input'} has "
            f"{len(document.paragraphs)} paragraphs; it is a translation of another text; {hint}"
        )
    for k, (record, para) in enumerate(zip(tf.paragraphs, document.paragraphs, strict=True)):
        if record.index != para.index or not same_text(record.source, para.text):
            theirs, ours = _snippets(record.source, para.text)
            raise TarjamaError(
                f"{tf.where(k)}: paragraph {k + 1} does not match {document.path or 'the input'}: "
                f"its source has {theirs} where the input has {ours}; {hint}"
            )
    return tf


def from_jsonl(tf: TranslationFile, document: Document, keys: Iterable[Key]) -> dict[Key, PointTranslation]:
    """The translations of ``keys`` taken from the checked translation file ``tf``."""
    sentences = sentence_map(document)
    engine = tf.engines[0] if tf.engines else {}
    out: dict[Key, PointTranslation] = {}
    for key in keys:
        p, s = key
        found = [x for x in tf.paragraphs[p].sentences if x.index == s]
        label = f"paragraph {p + 1}, sentence {s + 1}"
        if not found:
            raise TarjamaError(
                f"{tf.where(p)}: {label} has no translation record; the file does not split "
                f"the paragraph into the same sentences as the input; translate the input again"
            )
        sentence = found[0]
        expected = sentences[key][1].content
        if not same_text(sentence.source, expected):
            theirs, ours = _snippets(sentence.source, expected)
            raise TarjamaError(
                f"{tf.where(p)}: {label} does not match the input: its source has {theirs} "
                f"where the input has {ours}; translate the input again"
            )
        out[key] = PointTranslation(
            text=sentence.translation,
            engine=engine,
            origin="translation-file",
            notes=list(sentence.notes),
            terms=sentence.terms,
            seconds=sentence.seconds,
        )
    return out


def from_result(result: TranslatedDocument, keys: Iterable[Key]) -> dict[Key, PointTranslation]:
    """The translations of ``keys`` from an in-memory whole-document translation."""
    engine = result.engine.to_dict()
    out: dict[Key, PointTranslation] = {}
    for p, s in keys:
        sentence = result.paragraphs[p].sentences[s]
        out[(p, s)] = PointTranslation(
            sentence.translation, engine, "translated", list(sentence.notes), sentence.terms, sentence.seconds
        )
    return out


def translate_points(
    document: Document, keys: Iterable[Key], translator: Translator
) -> dict[Key, PointTranslation]:
    """Translate only the sentences ``keys`` through ``translator``, as a whole run would.

    The requests are the run's own (``Translator.prepare``: glossary hints, the earlier
    sentences of the paragraph as context), so a key point reads as it would in a full run.
    """
    wanted = list(keys)
    by_key: dict[Key, PreparedSegment] = {}
    counts: dict[int, int] = {}
    for prep in translator.prepare(document):
        p = prep.paragraph.index
        by_key[(p, counts.get(p, 0))] = prep
        counts[p] = counts.get(p, 0) + 1
    results = translator.translate_prepared([by_key[k] for k in wanted])
    identity = translator.identity.to_dict()
    return {
        k: PointTranslation(r.text, identity, "translated", list(r.notes), r.terms, r.seconds)
        for k, r in zip(wanted, results, strict=True)
    }
