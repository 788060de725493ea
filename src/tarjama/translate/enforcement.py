"""Glossary enforcement: make sure every expected term is in the translation, or say it is not.

For each segment the expected terms are the glossary entries matched in its source. After
the engine's first attempt:

1. known English variants are rewritten to the canonical form (deterministic, free);
2. segments still missing a term are translated again with ``strict_terms`` set (the
   engine insists on the glossary), and the attempt with fewer misses is kept, again with
   variants rewritten;
3. whatever is still missing is recorded in the segment's term record (``TermOutcome``), from
   which the run reports it as a ``terms`` finding and a note — never dropped silently.

The variant rewrite comes first because it costs nothing and often makes a retry unneeded;
the retry is only paid for terms a rewrite cannot fix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from tarjama.glossary import GlossaryEntry
from tarjama.text.terms import check_terms, rewrite_variants
from tarjama.types import RETRIED, Note, SegmentTranslation, TermOutcome, TranslationRequest


def enforce(
    requests: Sequence[TranslationRequest],
    results: list[SegmentTranslation],
    expected: Sequence[Sequence[GlossaryEntry]],
    retranslate: Callable[[Sequence[TranslationRequest]], list[SegmentTranslation]] | None,
) -> list[TermOutcome]:
    """Repair ``results`` in place against ``expected`` terms; return one outcome per segment.

    ``retranslate`` is None for engines that already retried with the hints themselves.
    """
    outcomes: list[TermOutcome] = []
    retry_idx: list[int] = []
    for i, (result, terms) in enumerate(zip(results, expected, strict=True)):
        outcome = TermOutcome(expected=[e.en for e in terms])
        if terms:
            result.text, outcome.rewrites = rewrite_variants(result.text, terms)
            outcome.missing = [e.en for e in check_terms(result.text, terms)]
            if outcome.missing:
                retry_idx.append(i)
        outcomes.append(outcome)
    if retry_idx and retranslate is not None:
        strict = [replace(requests[i], strict_terms=True) for i in retry_idx]
        for i, second in zip(retry_idx, retranslate(strict), strict=True):
            outcome = outcomes[i]
            outcome.retried = True
            text, rewrites = rewrite_variants(second.text, expected[i])
            missing = [e.en for e in check_terms(text, expected[i])]
            if len(missing) < len(outcome.missing):
                results[i].text = text
                results[i].findings = list(second.findings)
                results[i].notes = [
                    *results[i].notes,
                    *second.notes,
                    Note("retranslated to enforce glossary terms", RETRIED),
                ]
                outcome.missing, outcome.rewrites = missing, rewrites
            results[i].seconds += second.seconds
    return outcomes
