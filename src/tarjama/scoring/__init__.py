"""Scoring translations against references, sacrebleu-style.

Public API:

* ``score_files(hyp, refs, src=None, glossary=None, compare=None) -> ScoreReport``
* ``score_texts(hypotheses, references, sources=None, ...) -> ScoreReport``
* ``read_paragraphs(path) -> list[str]`` and ``read_paragraph_file(path) -> ParagraphFile``
* ``paired_bootstrap(system, baseline, refs, n_samples, seed) -> list[PairedResult]``

Renderers for a ScoreReport live in ``tarjama.report``.
"""

from __future__ import annotations

from tarjama.scoring.bootstrap import PairedResult, paired_bootstrap
from tarjama.scoring.core import Comparison, ScoreReport, score_files, score_texts
from tarjama.scoring.inputs import ParagraphFile, read_paragraph_file, read_paragraphs
from tarjama.scoring.metrics import MetricScore, SegmentScore, score_corpus, score_segments

__all__ = [
    "Comparison",
    "MetricScore",
    "PairedResult",
    "ParagraphFile",
    "ScoreReport",
    "SegmentScore",
    "paired_bootstrap",
    "read_paragraph_file",
    "read_paragraphs",
    "score_corpus",
    "score_files",
    "score_segments",
    "score_texts",
]
