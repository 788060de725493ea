"""The translation record: what a run produced for each document, paragraph and sentence.

One owner for the record: ``translate``, ``batch``, ``score`` and ``summarize`` all use these
dataclasses, the JSONL is written in one place (``TranslatedDocument.records``) and read in
one place (``read_translation``), with line numbers in every error.

The JSONL format (``tarjama translate --format jsonl``) has one record per paragraph::

    {"index": 0, "source": "…", "translation": "…",
     "sentences": [{"index": 0, "source": "…", "translation": "…", "notes": [],
                    "seconds": 1.2, "terms": {"expected": [...], "found": 2, "missing": [],
                                              "rewrites": [], "retried": false},
                    "tagged": {"source": "…<g1>…</g1>…", "translation": "…"}}],
     "engine": {...}, "direction": "ar-en", "seconds": 1.2, "glossary": {...}, "terms": {...}}

``direction`` is the run's languages, source into target (``ar-en`` or ``en-ar``); files
written before it existed, and other tools' files, are read as ``ar-en`` unless their text
says otherwise (``tarjama.text.language``).

A sentence may also have ``checks`` (what every stage found still wrong: ``check`` — its kind:
``terms``, ``markup``, ``degenerate`` or a fidelity check's name —, ``message``, ``source`` and
``target`` character spans in the sentence's source and translation or null, ``severity``
error|warning), ``needs_review: true`` (``needs_review``, the one rule: a machine translation
with an error finding; a person should read it) and ``confidence`` (``mean`` and ``min`` token
log-probability of the engine's output, ``tokens`` scored) and, for a machine translation made
with a translation memory, ``match``: the memory's best fuzzy match (``percent``, its ``source``,
``translation``, ``editor``, ``approved`` time and approval ``key``; ``tarjama.memory.matches``).
``verbatim: true`` marks a paragraph copied unchanged (Markdown front matter, code). A sentence
with inline markup
(``tarjama.document.inline``) has ``tagged``: its source and translation with the markup as
numbered placeholders (``source`` and ``translation`` are in the document's own syntax);
``checks`` then may hold ``markup`` findings.
``glossary`` and the per-paragraph ``terms`` totals are present only when a glossary was
used; a sentence's ``terms`` is its ``TermOutcome``. Readers accept records from other tools
as long as each has a string ``translation``; ``index`` (when present) must count up from
the first record's, one per paragraph.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.document.model import Document
from tarjama.errors import TarjamaError
from tarjama.text.textio import numbered_lines, read_text
from tarjama.types import AR_EN, ERROR, Confidence, Direction, Finding, Match, Note, TermOutcome

if TYPE_CHECKING:
    from tarjama.types import EngineIdentity

JSONL_SUFFIXES = (".jsonl", ".ndjson")


# Where a sentence's English came from.
ORIGINS = ("machine", "human")
# The kind of finding for a sentence another tool's file marks for review without saying why.
FLAGGED = "flagged"


def needs_review(findings: Iterable[Finding], origin: str = "machine") -> bool:
    """The one rule: a person should read a machine translation that has an ``error`` finding.

    A translation a person approved (``origin`` human) is reviewed by definition; its findings
    are shown, never counted. Every reader asks this: the translate summary, the JSONL, the
    ``.meta.json``, ``tarjama check``, the review page, XLIFF unit states and the batch summary.
    """
    return origin != "human" and any(f.severity == ERROR for f in findings)


@dataclass(slots=True)
class SentenceResult:
    """One translated sentence; ``index`` counts the paragraph's translatable sentences.

    ``findings`` are what every stage found still wrong; ``needs_review`` (the module's one rule)
    says a person should read the sentence before it is published. ``origin`` is ``human`` for a
    translation a person approved (from the translation memory), ``machine`` otherwise. A
    sentence with inline markup also has ``tagged``: (source, translation) with the markup as
    numbered placeholders, exactly as the engine (and the translation memory) saw them.
    """

    index: int
    source: str
    translation: str
    notes: list[Note] = field(default_factory=list)
    seconds: float = 0.0
    terms: TermOutcome | None = None
    findings: list[Finding] = field(default_factory=list)
    confidence: Confidence | None = None
    origin: str = "machine"
    cached: bool = False  # taken from a journal or memory in this run (not written)
    tagged: tuple[str, str] | None = None
    match: Match | None = None  # the memory's best fuzzy match, when the run had a memory

    @property
    def needs_review(self) -> bool:
        return needs_review(self.findings, self.origin)

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "index": self.index,
            "source": self.source,
            "translation": self.translation,
            "notes": self.notes,
            "seconds": round(self.seconds, 4),
        }
        if self.terms is not None:
            record["terms"] = self.terms.to_dict()
        if self.findings:
            record["checks"] = [f.to_dict() for f in self.findings]
        if self.needs_review:
            record["needs_review"] = True
        if self.confidence is not None:
            record["confidence"] = self.confidence.to_dict()
        if self.origin != "machine":
            record["origin"] = self.origin
        if self.tagged is not None:
            record["tagged"] = {"source": self.tagged[0], "translation": self.tagged[1]}
        if self.match is not None:
            record["match"] = self.match.to_dict()
        return record


@dataclass
class ParagraphResult:
    index: int
    source: str
    translation: str
    sentences: list[SentenceResult]
    verbatim: bool = False

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.sentences)

    def term_totals(self) -> tuple[list[str], list[str]]:
        """(expected, missing) canonical English over the paragraph's sentences, in order."""
        expected = [t for s in self.sentences if s.terms for t in s.terms.expected]
        missing = [t for s in self.sentences if s.terms for t in s.terms.missing]
        return expected, missing


@dataclass
class TranslatedDocument:
    """A document and its translation, paragraph by paragraph, with where it came from."""

    document: Document
    paragraphs: list[ParagraphResult]
    engine: EngineIdentity
    glossary: dict[str, str] | None
    seconds: float
    direction: Direction = AR_EN

    def text(self) -> str:
        """The translation with the source's layout (separators, markup) kept."""
        return self.document.reassemble([p.translation for p in self.paragraphs])

    def sentences(self) -> list[SentenceResult]:
        return [s for p in self.paragraphs for s in p.sentences]

    def needs_review(self) -> int:
        """How many sentences need review (``needs_review``)."""
        return sum(s.needs_review for s in self.sentences())

    def term_totals(self) -> tuple[int, int]:
        """(found, expected) glossary terms over the whole document."""
        expected = found = 0
        for s in self.sentences():
            if s.terms:
                expected += len(s.terms.expected)
                found += s.terms.found
        return found, expected

    def records(self) -> Iterator[dict[str, Any]]:
        """One JSON-serialisable record per paragraph (the JSONL output format)."""
        for p in self.paragraphs:
            record: dict[str, Any] = {
                "index": p.index,
                "source": p.source,
                "translation": p.translation,
                "sentences": [s.to_dict() for s in p.sentences],
                "engine": self.engine.to_dict(),
                "direction": str(self.direction),
                "seconds": round(p.seconds, 4),
            }
            if p.verbatim:
                record["verbatim"] = True
            if self.glossary is not None:
                expected, missing = p.term_totals()
                record["glossary"] = self.glossary
                record["terms"] = {
                    "expected": expected,
                    "found": len(expected) - len(missing),
                    "missing": missing,
                }
            yield record

    def jsonl(self) -> str:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.records())

    def metadata(self) -> dict[str, Any]:
        """The ``.meta.json`` written beside a text or Markdown translation."""
        found, expected = self.term_totals()
        sentences = self.sentences()
        return {
            "source": self.document.path,
            "direction": str(self.direction),
            "paragraphs": len(self.paragraphs),
            "sentences": len(sentences),
            "engine": self.engine.to_dict(),
            "glossary": self.glossary,
            "terms": {"expected": expected, "found": found},
            "seconds": round(self.seconds, 3),
            "resumed_sentences": sum(s.cached for s in sentences),
            "notes": [
                {"paragraph": p.index, "sentence": s.index, "notes": s.notes}
                for p in self.paragraphs
                for s in p.sentences
                if s.notes
            ],
            "needs_review": sum(s.needs_review for s in sentences),
            "checks": [
                {"paragraph": p.index, "sentence": s.index, "needs_review": s.needs_review,
                 "checks": [f.to_dict() for f in s.findings]}
                for p in self.paragraphs
                for s in p.sentences
                if s.findings
            ],
            "confidence": [
                {"paragraph": p.index, "sentence": s.index, **s.confidence.to_dict()}
                for p in self.paragraphs
                for s in p.sentences
                if s.confidence is not None
            ],
        }


