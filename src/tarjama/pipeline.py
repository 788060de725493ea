"""The translation pipeline: document → segments → glossary matches → engine → enforcement → document.

``translate_document`` drives one document through every stage and returns a
``TranslationResult`` that knows how to render itself as text, Markdown or JSONL records.
Finished sentences are appended to an optional journal as they come, so an interrupted run
resumes where it stopped instead of translating everything again.

The stages are public so that ``tarjama batch`` shares this exact code path while batching
segments across documents: ``build_requests`` (segments + glossary hints),
``translate_requests`` (engine call + glossary enforcement) and ``assemble`` (results back
into a ``TranslationResult``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.document import Document, Paragraph, rebuild_paragraph
from tarjama.engines.base import Engine, EngineIdentity, SegmentTranslation, TermHint, TranslationRequest

if TYPE_CHECKING:
    from tarjama.document import Segment
    from tarjama.glossary import Glossary, GlossaryEntry


@dataclass(frozen=True)
class PreparedSegment:
    """One translatable segment of a document, ready for an engine."""

    paragraph: Paragraph
    segment: Segment
    request: TranslationRequest
    # Glossary entries matched in the source: the terms the translation must contain.
    expected: list[GlossaryEntry]


def build_requests(document: Document, glossary: Glossary | None) -> list[PreparedSegment]:
    """Engine requests for every translatable segment, in document order, with term hints."""
    prepared: list[PreparedSegment] = []
    for para, seg in document.sentences():
        matches = glossary.match(seg.content) if glossary else []
        hints = tuple(TermHint(m.surface, m.entry.en, m.entry.kind, m.start, m.end) for m in matches)
        context = " ".join(s.content for s in para.sentences if s.index < seg.index)
        request = TranslationRequest(seg.content, hints, context)
        prepared.append(PreparedSegment(para, seg, request, [m.entry for m in matches]))
    return prepared


def glossary_info(glossary: Glossary | None) -> dict[str, str] | None:
    """What is recorded about the glossary beside every output (None when it is off)."""
    if glossary is None:
        return None
    return {"sha256": glossary.digest(), "path": str(getattr(glossary, "path", ""))}


def translate_requests(
    engine: Engine,
    requests: list[TranslationRequest],
    expected: list[list[GlossaryEntry]],
    glossary: Glossary | None,
) -> tuple[list[SegmentTranslation], list[dict[str, Any] | None]]:
    """One engine call, then glossary enforcement; returns translations and term records."""
    results = engine.translate(requests)
    if not glossary:
        return results, [None] * len(requests)
    from tarjama.enforcement import enforce

    retry = None if engine.handles_term_hints else engine.translate
    outcomes = enforce(requests, results, expected, retry)
    return results, [o.to_dict() for o in outcomes]


@dataclass
class SentenceResult:
    index: int
    source: str
    translation: str
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    terms: dict[str, Any] | None = None
    cached: bool = False

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "index": self.index,
            "source": self.source,
            "translation": self.translation,
            "notes": self.notes,
            "seconds": round(self.seconds, 4),
        }
        if self.terms is not None:
            record["terms"] = self.terms
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


@dataclass
class TranslationResult:
    document: Document
    paragraphs: list[ParagraphResult]
    engine: EngineIdentity
    glossary: dict[str, str] | None
    seconds: float

    def text(self) -> str:
        return self.document.reassemble([p.translation for p in self.paragraphs])

    def term_totals(self) -> tuple[int, int]:
        expected = found = 0
        for p in self.paragraphs:
            for s in p.sentences:
                if s.terms:
                    expected += len(s.terms["expected"])
                    found += s.terms["found"]
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
                "seconds": round(p.seconds, 4),
            }
            if p.verbatim:
                record["verbatim"] = True
            if self.glossary is not None:
                missing = [m for s in p.sentences if s.terms for m in s.terms["missing"]]
                expected = [t for s in p.sentences if s.terms for t in s.terms["expected"]]
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
        found, expected = self.term_totals()
        sentences = [s for p in self.paragraphs for s in p.sentences]
        return {
            "source": self.document.path,
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
        }


class Journal:
    """Append-only record of finished sentences, keyed by engine, glossary and source text.

    Each line is flushed and fsynced, so after a crash every sentence written is reusable;
    a torn last line is ignored.
    """

    def __init__(self, path: Path, scope: str) -> None:
        self.path = path
        self.scope = scope
        self.entries: dict[str, dict[str, Any]] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    rec = json.loads(line)
                    if rec["scope"] == scope:
                        self.entries[rec["key"]] = rec
        self._fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def key(self, request: TranslationRequest) -> str:
        payload = json.dumps([request.source, [(h.source, h.target) for h in request.hints], request.context])
        return hashlib.sha256(payload.encode()).hexdigest()

    def get(self, request: TranslationRequest) -> dict[str, Any] | None:
        return self.entries.get(self.key(request))

    def add(
        self, request: TranslationRequest, result: SegmentTranslation, terms: dict[str, Any] | None
    ) -> None:
        rec = {
            "scope": self.scope,
            "key": self.key(request),
            "text": result.text,
            "notes": result.notes,
            "seconds": result.seconds,
            "terms": terms,
        }
        self._fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self, *, remove: bool) -> None:
        self._fh.close()
        if remove:
            with contextlib.suppress(OSError):
                self.path.unlink()


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    # delay: a bar only for work that takes more than a moment; stderr keeps stdout clean.
    return tqdm(total=total, unit="sent", desc="translating", disable=not enabled, delay=1.0, leave=False)


def translate_document(
    document: Document,
    engine: Engine,
    glossary: Glossary | None = None,
    *,
    batch_size: int | None = None,
    journal_path: Path | None = None,
    progress: bool = False,
) -> TranslationResult:
    """Translate every translatable segment of ``document`` and reassemble the paragraphs.

    ``batch_size`` segments go to the engine per call (default: the engine's
    ``preferred_call_size``); each finished call is written to the journal.
    """
    batch_size = batch_size or engine.preferred_call_size
    started = time.perf_counter()
    prepared = build_requests(document, glossary)
    items = [(p.paragraph, p.segment) for p in prepared]
    requests = [p.request for p in prepared]
    expected = [p.expected for p in prepared]
    gloss_info = glossary_info(glossary)
    scope = hashlib.sha256(
        json.dumps([engine.identity.to_dict(), gloss_info and gloss_info["sha256"]], sort_keys=True).encode()
    ).hexdigest()
    journal = Journal(journal_path, scope) if journal_path else None

    translations: list[SegmentTranslation | None] = [None] * len(items)
    term_records: list[dict[str, Any] | None] = [None] * len(items)
    cached = [False] * len(items)
    if journal:
        for i, req in enumerate(requests):
            if rec := journal.get(req):
                translations[i] = SegmentTranslation(rec["text"], rec["notes"], rec["seconds"])
                term_records[i] = rec["terms"]
                cached[i] = True
    todo = [i for i in range(len(items)) if translations[i] is None]
    try:
        with _progress(len(items), progress) as bar:
            bar.update(len(items) - len(todo))
            for b in range(0, len(todo), batch_size):
                idx = todo[b : b + batch_size]
                batch = [requests[i] for i in idx]
                results, terms = translate_requests(engine, batch, [expected[i] for i in idx], glossary)
                for i, res, t in zip(idx, results, terms, strict=True):
                    translations[i], term_records[i] = res, t
                    if journal:
                        journal.add(requests[i], res, t)
                bar.update(len(idx))
    finally:
        if journal:
            journal.close(remove=False)

    done = [t for t in translations if t is not None]
    assert len(done) == len(translations)
    return assemble(
        document,
        prepared,
        done,
        term_records,
        cached,
        engine=engine.identity,
        glossary=gloss_info,
        seconds=time.perf_counter() - started,
    )


def assemble(
    document: Document,
    prepared: list[PreparedSegment],
    translations: list[SegmentTranslation],
    term_records: list[dict[str, Any] | None],
    cached: list[bool],
    *,
    engine: EngineIdentity,
    glossary: dict[str, str] | None,
    seconds: float,
) -> TranslationResult:
    """Put one translation per prepared segment back into the document's paragraphs."""
    by_segment: dict[tuple[int, int], SentenceResult] = {}
    counts: dict[int, int] = {}
    for k, (prep, tr) in enumerate(zip(prepared, translations, strict=True)):
        para, seg = prep.paragraph, prep.segment
        counts[para.index] = counts.get(para.index, 0) + 1
        by_segment[(para.index, seg.index)] = SentenceResult(
            index=counts[para.index] - 1,
            source=seg.content,
            translation=tr.text,
            notes=list(tr.notes),
            seconds=tr.seconds,
            terms=term_records[k],
            cached=cached[k],
        )
    paragraphs = [_paragraph_result(p, by_segment) for p in document.paragraphs]
    return TranslationResult(document, paragraphs, engine, glossary, seconds)


def _paragraph_result(para: Paragraph, by_segment: dict[tuple[int, int], SentenceResult]) -> ParagraphResult:
    text = rebuild_paragraph(para, lambda seg: by_segment[(para.index, seg.index)].translation)
    sentences = [by_segment[(para.index, s.index)] for s in para.sentences]
    return ParagraphResult(para.index, para.text, text, sentences, verbatim=para.verbatim)
