"""Everything that happens to one engine call: the engine, then markup, the glossary and the checks.

``Stages`` (an engine, a glossary, a ``Checker`` or None) is what a run executes for each
call of segments, in this process or on a Ray actor. ``Stages.translate`` is the one path:

1. the engine translates the requests (engines that retry retry degenerate output themselves);
2. **markup** (``tarjama.translate.markup``): every placeholder back, retried once, then repaired;
3. **glossary** (``tarjama.translate.enforcement``): variants rewritten, missing terms retried;
4. **checks** (with a ``Checker``): every sentence checked against its source; one with an
   error is translated once more with the findings as constraints (``checks.repair_request``),
   and the candidate with the fewest errors (missing glossary terms counted too), then the
   highest confidence, is kept — ties keep the first translation.

Each stage reports what is still wrong as typed ``Finding``\\ s on the result (``markup``,
``terms``, the checks' own kinds; engines add ``degenerate``); the record's one rule
(``tarjama.document.record.needs_review``) reads them. ``derived_findings`` finds again what
can be found from a text alone (an approval, an older memory row).

Into Arabic, every translation gets Arabic punctuation (``tarjama.text.arabic.arabic_punctuation``:
، ؛ ؟ where the model carried English punctuation over, no stray bidi marks) as it leaves the
engine and again after the last stage.

Checked output is recorded with the checks in its engine identity (``identity``), so a journal
or translation memory never mixes checked and unchecked translations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from tarjama.text.arabic import arabic_punctuation
from tarjama.text.terms import check_terms, rewrite_variants
from tarjama.translate import markup
from tarjama.translate.enforcement import enforce
from tarjama.types import (
    ERROR,
    KEPT,
    REPAIRED,
    TERMS,
    Confidence,
    EngineIdentity,
    Finding,
    Note,
    SegmentTranslation,
    TermOutcome,
    TranslationRequest,
)

if TYPE_CHECKING:
    from tarjama.checks import Checker, Flag
    from tarjama.engines.base import Engine
    from tarjama.glossary import Glossary, GlossaryEntry

# Findings the stages after the engine own: replaced whenever a stage looks again.
_STAGE_KINDS = (TERMS,)


def checked_identity(identity: EngineIdentity, checks: Checker | None) -> EngineIdentity:
    """The identity recorded for output of ``identity``'s engine with ``checks`` (None: unchanged)."""
    if checks is None:
        return identity
    return replace(identity, params={**identity.params, "checks": checks.describe()})


def term_findings(request: TranslationRequest, missing: Sequence[str]) -> list[Finding]:
    """One ``terms`` error per glossary term missing from the translation, its Arabic as evidence."""
    found = []
    for en in missing:
        hint = next((h for h in request.hints if h.target == en), None)
        span = (hint.start, hint.end) if hint is not None and hint.start >= 0 else None
        source = f" ({hint.source})" if hint is not None else ""
        found.append(Finding(TERMS, f"glossary term missing: {en}{source}", span, None, ERROR))
    return found


def derived_findings(
    request: TranslationRequest, text: str, terms: TermOutcome | None, checks: Checker | None
) -> list[Finding]:
    """What can be found again from ``text`` alone: lost tags, missing terms, the checks' findings."""
    found = markup.lost(request.source, text)
    found += term_findings(request, terms.missing if terms is not None else [])
    if checks is not None:
        found += checks.findings(request.source, text, request.hints, request.direction)
    return found


def arabic_output(requests: Sequence[TranslationRequest], results: Sequence[SegmentTranslation]) -> None:
    """Arabic punctuation for the translations into Arabic (module docstring), in place."""
    for request, result in zip(requests, results, strict=True):
        if request.direction.target == "ar":
            result.text = arabic_punctuation(result.text)


def terms_of(text: str, expected: Sequence[GlossaryEntry]) -> TermOutcome:
    """The term record of a text nobody enforced (an approval): the terms expected and missing."""
    return TermOutcome(expected=[e.en for e in expected], missing=[e.en for e in check_terms(text, expected)])


