"""The translation pipeline: document → segments → glossary → engine → enforcement → checks → document.

``translate_document`` drives one document through every stage and returns a
``TranslatedDocument`` (``tarjama.document.record``). A sentence a person approved in the translation
memory (same source, same glossary) is taken from there and never sent to the engine; it is
recorded with ``origin: human``. Finished sentences are appended to an optional journal as
they come, so an interrupted run resumes where it stopped instead of translating everything
again; a ``Progress`` hears about every finished sentence.

The stages are public so that ``tarjama batch`` and ``tarjama summarize`` share this exact
code path: ``build_requests`` (segments + glossary hints), ``translate_requests`` (engine call
+ glossary enforcement + checks) and ``assemble`` (results back into a ``TranslatedDocument``).

**Checks and repair** (``check_and_repair``, when a ``Checker`` is given): every sentence is
checked against its source (``tarjama.checks``). A sentence with an error is translated once
more, by the same engine, with the findings turned into constraints (``checks.repair_request``:
hints written into the model's input, notes for an LLM's prompt, words to avoid); the
candidate with the fewest errors (missing glossary terms counted too), then the highest
confidence, is kept — ties keep the first translation. What still fails is recorded
(``findings``; ``needs_review`` in the record) with a note; nothing is dropped silently.
Checked output is recorded with the checks in its engine identity (``checked_identity``), so a
journal or translation memory never mixes checked and unchecked translations.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.document.model import Document, Paragraph, rebuild_paragraph
from tarjama.document.record import ParagraphResult, SentenceResult, TranslatedDocument
from tarjama.document.requests import PreparedSegment, build_requests
from tarjama.engines.base import Engine
from tarjama.text.textio import LineLog, numbered_lines
from tarjama.types import (
    Confidence,
    EngineIdentity,
    Finding,
    SegmentTranslation,
    TermOutcome,
    TranslationRequest,
)

if TYPE_CHECKING:
    from tarjama.checks import Checker, Flag
    from tarjama.glossary import Glossary, GlossaryEntry
    from tarjama.memory.store import Approval, TranslationMemory
    from tarjama.translate.progress import Progress


def glossary_info(glossary: Glossary | None) -> dict[str, str] | None:
    """What is recorded about the glossary beside every output (None when it is off)."""
    if glossary is None:
        return None
    return {"sha256": glossary.digest(), "path": str(glossary.path or "")}


def translate_requests(
    engine: Engine,
    requests: Sequence[TranslationRequest],
    expected: Sequence[Sequence[GlossaryEntry]],
    glossary: Glossary | None,
    done: Callable[[int], None] | None = None,
    *,
    checks: Checker | None = None,
) -> tuple[list[SegmentTranslation], list[TermOutcome | None]]:
    """One engine call, inline-markup checks, glossary enforcement, then (with ``checks``) the
    fidelity checks and repair.

    Returns translations (with ``findings`` when checked) and term outcomes. A sentence whose
    placeholders came back broken is retried once (unless the engine retries itself) and then
    repaired (``tarjama.translate.markup``); a text that a glossary retry replaced is checked again.
    """
    from tarjama.translate import markup

    results = engine.translate(requests, done=done)
    markup.ensure(requests, results, None if engine.handles_markup else engine.translate)
    outcomes: list[TermOutcome | None] = [None] * len(requests)
    if glossary:
        from tarjama.translate.enforcement import enforce

        retry = None if engine.handles_term_hints else engine.translate
        before = [r.text for r in results]
        outcomes = list(enforce(requests, results, expected, retry))
        # A text that the glossary retry replaced is checked (and repaired) again.
        changed = [i for i, (r, text) in enumerate(zip(results, before, strict=True)) if r.text != text]
        if changed:
            markup.ensure([requests[i] for i in changed], [results[i] for i in changed])
    if checks is not None:
        check_and_repair(engine, requests, results, outcomes, expected, checks)
    return results, outcomes


def check_and_repair(
    engine: Engine,
    requests: Sequence[TranslationRequest],
    results: Sequence[SegmentTranslation],
    outcomes: Sequence[TermOutcome | None],
    expected: Sequence[Sequence[GlossaryEntry]],
    checks: Checker,
) -> None:
    """The checks stage (module docstring): check, repair what has errors once, record findings.

    ``results`` and ``outcomes`` are updated in place; one engine call for all the repairs.
    """
    from tarjama.checks import errors, repair_request
    from tarjama.translate import markup

    flags = [checks.run(r.source, res.text, r.hints) for r, res in zip(requests, results, strict=True)]
    repairs = {i: repair_request(requests[i], f) for i, f in enumerate(flags) if errors(f)}
    # An engine that reads no instructions gets a repair only when it changes its input or
    # what it may write; otherwise it would decode the same translation again.
    todo = [
        i for i, r in repairs.items()
        if engine.follows_notes or r.avoid or len(r.hints) > len(requests[i].hints)
        or (r.strict_terms and not requests[i].strict_terms and requests[i].hints)
    ]
    for i in repairs:
        if i not in todo:
            results[i].notes.append("not repaired: the engine cannot be told more than it was")
    if todo:
        second = engine.translate([repairs[i] for i in todo])
        markup.ensure([repairs[i] for i in todo], second)  # placeholders as after the first call
        for i, candidate in zip(todo, second, strict=True):
            text, outcome = _enforced(candidate.text, expected[i], outcomes[i])
            new_flags = checks.run(requests[i].source, text, requests[i].hints)
            first, result = flags[i], results[i]
            reasons = "; ".join(f.finding.message for f in errors(first))
            if _rank(new_flags, outcome, candidate.confidence) < _rank(first, outcomes[i], result.confidence):
                result.text, result.confidence = text, candidate.confidence
                result.notes = [n for n in result.notes if not n.startswith("glossary terms missing")]
                result.notes += [*candidate.notes, f"repaired after checks ({reasons})"]
                if outcome is not None and outcomes[i] is not None:
                    current = outcomes[i]
                    assert current is not None
                    current.missing, current.rewrites = outcome.missing, outcome.rewrites
                    if outcome.missing:
                        result.notes.append(f"glossary terms missing: {', '.join(outcome.missing)}")
                flags[i] = new_flags
            else:
                result.notes.append(f"repair tried after checks ({reasons}); the first translation was kept")
            result.seconds += candidate.seconds
    for result, f in zip(results, flags, strict=True):
        result.findings = [flag.finding for flag in f]


def _enforced(
    text: str, entries: Sequence[GlossaryEntry], current: TermOutcome | None
) -> tuple[str, TermOutcome | None]:
    """A repair candidate after the glossary's variant rewrite, with its missing terms."""
    if current is None or not entries:
        return text, current
    from tarjama.text.terms import check_terms, rewrite_variants

    text, rewrites = rewrite_variants(text, entries)
    missing = [e.en for e in check_terms(text, entries)]
    return text, TermOutcome(list(current.expected), missing, rewrites, current.retried)


def _rank(
    flags: Sequence[Flag], outcome: TermOutcome | None, confidence: Confidence | None
) -> tuple[int, float]:
    """Fewer errors and missing terms first, then higher confidence (unknown counts lowest)."""
    from tarjama.checks import errors

    problems = len(errors(flags)) + (len(outcome.missing) if outcome is not None else 0)
    return (problems, -(confidence.mean if confidence is not None else float("-inf")))


def checked_identity(identity: EngineIdentity, checks: Checker | None) -> EngineIdentity:
    """The identity recorded for output of ``identity``'s engine with ``checks`` (None: unchanged)."""
    if checks is None:
        return identity
    return replace(identity, params={**identity.params, "checks": checks.describe()})


def human_translation(
    approval: Approval, expected: Sequence[GlossaryEntry], glossary: Glossary | None
) -> tuple[SegmentTranslation, TermOutcome | None]:
    """An approved translation as a segment result: used as it is, its terms only checked."""
    from tarjama.text.terms import check_terms

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

    Each record is one whole line written and fsynced in one call (``textio.LineLog``), so
    after a crash every sentence written is reusable; a torn last line (a power cut) is cut
    off before the next append, and a line that does not parse is ignored.
    """

    def __init__(self, path: Path, scope: str) -> None:
        self.path = path
        self.scope = scope
        self.entries: dict[str, dict[str, Any]] = {}
        self._log = LineLog(path)
        for _number, line in numbered_lines(path.read_text(encoding="utf-8", errors="replace")):
            with contextlib.suppress(ValueError, KeyError, TypeError):
                rec = json.loads(line)
                if rec["scope"] == scope:
                    self.entries[rec["key"]] = rec

    def get(self, key: str) -> tuple[SegmentTranslation, TermOutcome | None] | None:
        rec = self.entries.get(key)
        if rec is None:
            return None
        terms = rec.get("terms")
        confidence = rec.get("confidence")
        findings = rec.get("checks")
        try:
            return (
                SegmentTranslation(
                    str(rec["text"]), [str(n) for n in rec["notes"]], float(rec["seconds"]),
                    Confidence.from_dict(confidence) if isinstance(confidence, dict) else None,
                    [Finding.from_dict(f) for f in findings] if isinstance(findings, list) else None,
                ),
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
            "confidence": None if result.confidence is None else result.confidence.to_dict(),
            "checks": None if result.findings is None else [f.to_dict() for f in result.findings],
        }
        self._log.append(json.dumps(rec, ensure_ascii=False))

    def close(self) -> None:
        self._log.close()


def translate_document(
    document: Document,
    engine: Engine,
    glossary: Glossary | None = None,
    *,
    batch_size: int | None = None,
    journal_path: Path | None = None,
    progress: Progress | None = None,
    memory: TranslationMemory | None = None,
    checks: Checker | None = None,
) -> TranslatedDocument:
    """Translate every translatable segment of ``document`` and reassemble the paragraphs.

    ``batch_size`` segments go to the engine per call (default: the engine's
    ``preferred_call_size``); each finished call is written to the journal. Approved
    translations in ``memory`` (scoped to this glossary here) replace machine translation.
    ``checks`` runs the checks stage (and its repairs) after enforcement.
    """
    batch_size = batch_size or engine.preferred_call_size
    started = time.perf_counter()
    prepared = build_requests(document, glossary)
    gloss_info = glossary_info(glossary)
    identity = checked_identity(engine.identity, checks)
    scope = hashlib.sha256(
        json.dumps([identity.to_dict(), gloss_info and gloss_info["sha256"]], sort_keys=True).encode()
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
            results, terms = translate_requests(engine, requests, expected, glossary, done, checks=checks)
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
        engine=identity,
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
    from tarjama.translate import markup

    by_segment: dict[tuple[int, int], SentenceResult] = {}
    counts: dict[int, int] = {}
    for k, (prep, tr) in enumerate(zip(prepared, translations, strict=True)):
        para, seg = prep.paragraph, prep.segment
        counts[para.index] = counts.get(para.index, 0) + 1
        # The English with its placeholders, written back in the paragraph's own syntax.
        findings = markup.findings(prep.request.source, tr.text, tr.notes, seg.inline)
        findings += [f for f in tr.findings or [] if f not in findings]
        by_segment[(para.index, seg.index)] = SentenceResult(
            index=counts[para.index] - 1,
            source=seg.content,
            translation=seg.render(tr.text),
            tagged=(prep.request.source, tr.text) if seg.inline is not None else None,
            notes=list(tr.notes),
            seconds=tr.seconds,
            terms=outcomes[k],
            findings=findings,
            needs_review=any(f.severity == "error" for f in findings),
            confidence=tr.confidence,
            origin=origins[k] if origins is not None else "machine",
            cached=cached[k],
        )
    paragraphs = [_paragraph_result(p, by_segment) for p in document.paragraphs]
    return TranslatedDocument(document, paragraphs, engine, glossary, seconds)


def _paragraph_result(para: Paragraph, by_segment: dict[tuple[int, int], SentenceResult]) -> ParagraphResult:
    text = rebuild_paragraph(para, lambda seg: by_segment[(para.index, seg.index)].translation)
    sentences = [by_segment[(para.index, s.index)] for s in para.sentences]
    return ParagraphResult(para.index, para.text, text, sentences, verbatim=para.verbatim)
