"""Ranking the sentences of an Arabic news document for an extractive summary.

Every translatable sentence gets three scores in [0, 1] and a weighted sum of them:

* **centrality** — continuous LexRank (Erkan and Radev, 2004): PageRank (damping 0.85) over
  the graph whose edge weights are the TF-IDF cosine similarities between sentences. Tokens
  are those of ``tarjama.metrics.tokenize`` with clitics stripped (so الوكالة, ووكالة and وكالة
  are one feature), minus Arabic function words. Each glossary term found in a sentence is
  one more feature, weighted ``term_boost`` times its IDF, so two sentences naming the same
  mission are similar even when it is spelt differently. Scaled so the most central is 1;
* **position prior** — news puts the essentials first (the inverted pyramid), so the prior
  halves every ``half_life`` sentences: 1 for the lead, 0.5 after ``half_life`` sentences;
  ``half_life`` is a sixth of the document, at least 2 sentences;
* **term weight** — how much of the document's recurring terminology the sentence carries:
  the sum, over the distinct glossary terms in it, of log(1 + number of sentences naming the
  term), scaled so the best sentence is 1. A name the whole article is about counts more than
  one mentioned in passing.

``final = w_c·centrality + w_p·position prior + w_t·term weight`` (default 0.5, 0.3, 0.2).
Sentences with fewer than ``min_tokens`` content tokens (datelines, stray fragments) are not
eligible. ``select`` then takes the best sentences, skipping any whose cosine similarity to
one already chosen is at least ``redundancy`` (so two sentences saying the same thing do not
both take a slot), and returns them in source order.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from tarjama.metrics.tokenize import tokenize
from tarjama.text.arabic import strip_clitics

if TYPE_CHECKING:
    from tarjama.document.model import Document
    from tarjama.glossary import Glossary

# Arabic function words in the normalised view, after clitic stripping: they say nothing
# about what a sentence is about, and would make every pair of sentences look similar.
_STOPWORD_TEXT = """
في من الى علي عن مع حتي منذ عند لدي بين خلال حول ضد نحو دون غير سوي بعد قبل تحت فوق امام
هذا هذه ذلك تلك هؤلاء اولئك هنا هناك الذي التي الذين اللذان اللتان اللاتي ما ماذا
ان انه انها كان كانت يكون تكون كانوا قد لقد لم لن لا ليس ليست سوف كل بعض اي او ام ثم بل
لكن كما اذا اذ حيث عندما بينما فيما هو هي هم هما نحن انت انا فيه فيها به بها له لها
منه منها عليه عليها اليه اليها ايضا جدا فقط كذلك اما الا لان كي لكي مثل يتم تم
"""
STOPWORDS = frozenset(strip_clitics(w) for w in _STOPWORD_TEXT.split())
_TERM_FEATURE = "\x00term:"  # cannot collide with a word token


@dataclass(frozen=True)
class RankWeights:
    centrality: float = 0.5
    position: float = 0.3
    terms: float = 0.2
    damping: float = 0.85
    term_boost: float = 2.0
    min_tokens: int = 5
    redundancy: float = 0.5

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass
class RankedSentence:
    """One source sentence and why it ranks where it does.

    ``paragraph`` is the paragraph index and ``sentence`` the index among that paragraph's
    translatable sentences — the same numbering as the ``index`` fields of
    ``tarjama translate --format jsonl`` records. ``position`` counts sentences in the document.
    """

    position: int
    paragraph: int
    sentence: int
    text: str
    tokens: int
    terms: list[str] = field(default_factory=list)
    centrality: float = 0.0
    position_prior: float = 0.0
    term_weight: float = 0.0
    final: float = 0.0
    eligible: bool = True
    # Why a sentence was or was not chosen: "chosen", "too short", "redundant with ¶1.1", "lower score".
    decision: str = ""

    @property
    def key(self) -> tuple[int, int]:
        return self.paragraph, self.sentence

    @property
    def label(self) -> str:
        """1-based ``¶paragraph.sentence`` as shown to people."""
        return f"¶{self.paragraph + 1}.{self.sentence + 1}"

    def scores(self) -> dict[str, float]:
        return {
            "centrality": round(self.centrality, 4),
            "position_prior": round(self.position_prior, 4),
            "term_weight": round(self.term_weight, 4),
            "final": round(self.final, 4),
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "position": self.position,
            "paragraph": self.paragraph,
            "sentence": self.sentence,
            "source": self.text,
            "tokens": self.tokens,
            "terms": self.terms,
            "scores": self.scores(),
            "eligible": self.eligible,
            "decision": self.decision,
        }


@dataclass
class Ranking:
    sentences: list[RankedSentence]
    weights: RankWeights
    similarity: np.ndarray  # cosine similarity between sentences, by position

    def select(self, n: int) -> list[RankedSentence]:
        """The ``n`` best non-redundant eligible sentences, in source order (see module docstring).

        When redundancy leaves fewer than ``n``, the best redundant ones fill the gap, so the
        caller always gets ``min(n, eligible)`` sentences. Every sentence's ``decision`` is set.
        """
        order = sorted(
            (s for s in self.sentences if s.eligible), key=lambda s: (-s.final, s.position)
        )
        chosen: list[RankedSentence] = []
        skipped: list[RankedSentence] = []
        for s in order:
            if len(chosen) == n:
                s.decision = "lower score"
                continue
            sims = self.similarity[s.position]
            twin = next((c for c in chosen if sims[c.position] >= self.weights.redundancy), None)
            if twin is not None:
                s.decision = f"redundant with {twin.label}"
                skipped.append(s)
                continue
            s.decision = "chosen"
            chosen.append(s)
        for s in skipped[: max(0, n - len(chosen))]:
            s.decision = f"chosen (fills a slot; {s.decision})"
            chosen.append(s)
        for s in self.sentences:
            if not s.eligible:
                s.decision = f"not eligible: fewer than {self.weights.min_tokens} content words"
        return sorted(chosen, key=lambda s: s.position)


# English function words (lower case), for English sources.
ENGLISH_STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as into onto over under about after before
    since until while than then so that this these those there here it its he she they we you i his her
    their our your my me him them us is are was were be been being has have had do does did will would
    shall should can could may might must not no nor also very more most such only just said says say
    who whom whose which what when where why how all any both each few other some own same too""".split()  # noqa: SIM905 - a word list reads better as text
)


