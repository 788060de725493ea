"""Scoring a translation end to end: read, check alignment, score, compare.

``score_files`` is what the CLI and CI scripts call; ``score_texts`` does the same on
in-memory paragraphs. Both return a ``ScoreReport``, a plain record that every renderer
(Markdown, JSON, HTML) reads and that holds the texts, so a report never rereads files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sacrebleu

from tarjama import __version__
from tarjama.document.record import TranslationFile, read_translation
from tarjama.errors import TarjamaError
from tarjama.metrics import MetricScore
from tarjama.scoring.bootstrap import DEFAULT_SAMPLES, DEFAULT_SEED, PairedResult, paired_bootstrap
from tarjama.scoring.inputs import (
    ParagraphFile,
    check_aligned,
    flatten,
    read_paragraph_file,
    source_paragraphs,
)
from tarjama.scoring.metrics import SegmentScore, score_corpus, score_segments, segment_signatures
from tarjama.scoring.summary import SummaryScores
from tarjama.scoring.term_marks import TermReport, term_report
from tarjama.text.language import detect_language, stated_direction
from tarjama.types import AR_EN, EN_AR, Direction, Finding


@dataclass
class Comparison:
    """Paired bootstrap of the scored hypothesis (system) against ``baseline_path``."""

    baseline_path: str
    n_samples: int
    seed: int
    results: list[PairedResult]
    baseline_hypotheses: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "baseline": self.baseline_path,
            "test": "paired bootstrap resampling",
            "n_samples": self.n_samples,
            "seed": self.seed,
            "results": [r.to_dict() for r in self.results],
        }


@dataclass
class ReviewItem:
    """A sentence of the hypothesis with fidelity findings (from its tarjama JSONL record).

    Spans are in the paragraph's scoring text (``hypotheses[paragraph]``, ``sources[paragraph]``),
    each ``(start, end, message)``.
    """

    paragraph: int
    sentence: int
    findings: list[Finding]
    needs_review: bool
    source_spans: list[tuple[int, int, str]] = field(default_factory=list)
    target_spans: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"¶{self.paragraph + 1}.{self.sentence + 1}"

    def to_dict(self) -> dict[str, object]:
        return {"paragraph": self.paragraph, "sentence": self.sentence, "needs_review": self.needs_review,
                "checks": [f.to_dict() for f in self.findings]}


def review_items(
    tf: TranslationFile, hypotheses: Sequence[str], sources: Sequence[str] | None
) -> list[ReviewItem]:
    """The sentences of a translation file with findings, their evidence mapped into paragraphs."""
    items: list[ReviewItem] = []
    for i, para in enumerate(tf.paragraphs):
        hyp_pos = src_pos = 0
        for s in para.sentences:
            target = flatten(s.translation)
            t_at = hypotheses[i].find(target, hyp_pos) if target else -1
            if t_at >= 0:
                hyp_pos = t_at + len(target)
            source = flatten(s.source)
            s_at = sources[i].find(source, src_pos) if sources is not None and source else -1
            if s_at >= 0:
                src_pos = s_at + len(source)
            if not s.findings:
                continue
            item = ReviewItem(i, s.index, list(s.findings), s.needs_review)
            for f in s.findings:
                # Flattening only turns line breaks into spaces: offsets within a sentence hold
                # unless the sentence itself had a line break (then the evidence is not marked).
                if f.target and t_at >= 0 and target == s.translation.strip():
                    lead = len(s.translation) - len(s.translation.lstrip())
                    start, end = t_at + f.target[0] - lead, t_at + f.target[1] - lead
                    item.target_spans.append((start, end, f.message))
                if f.source and s_at >= 0 and source == s.source.strip():
                    lead = len(s.source) - len(s.source.lstrip())
                    start, end = s_at + f.source[0] - lead, s_at + f.source[1] - lead
                    item.source_spans.append((start, end, f.message))
            items.append(item)
    return items


@dataclass
class ScoreReport:
    """Everything a report shows. Paragraph indices are 0-based; renderers show them 1-based."""

    hypothesis_path: str
    reference_paths: list[str]
    source_path: str | None
    hypotheses: list[str]
    references: list[list[str]]  # one list per reference set, aligned with hypotheses
    sources: list[str] | None
    corpus: list[MetricScore]
    segments: list[SegmentScore]
    segment_signatures: dict[str, str]
    engines: list[dict[str, Any]] = field(default_factory=list)
    terms: TermReport | None = None
    comparison: Comparison | None = None
    # ROUGE of a summary of the same document (``tarjama score --summary``), when asked for.
    summary: SummaryScores | None = None
    # Sentences with fidelity findings (a tarjama JSONL hypothesis made with checks on).
    review: list[ReviewItem] = field(default_factory=list)
    versions: dict[str, str] = field(
        default_factory=lambda: {"tarjama": __version__, "sacrebleu": sacrebleu.__version__}
    )
    # The languages: the hypotheses are in ``direction.target`` (into Arabic: BLEU tok:intl,
    # chrF++ first); ``normalize``: both sides Arabic-normalised (``|norm:ar`` in signatures).
    direction: Direction = AR_EN
    normalize: bool = False

    def review_items(self, paragraph: int) -> list[ReviewItem]:
        return [r for r in self.review if r.paragraph == paragraph]

    def metric(self, name: str) -> MetricScore:
        for m in self.corpus:
            if m.name == name:
                return m
        raise KeyError(name)

    def to_dict(self) -> dict[str, object]:
        refs_by_para = [[r[i] for r in self.references] for i in range(len(self.hypotheses))]
        paragraphs = []
        for i, seg in enumerate(self.segments):
            para: dict[str, object] = {
                "index": i,
                "hypothesis": self.hypotheses[i],
                "references": refs_by_para[i],
                "scores": seg.scores,
            }
            if self.sources is not None:
                para["source"] = self.sources[i]
            if self.terms is not None:
                para["missed_terms"] = self.terms.paragraphs[i].missed
            paragraphs.append(para)
        data: dict[str, object] = {
            "versions": self.versions,
            "direction": str(self.direction),
            "normalize": "ar" if self.normalize else None,
            "inputs": {
                "hypothesis": self.hypothesis_path,
                "references": self.reference_paths,
                "source": self.source_path,
                "paragraphs": len(self.hypotheses),
                "engines": self.engines,
            },
            "corpus": [m.to_dict() for m in self.corpus],
            "segment_signatures": self.segment_signatures,
            "paragraphs": paragraphs,
            "terms": self.terms.to_dict() if self.terms else None,
            "comparison": self.comparison.to_dict() if self.comparison else None,
        }
        if self.summary is not None:
            data["summary"] = self.summary.to_dict()
        if self.review:
            data["needs_review"] = [r.to_dict() for r in self.review if r.needs_review]
        return data


def score_texts(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    sources: Sequence[str] | None = None,
    *,
    glossary: str | Path | Any | None = None,
    baseline: Sequence[str] | None = None,
    n_samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    labels: dict[str, Any] | None = None,
    direction: Direction | None = None,
    normalize: bool = False,
) -> ScoreReport:
    """Score aligned paragraphs (already checked). ``labels`` names inputs for the report.

    ``glossary`` is a path or a loaded ``Glossary``; term accuracy needs ``sources`` too.
    ``direction`` (default: the hypotheses' script tells the target, ``tarjama.text.language``)
    sets how the translations are scored; ``normalize`` Arabic-normalises both sides.
    """
    labels = labels or {}
    hyps = list(hypotheses)
    refs = [list(r) for r in references]
    if direction is None:  # the hypotheses are in the target language
        direction = EN_AR if detect_language(" ".join(hyps)) == "ar" else AR_EN
    language = direction.target
    report = ScoreReport(
        hypothesis_path=labels.get("hypothesis", "hypothesis"),
        reference_paths=labels.get("references", [f"reference {k + 1}" for k in range(len(refs))]),
        source_path=labels.get("source"),
        hypotheses=hyps,
        references=refs,
        sources=list(sources) if sources is not None else None,
        corpus=score_corpus(hyps, refs, language, normalize),
        segments=score_segments(hyps, refs, language, normalize),
        segment_signatures=segment_signatures(len(refs), language, normalize),
        engines=labels.get("engines", []),
        direction=direction,
        normalize=normalize,
    )
    if glossary is not None and sources is not None:
        report.terms = term_report(glossary, list(sources), hyps, refs, direction)
    if baseline is not None:
        report.comparison = Comparison(
            baseline_path=labels.get("baseline", "baseline"),
            n_samples=n_samples,
            seed=seed,
            results=paired_bootstrap(
                hyps, list(baseline), refs, n_samples=n_samples, seed=seed, language=language,
                normalize=normalize,
            ),
            baseline_hypotheses=list(baseline),
        )
    return report


def score_files(
    hyp: str | Path,
    refs: Sequence[str | Path],
    src: str | Path | None = None,
    glossary: str | Path | None = None,
    compare: str | Path | None = None,
    *,
    n_samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    max_bytes: int | None = None,
    source: str | None = None,
    target: str | None = None,
    normalize: bool = False,
) -> ScoreReport:
    """Read, align-check and score a hypothesis file against one or more reference files.

    ``src`` (the source) defaults to the ``source`` fields of a JSONL hypothesis. The direction
    is ``source``/``target`` when given, else what a tarjama JSONL states, else the script of
    the hypothesis (its language is the target's); ``normalize`` Arabic-normalises both sides.
    Term accuracy needs both a source and ``glossary``; ``compare`` is a baseline
    hypothesis for the paired bootstrap test; ``max_bytes`` the size limit of each input
    (the ``scoring`` reading limit, ``tarjama.text.textio.LIMITS``). Raises TarjamaError on unusable input.
    """
    if not refs:
        raise TarjamaError("no reference given; pass at least one --ref FILE")
    hyp_file = read_paragraph_file(hyp, max_bytes=max_bytes)
    ref_files = [read_paragraph_file(r, max_bytes=max_bytes) for r in refs]
    others: list[tuple[str, ParagraphFile, list[str]]] = [
        ("reference", f, f.paragraphs) for f in ref_files
    ]
    sources: list[str] | None = None
    source_label: str | None = None
    if src is not None:
        src_file = read_paragraph_file(src, max_bytes=max_bytes)
        sources = source_paragraphs(src_file)
        source_label = src_file.path
        others.append(("source", src_file, sources))
    elif hyp_file.sources is not None:
        sources, source_label = hyp_file.sources, f"{hyp_file.path} (source fields)"
        others.append(("source", hyp_file, sources))
    baseline_file: ParagraphFile | None = None
    if compare is not None:
        baseline_file = read_paragraph_file(compare, max_bytes=max_bytes)
        others.append(("baseline", baseline_file, baseline_file.paragraphs))
    if glossary is not None and sources is None:
        raise TarjamaError(
            f"{glossary}: term accuracy needs the Arabic source; pass --src SOURCE "
            "(or score a JSONL hypothesis, which carries its sources)"
        )
    check_aligned(hyp_file, others)
    direction = stated_direction(source, target)
    if direction is None and hyp_file.kind == "jsonl":
        direction = read_translation(hyp).direction
    report = score_texts(
        hyp_file.paragraphs,
        [f.paragraphs for f in ref_files],
        sources,
        glossary=glossary,
        baseline=baseline_file.paragraphs if baseline_file else None,
        n_samples=n_samples,
        seed=seed,
        labels={
            "hypothesis": hyp_file.path,
            "references": [f.path for f in ref_files],
            "source": source_label,
            "baseline": baseline_file.path if baseline_file else None,
            "engines": hyp_file.engines,
        },
        direction=direction,
        normalize=normalize,
    )
    if hyp_file.kind == "jsonl":
        report.review = review_items(read_translation(hyp), report.hypotheses, report.sources)
    return report
