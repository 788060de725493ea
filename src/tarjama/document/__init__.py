"""Documents: what is translated and what a run produced.

``model`` parses text, Markdown and the formats' pieces into paragraphs and segments and puts
translations back with the source's layout; ``inline`` turns inline markup into numbered
placeholders and back; ``markdown`` reads Markdown's inline syntax; ``requests`` makes every
segment an engine request with its glossary hints; ``record`` is the translation record (the
JSONL, the ``.meta.json``) and the one "needs review" rule.
"""
