"""The values every layer passes around: a request and its term hints, a result, who made it.

This module is the bottom of the package (it imports nothing of tarjama): the engines, the
checks, the translation record, the memory and the run all speak in these types.

* ``TranslationRequest``: one segment as an engine receives it, with its term hints
  (``TermHint``), the approved pairs most like it (``Example``) and the constraints of a retry
  or repair; ``key()`` is what the journal and the memory key on.
* ``SegmentTranslation``: what an engine returns for it (text, notes, seconds, ``Confidence``),
  and what the stages after the engine add (``findings``).
* ``EngineIdentity``: exactly what produced a translation, recorded beside every output.
* ``Finding``: something a stage found wrong, with its evidence; ``TermOutcome``: glossary
  enforcement of one sentence.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any


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


@dataclass(frozen=True)
class Direction:
    """The languages of a run: ``source`` into ``target`` (ISO 639-1 codes, ``ar`` and ``en``)."""

    source: str = "ar"
    target: str = "en"

    def __str__(self) -> str:
        return f"{self.source}-{self.target}"

    @classmethod
    def parse(cls, text: str) -> Direction:
        """``ar-en`` (or ``ar→en``) as a direction."""
        source, _, target = text.replace("→", "-").partition("-")
        return cls(source.strip(), target.strip())


AR_EN = Direction("ar", "en")
EN_AR = Direction("en", "ar")


@dataclass(frozen=True)
class Example:
    """A pair a person approved, given to an engine as a worked example for a similar segment.

    ``source`` and ``target`` are in the request's direction; ``score`` is how similar
    ``source`` is to the request's source (0–100, ``tarjama.memory.matches``) and ``ref`` names
    the approval (its segment key), for the record of which approvals were used. Only the two
    texts reach an engine, and only they are part of a request's key.
    """

    source: str
    target: str
    score: float = 0.0
    ref: str = ""


@dataclass(frozen=True)
class Match:
    """The memory's approval most like a segment, as a CAT tool shows a fuzzy match.

    ``percent`` is the match percentage (100 × normalised edit-distance similarity of the two
    sources, ``tarjama.memory.matches``); ``ref`` is the approval's segment key.
    """

    percent: float
    source: str
    target: str
    ref: str = ""
    editor: str = ""
    approved: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"percent": self.percent, "source": self.source, "translation": self.target,
                "editor": self.editor, "approved": self.approved, "key": self.ref}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Match:
        return cls(float(data["percent"]), str(data["source"]), str(data["translation"]),
                   str(data.get("key") or ""), str(data.get("editor") or ""),
                   float(data.get("approved") or 0))


@dataclass(frozen=True, slots=True)
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
    # (``<g1>…</g1>``, ``<x2/>``, see ``tarjama.document.inline``): engines should insist on them.
    strict_markup: bool = False
    # The languages: Arabic into English unless the run says otherwise.
    direction: Direction = AR_EN
    # Approved pairs most like this segment, least similar first (the closest sits next to the
    # segment in a prompt), for engines that take examples (``Engine.takes_examples``); the run
    # looks them up in the translation memory (``tarjama.translate.run``).
    examples: tuple[Example, ...] = ()

    def key(self, *, with_context: bool = False) -> str:
        """What makes two segments the same translation job: SHA-256 of the exact source and hints.

        The context (earlier sentences) is part of the key only for engines that read it
        (``Engine.uses_context``); the direction only when it is not Arabic into English (so keys
        of earlier runs stay valid); the examples' texts when there are any (so an adapted
        translation never answers for an unadapted one, nor for one with other examples). The
        translation memory and the resume journal key on it; approvals key on a request without
        examples.
        """
        payload: list[Any] = [self.source, [[h.source, h.target, h.kind] for h in self.hints]]
        if self.direction != AR_EN:
            payload.insert(0, str(self.direction))
        if with_context:
            payload.append(self.context)
        if self.notes or self.avoid:
            payload.append([list(self.notes), list(self.avoid)])
        if self.examples:
            payload.append({"examples": [[e.source, e.target] for e in self.examples]})
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


# What a note says happened to a segment (``Note.kind``).
RETRIED = "retried"  # the engine or a stage asked the engine again
REPAIRED = "repaired"  # a stage changed the text (a repair kept, a rewrite, a placed tag)
KEPT = "kept"  # a repair was tried and the first translation kept
SPLIT = "split"  # the engine translated the segment in pieces
APPROVED = "approved"  # the text is a person's approved translation
ADAPTED = "adapted"  # the engine was shown approved examples from the memory (which ones: the note)
UNTRANSLATED = "untranslated"  # the source was kept because the engine gave nothing
COMMENT = "comment"  # an editor's comment on the sentence (the review workbench)
NOTE = "note"  # anything else (and notes read back from files, whose kind is not stored)


class Note(str):
    r"""One line a reader of the output should know about a segment, with its ``kind``.

    A note is its text (it compares, prints and serialises as that string); ``kind`` says what
    happened. Nothing decides anything by a note's wording: problems are ``Finding``\ s.
    """

    __slots__ = ("kind",)
    kind: str

    def __new__(cls, text: str, kind: str = NOTE) -> Note:
        note = super().__new__(cls, text)
        note.kind = kind
        return note

    def __reduce__(self) -> tuple[Any, ...]:  # pickling (Ray) keeps the kind
        return (Note, (str(self), self.kind))

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": str(self)}

    @classmethod
    def load(cls, value: Any) -> Note:
        """A note as stored (``{"kind", "text"}``) or as older files and other tools wrote it (a string)."""
        if isinstance(value, dict):
            return cls(str(value.get("text", "")), str(value.get("kind") or NOTE))
        return value if isinstance(value, Note) else cls(str(value))


@dataclass(slots=True)
class SegmentTranslation:
    """One segment's translation: what the engine returned, then what the stages after it added.

    An engine sets ``text``, ``notes``, ``seconds`` and ``confidence`` (and ``findings`` of kind
    ``degenerate`` for output it could not make usable). The stages add the glossary's
    ``terms`` record and their findings; the run sets ``origin`` (``human`` for an approval) and
    ``match`` (the memory's best fuzzy match).
    """

    text: str
    # Things the reader must know about this output: splits, retries, repairs, fallbacks.
    notes: list[Note] = field(default_factory=list)
    seconds: float = 0.0
    # How sure the engine was of the tokens it chose (None: the engine cannot say).
    confidence: Confidence | None = None
    # What every stage found wrong that is still wrong (``Finding``), whatever the stage.
    findings: list[Finding] = field(default_factory=list)
    terms: TermOutcome | None = None
    origin: str = "machine"
    # The memory's best fuzzy match of the segment, when the run had a memory (set by the run).
    match: Match | None = None

    def __post_init__(self) -> None:
        self.notes = [Note.load(n) for n in self.notes]

    def copy(self) -> SegmentTranslation:
        return SegmentTranslation(
            self.text, list(self.notes), self.seconds, self.confidence, list(self.findings),
            None if self.terms is None else TermOutcome.from_dict(self.terms.to_dict()), self.origin,
            self.match,
        )


@dataclass
class TermOutcome:
    """Glossary enforcement of one sentence: the terms expected, those still missing, repairs."""

    expected: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    rewrites: list[tuple[str, str]] = field(default_factory=list)
    retried: bool = False

    @property
    def found(self) -> int:
        return len(self.expected) - len(self.missing)

    def to_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "found": self.found,
            "missing": self.missing,
            "rewrites": [list(r) for r in self.rewrites],
            "retried": self.retried,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TermOutcome:
        return cls(
            expected=[str(t) for t in data.get("expected") or []],
            missing=[str(t) for t in data.get("missing") or []],
            rewrites=[(str(a), str(b)) for a, b in data.get("rewrites") or []],
            retried=bool(data.get("retried", False)),
        )


ERROR = "error"
WARNING = "warning"
# The kinds of finding the stages after the engine report; the fidelity checks add their own
# (``tarjama.checks.CHECKS``: numbers, names, countries, length, untranslated).
TERMS = "terms"  # glossary terms missing from the translation
MARKUP = "markup"  # inline-markup tags lost, or put back by a repair
DEGENERATE = "degenerate"  # output the engine could not make usable (a loop, still Arabic, …)


@dataclass(frozen=True)
class Finding:
    """Something a stage found wrong with a translation, with its evidence in both languages.

    ``check`` is its kind: the stage (``terms``, ``markup``, ``degenerate``) or the fidelity
    check that found it. ``source`` and ``target`` are ``(start, end)`` character spans in the
    sentence's source and translation (None when the evidence is an absence on that side). An
    ``error`` makes the sentence need review (``tarjama.document.record.needs_review``); a
    ``warning`` is shown but does not. ``suggestion`` is what the check proposes instead (a name's
    likely spelling), shown to a reviewer; it is written only when there is one, so records
    without it read as before.
    """

    check: str
    message: str
    source: tuple[int, int] | None = None
    target: tuple[int, int] | None = None
    severity: str = "error"
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "check": self.check,
            "message": self.message,
            "source": list(self.source) if self.source else None,
            "target": list(self.target) if self.target else None,
            "severity": self.severity,
        }
        if self.suggestion:
            data["suggestion"] = self.suggestion
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        def span(value: Any) -> tuple[int, int] | None:
            return (int(value[0]), int(value[1])) if isinstance(value, list) and len(value) == 2 else None

        return cls(
            check=str(data["check"]),
            message=str(data["message"]),
            source=span(data.get("source")),
            target=span(data.get("target")),
            severity=str(data.get("severity", "error")),
            suggestion=str(data["suggestion"]) if data.get("suggestion") else None,
        )


@dataclass(frozen=True)
class Confidence:
    """How sure the engine was of its output: mean and lowest token log-probability (≤ 0).

    ``mean`` is the sentence's confidence score (reports sort and the benchmark correlates by
    it); ``min`` points at the single least certain token; ``tokens`` is how many were scored.
    """

    mean: float
    min: float
    tokens: int = 0

    def to_dict(self) -> dict[str, float | int]:
        data: dict[str, float | int] = {"mean": round(self.mean, 4), "min": round(self.min, 4)}
        if self.tokens:
            data["tokens"] = self.tokens
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Confidence:
        return cls(float(data["mean"]), float(data["min"]), int(data.get("tokens") or 0))

    @classmethod
    def of(cls, logprobs: Iterable[float]) -> Confidence | None:
        """The confidence of a sequence of chosen-token log-probabilities (None when empty)."""
        values = [float(v) for v in logprobs]
        if not values:
            return None
        return cls(sum(values) / len(values), min(values), len(values))

    @classmethod
    def combine(cls, parts: Iterable[Confidence | None]) -> Confidence | None:
        """One confidence for pieces translated separately: token-weighted mean, lowest minimum."""
        known = [p for p in parts if p is not None]
        if not known:
            return None
        tokens = sum(max(p.tokens, 1) for p in known)
        mean = sum(p.mean * max(p.tokens, 1) for p in known) / tokens
        return cls(mean, min(p.min for p in known), sum(p.tokens for p in known))