# --- reading it back ---------------------------------------------------------------------


@dataclass
class TranslationFile:
    """A translation JSONL read back: its paragraphs, the line of each, the engines named."""

    path: str
    paragraphs: list[ParagraphResult]
    lines: list[int]
    engines: list[dict[str, Any]]
    has_sources: bool  # every record carried its source paragraph
    # The direction the records state (``"direction"``), None when they state none.
    direction: Direction | None = None

    def where(self, i: int) -> str:
        """``path:line`` of paragraph ``i`` (0-based)."""
        return f"{self.path}:{self.lines[i]}"


def looks_like_translation_jsonl(path: str | Path, text: str) -> bool:
    """True for a ``.jsonl`` file, or a file whose first line is a record with a ``translation``."""
    if Path(path).suffix.lower() in JSONL_SUFFIXES:
        return True
    first = text.lstrip().split("\n", 1)[0].strip()
    if not first.startswith("{"):
        return False
    try:
        record = json.loads(first)
    except ValueError:
        return False
    return isinstance(record, dict) and "translation" in record


def read_translation(
    path: str | Path, *, text: str | None = None, need_sentences: bool = False
) -> TranslationFile:
    """Read a translation JSONL (see the module docstring); every problem names ``path:line``.

    ``need_sentences`` requires tarjama's own sentence records (``source`` and ``sentences``
    in every record), as a summary built from the file does.
    """
    where = str(path)
    hint = "give the JSONL file exactly as `tarjama translate --format jsonl` wrote it"
    text = read_text(path) if text is None else text
    paragraphs: list[ParagraphResult] = []
    lines: list[int] = []
    engines: list[dict[str, Any]] = []
    has_sources = True
    direction: Direction | None = None
    expected_index: int | None = None
    for lineno, line in numbered_lines(text):
        if not line.strip():
            continue
        at = f"{where}:{lineno}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise TarjamaError(
                f"{at}: not valid JSON ({exc.msg} at column {exc.colno}); {hint}"  # type: ignore[attr-defined]
            ) from None
        if not isinstance(record, dict) or not isinstance(record.get("translation"), str):
            raise TarjamaError(f"{at}: record has no string \"translation\" field; {hint}")
        index = record.get("index")
        if isinstance(index, int) and not isinstance(index, bool):
            # Records must be in paragraph order, otherwise every score would compare the
            # wrong paragraphs. The first record fixes the base (0- or 1-based).
            if expected_index is not None and index != expected_index:
                raise TarjamaError(
                    f"{at}: record has index {index}, expected {expected_index}; records must be one "
                    "per paragraph, in order, with none missing"
                )
            expected_index = index + 1
        source = record.get("source")
        raw_sentences = record.get("sentences")
        if need_sentences and (not isinstance(source, str) or not isinstance(raw_sentences, list)):
            raise TarjamaError(
                f"{at}: not a tarjama translation record (needs \"source\" and \"sentences\"); {hint}"
            )
        has_sources = has_sources and isinstance(source, str)
        sentences = [_sentence(s, f"{at}: sentence {k + 1}") for k, s in enumerate(raw_sentences or [])]
        paragraphs.append(
            ParagraphResult(
                index=index if isinstance(index, int) else len(paragraphs),
                source=source if isinstance(source, str) else "",
                translation=record["translation"],
                sentences=sentences,
                verbatim=bool(record.get("verbatim", False)),
            )
        )
        lines.append(lineno)
        engine = record.get("engine")
        if isinstance(engine, dict) and engine not in engines:
            engines.append(engine)
        stated = record.get("direction")
        if stated is not None:
            if not isinstance(stated, str) or stated not in ("ar-en", "en-ar"):
                raise TarjamaError(f"{at}: direction {stated!r} is not ar-en or en-ar; {hint}")
            if direction is not None and str(direction) != stated:
                raise TarjamaError(
                    f"{at}: direction {stated}, but earlier records say {direction}; one file holds one run"
                )
            direction = Direction.parse(stated)
    if not paragraphs:
        raise TarjamaError(f"{where}: no JSONL records; give a file with one record per paragraph")
    return TranslationFile(where, paragraphs, lines, engines, has_sources, direction)


