"""Glossary terms in scoring: term accuracy and the spans a report highlights.

The accuracy figure itself comes from ``tarjama.metrics.term_accuracy.term_accuracy`` (owned by the
glossary subsystem). This module adds what a side-by-side report needs on top: for each
paragraph, where every glossary term sits in the Arabic source (``Glossary.match``) and
where its canonical English sits in the hypothesis and references. English occurrences
follow the one term rule (``tarjama.text.terms``: canonical form, whole words, case as in the
glossary), so a highlight never disagrees with the accuracy figure. Which source occurrences
are *missed* comes from term_accuracy's per-segment result; the last occurrences of a term
are the ones marked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tarjama.glossary import Glossary
from tarjama.glossary.matcher import TermMatch
from tarjama.metrics.term_accuracy import TermAccuracy, term_accuracy
from tarjama.text.terms import term_spans
from tarjama.types import AR_EN, Direction


@dataclass(frozen=True)
class TermMark:
    """A highlighted span ``text[start:end]``; ``term`` is the canonical English."""

    start: int
    end: int
    term: str
    missed: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "term": self.term, "missed": self.missed}


@dataclass
class ParagraphTerms:
    """Term spans of one paragraph in the source, the hypothesis and each reference."""

    source: list[TermMark] = field(default_factory=list)
    hypothesis: list[TermMark] = field(default_factory=list)
    references: list[list[TermMark]] = field(default_factory=list)

    @property
    def missed(self) -> list[str]:
        return [m.term for m in self.source if m.missed]

    def to_dict(self) -> dict[str, object]:
        return {
            "source": [m.to_dict() for m in self.source],
            "hypothesis": [m.to_dict() for m in self.hypothesis],
            "references": [[m.to_dict() for m in r] for r in self.references],
        }


@dataclass
class TermReport:
    """Term accuracy plus per-paragraph spans; ``accuracy`` is term_accuracy's result object."""

    glossary_path: str
    correct: int
    total: int
    score: float | None  # percent; None when the sources contain no glossary term
    accuracy: TermAccuracy
    paragraphs: list[ParagraphTerms]

    def formatted(self, width: int = 1) -> str:
        """The accuracy in percent, or ``n/a`` when the sources hold no glossary term."""
        return "n/a" if self.score is None else f"{self.score:.{width}f}"

    @property
    def missed(self) -> list[tuple[int, str]]:
        """(0-based paragraph, canonical English) for every missed source occurrence."""
        return [(i, term) for i, p in enumerate(self.paragraphs) for term in p.missed]

    def to_dict(self) -> dict[str, object]:
        detail = self.accuracy.to_dict()
        return {
            "glossary": self.glossary_path,
            "correct": self.correct,
            "total": self.total,
            "score": self.score,
            "missed": [{"paragraph": i + 1, "term": t} for i, t in self.missed],
            "accuracy": detail,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
        }


def paragraph_terms(
    glossary: Glossary,
    source: str,
    hypothesis: str,
    references: Sequence[str],
    missing: Iterable[str] | None = None,
    direction: Direction = AR_EN,
) -> ParagraphTerms:
    """Source matches and their English counterparts in one paragraph.

    ``missing`` is term_accuracy's list of missing English terms for this paragraph (one
    item per missing occurrence); without it, the k-th source occurrence of a term pairs
    with its k-th hypothesis occurrence and the unpaired ones are missed.
    """
    matches = sorted(glossary.match(source, direction.source), key=lambda m: (m.start, -(m.end - m.start)))
    result = ParagraphTerms(references=[[] for _ in references])
    # Entries sharing one target form are pooled, as term_accuracy pools them.
    by_term: dict[str, list[TermMatch]] = {}
    for m in matches:
        by_term.setdefault(m.entry.target(direction), []).append(m)
    missing_counts = Counter(missing) if missing is not None else None
    for term, occurrences in by_term.items():
        entry = occurrences[0].entry.towards(direction)
        found = term_spans(hypothesis, entry)
        if missing_counts is not None:
            n_missed = missing_counts[term]
        else:
            n_missed = max(0, len(occurrences) - len(found))
        first_missed = len(occurrences) - n_missed
        for k, m in enumerate(occurrences):
            result.source.append(TermMark(m.start, m.end, term, missed=k >= first_missed))
        result.hypothesis.extend(TermMark(s, e, term) for s, e in found)
        for marks, ref in zip(result.references, references, strict=True):
            marks.extend(TermMark(s, e, term) for s, e in term_spans(ref, entry))
    result.source.sort(key=lambda t: t.start)
    result.hypothesis.sort(key=lambda t: t.start)
    for marks in result.references:
        marks.sort(key=lambda t: t.start)
    return result


def term_report(
    glossary: str | Path | Glossary,
    sources: Sequence[str],
    hypotheses: Sequence[str],
    refs: Sequence[Sequence[str]],
    direction: Direction = AR_EN,
) -> TermReport:
    """Term accuracy (``tarjama.metrics.term_accuracy``) and highlight spans for every paragraph.

    ``glossary`` is a path or an already loaded ``Glossary``.
    """
    if isinstance(glossary, (str, Path)):
        glossary_path, glossary = str(glossary), Glossary.load(glossary)
    else:
        glossary_path = str(glossary.path or "glossary")
    accuracy = term_accuracy(list(sources), list(hypotheses), glossary, direction)
    paragraphs = [
        paragraph_terms(
            glossary, src, hyp, [r[i] for r in refs], missing=accuracy.per_segment[i][2], direction=direction
        )
        for i, (src, hyp) in enumerate(zip(sources, hypotheses, strict=True))
    ]
    return TermReport(
        glossary_path=glossary_path,
        correct=int(accuracy.correct),
        total=int(accuracy.total),
        score=None if accuracy.score is None else float(accuracy.score),
        accuracy=accuracy,
        paragraphs=paragraphs,
    )
