"""Sequence-to-sequence engines (Marian, CTranslate2): splitting of over-long segments, batching.

A segment longer than a model's input limit is never truncated silently: it is cut at the
safest boundary (clause punctuation, then before the conjunction و, then any space, and
characters only as a last resort), the pieces are translated separately and joined, and the
output carries a note saying so. ``Seq2SeqEngine`` holds the translate loop the engines
share; they differ only in how they count tokens and run the model. A segment's confidence is
that of its pieces combined (token-weighted mean, lowest minimum). Requests that carry words
to avoid (a repair's ``avoid``) are decoded in their own batch, with those words suppressed; so
are requests of another direction (a many-to-many model such as NLLB translates both ways).

A sentence with inline tags is translated without them (``projection.plain``) and its tags are
put back from the model's own alignment (``_generate_aligned``: cross-attention), so every tag
comes back around the very text the plain sentence gets (``tarjama.engines.projection``); a
segment split in pieces is aligned piece by piece.
"""

from __future__ import annotations

import abc
import re
import time
from collections.abc import Callable, Sequence

from tarjama.document import inline
from tarjama.engines import projection
from tarjama.engines.base import Engine, SegmentDone
from tarjama.engines.injection import inject_terms, model_input
from tarjama.types import AR_EN, SPLIT, Confidence, Direction, Note, SegmentTranslation, TranslationRequest

# A word alignment: weights[target word][source word] (``tarjama.engines.projection``).
Weights = Sequence[Sequence[float]]

# Where a long segment may be cut, best first: clause punctuation, then any space.
SAFE_BREAKS = (re.compile(r"(?<=[،؛:;,])\s+"), re.compile(r"\s+(?=و)"), re.compile(r"\s+"))


