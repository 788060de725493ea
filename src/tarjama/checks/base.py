"""The small base every fidelity check shares: ``Check``, and what a check returns.

A check compares one source sentence (Arabic) with its translation (English), given the
glossary hints of the sentence (``TermHint``: the Arabic surface, the required English), and
returns ``Flag``s. A flag is a ``Finding`` (``tarjama.document.record``: the check's name, a message,
the evidence as character spans in the source and in the translation, a severity) plus,
when the check knows how a second translation could avoid it, a ``Fix``:

* ``note``: one line for an engine that reads instructions (the embedded LLM's prompt), e.g.
  "The Arabic says 2030s (ثلاثينيات القرن الحادي والعشرين).";
* ``hint``: a source span and the English to write into the model's input in its place, the
  way glossary terms are injected (``tarjama.engines.injection``), e.g. the decade as
  "2030s" — every engine can take this one;
* ``avoid``: words the new translation must not contain ("Chinese"), for engines that can
  suppress words (logit bias, ``bad_words_ids``, ``suppress_sequences``);
* ``rewrite``: where the check knows the source's own value and where the translation put
  another in its place (one missing item, one item of the same kind not in the source), the
  span of the translation to replace and the English to put there ("Chinese" → "Japanese",
  "1970s" → "2030s"): a deterministic repair that needs no engine call.

An ``error`` makes the sentence need review and asks for a repair; a ``warning`` is shown
only. Checks never change a translation and never call an engine: the pipeline does that
(``tarjama.translate.stages``), so checks run the same on any engine's output, a person's, or a
file (``tarjama check``).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from tarjama.types import Finding, TermHint


@dataclass(frozen=True)
class Fix:
    """How a repair turns a finding into a constraint (see the module docstring)."""

    note: str = ""
    hint: TermHint | None = None
    avoid: tuple[str, ...] = ()
    rewrite: tuple[tuple[int, int], str] | None = None


@dataclass(frozen=True)
class Flag:
    """A finding and, when there is one, the fix a repair should ask for."""

    finding: Finding
    fix: Fix | None = None


class Check(abc.ABC):
    """A registered check (``tarjama.checks.CHECKS``): its name, what it looks for, ``run``."""

    name: ClassVar[str]
    description: ClassVar[str]

    @abc.abstractmethod
    def run(self, source: str, target: str, hints: Sequence[TermHint] = ()) -> list[Flag]:
        """The flags for ``target`` as a translation of ``source`` (empty when all is well)."""


def span_of(text: str, needle: str, start: int = 0) -> tuple[int, int] | None:
    """The first span of ``needle`` in ``text`` from ``start``, or None."""
    if not needle:
        return None
    at = text.find(needle, start)
    return (at, at + len(needle)) if at >= 0 else None


def inside(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    """Whether ``span`` lies within one of ``spans``."""
    return any(a <= span[0] and span[1] <= b for a, b in spans)