def content_tokens(text: str, language: str = "ar") -> list[str]:
    """Clitic-stripped tokens without function words or one-letter leftovers (of ``language``)."""
    stop = STOPWORDS if language == "ar" else ENGLISH_STOPWORDS
    return [t for t in tokenize(text, strip_clitics=True) if len(t) > 1 and t not in stop]


def lexrank(similarity: np.ndarray, damping: float, iterations: int = 200, tol: float = 1e-10) -> np.ndarray:
    """Stationary distribution of the random walk on the similarity graph (continuous LexRank)."""
    n = similarity.shape[0]
    if n == 0:
        return np.zeros(0)
    weights = similarity.copy()
    np.fill_diagonal(weights, 0.0)
    sums = weights.sum(axis=1, keepdims=True)
    # A sentence sharing nothing with the others jumps uniformly, as in PageRank's dangling nodes.
    transition = np.where(sums > 0, weights / np.where(sums > 0, sums, 1.0), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        updated = (1.0 - damping) / n + damping * transition.T @ rank
        if np.abs(updated - rank).sum() < tol:
            rank = updated
            break
        rank = updated
    return rank


def rank_sentences(
    document: Document,
    glossary: Glossary | None = None,
    weights: RankWeights | None = None,
    language: str = "ar",
) -> Ranking:
    """Score every translatable sentence of ``document`` (see the module docstring), written in
    ``language`` (an English source: English function words, the glossary's English column)."""
    weights = weights or RankWeights()
    ranked: list[RankedSentence] = []
    bags: list[Counter[str]] = []
    for para in document.paragraphs:
        if para.verbatim:
            continue
        for i, seg in enumerate(para.sentences):
            text = seg.content
            tokens = content_tokens(text, language)
            matched = glossary.match(text, language) if glossary else []
            terms = list(dict.fromkeys(m.entry.en for m in matched))
            ranked.append(RankedSentence(len(ranked), para.index, i, text, len(tokens), terms))
            bag = Counter(tokens)
            bag.update(_TERM_FEATURE + t for t in terms)
            bags.append(bag)
    n = len(ranked)
    if n == 0:
        return Ranking([], weights, np.zeros((0, 0)))

    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    vocab = {f: k for k, f in enumerate(df)}
    matrix = np.zeros((n, len(vocab)))
    for row, bag in enumerate(bags):
        for feature, count in bag.items():
            idf = math.log((1 + n) / (1 + df[feature]))
            boost = weights.term_boost if feature.startswith(_TERM_FEATURE) else 1.0
            matrix[row, vocab[feature]] = (1.0 + math.log(count)) * idf * boost
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit = matrix / np.where(norms > 0, norms, 1.0)
    similarity = np.clip(unit @ unit.T, 0.0, 1.0)

    centrality = lexrank(similarity, weights.damping)
    centrality = centrality / centrality.max() if centrality.max() > 0 else centrality
    half_life = max(2.0, n / 6)
    term_raw = [sum(math.log(1 + df[_TERM_FEATURE + t]) for t in s.terms) for s in ranked]
    top_terms = max(term_raw)
    for k, s in enumerate(ranked):
        s.centrality = float(centrality[k])
        s.position_prior = 0.5 ** (k / half_life)
        s.term_weight = term_raw[k] / top_terms if top_terms > 0 else 0.0
        s.final = (
            weights.centrality * s.centrality
            + weights.position * s.position_prior
            + weights.terms * s.term_weight
        )
        s.eligible = s.tokens >= weights.min_tokens
    return Ranking(ranked, weights, similarity)


def summary_length(total: int, sentences: int | None = None, ratio: float | None = None) -> int:
    """How many sentences to choose: ``sentences``, or ``ratio`` of ``total`` (at least 1), default 3."""
    if ratio is not None:
        return max(1, round(ratio * total))
    return sentences if sentences is not None else 3
