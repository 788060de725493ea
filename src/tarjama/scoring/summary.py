"""Scoring summaries with ROUGE: which side of a summary is compared with which reference.

A summary may have an Arabic side (the key points) and an English side (the translated key
points, or the accepted generated summary). Each reference is paired with the side in its
own script (most letters Arabic → the Arabic side), so one call scores both languages:
``tarjama score --summary S --summary-ref REF_AR --summary-ref REF_EN``.

A summary file is read as:

* a ``tarjama summarize --format jsonl`` file, or the ``.meta.json`` record written beside a
  txt/md/html summary (either given directly, or found beside the file that was given):
  both sides, exactly as the summary holds them;
* any other text file: one side, in its script. A text that is substantially both Arabic
  and English (a bilingual summary without its record) is refused, since splitting it
  would be guesswork.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tarjama.errors import TarjamaError
from tarjama.metrics.rouge import RougeScore, rouge
from tarjama.metrics.tokenize import tokenize
from tarjama.text.arabic import arabic_share, is_arabic_text
from tarjama.text.textio import read_text

LANGUAGES = {"ar": "Arabic", "en": "English"}
SUMMARY_KIND = "tarjama-summary"
TOKENIZER = (
    "tarjama.metrics.tokenize: normalised Arabic view (no diacritics/tatweel, أإآ→ا, ى→ي, ة→ه), "
    "lower-cased, split on non-letters/digits and at script changes"
)


@dataclass
class RougeEntry:
    language: str
    reference: str
    scores: list[RougeScore]
    hypothesis_tokens: int
    reference_tokens: int

    def score(self, name: str) -> RougeScore:
        return next(s for s in self.scores if s.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "reference": self.reference,
            "hypothesis_tokens": self.hypothesis_tokens,
            "reference_tokens": self.reference_tokens,
            "scores": [s.to_dict() for s in self.scores],
        }


@dataclass
class SummaryScores:
    hypothesis: str
    strip_clitics: bool
    entries: list[RougeEntry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "hypothesis": self.hypothesis,
            "metric": "ROUGE-1/2/L (Lin 2004; rouge-score definitions, ROUGE-L over whole texts)",
            "tokenizer": TOKENIZER + ("; Arabic clitics stripped" if self.strip_clitics else ""),
            "strip_clitics": self.strip_clitics,
            "entries": [e.to_dict() for e in self.entries],
        }


def score_summary(
    sides: dict[str, str],
    references: Sequence[tuple[str, str]],
    *,
    hypothesis: str,
    strip_clitics: bool = False,
) -> SummaryScores:
    """ROUGE of each reference ``(label, text)`` against the side of ``sides`` in its script."""
    result = SummaryScores(hypothesis, strip_clitics)
    for label, text in references:
        language = "ar" if is_arabic_text(text) else "en"
        hyp = sides.get(language, "")
        if not hyp.strip():
            have = ", ".join(LANGUAGES[k] for k, v in sides.items() if v.strip()) or "no text"
            raise TarjamaError(
                f"{label}: an {LANGUAGES[language]} reference, but the summary {hypothesis} has "
                f"{have}; give a reference in the summary's language"
            )
        result.entries.append(
            RougeEntry(
                language=language,
                reference=label,
                scores=rouge(hyp, text, strip_clitics=strip_clitics),
                hypothesis_tokens=len(tokenize(hyp, strip_clitics=strip_clitics)),
                reference_tokens=len(tokenize(text, strip_clitics=strip_clitics)),
            )
        )
    return result


def _sides_from_record(record: dict[str, Any]) -> dict[str, str]:
    return {"ar": str(record.get("arabic", "")), "en": str(record.get("english", ""))}


def _summary_record(text: str) -> dict[str, Any] | None:
    """The summary header record if ``text`` is a summary JSONL or .meta.json, else None."""
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return None
    for candidate in (stripped, stripped.split("\n", 1)[0]):
        try:
            record = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("kind") == SUMMARY_KIND:
            return record
    return None


def read_summary_sides(path: str | Path) -> dict[str, str]:
    """The Arabic and/or English text of a summary file (see the module docstring)."""
    text = read_text(path)
    record = _summary_record(text)
    if record is None:
        sidecar = Path(f"{path}.meta.json")
        if sidecar.is_file():
            record = _summary_record(read_text(sidecar))
    if record is not None:
        return _sides_from_record(record)
    if 0.2 < arabic_share(text) < 0.8:
        raise TarjamaError(
            f"{path}: holds both Arabic and English but no summary record; score the JSONL of "
            "`tarjama summarize … --format jsonl` (or keep the .meta.json beside a txt/md summary)"
        )
    return {"ar" if is_arabic_text(text) else "en": text}


def score_summary_files(
    hypothesis: str | Path, references: Sequence[str | Path], *, strip_clitics: bool = False
) -> SummaryScores:
    """Read a summary and its references and score them (``tarjama score --summary``)."""
    if not references:
        raise TarjamaError("--summary needs at least one --summary-ref reference summary")
    sides = read_summary_sides(hypothesis)
    refs = [(str(r), read_text(r)) for r in references]
    return score_summary(sides, refs, hypothesis=str(hypothesis), strip_clitics=strip_clitics)
