"""Text people or other tools hand in — an approval, an editor's name, another memory's unit —
under the glossary's text rules, in one place.

* A **control character** (``textio.CONTROL_RE``: NUL, BEL, ESC, …) refuses the text: it is
  invisible, no text holds it, and an approval would write it into every later translation.
* **Bidi controls** (U+200E/F, U+202A–E, U+2066–9: ``arabic.BIDI_CONTROLS``) are removed and
  reported: invisible, they reorder what a reader sees (U+202E shows "evil" as "live").
* A **target in the source's script** (``arabic_target``: more than half the English's
  letters are Arabic, ``arabic.is_arabic_text``) is not a translation: CAT tools store untranslated
  segments with the source copied into the target, and a unit whose languages are swapped
  looks the same. It is never a human approval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tarjama.errors import TarjamaError
from tarjama.text.arabic import BIDI_CONTROLS, is_arabic_text
from tarjama.text.textio import CONTROL_RE, control_name

BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")


@dataclass(frozen=True)
class Cleaned:
    """A field's text with its bidi controls removed, and which were removed (``U+202E``…)."""

    text: str
    removed: tuple[str, ...] = ()

    def note(self, what: str) -> str | None:
        """The report of the removal, or None when nothing was removed."""
        if not self.removed:
            return None
        return (f"removed the bidi control character(s) {', '.join(self.removed)} from {what} "
                "(invisible, they reorder what a reader sees)")


def control_problem(text: str, what: str) -> str | None:
    """The one-line refusal of ``text`` when it holds a control character, else None."""
    m = CONTROL_RE.search(text)
    if m is None:
        return None
    count = len(CONTROL_RE.findall(text))
    more = f" ({count} control characters in all)" if count > 1 else ""
    return (f"{what} holds the control character {control_name(m.group())} at character {m.start() + 1}"
            f"{more}; delete it (it is invisible and no text holds it)")


def clean_field(text: str, what: str) -> Cleaned:
    """``text`` under the rules above; a ``TarjamaError`` naming ``what`` for a control character."""
    problem = control_problem(text, what)
    if problem is not None:
        raise TarjamaError(problem)
    found = BIDI_RE.findall(text)
    if not found:
        return Cleaned(text)
    return Cleaned(BIDI_RE.sub("", text), tuple(sorted({f"U+{ord(c):04X}" for c in found})))


def arabic_target(target: str) -> bool:
    """The English of an Arabic source is in Arabic script: a copy of the source, or a swapped unit."""
    return is_arabic_text(target)  # most letters Arabic: an English sentence may still quote a word