class Stages:
    """The engine and the stages after it, for one glossary and one set of checks (module docstring)."""

    def __init__(
        self, engine: Engine, glossary: Glossary | None = None, checks: Checker | None = None
    ) -> None:
        self.engine = engine
        self.glossary = glossary
        self.checks = checks
        self.identity = checked_identity(engine.identity, checks)

    def translate(
        self,
        requests: Sequence[TranslationRequest],
        expected: Sequence[Sequence[GlossaryEntry]],
        done: Callable[[int], None] | None = None,
    ) -> list[SegmentTranslation]:
        """One engine call and every stage after it; results carry ``terms`` and ``findings``.

        ``done(i)`` is called as request ``i`` leaves the engine (progress).
        """
        engine = self.engine
        results = engine.translate(requests, done=done)
        arabic_output(requests, results)
        markup.ensure(requests, results, None if engine.handles_markup else engine.translate)
        outcomes: list[TermOutcome | None] = [None] * len(requests)
        if self.glossary:
            retry = None if engine.handles_term_hints else engine.translate
            before = [r.text for r in results]
            outcomes = list(enforce(requests, results, expected, retry))
            # A text that the glossary retry replaced is checked (and repaired) for markup again.
            changed = [i for i, (r, text) in enumerate(zip(results, before, strict=True)) if r.text != text]
            if changed:
                markup.ensure([requests[i] for i in changed], [results[i] for i in changed])
        if self.checks is not None:
            self._check_and_repair(requests, results, outcomes, expected)
        for request, result, outcome in zip(requests, results, outcomes, strict=True):
            result.terms = outcome
            result.findings = [f for f in result.findings if f.check not in _STAGE_KINDS]
            if outcome is not None and outcome.missing:
                result.notes.append(Note(f"glossary terms missing: {', '.join(outcome.missing)}"))
                result.findings += term_findings(request, outcome.missing)
        arabic_output(requests, results)
        return results

    def _check_and_repair(
        self,
        requests: Sequence[TranslationRequest],
        results: Sequence[SegmentTranslation],
        outcomes: Sequence[TermOutcome | None],
        expected: Sequence[Sequence[GlossaryEntry]],
    ) -> None:
        """The checks stage: check, repair what has errors once, record findings (in place).

        One engine call for all the repairs.
        """
        from tarjama.checks import errors, repair_request

        checks, engine = self.checks, self.engine
        assert checks is not None
        pairs = zip(requests, results, strict=True)
        flags = [checks.run(r.source, res.text, r.hints, r.direction) for r, res in pairs]
        repairs = {i: repair_request(requests[i], f) for i, f in enumerate(flags) if errors(f)}
        # An engine that reads no instructions gets a repair only when it changes its input or
        # what it may write; otherwise it would decode the same translation again.
        todo = [
            i
            for i, r in repairs.items()
            if engine.follows_notes
            or r.avoid
            or len(r.hints) > len(requests[i].hints)
            or (r.strict_terms and not requests[i].strict_terms and requests[i].hints)
        ]
        for i in repairs:
            if i not in todo:
                results[i].notes.append(
                    Note("not repaired: the engine cannot be told more than it was", KEPT)
                )
        if todo:
            second = engine.translate([repairs[i] for i in todo])
            markup.ensure([repairs[i] for i in todo], second)  # placeholders as after the first call
            for i, candidate in zip(todo, second, strict=True):
                text, outcome = _enforced(candidate.text, expected[i], outcomes[i])
                new_flags = checks.run(requests[i].source, text, requests[i].hints, requests[i].direction)
                first, result = flags[i], results[i]
                reasons = "; ".join(f.finding.message for f in errors(first))
                if _rank(new_flags, outcome, candidate.confidence) < _rank(
                    first, outcomes[i], result.confidence
                ):
                    result.text, result.confidence = text, candidate.confidence
                    result.findings = [f for f in candidate.findings]  # the repair's own markup and engine
                    result.notes += [*candidate.notes, Note(f"repaired after checks ({reasons})", REPAIRED)]
                    if outcome is not None and outcomes[i] is not None:
                        current = outcomes[i]
                        assert current is not None
                        current.missing, current.rewrites = outcome.missing, outcome.rewrites
                    flags[i] = new_flags
                else:
                    result.notes.append(
                        Note(f"repair tried after checks ({reasons}); the first translation was kept", KEPT)
                    )
                result.seconds += candidate.seconds
        for result, found in zip(results, flags, strict=True):
            result.findings += [flag.finding for flag in found]


def _enforced(
    text: str, entries: Sequence[GlossaryEntry], current: TermOutcome | None
) -> tuple[str, TermOutcome | None]:
    """A repair candidate after the glossary's variant rewrite, with its missing terms."""
    if current is None or not entries:
        return text, current
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
