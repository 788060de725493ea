"""One summary from one document: rank, choose, translate, optionally write, and record why.

``summarize`` ranks the Arabic sentences (``rank``), chooses the best ``n`` in source order,
pairs each with its English — from a checked translation file, or translated on demand —
and, with ``abstractive=True``, asks the LLM for an English summary of the whole
translation and keeps it only if it passes the name check (``abstractive``). The
``Summary`` it returns holds everything the renderers and the JSON record need: the points,
every sentence's scores and the decision about it, which engine translated what, and the
generated summary with the verdict on it.

An English source (``direction`` en-ar) is summarised the same way from the other side: the
key points are English sentences ranked with English tokens and the glossary's English
column, each paired with its Arabic translation, and ``abstractive`` writes the English
summary from the English article itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tarjama import __version__
from tarjama.engines.base import CompletionModel
from tarjama.errors import TarjamaError
from tarjama.summary.abstractive import SummaryDraft, write_summary
from tarjama.summary.rank import RankedSentence, Ranking, RankWeights, rank_sentences
from tarjama.summary.support import latin_spans
from tarjama.summary.translations import PointTranslation, from_jsonl, from_result, translate_points
from tarjama.types import AR_EN, Direction

if TYPE_CHECKING:
    from tarjama.document.model import Document
    from tarjama.document.record import TranslationFile
    from tarjama.glossary import Glossary
    from tarjama.scoring.summary import SummaryScores
    from tarjama.translate.progress import Progress
    from tarjama.translate.run import Translator

KIND = "tarjama-summary"
SCHEMA_VERSION = 1


@dataclass
class KeyPoint:
    """An Arabic key point (a source sentence) and its English counterpart."""

    number: int  # 1-based, in source order
    ranked: RankedSentence
    translation: PointTranslation

    @property
    def source(self) -> str:
        return self.ranked.text

    @property
    def english(self) -> str:
        return self.translation.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "point",
            "point": self.number,
            "paragraph": self.ranked.paragraph,
            "sentence": self.ranked.sentence,
            "position": self.ranked.position,
            "source": self.source,
            "translation": self.english,
            "scores": self.ranked.scores(),
            "terms": self.ranked.terms,
            "origin": self.translation.origin,
            "engine": self.translation.engine,
            "notes": self.translation.notes,
            "seconds": round(self.translation.seconds, 4),
            "term_check": None if self.translation.terms is None else self.translation.terms.to_dict(),
        }


@dataclass
class Summary:
    input_path: str | None
    requested: int
    ranking: Ranking
    points: list[KeyPoint]
    translation_path: str | None = None
    glossary: dict[str, str] | None = None
    abstract: SummaryDraft | None = None
    writer: dict[str, Any] | None = None  # identity of the LLM that wrote ``abstract``
    rouge: SummaryScores | None = None
    notes: list[str] = field(default_factory=list)
    direction: Direction = AR_EN

    @property
    def method(self) -> str:
        if self.abstract is None:
            return "extractive"
        return "abstractive" if self.abstract.accepted else "extractive (abstractive rejected)"

    @property
    def total(self) -> int:
        return len(self.ranking.sentences)

    def arabic_text(self) -> str:
        """The Arabic key points: the source sentences, or their translations from English."""
        if self.direction.source == "ar":
            return " ".join(p.source for p in self.points)
        return " ".join(p.english for p in self.points)

    def english_text(self) -> str:
        """The English summary: the accepted generated one, else the English key points."""
        if self.abstract is not None and self.abstract.accepted:
            return self.abstract.text
        if self.direction.source == "en":
            return " ".join(p.source for p in self.points)
        return " ".join(p.english for p in self.points)

    def sides(self) -> dict[str, str]:
        return {"ar": self.arabic_text(), "en": self.english_text()}

    def engines(self) -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        for p in self.points:
            if p.translation.engine not in seen:
                seen.append(p.translation.engine)
        return seen

    def header(self) -> dict[str, Any]:
        """Everything but the points: the JSONL's first record and the core of the .meta.json."""
        return {
            "kind": KIND,
            "schema": SCHEMA_VERSION,
            "tarjama": __version__,
            "input": self.input_path,
            "direction": str(self.direction),
            "method": self.method,
            "requested": self.requested,
            "chosen": len(self.points),
            "sentences": self.total,
            "translation_file": self.translation_path,
            "engines": self.engines(),
            "glossary": self.glossary,
            "ranking": {
                "method": (
                    "LexRank (TF-IDF cosine, clitic-stripped normalised Arabic, glossary terms) "
                    if self.direction.source == "ar"
                    else "LexRank (TF-IDF cosine, lower-cased English less function words, glossary terms) "
                )
                + "+ lead-position prior + glossary term weight",
                "weights": self.ranking.weights.to_dict(),
                "sentences": [s.to_dict() for s in self.ranking.sentences],
            },
            "arabic": self.arabic_text(),
            "english": self.english_text(),
            "abstractive": self._abstract_record(),
            "rouge": None if self.rouge is None else self.rouge.to_dict(),
            "notes": self.notes,
        }

    def _abstract_record(self) -> dict[str, Any] | None:
        return None if self.abstract is None else {**self.abstract.to_dict(), "writer": self.writer}

    def to_dict(self) -> dict[str, Any]:
        return {**self.header(), "points": [p.to_dict() for p in self.points]}

    def jsonl(self) -> str:
        records = [self.header(), *(p.to_dict() for p in self.points)]
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def summarize(
    document: Document,
    n: int,
    *,
    glossary: Glossary | None = None,
    translation: TranslationFile | None = None,
    translator: Translator | None = None,
    abstractive: bool = False,
    llm: CompletionModel | None = None,
    writer: dict[str, Any] | None = None,
    weights: RankWeights | None = None,
    progress: Progress | None = None,
    direction: Direction | None = None,
) -> Summary:
    """Summarise ``document`` in ``n`` sentences (see the module docstring).

    English comes from ``translation`` when given, else from ``translator``. ``abstractive``
    needs ``llm`` and the whole article in English: from ``translation``, or translated here by
    ``translator`` (an English source is its own article). ``writer`` is recorded as the identity
    of ``llm``. ``direction`` defaults to the translator's, else Arabic into English.
    """
    if direction is None:
        direction = translator.direction if translator is not None else AR_EN
    if translation is not None and translation.direction not in (None, direction):
        raise TarjamaError(
            f"{translation.path}: a translation {translation.direction}, but the summary is {direction}; "
            "give the translation of this document"
        )
    if n < 1:
        raise TarjamaError(f"a summary needs at least 1 sentence, got {n}")
    if translation is None and translator is None:
        raise TarjamaError("no English available: give a translation file (--translation) or an engine")
    if abstractive and llm is None:
        raise TarjamaError("--abstractive needs the embedded LLM (the gguf engine)")
    ranking = rank_sentences(document, glossary, weights, direction.source)
    if not ranking.sentences:
        raise TarjamaError(f"{document.path or 'input'}: no sentences to summarise")
    chosen = ranking.select(n)
    if not chosen:
        raise TarjamaError(
            f"{document.path or 'input'}: no sentence has at least {ranking.weights.min_tokens} "
            "content words; nothing worth summarising"
        )
    notes: list[str] = []
    if n > len(chosen):
        notes.append(f"asked for {n} sentences; the document has {len(chosen)} eligible, all are used")
    keys = [s.key for s in chosen]

    article: list[str] = []
    if direction.source == "en":
        article = [p.text for p in document.paragraphs if not p.verbatim]  # the English is the source
    if translation is not None:
        english = from_jsonl(translation, document, keys)
        article = article or [
            r.translation for r, p in zip(translation.paragraphs, document.paragraphs, strict=True)
            if not p.verbatim
        ]
    elif abstractive and direction.source == "ar":
        # The generated summary needs the whole article in English, so translate all of it once
        # and take the key points from the same run.
        assert translator is not None
        result = translator.translate_document(document, progress=progress)
        english = from_result(result, keys)
        article = [p.translation for p in result.paragraphs if not p.verbatim]
    else:
        assert translator is not None
        english = translate_points(document, keys, translator)

    points = [KeyPoint(i + 1, s, english[s.key]) for i, s in enumerate(chosen)]
    summary = Summary(
        input_path=document.path,
        requested=n,
        ranking=ranking,
        points=points,
        translation_path=translation.path if translation else None,
        glossary=None if glossary is None else glossary.info(),
        notes=notes,
        direction=direction,
    )
    if abstractive:
        assert llm is not None
        language = direction.source
        matches = [m for s in ranking.sentences for m in glossary.match(s.text, language)] if glossary else []
        entries = {m.entry.en: m.entry for m in matches}
        terms = list(entries)
        allowed = [
            *latin_spans(document.text),
            *article,
            *(p.english for p in points),
            *terms,
            *(v for e in entries.values() for v in e.en_variants),
        ]
        summary.abstract = write_summary(llm, article, terms, allowed, sentences=len(points))
        summary.writer = writer
        if not summary.abstract.accepted:
            summary.notes.append(
                f"abstractive summary rejected ({summary.abstract.reason}); the extractive summary is used"
            )
    return summary
