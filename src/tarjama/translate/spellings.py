"""One English spelling per Arabic name: a stage of the run over whole documents.

A model spells the same Arabic name two ways in one article (Hakamada, Hakameda). When the
names check runs, ``NameSpellings.unify`` looks at a finished job's sentences in document
order, and finds each name's Arabic the way the names check does
(``tarjama.text.names.align_names``: the normalised stem of the Arabic word it transliterates):

* the first spelling wins — a person's approved translation in the job first (an approval is
  never changed), then the machine's in document order (a name the glossary fixes is the
  glossary's: its English is enforced everywhere and is not looked at here);
* a later machine sentence with another spelling of the same Arabic name is rewritten to the
  winning one, with a note naming both; its findings' spans move with the text;
* two approvals that disagree are left as they are, with a ``names`` warning on the later one.

``Translator(consistent_names="run")`` keeps one ``NameSpellings`` for a whole run (a batch),
so that a name is spelt as the first document spelt it; by default each job starts afresh. In a
run, the sentences handed to the engine after a spelling is known get it as a hint (``hinted``:
the Arabic word's English, written into the model's input as a glossary term is), so that most
of them need no rewrite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tarjama.checks.countries import english_country_spans
from tarjama.text.arabic import normalize
from tarjama.text.names import align_names, arabic_words
from tarjama.types import REPAIRED, WARNING, Finding, Note, SegmentTranslation, TermHint, TranslationRequest

if TYPE_CHECKING:
    from tarjama.document.requests import PreparedSegment

NAMES = "names"


@dataclass(frozen=True)
class Spelling:
    """The English spelling a name has in a run, and where it comes from (``approval``, ``machine``)."""

    english: str
    origin: str
    where: int  # the sentence (in its job) that first spelt it


class NameSpellings:
    """The spellings of names seen so far (module docstring)."""

    def __init__(self) -> None:
        self.known: dict[str, Spelling] = {}

    def unify(self, prepared: Sequence[PreparedSegment], results: Sequence[SegmentTranslation]) -> int:
        """Make ``results`` (one per prepared segment, in document order) spell each name one way,
        in place; returns how many spellings were rewritten."""
        aligned = [_names(p, r) for p, r in zip(prepared, results, strict=True)]
        for i, (r, names) in enumerate(zip(results, aligned, strict=True)):
            if r.origin == "human":
                for key, (start, end) in names:
                    self._register(key, r.text[start:end], "approval", i, r)
        rewritten = 0
        for i, (r, names) in enumerate(zip(results, aligned, strict=True)):
            if r.origin == "human" or not r.text:
                continue
            changes: list[tuple[int, int, str, Spelling]] = []
            for key, (start, end) in names:
                word = r.text[start:end]
                known = self.known.get(key)
                if known is None:
                    self.known[key] = Spelling(word, "machine", i)
                elif known.english.lower() != word.lower():
                    changes.append((start, end, word, known))
            for start, end, word, known in sorted(changes, reverse=True):
                _rewrite(r, start, end, known.english)
                source = "an approved translation" if known.origin == "approval" else "an earlier sentence"
                r.notes.append(Note(f"name spelt as in {source}: {word} → {known.english}", REPAIRED))
                rewritten += 1
        return rewritten

    def hinted(self, request: TranslationRequest) -> TranslationRequest:
        """``request`` with a name hint (the known spelling) for each Arabic word of a known name
        that no hint covers yet."""
        if not self.known:
            return request
        taken = [(h.start, h.end) for h in request.hints if h.start >= 0]
        added = []
        for word in arabic_words(request.source):
            spelling = next((self.known[k] for r in word.readings if (k := normalize(r)) in self.known), None)
            if spelling is None or any(a < word.end and word.start < b for a, b in taken):
                continue
            added.append(TermHint(word.text, spelling.english, "name", word.start, word.end))
            taken.append((word.start, word.end))
        return replace(request, hints=request.hints + tuple(added)) if added else request

    def _register(self, key: str, word: str, origin: str, where: int, result: SegmentTranslation) -> None:
        known = self.known.get(key)
        if known is None:
            self.known[key] = Spelling(word, origin, where)
        elif known.english.lower() != word.lower():
            result.findings.append(
                Finding(NAMES, f"name spelt two ways: {word} here, {known.english} before", severity=WARNING)
            )


def _names(p: PreparedSegment, r: SegmentTranslation) -> list[tuple[str, tuple[int, int]]]:
    """(Arabic key, English span) of each transliterated name of a result."""
    if not r.text:
        return []
    request = p.request
    matches = align_names(
        request.source, r.text, [h.target for h in request.hints], english_country_spans(r.text)
    )
    return [
        (m.key, (m.token.start, m.token.end))
        for m in matches
        if m.how in ("skeleton", "romanizer") and m.key
    ]


def _rewrite(r: SegmentTranslation, start: int, end: int, english: str) -> None:
    """Replace ``r.text[start:end]`` with ``english``; findings after it move with the text."""
    delta = len(english) - (end - start)
    r.text = r.text[:start] + english + r.text[end:]
    moved = []
    for f in r.findings:
        if f.target is not None and f.target[0] >= end:
            f = replace(f, target=(f.target[0] + delta, f.target[1] + delta))
        moved.append(f)
    r.findings = moved
