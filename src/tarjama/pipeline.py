"""The translation pipeline: document → segments → glossary matches → engine → enforcement → document.

``translate_document`` drives one document through every stage and returns a
``TranslatedDocument`` (``tarjama.record``). A sentence a person approved in the translation
memory (same source, same glossary) is taken from there and never sent to the engine; it is
recorded with ``origin: human``. Finished sentences are appended to an optional journal as
they come, so an interrupted run resumes where it stopped instead of translating everything
again; a ``Progress`` hears about every finished sentence.

The stages are public so that ``tarjama batch`` and ``tarjama summarize`` share this exact
code path: ``build_requests`` (segments + glossary hints), ``translate_requests`` (engine call
+ glossary enforcement) and ``assemble`` (results back into a ``TranslatedDocument``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.document import Document, Paragraph, rebuild_paragraph
from tarjama.engines.base import Engine, EngineIdentity, SegmentTranslation, TermHint, TranslationRequest
from tarjama.record import ParagraphResult, SentenceResult, TermOutcome, TranslatedDocument

if TYPE_CHECKING:
    from tarjama.document import Segment
    from tarjama.glossary import Glossary, GlossaryEntry
    from tarjama.memory import Approval, TranslationMemory
    from tarjama.progress import Progress


@dataclass(frozen=True)
class PreparedSegment:
    """One translatable segment of a document, ready for an engine."""

    paragraph: Paragraph
    segment: Segment
    request: TranslationRequest
    # Glossary entries matched in the source: the terms the translation must contain.
    expected: list[GlossaryEntry]


def build_requests(document: Document, glossary: Glossary | None) -> list[PreparedSegment]:
    """Engine requests for every translatable segment, in document order, with term hints.

    The glossary reads a sentence's words without its markup (``Segment.plain``); a match's
    offsets are mapped into the request text, placeholders included.
    """
    prepared: list[PreparedSegment] = []
    for para, seg in document.sentences():
        matches = glossary.match(seg.plain) if glossary else []
        hints = []
        for m in matches:
            start, end = seg.inline.to_text(m.start, m.end) if seg.inline is not None else (m.start, m.end)
            hints.append(TermHint(m.surface, m.entry.en, m.entry.kind, start, end))
        context = " ".join(s.plain for s in para.sentences if s.index < seg.index)
        request = TranslationRequest(seg.request_text, tuple(hints), context)
        prepared.append(PreparedSegment(para, seg, request, [m.entry for m in matches]))
    return prepared


def glossary_info(glossary: Glossary | None) -> dict[str, str] | None:
    """What is recorded about the glossary beside every output (None when it is off)."""
    if glossary is None:
        return None
    return {"sha256": glossary.digest(), "path": str(getattr(glossary, "path", ""))}


def translate_requests(
    engine: Engine,
    requests: Sequence[TranslationRequest],
    expected: Sequence[Sequence[GlossaryEntry]],
    glossary: Glossary | None,
    done: Callable[[int], None] | None = None,
) -> tuple[list[SegmentTranslation], list[TermOutcome | None]]:
    """One engine call, inline-markup checks, then glossary enforcement.

    Returns translations and term outcomes. A sentence whose placeholders came back broken is
    retried once (unless the engine retries itself) and then repaired (``tarjama.markup``);
    a text that a glossary retry replaced is checked again.
    """
    from tarjama import markup

    results = engine.translate(requests, done=done)
    markup.ensure(requests, results, None if engine.handles_markup else engine.translate)
    if not glossary:
        return results, [None] * len(requests)
    from tarjama.enforcement import enforce

    retry = None if engine.handles_term_hints else engine.translate
    before = [r.text for r in results]
    outcomes: list[TermOutcome | None] = list(enforce(requests, results, expected, retry))
    # A text that the glossary retry replaced is checked (and repaired) again.
    changed = [i for i, (r, text) in enumerate(zip(results, before, strict=True)) if r.text != text]
    if changed:
        again = [results[i] for i in changed]
        markup.ensure([requests[i] for i in changed], again)
    return results, outcomes


def human_translation(
    approval: Approval, expected: Sequence[GlossaryEntry], glossary: Glossary | None
) -> tuple[SegmentTranslation, TermOutcome | None]:
    """An approved translation as a segment result: used as it is, its terms only checked."""
    from tarjama.terms import check_terms

    who = f" by {approval.editor}" if approval.editor else ""
    result = SegmentTranslation(approval.translation, [f"approved translation{who} from the memory"], 0.0)
    if glossary is None:
        return result, None
    missing = [e.en for e in check_terms(approval.translation, expected)]
    return result, TermOutcome(expected=[e.en for e in expected], missing=missing)


def segment_key(engine: Engine, request: TranslationRequest) -> str:
    """The key of a segment's translation by ``engine`` (journal and translation memory)."""
    return request.key(with_context=engine.uses_context)


