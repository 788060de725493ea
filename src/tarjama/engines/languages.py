"""Language codes of the many-to-many models (NLLB-200, M2M-100), shared by their two back-ends.

``language_codes`` tells the family from a vocabulary and the codes it has for tarjama's
languages; ``served`` the directions those codes allow; ``code`` one code, or one line saying
the model lacks it. ``SPECIAL`` matches what such a vocabulary holds besides text pieces.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from tarjama.errors import TarjamaError
from tarjama.types import AR_EN, EN_AR, Direction

# ISO 639-1 (tarjama's directions) → each family's language code.
CODES = {
    "nllb": {"ar": "arb_Arab", "en": "eng_Latn"},
    "m2m100": {"ar": "__ar__", "en": "__en__"},
}
# Tokens a many-to-many vocabulary has besides pieces: language codes and fairseq's fillers.
SPECIAL = re.compile(r"^(?:[a-z]{3}_[A-Z][a-z]{3}|__[a-z]{2,3}__|madeupword\d+|<s>|</s>|<pad>|<unk>|<mask>)$")


def language_codes(vocabulary: Collection[str]) -> tuple[str, dict[str, str]]:
    """The family a vocabulary belongs to and the codes it has for tarjama's languages."""
    for family, codes in CODES.items():
        present = {iso: code for iso, code in codes.items() if code in vocabulary}
        if present:
            return family, present
    return "unknown", {}


def served(codes: dict[str, str]) -> frozenset[Direction]:
    """The directions a model with these language codes translates."""
    return frozenset(d for d in (AR_EN, EN_AR) if d.source in codes and d.target in codes)


def code(codes: dict[str, str], language: str, where: object) -> str:
    """The model's code for ``language``, or one line saying the model lacks it."""
    if language not in codes:
        raise TarjamaError(
            f"{where}: the model has no language code for {language!r} (it has {codes or 'none'})"
        )
    return codes[language]
