"""The ``tarjama check`` report: what the fidelity checks found, as Markdown, JSON or HTML.

Markdown lists the totals and one table row per finding (unit, severity, check, message, the
evidence on each side); JSON is ``CheckReport.to_dict``; HTML shows every unit that has a
finding side by side — the English with its reasons, the Arabic in its own right-to-left
column — with the evidence ``<mark class="flag">`` in both (``report.html.mark_spans``), the
same marks the score report uses. Text goes through ``report.escape``; styles are
``report.assets``.
"""

from __future__ import annotations

import json

from tarjama.checks.files import CheckedUnit, CheckReport
from tarjama.report import sides
from tarjama.report.assets import CSS
from tarjama.report.escape import clip, md_cell
from tarjama.report.escape import html as e
from tarjama.report.html import mark_spans

FORMATS = ("markdown", "json", "html")


def render_check(report: CheckReport, fmt: str = "markdown") -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return _html(report)
    return _markdown(report)


def _evidence(text: str, span: tuple[int, int] | None) -> str:
    return text[span[0] : span[1]] if span else "—"


def _markdown(report: CheckReport) -> str:
    out = ["# Fidelity checks", ""]
    out.append(
        f"- Source: `{md_cell(report.source_path)}`; translation: `{md_cell(report.hypothesis_path)}` "
        f"(checked by {report.unit})"
    )
    out.append(
        f"- Checks: {', '.join(report.checks)}"
        + (f"; glossary `{md_cell(report.glossary)}`" if report.glossary else "; no glossary")
    )
    out.append(
        f"- {len(report.units)} {report.unit}s · {report.needs_review} need review · "
        f"{report.errors} errors · {report.warnings} warnings"
    )
    flagged = [u for u in report.units if u.findings]
    if not flagged:
        return "\n".join([*out, "", "No findings."]) + "\n"
    out += [
        "",
        "| Unit | Where | Severity | Check | Finding | Source evidence | Translation evidence |",
        "|---|---|---|---|---|---|---|",
    ]
    for u in flagged:
        for f in u.findings:
            out.append(
                f"| {u.label()} | {md_cell(u.where)} | {f.severity} | {f.check} | {md_cell(f.message)} | "
                f"{md_cell(clip(_evidence(u.source, f.source), 40))} | "
                f"{md_cell(clip(_evidence(u.translation, f.target), 40))} |"
            )
    return "\n".join(out) + "\n"


def _unit_html(u: CheckedUnit, source: str = "ar", target: str = "en") -> str:
    src = [(f.source[0], f.source[1], f.message) for f in u.findings if f.source]
    tgt = [(f.target[0], f.target[1], f.message) for f in u.findings if f.target]
    reasons = "".join(
        f'<li class="{e(f.severity)}" data-check="{e(f.check)}"><span class="check">{e(f.check)}</span>'
        f"{e(f.message)}</li>"
        for f in u.findings
    )
    status = "review" if u.needs_review else ""
    pill = (
        '<span class="pill review">needs review</span>'
        if u.needs_review
        else '<span class="pill">warnings</span>'
    )
    conf = f'<span class="pill">confidence {u.confidence.mean:.2f}</span>' if u.confidence else ""
    return (
        f'<article class="para {status}" id="u-{e(u.label())}"><div class="para-head"><span class="pnum">'
        f'{e(u.label())}</span>{pill}{conf}<span class="meta">{e(u.where)}</span></div>'
        f'<div class="cols"><div class="col {target}" {sides.attrs(target)}>'
        f'<p class="hyp">{mark_spans(u.translation, tgt)}</p>'
        f'<ul class="reasons" {sides.attrs("en")}>{reasons}</ul></div>'
        f'<div class="col {source}" {sides.attrs(source)}><p>{mark_spans(u.source, src)}</p></div>'
        "</div></article>"
    )


def _html(report: CheckReport) -> str:
    flagged = [u for u in report.units if u.findings]
    cards = (
        f'<div class="cards"><div class="card" data-metric="units"><div class="label">{e(report.unit)}s</div>'
        f'<div class="value">{len(report.units)}</div></div>'
        f'<div class="card" data-metric="review"><div class="label">need review</div>'
        f'<div class="value">{report.needs_review}</div><div class="hint">{report.errors} errors</div></div>'
        f'<div class="card" data-metric="warnings"><div class="label">warnings</div>'
        f'<div class="value">{report.warnings}</div></div></div>'
    )
    source, target = report.direction.source, report.direction.target
    body = "".join(_unit_html(u, source, target) for u in flagged) or "<p>No findings.</p>"
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>Fidelity checks — {e(report.hypothesis_path)}</title>",
                f"<style>{CSS}</style>",
                "</head>",
                "<body>",
                "<main>",
                "<header><h1>Fidelity checks</h1>",
                f'<p class="meta">Translation <code>{e(report.hypothesis_path)}</code> · source '
                f"<code>{e(report.source_path)}</code> · checks {e(', '.join(report.checks))} · "
                f"by {e(report.unit)}</p>",
                "</header>",
                cards,
                '<section class="paragraphs"><h2>Findings</h2><div class="colhead">'
                f'<div class="{target}" {sides.attrs(target)}>{e(sides.label(target, "translation"))}</div>'
                f'<div class="{source}" {sides.attrs(source)}>{e(sides.label(source, "source"))}</div></div>'
                + body
                + "</section>",
                "</main>",
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )
