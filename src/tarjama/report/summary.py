"""Rendering a ``Summary`` (``tarjama summarize``): text, Markdown, JSONL and a self-contained page.

Every format shows the same aligned pairs — each Arabic key point with its English
counterpart, labelled ``¶paragraph.sentence`` (1-based) — in source order. Markdown and
HTML add why each sentence was chosen (its scores), the generated English summary or the
reason it was rejected, and ROUGE when references were given. JSONL is the machine record
(``Summary.jsonl``): a header record (``kind: tarjama-summary``) then one record per point.
"""

from __future__ import annotations

from tarjama.report.assets import CSS
from tarjama.report.escape import html as e
from tarjama.report.escape import md_cell, md_text
from tarjama.summary.core import Summary
from tarjama.types import describe_identity

FORMATS = ("txt", "md", "jsonl", "html")


def provenance(summary: Summary) -> str:
    """One line: how many sentences, how chosen, where the English came from."""
    engines = ", ".join(describe_identity(e) for e in summary.engines())
    source = (
        f"English from {summary.translation_path} ({engines})"
        if summary.translation_path
        else f"English translated by {engines}"
    )
    return (
        f"{len(summary.points)} of {summary.total} sentences, {summary.method}; {source}; "
        f"glossary {'on' if summary.glossary else 'off'}"
    )


def _sides(summary: Summary, point) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(English, Arabic) of a key point, whichever is the source."""
    if summary.direction.source == "ar":
        return point.english, point.source
    return point.source, point.english


def render_txt(summary: Summary) -> str:
    out = [f"Summary of {summary.input_path or 'input'}", provenance(summary), ""]
    for p in summary.points:
        out += [f"{p.number}. [{p.ranked.label}] {p.source}", f"   {p.english}", ""]
    if summary.abstract is not None:
        if summary.abstract.accepted:
            out += ["English summary (generated, checked):", summary.abstract.text, ""]
        else:
            out += [f"Generated summary rejected: {summary.abstract.reason}", ""]
    return "\n".join(out).rstrip() + "\n"


def render_md(summary: Summary, width: int = 1) -> str:
    out = [f"# Summary: `{md_cell(summary.input_path or 'input')}`", "", provenance(summary) + ".", ""]
    out += ["## Key points", "", "| # | Where | العربية | English |", "|---:|---|---|---|"]
    for p in summary.points:
        english, arabic = _sides(summary, p)
        out.append(f"| {p.number} | {p.ranked.label} | {md_cell(arabic)} | {md_cell(english)} |")
    if summary.abstract is not None:
        a = summary.abstract
        writer = describe_identity(summary.writer or {})
        if a.accepted:
            out += ["", "## English summary", ""]
            out += [f"Written by {writer} from the translation; names checked.", ""]
            out.append(md_text(a.text))
        else:
            out += ["", "## Generated summary rejected", "", f"Reason: {md_cell(a.reason)}.", ""]
            out.append("The extractive summary above is used instead. The rejected text, for the record:")
            out += ["", "> " + md_cell(a.text or "(empty)")]
    if summary.notes:
        out += ["", "## Notes", ""] + [f"- {md_cell(n)}" for n in summary.notes]
    out += ["", "## Why these sentences", ""]
    w = summary.ranking.weights
    out.append(
        f"final = {w.centrality} × centrality (LexRank) + {w.position} × position prior + "
        f"{w.terms} × term weight; sentences in order of final score."
    )
    out += ["", "| Where | Centrality | Position prior | Term weight | Final | Decision | Terms |",
            "|---|---:|---:|---:|---:|---|---|"]
    for s in sorted(summary.ranking.sentences, key=lambda s: (-s.final, s.position)):
        out.append(
            f"| {s.label} | {s.centrality:.3f} | {s.position_prior:.3f} | {s.term_weight:.3f} | "
            f"{s.final:.3f} | {md_cell(s.decision)} | {md_cell(', '.join(s.terms)) or '—'} |"
        )
    if summary.rouge is not None:
        from tarjama.report.rouge import markdown_section

        out += ["", *markdown_section(summary.rouge, width)]
    return "\n".join(out) + "\n"


def render_html(summary: Summary, width: int = 1) -> str:
    """A standalone page; English on the left, Arabic on the right in its own RTL cell."""
    rows = "".join(
        f'<tr data-position="{p.ranked.position}"><td class="num">{p.number}</td><td>{e(p.ranked.label)}</td>'
        f'<td lang="en">{e(english)}</td><td dir="rtl" lang="ar">{e(arabic)}</td></tr>'
        for p in summary.points
        for english, arabic in [_sides(summary, p)]
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Summary — {e(summary.input_path or 'input')}</title><style>{CSS}</style></head>",
        "<body><main>",
        f"<h1>Summary of <code>{e(summary.input_path or 'input')}</code></h1>",
        f'<p class="meta">{e(provenance(summary))}</p>',
        "<h2>Key points</h2>",
        "<table><thead><tr><th>#</th><th>Where</th><th>English</th><th>العربية</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>",
    ]
    if summary.abstract is not None:
        a = summary.abstract
        if a.accepted:
            parts.append(f'<h2>English summary</h2><p lang="en">{e(a.text)}</p>')
        else:
            parts.append(
                f'<section class="rejected"><h2>Generated summary rejected</h2><p>{e(a.reason)}</p>'
                f'<p class="meta">Rejected text: {e(a.text or "(empty)")}</p></section>'
            )
    rows = []
    for s in sorted(summary.ranking.sentences, key=lambda s: (-s.final, s.position)):
        values = "".join(f'<td class="num">{v:.3f}</td>' for v in (*s.scores().values(),))
        rows.append(f"<tr><td>{e(s.label)}</td>{values}<td>{e(s.decision)}</td></tr>")
    head = "".join(
        f"<th>{h}</th>" for h in ("Where", "Centrality", "Position prior", "Term weight", "Final", "Decision")
    )
    parts.append(
        f"<h2>Why these sentences</h2><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    if summary.rouge is not None:
        from tarjama.report.rouge import html_section

        parts.append(html_section(summary.rouge, width))
    parts += ["</main></body>", "</html>"]
    return "\n".join(parts) + "\n"


def render(summary: Summary, fmt: str) -> str:
    if fmt == "jsonl":
        return summary.jsonl()
    if fmt == "md":
        return render_md(summary)
    if fmt == "html":
        return render_html(summary)
    return render_txt(summary)