class Journal:
    """Append-only record of finished sentences, keyed by engine, glossary and segment.

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

    def get(self, key: str) -> tuple[SegmentTranslation, TermOutcome | None] | None:
        rec = self.entries.get(key)
        if rec is None:
            return None
        terms = rec.get("terms")
        try:
            return (
                SegmentTranslation(str(rec["text"]), [str(n) for n in rec["notes"]], float(rec["seconds"])),
                TermOutcome.from_dict(terms) if isinstance(terms, dict) else None,
            )
        except (KeyError, TypeError, ValueError):
            return None  # a damaged line: translate that sentence again

    def add(self, key: str, result: SegmentTranslation, terms: TermOutcome | None) -> None:
        rec = {
            "scope": self.scope,
            "key": key,
            "text": result.text,
            "notes": result.notes,
            "seconds": result.seconds,
            "terms": None if terms is None else terms.to_dict(),
        }
        self._fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()


def translate_document(
    document: Document,
    engine: Engine,
    glossary: Glossary | None = None,
    *,
    batch_size: int | None = None,
    journal_path: Path | None = None,
    progress: Progress | None = None,
    memory: TranslationMemory | None = None,
) -> TranslatedDocument:
    """Translate every translatable segment of ``document`` and reassemble the paragraphs.

    ``batch_size`` segments go to the engine per call (default: the engine's
    ``preferred_call_size``); each finished call is written to the journal. Approved
    translations in ``memory`` (scoped to this glossary here) replace machine translation.
    """
    batch_size = batch_size or engine.preferred_call_size
    started = time.perf_counter()
    prepared = build_requests(document, glossary)
    gloss_info = glossary_info(glossary)
    scope = hashlib.sha256(
        json.dumps([engine.identity.to_dict(), gloss_info and gloss_info["sha256"]], sort_keys=True).encode()
    ).hexdigest()
    keys = [segment_key(engine, p.request) for p in prepared]
    journal = Journal(journal_path, scope) if journal_path else None

    translations: list[SegmentTranslation | None] = [None] * len(prepared)
    outcomes: list[TermOutcome | None] = [None] * len(prepared)
    cached = [False] * len(prepared)
    origins = ["machine"] * len(prepared)
    if memory is not None:
        memory.scope(None, gloss_info and gloss_info["sha256"])
        approved = memory.approved_many(p.request.key() for p in prepared)
        for i, p in enumerate(prepared):
            if (approval := approved.get(p.request.key())) is not None:
                translations[i], outcomes[i] = human_translation(approval, p.expected, glossary)
                cached[i], origins[i] = True, "human"
    if journal:
        for i, key in enumerate(keys):
            if translations[i] is None and (hit := journal.get(key)) is not None:
                translations[i], outcomes[i] = hit
                cached[i] = True
    todo = [i for i in range(len(prepared)) if translations[i] is None]
    if progress is not None:
        progress.start([p.paragraph.index for p in prepared], [i for i in range(len(prepared)) if cached[i]])
    try:
        for b in range(0, len(todo), batch_size):
            idx = todo[b : b + batch_size]
            done = (lambda j, idx=idx: progress.done(idx[j])) if progress is not None else None
            requests = [prepared[i].request for i in idx]
            expected = [prepared[i].expected for i in idx]
            results, terms = translate_requests(engine, requests, expected, glossary, done)
            for i, res, t in zip(idx, results, terms, strict=True):
                translations[i], outcomes[i] = res, t
                if journal:
                    journal.add(keys[i], res, t)
    finally:
        if journal:
            journal.close()
        if progress is not None:
            progress.finish()

    done_all = [t for t in translations if t is not None]
    assert len(done_all) == len(translations)
    return assemble(
        document,
        prepared,
        done_all,
        outcomes,
        cached,
        origins=origins,
        engine=engine.identity,
        glossary=gloss_info,
        seconds=time.perf_counter() - started,
    )


def assemble(
    document: Document,
    prepared: Sequence[PreparedSegment],
    translations: Sequence[SegmentTranslation],
    outcomes: Sequence[TermOutcome | None],
    cached: Sequence[bool],
    *,
    origins: Sequence[str] | None = None,
    engine: EngineIdentity,
    glossary: dict[str, str] | None,
    seconds: float,
) -> TranslatedDocument:
    """Put one translation per prepared segment back into the document's paragraphs."""
    from tarjama import markup

    by_segment: dict[tuple[int, int], SentenceResult] = {}
    counts: dict[int, int] = {}
    for k, (prep, tr) in enumerate(zip(prepared, translations, strict=True)):
        para, seg = prep.paragraph, prep.segment
        counts[para.index] = counts.get(para.index, 0) + 1
        # The English with its placeholders, written back in the paragraph's own syntax.
        found = markup.findings(prep.request.source, tr.text, tr.notes, seg.inline)
        by_segment[(para.index, seg.index)] = SentenceResult(
            index=counts[para.index] - 1,
            source=seg.content,
            translation=seg.render(tr.text),
            findings=found,
            needs_review=any(f.severity == "error" for f in found),
            tagged=(prep.request.source, tr.text) if seg.inline is not None else None,
            notes=list(tr.notes),
            seconds=tr.seconds,
            terms=outcomes[k],
            origin=origins[k] if origins is not None else "machine",
            cached=cached[k],
        )
    paragraphs = [_paragraph_result(p, by_segment) for p in document.paragraphs]
    return TranslatedDocument(document, paragraphs, engine, glossary, seconds)


def _paragraph_result(para: Paragraph, by_segment: dict[tuple[int, int], SentenceResult]) -> ParagraphResult:
    text = rebuild_paragraph(para, lambda seg: by_segment[(para.index, seg.index)].translation)
    sentences = [by_segment[(para.index, s.index)] for s in para.sentences]
    return ParagraphResult(para.index, para.text, text, sentences, verbatim=para.verbatim)
