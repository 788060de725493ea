"""Which language a text is written in, from its script, and the direction of a run.

The one place a run's direction is decided when the user does not state it (every command,
the Python API, the sentence splitter):

* ``detect_language``: ``ar`` when most letters are Arabic script
  (``tarjama.text.arabic.arabic_share`` > 0.5), ``en`` when most are Latin script, None when
  the text has no letters at all; a text mostly in another script (Cyrillic, Han …) is
  neither, and is refused by ``resolve_direction``.
* ``source_language``: the same, as the language a document is read in (``ar`` or ``en``):
  what counts as a sentence to translate and what is left as it is (``tarjama.document.model``).
* ``resolve_direction``: ``--source``/``--target`` as given (one of them is enough: tarjama
  translates between Arabic and English), else the input's language; a stated source that
  contradicts the input's script is refused in one line, since translating English as if it
  were Arabic only wastes a run.
"""

from __future__ import annotations

import re

from tarjama.errors import TarjamaError
from tarjama.text.arabic import arabic_share, count
from tarjama.types import AR_EN, EN_AR, Direction

LANGUAGES = ("ar", "en")
NAMES = {"ar": "Arabic", "en": "English"}
DIRECTIONS = {str(AR_EN): AR_EN, str(EN_AR): EN_AR}
# Latin letters, accented ones included (names such as "Müller" in English text).
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ANY_LETTER = re.compile(r"[^\W\d_]")
# What is not prose, whatever the language around it: inline code, tags and autolinks, link
# targets, web and mail addresses (``detect_language`` reads the rest).
_NOT_PROSE = re.compile(r"`[^`\n]*`|<[^>\n]*>|\]\([^)\n]*\)|https?://\S+|www\.\S+|\S+@\S+")
# Enough text to tell the script of a document; reading further changes nothing.
_SAMPLE = 200_000


def detect_language(text: str) -> str | None:
    """``ar`` or ``en`` by the script most letters of ``text``'s prose are in (code, tags, links
    and addresses left out); None without letters.

    A text whose letters are mostly neither Arabic nor Latin gives ``"other"``.
    """
    sample = _NOT_PROSE.sub(" ", text[:_SAMPLE])
    letters = count(_ANY_LETTER, sample)
    if not letters:
        return None
    share = arabic_share(sample)
    if share > 0.5:
        return "ar"
    latin = count(_LATIN, sample) / letters
    return "en" if latin >= share and latin > 0.5 else "other"


def source_language(text: str, default: str = "ar") -> str:
    """The language (``ar`` or ``en``) a document of ``text`` is translated out of: its script,
    else ``default`` (no letters, or another script)."""
    found = detect_language(text)
    return found if found in LANGUAGES else default


def direction_from(source: str) -> Direction:
    """The direction that translates out of ``source`` (``ar`` → ar-en, ``en`` → en-ar)."""
    return AR_EN if source == "ar" else EN_AR


def parse_direction(text: str) -> Direction:
    """``ar-en`` or ``en-ar`` (also written ``ar→en``) as a direction; anything else is refused."""
    direction = Direction.parse(text.strip().lower())
    if str(direction) not in DIRECTIONS:
        raise TarjamaError(f"direction {text!r}: tarjama translates ar-en or en-ar; give one of them")
    return DIRECTIONS[str(direction)]


def stated_direction(source: str | None, target: str | None) -> Direction | None:
    """The direction ``--source``/``--target`` state (either is enough), or None when neither is given."""
    for side, value in (("--source", source), ("--target", target)):
        if value is not None and value not in LANGUAGES:
            raise TarjamaError(f"{side} {value}: tarjama translates between ar (Arabic) and en (English)")
    if source is not None and target is not None and source == target:
        raise TarjamaError(f"--source and --target are both {source}; one must be ar and the other en")
    if source is not None:
        return direction_from(source)
    if target is not None:
        return direction_from("en" if target == "ar" else "ar")
    return None


def resolve_direction(
    text: str, where: str, *, source: str | None = None, target: str | None = None
) -> Direction:
    """The run's direction: as stated, else from ``text``'s script (module docstring).

    ``where`` names the input in errors (a file path, "text 2").
    """
    stated = stated_direction(source, target)
    found = detect_language(text)
    if found == "other":
        raise TarjamaError(
            f"{where}: the text is neither Arabic nor English (most letters are in another script); "
            "tarjama translates between Arabic and English"
        )
    if stated is not None:
        if found is not None and found != stated.source:
            raise TarjamaError(
                f"{where}: the text is {NAMES[found]}, but the run translates from {NAMES[stated.source]} "
                f"({stated}); give --source {found} or leave --source/--target out to detect it"
            )
        return stated
    if found is None:
        return AR_EN  # nothing to translate; the default direction costs nothing
    return direction_from(found)
