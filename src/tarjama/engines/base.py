"""The engine contract: translate a batch of segments, with optional term hints.

Every engine is one module in this package with a subclass of ``Engine``. An engine
receives source segments (never normalised or otherwise altered; inline markup is replaced
by numbered placeholders ``<g1>…</g1>`` and ``<x2/>`` that must come back, see
``tarjama.inline``) plus, per segment, the glossary terms found in it — term *hints*, never
the glossary itself — and returns one
``SegmentTranslation`` per segment. Its ``identity`` says exactly what produced the output
(engine, model, revision or SHA-256, decoding parameters), and is recorded beside every
translation.

What an engine can do beyond that is declared on the class, never probed with ``hasattr``:
``handles_term_hints`` (it checks and retries glossary terms itself), ``handles_markup``
(the same for inline-markup placeholders, ``tarjama.inline``), ``uses_context``
(earlier sentences of the paragraph change its output, so they are part of a segment's key),
``follows_notes`` (it puts a request's ``notes`` in its prompt), ``completion_model()`` (a raw
LLM for generated summaries) and ``exclude_documents()`` (keep documents out of retrieved
examples).

A request may also carry **constraints** from a repair (``tarjama.checks``): ``notes``, lines an
engine that reads instructions puts in its prompt, and ``avoid``, words the output must not
contain, which engines that can suppress words do (logit bias, ``bad_words_ids``,
``suppress_sequences``); the hints of such a request are written into the model's input as
for a glossary retry (``strict_terms``). Engines never see the checks themselves. An engine
that can score its output returns its ``Confidence`` (mean and lowest log-probability of the
tokens it chose) with each translation.
"""

from __future__ import annotations

import abc
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from tarjama.record import Confidence

if TYPE_CHECKING:
    from tarjama.record import Finding


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
        """``engine:model@pin``, e.g. ``gguf:Qwen2.5-Coder-1.5B-Instruct-Q4_K_M@sha256:cc324af070c2``."""
        return describe_identity(self.to_dict())


def describe_identity(identity: dict[str, Any]) -> str:
    """``engine:model@pin`` for an identity record (as stored in outputs and memories)."""
    if not identity:
        return "unknown engine"
    # A hub revision names the snapshot users can fetch again; otherwise the weights' hash.
    sha = identity.get("sha256")
    pin = identity.get("revision") or (f"sha256:{sha[:12]}" if sha else "unpinned")
    return f"{identity.get('engine', '?')}:{identity.get('model', '?')}@{pin}"


@dataclass
class SegmentTranslation:
    text: str
    # Things the reader must know about this output: splits, repairs, fallbacks.
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # How sure the engine was of the tokens it chose (None: the engine cannot say).
    confidence: Confidence | None = None
    # What the pipeline's fidelity checks found (None: not checked); engines leave it alone.
    findings: list[Finding] | None = None


@dataclass(frozen=True)
class TranslationRequest:
    source: str
    hints: tuple[TermHint, ...] = ()
    # Earlier source sentence(s) of the same paragraph, for engines that can use context.
    context: str = ""
    # Set when a first attempt missed glossary terms: engines should insist on them.
    strict_terms: bool = False
    # A repair's constraints (see the module docstring): prompt lines and words to avoid.
    notes: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    # Set when a first attempt lost or misplaced the source's inline-markup placeholders
    # (``<g1>…</g1>``, ``<x2/>``, see ``tarjama.inline``): engines should insist on them.
    strict_markup: bool = False

    def key(self, *, with_context: bool = False) -> str:
        """What makes two segments the same translation job: SHA-256 of the exact source and hints.

        The context (earlier sentences) is part of the key only for engines that read it
        (``Engine.uses_context``). The translation memory and the resume journal both key on it.
        """
        payload: list[Any] = [self.source, [[h.source, h.target, h.kind] for h in self.hints]]
        if with_context:
            payload.append(self.context)
        if self.notes or self.avoid:
            payload.append([list(self.notes), list(self.avoid)])
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


class CompletionModel(Protocol):
    """The part of llama-cpp-python's ``Llama`` that a generated summary needs."""

    def create_completion(self, prompt: str, **kwargs: Any) -> dict[str, Any]: ...

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]: ...


# Called with the position (in the request list) of each segment as soon as it is translated.
SegmentDone = Callable[[int], None]


class Engine(abc.ABC):
    """Base class of all engines."""

    name: ClassVar[str]
    # True when the engine already checks and retries glossary hints itself, so the
    # pipeline's enforcement only rewrites variants and records misses.
    handles_term_hints: ClassVar[bool] = False
    # Segments per ``translate`` call that keep the engine busy; callers use it unless told
    # otherwise (an engine that decodes requests side by side wants several times its width).
    preferred_call_size: int = 8
    # True when the request's context (earlier sentences of the paragraph) changes the output.
    uses_context: bool = False
    # True when the engine reads instructions (a request's ``notes``): an LLM with a prompt.
    follows_notes: ClassVar[bool] = False
    # True when the engine checks inline-markup placeholders and retries on its own, so the
    # pipeline only repairs what is still broken (``tarjama.markup``).
    handles_markup: ClassVar[bool] = False

    @property
    @abc.abstractmethod
    def identity(self) -> EngineIdentity: ...

    @abc.abstractmethod
    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        """Translate each request; the result has the same length and order.

        ``done(i)`` is called as soon as request ``i`` is finished (for progress reports).
        """

    def completion_model(self) -> CompletionModel | None:
        """A raw completion LLM (for generated summaries), or None when the engine has none."""
        return None

    def exclude_documents(self, doc_ids: Sequence[str]) -> None:  # noqa: B027 - optional hook
        """Keep these documents out of retrieved few-shot examples (engines that retrieve any)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release model resources (optional)."""