def _tagged(value: Any) -> tuple[str, str] | None:
    if value is None:
        return None
    return str(value["source"]), str(value["translation"])


def _sentence(data: Any, at: str) -> SentenceResult:
    if not isinstance(data, dict) or not isinstance(data.get("translation"), str):
        raise TarjamaError(f"{at} has no string \"translation\"; translate the input again")
    terms = data.get("terms")
    notes = data.get("notes") or []
    confidence = data.get("confidence")
    match = data.get("match")
    try:
        findings = [Finding.from_dict(f) for f in data.get("checks") or []]
        if data.get("needs_review") is True and not any(f.severity == ERROR for f in findings):
            # Another tool marked it for review without saying why: keep that as a finding.
            findings.append(Finding(FLAGGED, "marked for review in the file (needs_review: true)"))
        return SentenceResult(
            index=int(data.get("index", 0)),
            source=str(data.get("source", "")),
            translation=data["translation"],
            notes=[Note.load(n) for n in notes] if isinstance(notes, list) else [Note.load(notes)],
            seconds=float(data.get("seconds") or 0.0),
            terms=TermOutcome.from_dict(terms) if isinstance(terms, dict) else None,
            findings=findings,
            confidence=Confidence.from_dict(confidence) if isinstance(confidence, dict) else None,
            origin=str(data.get("origin", "machine")),
            tagged=_tagged(data.get("tagged")),
            match=Match.from_dict(match) if isinstance(match, dict) else None,
        )
    except (KeyError, TypeError, ValueError):
        raise TarjamaError(
            f"{at}: malformed fields (index and seconds must be numbers; terms, checks and confidence "
            "records as tarjama writes them); translate the input again"
        ) from None
