"""Which language each side of a report is in: a column's ``lang``/``dir`` and its label.

Arabic text is laid out right to left (``lang="ar" dir="rtl"``, the Arabic font of the
stylesheet), English left to right, whichever of them is the source: an English→Arabic report
shows its Arabic translation right to left and its English source left to right.
"""

from __future__ import annotations

LABELS = {"ar": "العربية", "en": "English"}


def attrs(language: str) -> str:
    """The HTML attributes of an element holding text in ``language`` (``ar`` or ``en``)."""
    return 'lang="ar" dir="rtl"' if language == "ar" else 'lang="en" dir="ltr"'


def label(language: str, role: str) -> str:
    """A column heading: "English", or "العربية — المصدر" for the Arabic source."""
    if language == "ar":
        return LABELS["ar"] + (" — المصدر" if role == "source" else " — الترجمة")
    return LABELS["en"] + (" — source" if role == "source" else "")
