"""Glossary enforcement: make sure every expected term is in the translation, or say it is not.

For each segment the expected terms are the glossary entries matched in its source. A
translation (the engine's first, or a repair candidate) is enforced by ``enforce_text``:

1. known English variants are rewritten to the canonical form (deterministic, free);
2. what is still missing is recorded in the segment's term record (``TermOutcome``).

A segment still missing a term after the rewrite is asked for again, with ``strict_terms`` set
(the engine insists on the glossary): that request is part of the stages' one repair per
sentence (``tarjama.translate.stages``), together with lost tags and the checks' findings.
Whatever is still missing then becomes a ``terms`` finding and a note — never dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.glossary import GlossaryEntry
from tarjama.text.terms import check_terms, rewrite_variants
from tarjama.types import TermOutcome


def enforce_text(text: str, entries: Sequence[GlossaryEntry]) -> tuple[str, TermOutcome]:
    """``text`` with its glossary variants rewritten, and its term record against ``entries``."""
    outcome = TermOutcome(expected=[e.en for e in entries])
    if not entries:
        return text, outcome
    text, outcome.rewrites = rewrite_variants(text, entries)
    outcome.missing = [e.en for e in check_terms(text, entries)]
    return text, outcome
