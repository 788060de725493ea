"""Fidelity checks: one module per check over a small base (``base``), and the registry ``CHECKS``.

=============  =================================================================================
name           module
=============  =================================================================================
numbers        ``numbers``: numbers, years, decades and months (``tarjama.text.numbers`` reads both sides)
weekdays       ``weekdays``: the days of the week
units          ``units``: currencies, units of measure and per cent after the numbers
names          ``names``: Latin-script names kept; invented names (a warning)
countries      ``countries``: countries and nationalities, CLDR names (Babel) and derived nisbas
length         ``length``: omission or addition, by the length band of human translations
untranslated   ``untranslated``: Arabic words left in the English
=============  =================================================================================

The pipeline (after glossary enforcement), ``tarjama check`` and the reports iterate the
registry; a new check is a new module and one line here. English→Arabic runs use the checks of
``CHECKS_EN_AR`` (``tarjama.checks.en_ar``: the same names, the sides swapped; no names check):
``Checker.run`` takes the direction of the request it judges. ``Checker`` runs a selection of them
and ``repair_request`` turns the fixes of a sentence's flags into the one more request a
repair sends to the engine: the notes for an LLM's prompt, the hints written into every
engine's input (set ``strict_terms``, as a glossary retry does), and the words to avoid.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from tarjama.checks.base import Check, Fix, Flag
from tarjama.document import inline
from tarjama.errors import TarjamaError
from tarjama.registry import Registry
from tarjama.types import AR_EN, ERROR, WARNING, Direction, Finding, TermHint, TranslationRequest

CHECKS: Registry[type[Check]] = Registry(
    "check",
    {
        "numbers": "tarjama.checks.numbers:NumberCheck",
        "weekdays": "tarjama.checks.weekdays:WeekdayCheck",
        "units": "tarjama.checks.units:UnitCheck",
        "names": "tarjama.checks.names:NameCheck",
        "countries": "tarjama.checks.countries:CountryCheck",
        "length": "tarjama.checks.length:LengthCheck",
        "untranslated": "tarjama.checks.untranslated:UntranslatedCheck",
    },
)
# The checks of English→Arabic runs, under the names of their Arabic→English counterparts.
CHECKS_EN_AR: Registry[type[Check]] = Registry(
    "check",
    {
        "numbers": "tarjama.checks.en_ar.numbers:NumberCheckEnAr",
        "countries": "tarjama.checks.en_ar.countries:CountryCheckEnAr",
        "length": "tarjama.checks.en_ar.length:LengthCheckEnAr",
        "untranslated": "tarjama.checks.en_ar.untranslated:UntranslatedCheckEnAr",
    },
)
# Bumped whenever a check's rules change what it finds: part of the identity of checked output.
VERSION = 2


class Checker:
    """The checks to run (default: all of ``CHECKS``), in registry order."""

    def __init__(self, names: Iterable[str] | None = None) -> None:
        chosen = list(CHECKS) if names is None else list(dict.fromkeys(names))
        unknown = [n for n in chosen if n not in CHECKS]
        if unknown:
            raise TarjamaError(f"unknown check {', '.join(unknown)}; choose from {CHECKS.names()}")
        self.checks = [CHECKS[n]() for n in CHECKS if n in chosen]
        self._chosen = chosen
        self._reverse: list[Check] | None = None

    def for_direction(self, direction: Direction = AR_EN) -> list[Check]:
        """The chosen checks as they run for ``direction`` (into Arabic: ``CHECKS_EN_AR``)."""
        if direction.target == "en":
            return self.checks
        if self._reverse is None:
            self._reverse = [CHECKS_EN_AR[n]() for n in CHECKS_EN_AR if n in self._chosen]
        return self._reverse

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.checks]

    def describe(self) -> str:
        """What is recorded in the engine identity of checked output, e.g. ``numbers+names@1``."""
        return "+".join(self.names) + f"@{VERSION}"

    def run(
        self, source: str, target: str, hints: Sequence[TermHint] = (), direction: Direction = AR_EN
    ) -> list[Flag]:
        """Every flag of every check for ``target`` as a translation of ``source`` in ``direction``."""
        source, target = inline.blank(source), inline.blank(target)
        return [flag for check in self.for_direction(direction) for flag in check.run(source, target, hints)]

    def findings(
        self, source: str, target: str, hints: Sequence[TermHint] = (), direction: Direction = AR_EN
    ) -> list[Finding]:
        return [f.finding for f in self.run(source, target, hints, direction)]


def checker(on: bool) -> Checker | None:
    """Every check (``Checker()``) when ``on``, else None: how runners take a checks switch."""
    return Checker() if on else None


def errors(flags: Iterable[Flag]) -> list[Flag]:
    """The flags that make a sentence need review (and ask for a repair)."""
    return [f for f in flags if f.finding.severity == ERROR]


def repair_request(request: TranslationRequest, flags: Sequence[Flag]) -> TranslationRequest:
    """``request`` with the fixes of ``flags`` as constraints (module docstring)."""
    fixes = [f.fix for f in flags if f.fix is not None]
    taken = [(h.start, h.end) for h in request.hints if h.start >= 0]
    hints = list(request.hints)
    for fix in fixes:
        h = fix.hint
        if h is None or h.start < 0 or any(a < h.end and h.start < b for a, b in taken):
            continue  # a glossary term already covers that span
        hints.append(h)
        taken.append((h.start, h.end))
    notes = tuple(dict.fromkeys(fix.note for fix in fixes if fix.note))
    avoid = tuple(dict.fromkeys(w for fix in fixes for w in fix.avoid))
    return replace(
        request,
        hints=tuple(hints),
        strict_terms=True,
        notes=request.notes + notes,
        avoid=request.avoid + avoid,
    )


__all__ = [
    "CHECKS",
    "CHECKS_EN_AR",
    "ERROR",
    "VERSION",
    "WARNING",
    "Check",
    "Checker",
    "Fix",
    "Flag",
    "errors",
    "repair_request",
]
