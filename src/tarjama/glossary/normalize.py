"""The normalised view of Arabic text used for glossary matching, with offsets back to the original.

Matching never alters the text it is given. It works on a *view* in which spelling
variation that does not change the word is flattened: tatweel, diacritics (shadda included)
and invisible format characters (bidi marks, ZWNJ/ZWJ) are removed; أ إ آ ٱ become ا, ى becomes
ي, ة becomes ه (Persian ی and ک become ي and ك); every whitespace run becomes one space; letters
are lower-cased (for Latin-script names). Each view character remembers the index of the
original character it came from, so a span found in the view maps back exactly.
"""

from __future__ import annotations

import re
from array import array

TATWEEL = "\u0640"
# Harakat, shadda, sukun, superscript alef and Quranic annotation signs.
MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
# Format characters with no visible form: soft hyphen, Arabic letter mark, ZWNJ, ZWJ, LRM, RLM,
# LRE/RLE/PDF/LRO/RLO, word joiner, LRI/RLI/FSI/PDI, BOM.
INVISIBLE = "\u00ad\u061c\u200c-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_DROP_RE = re.compile(f"[{TATWEEL}{MARKS}{INVISIBLE}]+")
_EXTRA_SPACE_RE = re.compile(r"(?<= ) +")
# What may trail the last letter of a word and still belong to it.
TRAILING_RE = re.compile(f"[{TATWEEL}{MARKS}]*")

# Whitespace (including no-break and zero-width spaces) becomes a plain space, so a name broken
# across a line or typed with a no-break space still matches.
_SPACES = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
_TABLE: dict[int, str] = {ord(c): "ا" for c in "أإآٱ"}
_TABLE.update({ord("ى"): "ي", ord("ة"): "ه", ord("ی"): "ي", ord("ک"): "ك", 0x2010: "-", 0x2011: "-"})
_TABLE.update({cp: " " for cp in [*map(ord, _SPACES), *range(0x2000, 0x200C)]})


def is_arabic(ch: str) -> bool:
    """True for characters of the Arabic blocks (letters, and marks, which the view removes)."""
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\u08a0" <= ch <= "\u08ff"


def _drop(s: str, pattern: re.Pattern[str], base: array | None) -> tuple[str, array]:
    """Delete ``pattern``'s matches from ``s``; return the rest and, per kept char, its origin.

    Kept stretches are copied as slices, so text with few deletions costs little Python work.
    """
    parts: list[str] = []
    keep = array("l")
    pos = 0
    for m in pattern.finditer(s):
        if m.start() > pos:
            parts.append(s[pos : m.start()])
            keep.extend(range(pos, m.start()) if base is None else base[pos : m.start()])
        pos = m.end()
    parts.append(s[pos:])
    keep.extend(range(pos, len(s)) if base is None else base[pos:])
    return "".join(parts), keep


def normalize_with_offsets(text: str) -> tuple[str, array]:
    """Return the matching view of ``text`` and, for each view character, its index in ``text``."""
    s = text.translate(_TABLE)
    lower = s.lower()
    # A few characters lower-case to two (e.g. "İ"); keep those as they are so that the view
    # stays one character per original character before deletions.
    s = lower if len(lower) == len(s) else "".join(c if len(c.lower()) != 1 else c.lower() for c in s)
    s, offsets = _drop(s, _DROP_RE, None)
    return _drop(s, _EXTRA_SPACE_RE, offsets)


def normalize(text: str) -> str:
    """The matching view of ``text`` with surrounding space removed (for glossary forms)."""
    return normalize_with_offsets(text)[0].strip()


def match_key(form: str) -> tuple[str, bool]:
    """The automaton key of a glossary form and whether the form carries the article ال.

    The article is split off so one key serves "المريخ", "والمريخ" and "للمريخ" (where the
    article's alef disappears after ل); the matcher then requires the article in the text.
    """
    key = normalize(form)
    if key.startswith("ال") and len(key) > 3 and is_arabic(key[2]):
        return key[2:], True
    return key, False
