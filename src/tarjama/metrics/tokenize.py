"""Word tokens for Arabic and English, shared by ROUGE and by summary sentence ranking.

One tokeniser for both languages, so a metric or a similarity never depends on knowing the
language of a text in advance:

1. the text is put into the normalised view (``tarjama.text.arabic``): diacritics, tatweel and
   invisible format characters removed, أ إ آ ٱ → ا, ى → ي, ة → ه, letters lower-cased. Two
   spellings of one Arabic word therefore give one token, and English is lower-cased exactly
   as ``rouge-score`` does;
2. the view is split on everything that is not a letter or a digit (so punctuation, the
   Arabic comma ، and quotation marks never stick to a word), and additionally where the
   script changes between Arabic and Latin: "لESA" (لـESA once tatweel is gone) gives
   "ل" and "esa" (``tarjama.text.arabic.TOKEN_RE``);
3. optionally (``strip_clitics=True``) each Arabic token loses its attached clitics
   (``tarjama.text.arabic.strip_clitics``), and lone clitic letters split off a Latin word are
   dropped. English tokens are never stemmed.

``rouge-score``'s default tokeniser keeps only ``[a-z0-9]``, so every Arabic text becomes
zero tokens and two identical Arabic summaries score 0; this one scores them 1.
"""

from __future__ import annotations

from tarjama.text import arabic

# Single letters that can only be clitics once split off a Latin word ("ل" of لـESA).
_CLITIC_LETTERS = frozenset(arabic.CONJUNCTIONS + arabic.PREPOSITIONS)


def tokenize(text: str, *, strip_clitics: bool = False) -> list[str]:
    """The word tokens of ``text`` (Arabic and/or English), in order; see the module docstring."""
    view = arabic.normalize_with_offsets(text)[0]
    tokens = arabic.TOKEN_RE.findall(view)
    if not strip_clitics:
        return tokens
    return [arabic.strip_clitics(tok) for tok in tokens if tok not in _CLITIC_LETTERS]
