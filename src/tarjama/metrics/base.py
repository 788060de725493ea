"""The small base every metric shares: a score with its signature, and the ``Metric`` class.

A metric is one module with one ``Metric`` subclass, registered in ``tarjama.metrics.METRICS``
(as sacrebleu's ``METRICS``); the score command, the bootstrap test and the reports iterate
the registry instead of naming metrics. ``kind`` says what a metric compares:

* ``translation``: hypotheses against reference translations (BLEU, chrF++, chrF, TER), each
  a sacrebleu metric: ``corpus`` gives the corpus score with sacrebleu's signature, ``segment``
  the per-paragraph score (``None`` when a metric is reported for the corpus only);
* ``terms``: glossary term accuracy (sources, hypotheses and a glossary);
* ``summary``: ROUGE of a summary against reference summaries;
* ``post-edit``: HTER, the edit rate from a machine translation to its human post-edit.

A translation metric is made for the language of the translations (``language``: ``en`` or
``ar``) and, optionally, with the Arabic normalisation (``normalize``): into Arabic, BLEU
tokenizes with sacrebleu's ``intl`` tokenizer (offline; it splits Arabic punctuation ، ؛ ؟ and
every other Unicode punctuation off words, which 13a leaves attached), and chrF++ leads the
reports; ``normalize`` applies ``tarjama.text.arabic.normalize`` (alef, ya and ta marbuta
variants, diacritics, tatweel) to hypotheses and references alike and says so in the
signature (``|norm:ar``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from sacrebleu.metrics.base import Metric as SacreBLEUMetric

from tarjama.text.arabic import normalize as arabic_normalize

# What the signature says when both sides were normalised.
NORMALIZED = "|norm:ar"
# Paragraphs whose references a corpus score reads at once (``SacreMetric.corpus``).
CORPUS_CHUNK = 250


@dataclass(frozen=True)
class MetricScore:
    """One corpus score with the sacrebleu signature that makes it reproducible."""

    name: str
    score: float
    signature: str
    verbose: str  # sacrebleu's detail string, e.g. BLEU's n-gram precisions and BP
    lower_is_better: bool = False

    def formatted(self, width: int = 1) -> str:
        return f"{self.score:.{width}f}"

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "score": self.score,
            "signature": self.signature,
            "verbose": self.verbose,
            "lower_is_better": self.lower_is_better,
        }


class Metric:
    """A registered metric: its report name, what it compares, and which way is better."""

    name: ClassVar[str]
    kind: ClassVar[str] = "translation"
    lower_is_better: ClassVar[bool] = False


class SacreMetric(Metric):
    """A metric computed by sacrebleu: one configured object for the corpus, one per segment.

    ``language`` is the translations' (``en`` or ``ar``); ``normalize`` normalises both sides
    (module docstring).
    """

    def __init__(self, language: str = "en", normalize: bool = False) -> None:
        self.language = language
        self.normalize = normalize

    def prepare(self, texts: Sequence[str]) -> list[str]:
        """``texts`` as the metric compares them: normalised when asked."""
        return [arabic_normalize(t) for t in texts] if self.normalize else list(texts)

    def signature(self, metric: SacreBLEUMetric) -> str:
        return metric.get_signature().format() + (NORMALIZED if self.normalize else "")

    def sentence_score(self, metric: SacreBLEUMetric, hypothesis: str, references: Sequence[str]) -> float:
        """One segment's score with ``metric`` (this metric's segment variant), normalised when asked."""
        return float(metric.sentence_score(self.prepare([hypothesis])[0], self.prepare(references)).score)

    def corpus_metric(self) -> SacreBLEUMetric:
        raise NotImplementedError

    def segment_metric(self) -> SacreBLEUMetric | None:
        """The per-segment variant, or None when the metric is reported for the corpus only."""
        return None

    def corpus(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> MetricScore:
        """The corpus score of ``hypotheses`` against one or more reference *sets*."""
        metric = self.corpus_metric()
        hyps, refs = self.prepare(hypotheses), [self.prepare(r) for r in references]
        if len(hyps) <= CORPUS_CHUNK:
            score = metric.corpus_score(hyps, refs)
        else:
            # sacrebleu's corpus_score tables every reference's n-grams at once (chrF++: tens of
            # KB a paragraph); a chunk at a time gives the same per-paragraph statistics, summed
            # the same way, in memory bounded by the chunk.
            metric._check_corpus_score_args(hyps, refs)
            stats: list[Any] = []
            for start in range(0, len(hyps), CORPUS_CHUNK):
                end = start + CORPUS_CHUNK
                stats += metric._extract_corpus_statistics(hyps[start:end], [r[start:end] for r in refs])
            score = metric._aggregate_and_compute(stats)
        return MetricScore(
            name=self.name,
            score=float(score.score),
            signature=self.signature(metric),
            verbose=_verbose(score),
            lower_is_better=self.lower_is_better,
        )

    def segment_signature(self, n_refs: int) -> str | None:
        metric = self.segment_metric()
        if metric is None:
            return None
        # sentence_score never caches references, so sacrebleu does not know the count yet;
        # set it the way its _cache_references would.
        metric.num_refs = n_refs
        return self.signature(metric)


def _verbose(score: Any) -> str:
    # BLEU and TER expose extra detail after the score in format(); keep just that part.
    text = score.format(width=1, score_only=False)
    _, _, rest = text.partition(" = ")
    _, _, detail = rest.partition(" ")
    return detail.strip()
