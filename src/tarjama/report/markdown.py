"""Markdown score report, meant for CI logs and pull-request comments.

Sections: headline table (metric, score, sacrebleu signature), per-paragraph table, term
accuracy with missed terms, the sentences the fidelity checks flagged (a tarjama JSONL
hypothesis made with checks), the paired bootstrap comparison when there is one, and ROUGE of
a summary when one was scored too. Cell text goes through ``escape.md_cell`` so a ``|`` or
newline in a translation cannot break a table.
"""

from __future__ import annotations

from tarjama.report.escape import clip
from tarjama.report.escape import md_cell as cell
from tarjama.scoring.bootstrap import Interval
from tarjama.scoring.core import ScoreReport


def render_markdown(report: ScoreReport, width: int = 1) -> str:
    """The whole report as Markdown; scores are shown with ``width`` decimals."""
    out: list[str] = ["# Translation scores", ""]
    refs = ", ".join(f"`{cell(p)}`" for p in report.reference_paths)
    out.append(f"- Hypothesis: `{cell(report.hypothesis_path)}` ({len(report.hypotheses)} paragraphs)")
    out.append(f"- References: {refs}")
    if report.source_path:
        out.append(f"- Source: `{cell(report.source_path)}`")
    for engine in report.engines:
        desc = ", ".join(f"{k}={v}" for k, v in engine.items() if k != "params")
        out.append(f"- Engine: {cell(desc)}")
    out.append(f"- Versions: tarjama {report.versions['tarjama']}, sacrebleu {report.versions['sacrebleu']}")
    out += ["", "| Metric | Score | Signature |", "|---|---:|---|"]
    for m in report.corpus:
        name = m.name + (" ↓" if m.lower_is_better else "")
        out.append(f"| {cell(name)} | {m.formatted(width)} | `{cell(m.signature)}` |")
    if report.terms is not None:
        t = report.terms
        out.append(f"| Term accuracy (%) | {t.formatted(width)} | {t.correct}/{t.total} terms |")
    bleu = report.metric("BLEU")
    if bleu.verbose:
        out += ["", f"BLEU detail: {cell(bleu.verbose)}"]
    out += ["", "TER: lower is better (↓); all other scores: higher is better."]

    out += ["", "## Per paragraph", ""]
    names = list(report.segment_signatures)
    header = "| # | " + " | ".join(names) + (" | Missed terms" if report.terms else "") + " | Hypothesis |"
    out += [header, "|---:|" + "---:|" * len(names) + ("---|" if report.terms else "") + "---|"]
    for seg in report.segments:
        row = [str(seg.index + 1)] + [f"{seg.scores[n]:.{width}f}" for n in names]
        if report.terms:
            row.append(cell(", ".join(report.terms.paragraphs[seg.index].missed)) or "—")
        row.append(cell(clip(report.hypotheses[seg.index])))
        out.append("| " + " | ".join(row) + " |")
    out += ["", "Per-paragraph signatures:", ""]
    out += [f"- {cell(n)}: `{cell(sig)}`" for n, sig in report.segment_signatures.items()]

    if report.terms is not None:
        t = report.terms
        out += ["", "## Terminology", ""]
        out.append(
            f"Term accuracy: **{t.correct}/{t.total}** ({t.formatted(1)}%) "
            f"with glossary `{cell(t.glossary_path)}`."
        )
        missed = t.missed
        if missed:
            out += ["", "| Paragraph | Missed term (expected English) |", "|---:|---|"]
            out += [f"| {i + 1} | {cell(term)} |" for i, term in missed]
        else:
            out += ["", "No missed terms."]

    if report.review:
        flagged = [r for r in report.review if r.needs_review]
        out += ["", "## Needs review (fidelity checks)", ""]
        out.append(f"{len(flagged)} sentence(s) still have errors after checks and repair; "
                   f"{len(report.review) - len(flagged)} more have warnings only.")
        out += ["", "| Sentence | Severity | Check | Finding |", "|---|---|---|---|"]
        for item in report.review:
            for f in item.findings:
                out.append(f"| {item.label} | {cell(f.severity)} | {cell(f.check)} | {cell(f.message)} |")

    if report.comparison is not None:
        c = report.comparison
        out += ["", "## Comparison (paired bootstrap)", ""]
        out.append(
            f"System `{cell(report.hypothesis_path)}` against baseline `{cell(c.baseline_path)}`: "
            f"{c.n_samples} resamples, seed {c.seed}; Δ = system - baseline; "
            "95% intervals; significant when p < 0.05."
        )
        out += [
            "",
            "| Metric | Baseline | System | Δ | Δ 95% CI | p-value | Verdict | Signature |",
            "|---|---:|---:|---:|---|---:|---|---|",
        ]
        for r in c.results:
            verdict = {"system": "system better", "baseline": "baseline better"}.get(
                r.winner or "", "no significant difference"
            )
            out.append(
                f"| {cell(r.name)}{' ↓' if r.lower_is_better else ''} "
                f"| {r.baseline:.{width}f} ± {_half(r.baseline_ci):.{width}f} "
                f"| {r.system:.{width}f} ± {_half(r.system_ci):.{width}f} "
                f"| {r.delta:+.{width}f} | [{r.delta_ci.low:+.{width}f}, {r.delta_ci.high:+.{width}f}] "
                f"| {r.p_value:.4f} | {verdict} | `{cell(r.signature)}` |"
            )
    if report.summary is not None:
        from tarjama.report.rouge import markdown_section

        out += ["", *markdown_section(report.summary, width)]
    return "\n".join(out) + "\n"


def _half(ci: Interval) -> float:
    # sacrebleu prints a system's interval as mean ± half-width; do the same.
    return (ci.high - ci.low) / 2
