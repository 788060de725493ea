"""Names and terms learned from approvals: glossary entries the editors' work proposes.

A name that editors approved the same way in several sentences is a glossary entry waiting to
be written: the next translation should not have to guess it again. ``suggest_terms`` reads the
memory's standing approvals (Arabic into English) and proposes each such pair once:

1. **English names**: runs of capitalised words in the approved English ("Ri Yong Ho",
   "Senate Judiciary Committee"), function words at the start dropped (``english_names``);
   a name needs ``MIN_SUPPORT`` approvals (2) that contain it.
2. **Its Arabic**: among the word n-grams (1–4 words, neither starting nor ending with a function
   word such as في or من) of those approvals' Arabic, compared on the normalised view with
   proclitics stripped from the first word (و، ب، ل، ال …), the one that occurs with the name
   most exclusively: Dice's coefficient of the two sets of approvals (2·both / (with the Arabic
   + with the English)) at least ``MIN_DICE`` (0.8), the Arabic in at least ``MIN_SUPPORT`` of
   them. Ties — every n-gram of two sentences that share nothing else scores 1 — go to the one
   that *sounds* most like the name (``sound_alike``: consonant skeletons of the Arabic and the
   English compared, so "كافانو" finds "Kavanaugh"), then to the longer one; with only
   ``MIN_SUPPORT`` approvals a Latin-script name also needs its Arabic to sound like it
   (``MIN_SOUND``), since two sentences alone cannot tell a name from its neighbours. The
   entry's Arabic is the n-gram as most approvals write it, without its conjunction or
   preposition.
3. **What the glossary already has** is left out: an English the glossary already gives as a
   target, or an Arabic the glossary already matches as a whole.

Nothing is written here: a suggestion becomes an entry only when a person accepts it (the
review page's glossary pane, ``tarjama glossary suggest --accept``), through the same checks
and lint as any added entry.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tarjama.text.arabic import TOKEN_RE, is_arabic_letter, normalize, strip_prefixes

if TYPE_CHECKING:
    from tarjama.glossary import Glossary
    from tarjama.memory.store import Approval

MIN_SUPPORT = 2
MIN_DICE = 0.8
MAX_WORDS = 4
MIN_SOUND = 0.5
# Words that begin a capitalised run without being part of a name.
FUNCTION_WORDS = frozenset([
    "The", "A", "An", "In", "On", "At", "By", "To", "From", "With", "Without", "Of", "For", "But",
    "And", "Or", "Nor", "So", "Yet", "If", "As", "When", "While", "After", "Before", "Since", "Until",
    "Because", "Although", "Though", "He", "She", "It", "They", "We", "I", "You", "His", "Her", "Its",
    "Their", "Our", "My", "Your", "This", "That", "These", "Those", "There", "Here", "What", "Which",
    "Who", "Whom", "Whose", "Why", "How", "Where", "Some", "Many", "Much", "Most", "More", "Any",
    "All", "Each", "Every", "Both", "Either", "Neither", "No", "Not", "Yes", "Now", "Then", "Also",
    "Still", "Even", "Just", "Only", "Last", "Next", "First", "One", "Two", "Three", "Mr", "Mrs", "Ms",
    "Dr", "However", "Meanwhile", "According", "During", "Despite", "Under", "Over", "Among",
    "Between", "Did", "Do", "Does", "Is", "Are", "Was", "Were", "Be", "Been", "Has", "Have", "Had",
    "Will", "Would", "Can", "Could", "Should", "May", "Might", "Must", "Let", "Please", "Thank",
    "Remember", "Hundreds", "Thousands", "Millions", "Dozens",
])
# Capitalised words that are no glossary material: days and months.
CALENDAR = frozenset([
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
])
# Arabic function words an n-gram may not start or end with (normalised): a name is not "في X".
ARABIC_FUNCTION = frozenset(normalize(w) for w in [
    "من", "في", "على", "إلى", "عن", "أن", "إن", "مع", "ما", "لا", "لم", "لن", "قد", "التي", "الذي",
    "الذين", "هذا", "هذه", "ذلك", "تلك", "كان", "كانت", "يوم", "عام", "بعد", "قبل", "حول", "بين",
    "عند", "منذ", "خلال", "أو", "ثم", "كما", "حيث", "وقال", "قال", "قالت", "أمس", "اليوم",
])
_CAPITAL_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+(?:the\s+)?|de\s+|al-)?[A-Z][\w'’.-]*)*")
# Kinds guessed from the name's words (the editor can change it before accepting).
_ORGANISATION = re.compile(r"\b(Agency|Committee|Court|Ministry|Council|Party|Union|Organi[sz]ation|Bank|"
                           r"Company|Corporation|Institute|University|Association|Department|Office|"
                           r"Commission|Senate|Congress|Parliament|Assembly|Police|Army|Forces|Group)\b")
_PLACE = re.compile(r"\b(Island|Islands|Province|City|State|Republic|Kingdom|Sea|River|Mountain|Valley)\b")


def english_names(text: str) -> list[str]:
    """The names an English sentence holds (capitalised runs, module docstring), each once, in order."""
    found: list[str] = []
    for m in _CAPITAL_RUN.finditer(text):
        words = m.group(0).split()
        while words and words[0].strip("'’.") in FUNCTION_WORDS:
            words = words[1:]
        name = " ".join(words).rstrip(".'’,")
        for tail in ("'s", "’s"):
            if name.endswith(tail):
                name = name[: -len(tail)]
        if len(name) >= 2 and name not in found and not name.isdigit() and name not in CALENDAR:
            found.append(name)
    return found


@dataclass
class TermSuggestion:
    """A proposed glossary entry, with the approvals that show it."""

    ar: str
    en: str
    kind: str
    support: int  # approvals holding both
    dice: float
    examples: list[tuple[str, str]] = field(default_factory=list)  # (Arabic, English) of a few of them

    def to_dict(self) -> dict[str, object]:
        return {"ar": self.ar, "en": self.en, "kind": self.kind, "support": self.support,
                "dice": round(self.dice, 2), "examples": [list(e) for e in self.examples]}


@dataclass(frozen=True)
class _Word:
    key: str  # normalised, proclitics (and the article) stripped: the first word of an n-gram
    view: str  # normalised as written: any later word of an n-gram
    surface: str  # as written, its conjunction or preposition stripped, its article kept
    written: str  # as written


def _words(source: str, seen: Counter[str]) -> list[_Word]:
    """The words of an Arabic sentence (``_Word``); ``seen`` counts every normalised word of the
    approvals: a lone و or ف is a conjunction only when the rest of the word is a word of its own
    somewhere (فيسبوك keeps its ف, وكوريا loses its و)."""
    out = []
    for m in TOKEN_RE.finditer(source):
        written = m.group(0)
        view = normalize(written)
        if not is_arabic_letter(view[:1]):
            out.append(_Word(view, view, written, written))
            continue
        stem = strip_prefixes(view)
        if view[:1] in "وف" and stem == view[1:] and not seen[stem] and seen[view]:
            stem = view
        prefix = view[: len(view) - len(stem)]
        article = prefix.endswith(("ال", "لل"))  # ل + ال is written لل
        # Normalising keeps letters one for one here (only marks and tatweel go, rare in news).
        rest = written[len(prefix):] if len(normalize(written[len(prefix):])) == len(stem) else stem
        out.append(_Word(stem, view, ("ال" if article else "") + rest, written))
    return out


def _grams(words: list[_Word]) -> dict[tuple[str, ...], str]:
    """Every 1–MAX_WORDS word n-gram of a sentence that neither starts nor ends with a function
    word: its key (the first word's ``key``, then the others' views) → its surface."""
    grams: dict[tuple[str, ...], str] = {}
    for i in range(len(words)):
        if words[i].view in ARABIC_FUNCTION or words[i].key in ARABIC_FUNCTION:
            continue
        for n in range(1, MAX_WORDS + 1):
            if i + n > len(words):
                break
            last = words[i + n - 1]
            if n > 1 and last.view in ARABIC_FUNCTION:
                continue
            key = (words[i].key, *(w.view for w in words[i + 1 : i + n]))
            grams.setdefault(key, " ".join([words[i].surface, *(w.written for w in words[i + 1 : i + n])]))
    return grams


# Consonant classes: Arabic letters and English spellings that sound alike fall in one class.
_ARABIC_SOUND = str.maketrans({
    "ب": "B", "ت": "T", "ث": "T", "ج": "J", "ح": "H", "خ": "K", "د": "T", "ذ": "S", "ر": "R", "ز": "S",
    "س": "S", "ش": "J", "ص": "S", "ض": "T", "ط": "T", "ظ": "S", "ع": "", "غ": "K", "ف": "F", "ق": "K",
    "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "H", "ة": "", "ء": "", "ا": "", "أ": "", "إ": "",
    "آ": "", "ى": "", "و": "", "ي": "", "ئ": "", "ؤ": "", "پ": "B", "چ": "J", "ڤ": "F", "گ": "K",
})
_ENGLISH_SOUND = [("ph", "F"), ("sh", "J"), ("ch", "J"), ("th", "T"), ("gh", ""), ("ck", "K"), ("qu", "K"),
                  ("x", "KS"), ("p", "B"), ("b", "B"), ("t", "T"), ("d", "T"), ("s", "S"), ("z", "S"),
                  ("c", "K"), ("k", "K"), ("q", "K"), ("g", "K"), ("j", "J"), ("f", "F"), ("v", "F"),
                  ("l", "L"), ("m", "M"), ("n", "N"), ("r", "R"), ("h", "H")]


def _skeleton_ar(text: str) -> str:
    return "".join(normalize(w).translate(_ARABIC_SOUND) for w in text.split())


def _skeleton_en(text: str) -> str:
    out, text, i = [], text.lower(), 0
    while i < len(text):
        for spelling, sound in _ENGLISH_SOUND:
            if text.startswith(spelling, i):
                out.append(sound)
                i += len(spelling)
                break
        else:
            i += 1  # vowels, w, y, spaces and punctuation carry no consonant
    return "".join(out)


def sound_alike(arabic: str, english: str) -> float:
    """How alike an Arabic phrase and an English name sound: 0–1, their consonant skeletons'
    normalised similarity (rapidfuzz ``ratio``)."""
    from rapidfuzz import fuzz

    a, e = _skeleton_ar(arabic), _skeleton_en(english)
    return fuzz.ratio(a, e) / 100 if a and e else 0.0


def guess_kind(name: str) -> str:
    if _ORGANISATION.search(name):
        return "organisation"
    if _PLACE.search(name):
        return "place"
    return "person" if len(name.split()) >= 2 else "concept"


def suggest_terms(approvals: Iterable[Approval], glossary: Glossary | None = None) -> list[TermSuggestion]:
    """Glossary entries the approvals propose (module docstring), most supported first."""
    pairs = [(a.source, a.translation) for a in approvals if a.direction == "ar-en"]
    names_in: dict[str, set[int]] = defaultdict(set)
    grams_in: dict[tuple[str, ...], set[int]] = defaultdict(set)
    surfaces: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    seen: Counter[str] = Counter(
        normalize(m.group(0)) for source, _ in pairs for m in TOKEN_RE.finditer(source))
    for k, (source, target) in enumerate(pairs):
        for name in english_names(target):
            names_in[name].add(k)
        for key, surface in _grams(_words(source, seen)).items():
            grams_in[key].add(k)
            surfaces[key][surface] += 1
    targets = {e.en for e in glossary.entries} if glossary is not None else set()
    found: list[TermSuggestion] = []
    taken: set[tuple[str, ...]] = set()
    sentence_grams = [_grams(_words(source, seen)) for source, _ in pairs]
    for name, with_name in sorted(names_in.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(with_name) < MIN_SUPPORT or name in targets:
            continue
        best: tuple[float, float, int, tuple[str, ...]] | None = None
        latin = name.isascii()
        candidates: set[tuple[str, ...]] = set()
        for k in with_name:
            candidates.update(sentence_grams[k])
        for key in candidates:
            with_gram = grams_in[key]
            both = len(with_gram & with_name)
            if both < MIN_SUPPORT or any(not w.strip() for w in key):
                continue
            dice = 2 * both / (len(with_gram) + len(with_name))
            if dice < MIN_DICE:
                continue
            sound = sound_alike(" ".join(key), name) if latin and is_arabic_letter(key[0][:1]) else 1.0
            if both <= MIN_SUPPORT and sound < MIN_SOUND:
                continue
            # A name that sounds like its Arabic (a transliteration) prefers the n-gram that sounds
            # most like it; a translated name ("Supreme Court") the longest.
            rank = (round(dice, 6), round(sound, 1) if sound >= MIN_SOUND else 0.0, len(key), key)
            if best is None or rank > best:
                best = rank
        if best is None or best[3] in taken:
            continue
        dice, _, _, key = best
        surface = surfaces[key].most_common(1)[0][0]
        # The glossary already knows this Arabic (as a whole: knowing a part of a name is not knowing it).
        if glossary is not None and any(m.end - m.start >= len(surface) for m in glossary.match(surface)):
            continue
        taken.add(key)
        both_ids = sorted(grams_in[key] & with_name)
        found.append(TermSuggestion(surface, name, guess_kind(name), len(both_ids), dice,
                                    [pairs[k] for k in both_ids[:3]]))
    return sorted(found, key=lambda s: (-s.support, -s.dice, s.en))
