"""Checking an existing translation against its source: ``tarjama check SRC HYP``.

HYP is any translation, another engine's or a person's:

* a tarjama JSONL (``tarjama translate --format jsonl``): its sentence records give the
  alignment, so every sentence is checked against its own source (the record's, which must
  be the same text as SRC's paragraph); the engine's confidence is kept when present;
* a text or Markdown file: paragraphs (blank-line blocks, as ``tarjama translate`` splits
  them) must pair one for one with SRC's; sentence alignment is unknown there, so each
  paragraph is checked as one unit — the checks work at any length, and the length band
  holds for paragraphs as for sentences.

Both files are read and aligned by ``tarjama.scoring.inputs`` (the score command's reader:
one error line naming the file, line and first misaligned paragraph). Glossary hints come from
matching the glossary in each source unit, as in the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.checks import Checker
from tarjama.document.record import needs_review
from tarjama.errors import TarjamaError
from tarjama.text.language import resolve_direction
from tarjama.types import AR_EN, Confidence, Direction, Finding, TermHint

if TYPE_CHECKING:
    from tarjama.glossary import Glossary


@dataclass
class CheckedUnit:
    """One checked sentence (JSONL input) or paragraph (text input)."""

    paragraph: int  # 0-based
    sentence: int | None  # 0-based within the paragraph; None for a whole paragraph
    source: str
    translation: str
    findings: list[Finding]
    where: str  # path:line of the translation
    confidence: Confidence | None = None

    @property
    def needs_review(self) -> bool:
        return needs_review(self.findings)

    def label(self) -> str:
        return f"¶{self.paragraph + 1}" + (f".{self.sentence + 1}" if self.sentence is not None else "")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "paragraph": self.paragraph,
            "sentence": self.sentence,
            "where": self.where,
            "source": self.source,
            "translation": self.translation,
            "needs_review": self.needs_review,
            "checks": [f.to_dict() for f in self.findings],
        }
        if self.confidence is not None:
            data["confidence"] = self.confidence.to_dict()
        return data


@dataclass
class CheckReport:
    source_path: str
    hypothesis_path: str
    unit: str  # "sentence" or "paragraph"
    checks: list[str]
    glossary: str | None
    units: list[CheckedUnit] = field(default_factory=list)
    direction: Direction = AR_EN

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for u in self.units for f in u.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for u in self.units for f in u.findings)

    @property
    def needs_review(self) -> int:
        return sum(u.needs_review for u in self.units)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source_path,
            "hypothesis": self.hypothesis_path,
            "unit": self.unit,
            "direction": str(self.direction),
            "checks": self.checks,
            "glossary": self.glossary,
            "totals": {
                "units": len(self.units),
                "needs_review": self.needs_review,
                "errors": self.errors,
                "warnings": self.warnings,
            },
            "units": [u.to_dict() for u in self.units],
        }


def hints_for(text: str, glossary: Glossary | None, direction: Direction = AR_EN) -> list[TermHint]:
    if glossary is None:
        return []
    return [
        TermHint(m.surface, m.entry.target(direction), m.entry.kind, m.start, m.end)
        for m in glossary.match(text, direction.source)
    ]


def check_files(
    src: str | Path,
    hyp: str | Path,
    *,
    glossary: Glossary | None = None,
    checker: Checker | None = None,
    max_bytes: int | None = None,
    source: str | None = None,
    target: str | None = None,
) -> CheckReport:
    """Run ``checker`` (default: every check) on HYP as a translation of SRC (module docstring).

    ``max_bytes``: the size limit of each input (default: the ``scoring`` reading limit, ``LIMITS``).
    The direction is ``source``/``target`` when given, else what a tarjama JSONL states, else
    the script of SRC (``tarjama.text.language``).
    """
    from tarjama.document.record import read_translation
    from tarjama.scoring.inputs import check_aligned, flatten, read_paragraph_file, source_paragraphs
    from tarjama.text.textio import read_text

    checker = checker or Checker()
    src_file = read_paragraph_file(src, max_bytes=max_bytes)
    sources = source_paragraphs(src_file)
    hyp_file = read_paragraph_file(hyp, max_bytes=max_bytes)
    check_aligned(hyp_file, [("source", src_file, sources)])
    tf = read_translation(hyp, text=read_text(hyp)) if hyp_file.kind == "jsonl" else None
    if source is None and target is None and tf is not None and tf.direction is not None:
        source = tf.direction.source
    direction = resolve_direction(" ".join(sources), str(src), source=source, target=target)
    report = CheckReport(
        str(src),
        str(hyp),
        "paragraph",
        [c.name for c in checker.for_direction(direction)],
        str(getattr(glossary, "path", "")) if glossary is not None else None,
        direction=direction,
    )
    if tf is not None and not all(p.sentences or p.verbatim for p in tf.paragraphs):
        tf = None  # records without sentences: check whole paragraphs
    if tf is not None:
        report.unit = "sentence"
        for i, para in enumerate(tf.paragraphs):
            if para.verbatim:
                continue
            if para.source and flatten(para.source) != sources[i]:
                raise TarjamaError(
                    f"{tf.where(i)}: the record's source is not paragraph {i + 1} of {src}; check the "
                    "translation against the file it was made from"
                )
            for s in para.sentences:
                hints = hints_for(s.source, glossary, direction)
                report.units.append(
                    CheckedUnit(
                        i,
                        s.index,
                        s.source,
                        s.translation,
                        checker.findings(s.source, s.translation, hints, direction),
                        tf.where(i),
                        s.confidence,
                    )
                )
        return report
    for i, (source, translation) in enumerate(zip(sources, hyp_file.paragraphs, strict=True)):
        hints = hints_for(source, glossary, direction)
        findings = checker.findings(source, translation, hints, direction)
        report.units.append(CheckedUnit(i, None, source, translation, findings, hyp_file.where(i)))
    return report
