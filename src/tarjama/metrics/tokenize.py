"""Word tokens for Arabic and English, shared by ROUGE and by summary sentence ranking.

One tokeniser for both languages, so a metric or a similarity never depends on knowing the
language of a text in advance:

1. the text is put into the glossary's normalised view (``tarjama.glossary.normalize``):
   diacritics, tatweel and invisible format characters removed, أ إ آ ٱ → ا, ى → ي, ة → ه,
   letters lower-cased. Two spellings of one Arabic word therefore give one token, and
   English is lower-cased exactly as ``rouge-score`` does;
2. the view is split on everything that is not a letter or a digit (so punctuation, the
   Arabic comma ، and quotation marks never stick to a word), and additionally where the
   script changes between Arabic and Latin: "لESA" (لـESA once tatweel is gone) gives
   "ل" and "esa";
3. optionally (``strip_clitics=True``) each Arabic token loses its attached clitics, see
   ``strip_clitics``. English tokens are never stemmed.

``rouge-score``'s default tokeniser keeps only ``[a-z0-9]``, so every Arabic text becomes
zero tokens and two identical Arabic summaries score 0; this one scores them 1.
"""

from __future__ import annotations

import re

from tarjama.glossary.normalize import normalize_with_offsets

# A run of letters/digits of one script: Arabic-block letters and digits, or any other
# letters/digits (Latin, accented Latin, ASCII digits). ``[^\W_]`` is "letter or digit".
_TOKEN = re.compile(r"[\u0621-\u064a\u0660-\u0669\u066e-\u06d3\u06fa-\u06ff]+|(?:(?![\u0600-\u06ff])[^\W_])+")
_ARABIC = re.compile(r"[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]")

# Clitic prefixes in the normalised view, longest first: conjunction و/ف, then preposition
# ب/ك/ل, then the article ال; ل + ال is written لل. A prefix is removed only when at least
# ``_MIN_STEM`` letters remain, so short words that merely start with these letters survive.
_ARTICLE_PREFIXES = ("وبال", "وكال", "فبال", "فكال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال")
_CONJUNCTIONS = ("و", "ف")
# Attached object/possessive pronouns, longest first. Number and gender endings (ات ون ين)
# are inflection, not clitics, and are left alone.
_PRONOUN_SUFFIXES = ("هما", "كما", "كم", "هم", "هن", "ها", "نا")
_MIN_STEM = 3
# Single letters that can only be clitics once split off a Latin word ("ل" of لـESA).
_CLITIC_LETTERS = frozenset("وفبلك")


def strip_clitics(token: str) -> str:
    """A normalised Arabic token without attached clitics (a light, prefix-first stemmer).

    The rules follow Larkey et al.'s *light10* prefixes, restricted to true clitics: the
    article with its conjunction/preposition (وال بال كال فال لل …) is removed when at
    least three letters remain; otherwise a bare conjunction و/ف is removed when at least
    four letters remain (so وصل "arrived" keeps its و). Then one attached pronoun (ها هم
    هما كم نا …) is removed when three letters remain, and a final ت left by it is turned
    back into the ه of the normalised taa marbuta (شراكتهما → شراكه, as شراكة).
    The rules are heuristics: a word whose own first letter is و or ف can lose it
    (وكالة → كاله); the remainder of a stripped word is stripped again, so at least every
    prefixed form of a word gives the same token as the word. Non-Arabic tokens are
    returned unchanged.
    """
    if not _ARABIC.match(token):
        return token
    stem = _strip_prefixes(token)
    for suffix in _PRONOUN_SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= _MIN_STEM:
            stem = stem[: -len(suffix)]
            if stem.endswith("ت"):
                stem = stem[:-1] + "ه"
            break
    return stem


def _strip_prefixes(word: str, depth: int = 2) -> str:
    """``word`` without clitic prefixes; the remainder is stripped again (``depth`` times).

    Stripping the remainder again is what makes the result the same for a word and its
    prefixed forms even when the word itself begins with و: وكالة, ووكالة and الوكالة all give
    one token.
    """
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            rest = word[len(prefix) :]
            return _strip_prefixes(rest, depth - 1) if depth else rest
    if word[:1] in _CONJUNCTIONS and len(word) - 1 >= _MIN_STEM + 1:
        rest = word[1:]
        return _strip_prefixes(rest, depth - 1) if depth else rest
    return word


# ``tokenize``'s keyword argument shadows the function's name inside it.
_light_stem = strip_clitics


def tokenize(text: str, *, strip_clitics: bool = False) -> list[str]:
    """The word tokens of ``text`` (Arabic and/or English), in order; see the module docstring.

    With ``strip_clitics`` Arabic tokens are light-stemmed and lone clitic letters split off
    a Latin word are dropped.
    """
    view = normalize_with_offsets(text)[0]
    tokens = _TOKEN.findall(view)
    if not strip_clitics:
        return tokens
    return [_light_stem(tok) for tok in tokens if tok not in _CLITIC_LETTERS]


def is_arabic_text(text: str) -> bool:
    """True when most letters of ``text`` are Arabic (used to pair summaries with references)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    return sum(1 for c in letters if _ARABIC.match(c) or "\u0600" <= c <= "\u06ff") / len(letters) > 0.5
