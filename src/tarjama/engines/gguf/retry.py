"""The embedded engine's retry policy: what makes an output unusable, and how the retry asks again.

A first attempt is judged by ``find_issues``: degenerate output (empty, still Arabic, a loop,
chatter, far too long or short by ``tarjama.text.quality``'s one length rule, cut at the token
limit), plus the optional checks of ``EmbeddedConfig`` (leftover Arabic, invented names). Each
problem is an ``Issue`` of a typed ``Kind`` (the notes show ``str(issue)``). Missing glossary
terms and lost tags are not the engine's to retry: the stages after it ask for one repair per
sentence (``plan_repair`` says how it is decoded). Any issue triggers one retry, planned by
``plan_retry``:

* the glossary terms are written into the source in English and listed again as hints, and
  Latin-script names the first attempt dropped are added as hints (``TermHint(name, name)``);
* the words that stood in for a missing term ("Japanese" for Japan) are banned;
* a repetition penalty is used only when the first attempt was *degenerate* (looped, rambled,
  answered in Arabic…), because the penalty also discourages copying names;
* when the first attempt invented names, the retry is told not to add any;
* when it lost or misplaced inline-markup placeholders, the retry is a ``strict_markup``
  request (the prompt insists on the tags).

Into Arabic (a request whose ``direction`` is ``en-ar``) the same policy holds with the sides
swapped: the output must be Arabic (``still_english``), the glossary terms are its Arabic forms
(found the Arabic-aware way, ``tarjama.text.terms.ArabicTerm``), the English words of the source
are not names to copy, nothing is banned and no names are judged.

The retry decodes several candidates; ``choose`` keeps the one with the fewest issues (ties
go to the earlier one), and the retry wins over the first attempt only when it has fewer
issues or none. ``finish`` then trims a remaining loop and keeps the source when the model
gave nothing. What is still wrong is recorded in the segment's notes, never hidden.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from tarjama.document import inline
from tarjama.engines.gguf.prompts import NO_INVENT_NOTE
from tarjama.engines.injection import inject_terms
from tarjama.text import quality
from tarjama.text import terms as term_rule
from tarjama.text.arabic import has_arabic_word, latin_names
from tarjama.text.terms import ArabicTerm, Term
from tarjama.types import (
    AR_EN,
    DEGENERATE,
    REPAIRED,
    UNTRANSLATED,
    Direction,
    Finding,
    Note,
    TermHint,
    TranslationRequest,
)


class Kind(enum.Enum):
    """Why an output is not a usable translation; the value is the note's wording."""

    EMPTY = "empty output"
    STILL_ARABIC = "output is still in Arabic"
    STILL_ENGLISH = "output is still in English"
    LOOP = "repetition loop"
    CHATTER = "output contains emoji, hashtags or links not in the source"
    TOO_LONG = "too long"
    TOO_SHORT = "too short"
    TRUNCATED = "hit the token limit"
    TERMS_MISSING = "terms missing"
    ARABIC_LEFT = "Arabic words left untranslated"
    INVENTED_NAMES = "names not in the source"
    MARKUP = "inline markup placeholders"

    @property
    def degenerate(self) -> bool:
        """A broken output (as opposed to a usable one that lacks a term, adds a name or loses a tag)."""
        return self not in (Kind.TERMS_MISSING, Kind.INVENTED_NAMES, Kind.MARKUP)


@dataclass(frozen=True)
class Issue:
    kind: Kind
    detail: str = ""
    ratio: float = 0.0  # output/source letters and digits (quality.length_ratio), for TOO_LONG and TOO_SHORT

    def __str__(self) -> str:
        if self.kind is Kind.TOO_LONG:
            return f"output {self.ratio:.1f}x the source's letters"
        if self.kind is Kind.TOO_SHORT:
            return f"output only {self.ratio:.2f}x the source's letters"
        return f"{self.kind.value}: {self.detail}" if self.detail else self.kind.value


def degeneracy_issues(source: str, output: str, direction: Direction = AR_EN) -> list[Issue]:
    """The ways ``output`` is not a usable translation of ``source`` (see ``tarjama.text.quality``)."""
    if not output.strip():
        return [Issue(Kind.EMPTY)]
    found: list[Issue] = []
    if direction.target == "ar":
        if quality.still_english(source, output):
            found.append(Issue(Kind.STILL_ENGLISH))
    elif quality.still_arabic(output):
        found.append(Issue(Kind.STILL_ARABIC))
    if quality.find_loop(output) is not None:
        found.append(Issue(Kind.LOOP))
    if quality.has_chatter(source, output):
        found.append(Issue(Kind.CHATTER))
    verdict, ratio = quality.length_verdict(source, output)
    if verdict == "long":
        found.append(Issue(Kind.TOO_LONG, ratio=ratio))
    elif verdict == "short":
        found.append(Issue(Kind.TOO_SHORT, ratio=ratio))
    return found


def required_terms(request: TranslationRequest) -> list[Term | ArabicTerm]:
    """Glossary targets and Latin-script names the output must contain, in source order.

    Into Arabic: the glossary targets only, each an ``ArabicTerm`` (found the Arabic-aware way).
    """
    if request.direction.target == "ar":
        ordered = sorted(request.hints, key=lambda h: request.source.find(h.source))
        return list({h.target: ArabicTerm(h.target, h.kind, (h.target,)) for h in ordered}.values())
    found: dict[str, tuple[Term, int]] = {}
    for h in request.hints:
        found.setdefault(h.target, (Term(h.target, h.kind), request.source.find(h.source)))
    for name in latin_names(request.source):
        found.setdefault(name, (Term(name), request.source.find(name)))
    return [term for term, _ in sorted(found.values(), key=lambda item: item[1])]