def split_to_fit(text: str, count: Callable[[str], int], limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` tokens (as ``count`` measures them)."""
    if count(text) <= limit or len(text) < 2:
        return [text]
    for pattern in SAFE_BREAKS:
        cuts = list(pattern.finditer(text))
        if not cuts:
            continue
        # Cut at the boundary closest to the middle so both halves shrink.
        mid = len(text) / 2
        best = min(cuts, key=lambda m: abs(m.start() - mid))
        left, right = text[: best.start()].strip(), text[best.end() :].strip()
        if left and right:
            return split_to_fit(left, count, limit) + split_to_fit(right, count, limit)
    # No boundary at all (one enormous token run): cut by characters as a last resort.
    half = len(text) // 2
    return split_to_fit(text[:half], count, limit) + split_to_fit(text[half:], count, limit)


def split_note(pieces: int, limit: int) -> Note:
    """The note a split segment carries, identical for every engine."""
    return Note(f"split into {pieces} pieces: longer than the model's limit of {limit} tokens", SPLIT)


def join_pieces(
    plans: Sequence[Sequence[str]],
    outputs: Sequence[str],
    limit: int,
    seconds: float,
    confidences: Sequence[Confidence | None] | None = None,
) -> list[SegmentTranslation]:
    """One ``SegmentTranslation`` per plan from the flat ``outputs`` of all its pieces.

    ``seconds`` is the wall time of the whole call; it is shared out per piece, since the
    pieces of one segment may have been translated in different batches.
    """
    total = sum(len(plan) for plan in plans)
    if len(outputs) != total:
        raise ValueError(f"{len(outputs)} outputs for {total} pieces")
    per_piece = seconds / max(1, total)
    results: list[SegmentTranslation] = []
    k = 0
    for plan in plans:
        parts = outputs[k : k + len(plan)]
        confidence = Confidence.combine(confidences[k : k + len(plan)]) if confidences is not None else None
        k += len(plan)
        notes = [split_note(len(plan), limit)] if len(plan) > 1 else []
        results.append(
            SegmentTranslation(" ".join(p.strip() for p in parts), notes, per_piece * len(plan), confidence)
        )
    return results


class Seq2SeqEngine(Engine):
    """An engine that translates plain text in batches and needs pieces within a token limit.

    Term hints act only on a strict retry, through inline injection (``model_input``); the
    pipeline's enforcement checks the terms afterwards.
    """

    max_input_tokens: int
    # The direction the model translates (``tarjama.models.provenance.model_direction``: its
    # tokenizer_config.json or its name); a model that says nothing is taken as Arabic→English.
    direction: Direction = AR_EN

    def directions(self) -> frozenset[Direction]:
        return frozenset({self.direction})

    # Tags are projected into a translation of the plain sentence (``tarjama.engines.projection``):
    # every one comes back by construction, so the markup stage never asks again.
    handles_markup = True

    @abc.abstractmethod
    def _token_count(self, text: str) -> int:
        """Input tokens the model would see for ``text`` (including end-of-sentence)."""

    @abc.abstractmethod
    def _generate(
        self, texts: list[str], avoid: Sequence[str] = (), direction: Direction = AR_EN
    ) -> list[tuple[str, Confidence | None]]:
        """Translations of ``texts`` with their confidence, in order; every text fits the input limit.

        ``avoid``: words the translations must not contain; ``direction``: the languages (a
        many-to-many model picks its language codes from it).
        """

    def _generate_aligned(
        self, texts: list[str], avoid: Sequence[str] = (), direction: Direction = AR_EN
    ) -> list[tuple[str, Confidence | None, Weights | None]]:
        """As ``_generate``, with each output's word alignment to its input (``projection``:
        ``weights[target word][source word]``; None where the model gives none)."""
        return [(text, confidence, None) for text, confidence in self._generate(texts, avoid, direction)]

    def _pieces(self, text: str) -> list[str]:
        return split_to_fit(text, self._token_count, self.max_input_tokens)

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        start = time.perf_counter()
        # A sentence with inline tags is translated without them; they are projected back.
        tagged = [_tagged_input(r) if inline.has_placeholders(r.source) else None for r in requests]
        plans = [
            self._pieces(projection.plain(t) if t is not None else model_input(r))
            for r, t in zip(requests, tagged, strict=True)
        ]
        owners = [
            (r.direction, r.avoid, t is not None)
            for r, t, plan in zip(requests, tagged, plans, strict=True)
            for _ in plan
        ]
        flat = [p for plan in plans for p in plan]
        generated: list[tuple[str, Confidence | None, Weights | None] | None] = [None] * len(flat)
        # One decoding per direction and distinct set of words to avoid (usually just one).
        for owner in dict.fromkeys(owners):
            idx = [i for i, a in enumerate(owners) if a == owner]
            direction, avoid, aligned = owner
            texts = [flat[i] for i in idx]
            if aligned:
                outs = self._generate_aligned(texts, avoid, direction)
            else:
                outs = [(text, conf, None) for text, conf in self._generate(texts, avoid, direction)]
            for i, out in zip(idx, outs, strict=True):
                generated[i] = out
        done_pieces = [g for g in generated if g is not None]
        results = join_pieces(
            plans, [g[0] for g in done_pieces], self.max_input_tokens, time.perf_counter() - start,
            [g[1] for g in done_pieces],
        )
        k = 0
        for request, source, plan, result in zip(requests, tagged, plans, results, strict=True):
            pieces = done_pieces[k : k + len(plan)]
            k += len(plan)
            if source is None:
                continue
            weights = _joined_weights(plan, [(g[0], g[2]) for g in pieces])
            hints = () if request.strict_terms else request.hints  # injected terms are Latin pins
            projected = projection.project(source, result.text, weights, hints)
            result.text = projected.text
            result.notes += projected.notes
            result.findings += projected.findings
        if done is not None:
            for i in range(len(results)):
                done(i)
        return results


def _tagged_input(request: TranslationRequest) -> str:
    """The placeholder text whose plain words the model reads (glossary terms injected on a retry)."""
    return inject_terms(request.source, request.hints) if request.strict_terms else request.source


def _joined_weights(pieces: Sequence[str], outputs: Sequence[tuple[str, Weights | None]]) -> Weights | None:
    """The alignment of a segment translated in pieces: each piece's block on the diagonal.

    None when a piece has none, or when its words are not those of the segment (a piece cut
    inside a word).
    """
    blocks: list[tuple[int, int, Weights]] = []
    for piece, (text, weights) in zip(pieces, outputs, strict=True):
        n_src, n_tgt = len(projection.words(piece)), len(projection.words(text.strip()))
        if weights is None or len(weights) != n_tgt or any(len(row) != n_src for row in weights):
            return None
        blocks.append((n_tgt, n_src, weights))
    total_src = sum(b[1] for b in blocks)
    if total_src != len(projection.words(" ".join(pieces))):
        return None
    out: list[list[float]] = []
    offset = 0
    for _, n_src, weights in blocks:
        for row in weights:
            out.append([0.0] * offset + [float(v) for v in row] + [0.0] * (total_src - offset - n_src))
        offset += n_src
    return out
