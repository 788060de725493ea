"""Everything that happens to one engine call: the engine, then markup, the glossary and the checks.

``Stages`` (an engine, a glossary, a ``Checker`` or None) is what a run executes for each
call of segments, in this process or on a Ray actor. ``Stages.translate`` is the one path:

1. the engine translates the requests (engines that retry retry only *degenerate* output
   themselves: a loop, nothing, Arabic, far too long or short);
2. each translation is **judged** as soon as the engine has it (``Engine.translate_judged``):
   placeholders put in canonical form (``tarjama.translate.markup``), the glossary's variants
   rewritten (``tarjama.translate.enforcement``), the fidelity checks run (with a ``Checker``),
   and the deterministic rewrites of the checks applied (``Fix.rewrite``: the source's own
   nationality, number, decade or month in place of another — no engine call). What is still
   wrong — lost tags, missing terms or Latin-script names, the checks' errors — becomes **one
   repair request** built from all their fixes (``strict_markup``, ``strict_terms``, the
   checks' hints, notes and words to avoid; ``checks.repair_request``), translated once. An
   engine that decodes side by side starts it in the slot the sentence just freed;
3. **a repair never invents**: a repair candidate (after the same rewrites) is kept only if it
   has no error the first translation did not have (and no word written in two spellings,
   "August/Agust") and fewer problems, or as many with a higher confidence; otherwise the
   first translation stays, with its deterministic rewrites, and what is still wrong is
   flagged;
4. tags still broken are repaired or dropped (``markup.ensure``), the term record and the
   checks' findings are written on the result, with a ``confidence`` warning ("check the
   meaning") when the engine was unsure of it (``tarjama.checks.confidence``).

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
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from tarjama.checks.confidence import low_confidence
from tarjama.checks.names import NameCheck
from tarjama.document import inline
from tarjama.text.arabic import arabic_punctuation
from tarjama.text.quality import doubled_spellings
from tarjama.text.terms import check_terms
from tarjama.translate import markup
from tarjama.translate.enforcement import enforce_text
from tarjama.types import (
    DEGENERATE,
    ERROR,
    KEPT,
    MARKUP,
    REPAIRED,
    RETRIED,
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
    from tarjama.engines.base import Engine, Judged
    from tarjama.glossary import Glossary, GlossaryEntry

# Findings the stages after the engine own: replaced whenever a stage looks again.
_STAGE_KINDS = (TERMS,)
# Latin-script names of the source are kept even with the checks off (as glossary terms are).
_LATIN = NameCheck()


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
    request: TranslationRequest,
    text: str,
    terms: TermOutcome | None,
    checks: Checker | None,
    confidence: Confidence | None = None,
) -> list[Finding]:
    """What can be found again from ``text`` alone: lost tags, missing terms, the checks' findings
    (and, with the checks, low confidence when the stored row has one)."""
    found = markup.lost(request.source, text)
    found += term_findings(request, terms.missing if terms is not None else [])
    if checks is not None:
        found += checks.findings(request.source, text, request.hints, request.direction)
        if (low := low_confidence(confidence)) is not None:
            found.append(low)
    return found


def arabic_output(requests: Sequence[TranslationRequest], results: Sequence[SegmentTranslation]) -> None:
    """Arabic punctuation for the translations into Arabic (module docstring), in place."""
    for request, result in zip(requests, results, strict=True):
        if request.direction.target == "ar":
            result.text = arabic_punctuation(result.text)


def terms_of(text: str, expected: Sequence[GlossaryEntry]) -> TermOutcome:
    """The term record of a text nobody enforced (an approval): the terms expected and missing."""
    return TermOutcome(expected=[e.en for e in expected], missing=[e.en for e in check_terms(text, expected)])


@dataclass
class _Look:
    """One candidate translation of a sentence as the stages see it (after canonical tags, the
    glossary's variant rewrite and the checks' rewrites), and what is still wrong with it."""

    text: str
    terms: TermOutcome | None
    tags: dict[int, str]  # inline.problems: placeholder → what is wrong
    flags: list[Flag]  # the checks' (or, with the checks off, the Latin names') flags
    degenerate: list[Finding]
    confidence: Confidence | None
    rewrites: list[tuple[str, str]] = field(default_factory=list)  # (was, now) by the checks' rewrites

    def errors(self) -> list[Flag]:
        return [f for f in self.flags if f.finding.severity == ERROR]

    def problems(self) -> int:
        missing = len(self.terms.missing) if self.terms is not None else 0
        return len(self.errors()) + missing + bool(self.tags) + len(self.degenerate)

    def rank(self) -> tuple[int, float]:
        """Fewer problems first, then higher confidence (unknown counts lowest)."""
        return (self.problems(), -(self.confidence.mean if self.confidence is not None else float("-inf")))

    def keys(self, source: str) -> set[tuple[str, str]]:
        """What identifies each error, to tell a new one from one the first translation had."""
        out = {(f.finding.check, _evidence(f.finding, source, self.text)) for f in self.errors()}
        out |= {(TERMS, en) for en in (self.terms.missing if self.terms is not None else [])}
        out |= {(DEGENERATE, f.message.split(":")[0]) for f in self.degenerate}
        return out


def _evidence(finding: Finding, source: str, text: str) -> str:
    if finding.target is not None:
        return text[finding.target[0] : finding.target[1]]
    if finding.source is not None:
        return "source:" + source[finding.source[0] : finding.source[1]]
    return finding.message.split(":")[0]


@dataclass
class _Sentence:
    request: TranslationRequest
    expected: list[GlossaryEntry]
    first: _Look | None = None
    kept: _Look | None = None  # the first translation with its deterministic rewrites
    # Why a repair was asked for: (kind, text), kind MARKUP, TERMS or a check's name.
    reasons: list[tuple[str, str]] = field(default_factory=list)
    note: Note | None = None  # a note when no repair could be asked for


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
        """One engine pass and every stage after it; results carry ``terms`` and ``findings``.

        ``done(i)`` is called as request ``i`` is final (its repair, if any, translated).
        """
        sentences = [_Sentence(r, list(e)) for r, e in zip(requests, expected, strict=True)]
        judged = self.engine.translate_judged(
            requests, lambda i, result: self._judge(sentences[i], result), done=done
        )
        results = [self._settle(s, j) for s, j in zip(sentences, judged, strict=True)]
        arabic_output(requests, results)
        return results

    # -- looking at a translation -----------------------------------------------------------------

    def _look(self, s: _Sentence, result: SegmentTranslation) -> _Look:
        request = s.request
        text = inline.normalize(result.text) if inline.has_placeholders(request.source) else result.text
        if request.direction.target == "ar":
            text = arabic_punctuation(text)
        terms = None
        if self.glossary:
            text, terms = enforce_text(text, s.expected)
        look = self._assess(s, text, terms, result)
        fixes = [f.fix.rewrite for f in look.errors() if f.fix is not None and f.fix.rewrite is not None]
        if not fixes:
            return look
        rewritten, changes = _apply(text, fixes)
        after = self._assess(s, rewritten, terms, result)
        after.rewrites = changes
        return after

    def _assess(
        self, s: _Sentence, text: str, terms: TermOutcome | None, result: SegmentTranslation
    ) -> _Look:
        request = s.request
        if terms is not None:
            terms = replace(terms, missing=[e.en for e in check_terms(text, s.expected)])
        tags = inline.problems(request.source, text) if inline.has_placeholders(request.source) else {}
        plain_source, plain_text = inline.blank(request.source), inline.blank(text)
        if self.checks is not None:
            flags = self.checks.run(request.source, text, request.hints, request.direction)
        else:
            into_english = request.direction.target == "en"
            flags = _LATIN.kept(plain_source, plain_text, request.hints) if into_english else []
        degenerate = [f for f in result.findings if f.check == DEGENERATE]
        return _Look(text, terms, tags, flags, degenerate, result.confidence)

    # -- the judge: one repair request from every fix ---------------------------------------------

    def _judge(self, s: _Sentence, result: SegmentTranslation) -> TranslationRequest | None:
        """The repair to ask for after ``result`` (module docstring), or None."""
        look = self._look(s, result)
        s.first = s.kept = look
        request, engine = s.request, self.engine
        if look.problems() == len(look.degenerate):
            return None  # nothing a repair is for (the engine retried degenerate output itself)
        ask = request
        # What an engine checks and retries itself (``handles_markup``, ``handles_term_hints``) is
        # not asked for again.
        if look.tags and not engine.handles_markup:
            ask = replace(ask, strict_markup=True)
            s.reasons.append((MARKUP, f"inline markup ({inline.describe(request.source, look.tags)})"))
        if look.terms is not None and look.terms.missing and not engine.handles_term_hints:
            ask = replace(ask, strict_terms=True)
            s.reasons.append((TERMS, f"glossary terms ({', '.join(look.terms.missing)})"))
        errors = look.errors()
        if errors:
            from tarjama.checks import repair_request

            ask = repair_request(ask, errors)
            s.reasons += [(f.finding.check, f.finding.message) for f in errors]
        if not s.reasons:
            return None
        # An engine that reads no instructions gets a repair only when it changes its input or
        # what it may write; otherwise it would decode the same translation again.
        if not (
            engine.follows_notes
            or ask.avoid
            or ask.strict_markup
            or len(ask.hints) > len(request.hints)
            or (ask.strict_terms and not request.strict_terms and request.hints)
        ):
            s.note = Note("not repaired: the engine cannot be told more than it was", KEPT)
            s.reasons = []
            return None
        return ask

    # -- settling: the candidate kept, and what is recorded -----------------------------------------

    def _settle(self, s: _Sentence, judged: Judged) -> SegmentTranslation:
        result = judged.first
        if s.first is None:  # an engine that did not call the judge (it must): judge now
            self._judge(s, result)
        first, best = s.first, s.kept
        assert first is not None and best is not None
        request = s.request
        before = first.keys(request.source)
        doubled = len(doubled_spellings(first.text))
        chosen: SegmentTranslation | None = None
        rejected: list[str] = []
        # A repair's candidates are decoded side by side: its time is the longest of theirs.
        result.seconds += max((c.seconds for c in judged.candidates), default=0.0)
        for candidate in judged.candidates:
            look = self._look(s, candidate)
            new = sorted(k[1] for k in look.keys(request.source) - before)
            if len(doubled_spellings(look.text)) > doubled:
                new.append("a word written in two spellings")
            if new:
                rejected += new
                continue
            if look.rank() < best.rank():
                best, chosen = look, candidate
        reasons = "; ".join(text for _kind, text in s.reasons)
        kinds = {kind for kind, _text in s.reasons}
        checks_reasons = [text for kind, text in s.reasons if kind not in (MARKUP, TERMS)]
        if chosen is not None:
            result.text, result.confidence = best.text, chosen.confidence
            result.findings = [f for f in chosen.findings if f.check != DEGENERATE] + best.degenerate
            result.notes += chosen.notes
        else:
            result.text = best.text
        for was, now in best.rewrites:
            result.notes.append(Note(f"rewritten from the source: {was} → {now}", REPAIRED))
        if MARKUP in kinds:
            tags = next(text for kind, text in s.reasons if kind == MARKUP)
            result.notes.append(Note(f"retried: {tags}", RETRIED))
        if chosen is not None and TERMS in kinds:
            result.notes.append(Note("retranslated to enforce glossary terms", RETRIED))
        if checks_reasons and chosen is not None:
            result.notes.append(Note(f"repaired after checks ({'; '.join(checks_reasons)})", REPAIRED))
        elif judged.followup is not None and chosen is None and reasons:
            added = ", ".join(dict.fromkeys(rejected))
            why = f"; the repair was not kept: it adds {added}" if rejected else ""
            result.notes.append(
                Note(f"repair tried after checks ({reasons}); the first translation was kept{why}", KEPT)
            )
        if s.note is not None:
            result.notes.append(s.note)
        if best.terms is not None and first.terms is not None and judged.followup is not None:
            best.terms.retried = TERMS in kinds
        markup.ensure([request], [result])
        result.terms = best.terms
        result.findings = [f for f in result.findings if f.check not in _STAGE_KINDS]
        if self.checks is not None:
            result.findings += [flag.finding for flag in best.flags]
            if (low := low_confidence(result.confidence)) is not None:
                result.findings.append(low)
        if best.terms is not None and best.terms.missing:
            result.notes.append(Note(f"glossary terms missing: {', '.join(best.terms.missing)}"))
            result.findings += term_findings(request, best.terms.missing)
        return result


def _apply(text: str, fixes: Sequence[tuple[tuple[int, int], str]]) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with each (span, English) rewrite applied (overlapping ones skipped), and (was, now)."""
    taken: list[tuple[int, int]] = []
    chosen = []
    for (start, end), english in sorted(fixes):
        if any(a < end and start < b for a, b in taken):
            continue
        taken.append((start, end))
        chosen.append(((start, end), english))
    changes = [(text[a:b], english) for (a, b), english in chosen]
    for (start, end), english in sorted(chosen, reverse=True):
        text = text[:start] + english + text[end:]
    return text, changes
