"""The engine contract: translate a batch of segments, with optional term hints.

Every engine is one module in this package with a subclass of ``Engine``. An engine
receives plain source segments (never normalised or otherwise altered) plus, per segment,
the glossary terms found in it, and returns one ``SegmentTranslation`` per segment. Its
``identity`` says exactly what produced the output (engine, model, revision or SHA-256,
decoding parameters), and is recorded beside every translation.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class TermHint:
    """A glossary term present in a segment: its source surface and required translation."""

    source: str
    target: str
    kind: str = ""
    # Offsets of ``source`` in the request's text, when known (needed for inline injection).
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class EngineIdentity:
    engine: str
    model: str
    revision: str | None = None
    sha256: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        # A hub revision names the snapshot users can fetch again; otherwise the weights' hash.
        pin = self.revision or (f"sha256:{self.sha256[:12]}" if self.sha256 else "unpinned")
        return f"{self.engine}:{self.model}@{pin}"


@dataclass
class SegmentTranslation:
    text: str
    # Things the reader must know about this output: splits, repairs, fallbacks.
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class TranslationRequest:
    source: str
    hints: tuple[TermHint, ...] = ()
    # Earlier source sentence(s) of the same paragraph, for engines that can use context.
    context: str = ""
    # Set when a first attempt missed glossary terms: engines should insist on them.
    strict_terms: bool = False


class Engine(abc.ABC):
    """Base class of all engines."""

    name: ClassVar[str]
    # True when the engine already checks and retries glossary hints itself, so the
    # pipeline's enforcement only rewrites variants and records misses.
    handles_term_hints: ClassVar[bool] = False
    # Segments per ``translate`` call that keep the engine busy; callers use it unless told
    # otherwise (an engine that decodes requests side by side wants several times its width).
    preferred_call_size: int = 8

    @property
    @abc.abstractmethod
    def identity(self) -> EngineIdentity: ...

    @abc.abstractmethod
    def translate(self, requests: Sequence[TranslationRequest]) -> list[SegmentTranslation]:
        """Translate each request; the result has the same length and order."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release model resources (optional)."""