@dataclass(frozen=True)
class Checks:
    """Optional checks that also trigger a retry (``EmbeddedConfig.check_*``)."""

    arabic_left: bool = False
    invented: bool = False


def find_issues(request: TranslationRequest, text: str, truncated: bool, checks: Checks) -> list[Issue]:
    """What makes ``text`` unusable as a translation of ``request``: degenerate output, and the
    optional checks of ``checks`` (missing terms and lost tags are the stages' repair)."""
    issues = degeneracy_issues(request.source, text, request.direction)
    if truncated:
        issues.append(Issue(Kind.TRUNCATED))
    if request.direction.target == "ar":
        return issues
    still_arabic = any(i.kind is Kind.STILL_ARABIC for i in issues)
    if checks.arabic_left and not still_arabic and has_arabic_word(text):
        issues.append(Issue(Kind.ARABIC_LEFT))
    if checks.invented:
        allowed = [h.target for h in request.hints]
        if invented := quality.invented_names(request.source, text, allowed):
            issues.append(Issue(Kind.INVENTED_NAMES, ", ".join(invented)))
    return issues


@dataclass(frozen=True)
class RetryPlan:
    """How to ask again: the stricter request and the decoding changes that go with it."""

    request: TranslationRequest
    degenerate: bool  # use the retry repetition penalty
    banned: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def plan_retry(
    request: TranslationRequest, text: str, issues: Sequence[Issue], required: Sequence[Term | ArabicTerm]
) -> RetryPlan:
    """The retry of ``request`` after a first attempt ``text`` with ``issues`` (module docstring)."""
    missing = term_rule.missing(text, required)
    if request.direction.target == "ar":
        stricter = replace(
            request, source=inject_terms(request.source, request.hints), strict_terms=True,
            strict_markup=any(i.kind is Kind.MARKUP for i in issues),
        )
        return RetryPlan(request=stricter, degenerate=any(i.kind.degenerate for i in issues))
    hinted = {h.target for h in request.hints}
    extra = tuple(TermHint(t.en, t.en) for t in missing if t.en not in hinted)
    stricter = replace(
        request, source=inject_terms(request.source, request.hints), hints=request.hints + extra,
        strict_terms=True, strict_markup=any(i.kind is Kind.MARKUP for i in issues),
    )
    invented = any(i.kind is Kind.INVENTED_NAMES for i in issues)
    return RetryPlan(
        request=stricter,
        degenerate=any(i.kind.degenerate for i in issues),
        banned=tuple(quality.near_misses(text, [t.en for t in missing])),
        notes=(NO_INVENT_NOTE,) if invented else (),
    )


def plan_repair(request: TranslationRequest, text: str) -> RetryPlan:
    """How the engine decodes a stage's repair ``request`` after a first translation ``text``: its
    hints written into the source in English (``inject_terms``), every required term insisted on,
    the words that stood in for a missing term ("Japanese" for Japan) banned with the request's
    own words to avoid, and its notes in the prompt."""
    required = required_terms(replace(request, source=inline.strip(request.source)))
    missing = term_rule.missing(text, required)
    stricter = replace(request, source=inject_terms(request.source, request.hints), strict_terms=True)
    banned = tuple(dict.fromkeys((*quality.near_misses(text, [t.en for t in missing]), *request.avoid)))
    return RetryPlan(request=stricter, degenerate=False, banned=banned, notes=request.notes)


def choose(checked: Sequence[tuple[str, list[Issue]]]) -> tuple[str, list[Issue]]:
    """The candidate with the fewest issues; ties go to the earlier one (the greedy retry)."""
    return min(checked, key=lambda c: len(c[1]))


# What an output the model left empty becomes (a ``degenerate`` finding, and a note).
NO_OUTPUT = "the model gave no output; the source is kept"


def findings(issues: Sequence[Issue], kept_source: bool) -> list[Finding]:
    """The ``degenerate`` findings for what the retry left wrong (broken output; the stages after
    the engine judge terms, tags and names themselves)."""
    found = [Finding(DEGENERATE, str(i)) for i in issues if i.kind.degenerate]
    if kept_source:
        found.append(Finding(DEGENERATE, NO_OUTPUT))
    return found


def finish(
    request: TranslationRequest, text: str, issues: list[Issue], recheck
) -> tuple[str, list[Issue], list[Note]]:
    """Last repairs after the retry: trim a loop, keep the source for an empty output.

    ``recheck(text)`` judges a repaired text again. Returns the text, its remaining issues and
    the notes describing the repairs.
    """
    notes: list[Note] = []
    if any(i.kind is Kind.LOOP for i in issues):
        text = quality.trim_loop(text)
        notes.append(Note("trimmed a repetition loop", REPAIRED))
        issues = recheck(text)
    if not text.strip():
        text = request.source
        notes.append(Note(f"untranslated: {NO_OUTPUT}", UNTRANSLATED))
        issues = []
    return text, issues, notes
