"""The engine contract: translate a batch of segments, with optional term hints.

Every engine is one module in this package with a subclass of ``Engine``. An engine
receives source segments (never normalised or otherwise altered; inline markup is replaced
by numbered placeholders ``<g1>…</g1>`` and ``<x2/>`` that must come back, see
``tarjama.document.inline``) plus, per segment, the glossary terms found in it — term *hints*, never
the glossary itself — and returns one
``SegmentTranslation`` per segment. Its ``identity`` says exactly what produced the output
(engine, model, revision or SHA-256, decoding parameters), and is recorded beside every
translation.

What an engine can do beyond that is declared on the class, never probed with ``hasattr``:
``handles_term_hints`` (it checks and retries glossary terms itself), ``handles_markup``
(it keeps inline-markup placeholders itself, ``tarjama.document.inline``: sequence-to-sequence
engines project them into a translation of the plain sentence, ``tarjama.engines.projection``),
``uses_context`` (earlier sentences of the paragraph change its output, so they are part of a
segment's key), ``follows_notes`` (it puts a request's ``notes`` in its prompt),
``takes_examples`` (it shows the model a request's ``examples``, approved pairs like the
segment, as worked examples; an engine that does not ignores them, and a run then looks none
up), ``completion_model()`` (a raw
LLM for generated summaries) and ``exclude_documents()`` (keep documents out of retrieved
examples).

The stages after an engine (``tarjama.translate.stages``) judge each translation and ask for at
most one repair through ``translate_judged``; an engine that decodes side by side overrides it
to start repairs in the slots that free up, so that a pass has no idle tail.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from tarjama.types import AR_EN, Direction, EngineIdentity, SegmentTranslation, TranslationRequest


@dataclass(frozen=True)
class EngineOption:
    """One setting an engine takes (``--engine-option KEY=VALUE``), for ``tarjama config`` and the docs."""

    key: str
    default: Any
    meaning: str


class CompletionModel(Protocol):
    """The part of llama-cpp-python's ``Llama`` that a generated summary needs."""

    def create_completion(self, prompt: str, **kwargs: Any) -> dict[str, Any]: ...

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]: ...


# Called with the position (in the request list) of each segment as soon as it is translated.
SegmentDone = Callable[[int], None]
# A stage's judge (``Engine.translate_judged``): called with a request's position and the engine's
# translation of it, returns the one follow-up request to translate (a repair) or None.
Judge = Callable[[int, SegmentTranslation], "TranslationRequest | None"]


@dataclass
class Judged:
    """A request's translation and, when the judge asked for one, the follow-up it asked for and
    the engine's candidates for it (several when the engine decodes alternatives)."""

    first: SegmentTranslation
    followup: TranslationRequest | None = None
    candidates: list[SegmentTranslation] = field(default_factory=list)


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
    # True when the engine shows the model a request's ``examples`` (approved pairs like the
    # segment): a few-shot prompt, chat turns. Engines without it ignore them.
    takes_examples: ClassVar[bool] = False
    # True when the engine keeps inline-markup placeholders itself (it checks and retries, or puts
    # them back by construction), so the pipeline only repairs what is still broken
    # (``tarjama.translate.markup``).
    handles_markup: ClassVar[bool] = False
    # True when ``--model`` names a model on a server, never a local file or folder.
    remote: ClassVar[bool] = False

    def directions(self) -> frozenset[Direction]:
        """The directions this engine (with its model) translates; a run refuses any other."""
        return frozenset({AR_EN})

    @classmethod
    def options(cls) -> list[EngineOption]:
        """The settings ``--engine-option`` may set for this engine (none by default)."""
        return []

    @classmethod
    def for_model(cls, model: str | None) -> type[Engine]:
        """The engine class that runs ``model`` (this one; a family with several back-ends picks)."""
        return cls

    @classmethod
    def locate(cls, model: str | None) -> Any:
        """Where the weights ``--model`` names are, made ready (``load_engine`` calls it first).

        By default the model is passed on as given; an engine whose weights must be assembled
        or verified first (the embedded model) does that here, not in its constructor.
        """
        return model

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

    def translate_judged(
        self, requests: Sequence[TranslationRequest], judge: Judge, *, done: SegmentDone | None = None
    ) -> list[Judged]:
        """Translate ``requests``, ask ``judge`` about each translation, and translate the follow-ups
        it asks for: at most one more translation per request (the one repair pass).

        This default makes two calls, the requests and then every follow-up together; an engine
        that decodes requests side by side starts each follow-up as soon as its first translation
        is judged (``tarjama.engines.gguf``). ``done(i)`` is called once request ``i`` is final.
        """
        first = self.translate(requests)
        out = [Judged(result) for result in first]
        asked: list[int] = []
        for i, result in enumerate(first):
            out[i].followup = judge(i, result)
            if out[i].followup is not None:
                asked.append(i)
            elif done is not None:
                done(i)
        if asked:
            second = self.translate([out[i].followup for i in asked])  # type: ignore[misc]
            for i, candidate in zip(asked, second, strict=True):
                out[i].candidates = [candidate]
                if done is not None:
                    done(i)
        return out

    def completion_model(self) -> CompletionModel | None:
        """A raw completion LLM (for generated summaries), or None when the engine has none."""
        return None

    def exclude_documents(self, doc_ids: Sequence[str]) -> None:  # noqa: B027 - optional hook
        """Keep these documents out of retrieved few-shot examples (engines that retrieve any)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release model resources (optional)."""
