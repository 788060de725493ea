"""The one inline stylesheet and script of every HTML page tarjama writes (score, summary).

They live in Python strings rather than package data files so the report is one
self-contained file without any packaging configuration, and with no external assets
(fonts are system fonts; no network access when the report is opened).
"""

from __future__ import annotations

CSS = """
:root {
  --ink: #1d2330; --muted: #5d6678; --line: #dfe3ea; --paper: #ffffff; --bg: #f4f6f9;
  --accent: #2457c5; --term: #fff1b8; --term-line: #e0b400; --missed: #ffd9d6; --missed-line: #d93025;
  --good: #1e7f4f; --bad: #b3261e;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans",
  sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 12px; }
.meta { color: var(--muted); margin: 0; font-size: 13px; }
.meta code { font-size: 12px; }
code { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; color: #3a4252;
  word-break: break-all; }
table { border-collapse: collapse; width: 100%; background: var(--paper); border: 1px solid var(--line);
  border-radius: 8px; overflow: hidden; }
th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.ci { white-space: nowrap; font-variant-numeric: tabular-nums; }
th { white-space: nowrap; background: #eef1f6; font-size: 12px; text-transform: uppercase;
  letter-spacing: .04em; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; white-space: nowrap; }
tr:last-child td { border-bottom: 0; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 20px 0 8px; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px;
  min-width: 130px; }
.card .label { font-size: 13px; color: var(--muted); font-weight: 600; }
.card .value { font-size: 26px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .hint { font-size: 12px; color: var(--muted); }
.legend { display: flex; gap: 16px; align-items: center; color: var(--muted); font-size: 13px;
  margin: 8px 0 12px; }
.better { color: var(--good); font-weight: 600; }
.worse { color: var(--bad); font-weight: 600; }
.colhead, .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.single .colhead, .single .cols { grid-template-columns: 1fr; }
.colhead { position: sticky; top: 0; z-index: 1; background: var(--bg); padding: 8px 0; font-weight: 600;
  color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .04em;
  border-bottom: 1px solid var(--line); }
.colhead .ar { text-transform: none; letter-spacing: 0; }
article.para { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; margin: 14px 0;
  padding: 12px 16px 14px; }
.para-head { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 8px; }
.para-head .pnum { font-weight: 700; color: var(--accent); margin-right: 4px; }
.pill { font-size: 12px; padding: 1px 8px; border-radius: 999px; background: #eef1f6; color: #39414f;
  font-variant-numeric: tabular-nums; }
.pill.low { background: #fde8e6; color: var(--bad); }
.pill.missed { background: var(--missed); color: var(--bad); }
.col p { margin: 0 0 8px; }
.col .tag { display: block; font-size: 11px; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); margin-bottom: 2px; }
.col .ref { color: #3d4657; border-left: 3px solid var(--line); padding-left: 10px; }
.col.ar { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "DejaVu Sans", "Arial", serif;
  font-size: 18px; line-height: 1.9; text-align: right; }
.col + .col { border-left: 1px dashed var(--line); padding-left: 16px; }
mark.term, .swatch { background: var(--term); border-bottom: 2px solid var(--term-line); padding: 0 2px;
  border-radius: 3px; color: inherit; cursor: help; }
mark.term.missed, .swatch.missed { background: var(--missed); border-bottom: 2px dashed var(--missed-line); }
.missed-list .missed-term { display: inline-block; margin: 0 6px 4px 0; padding: 0 8px; border-radius: 999px;
  background: var(--missed); color: var(--bad); font-size: 13px; }
mark.term.linked { outline: 2px solid var(--accent); }
mark.flag { background: #ffe2cc; border-bottom: 2px solid #d4570f; padding: 0 2px; border-radius: 3px;
  color: inherit; cursor: help; }
article.para.review { border-left: 4px solid #d4570f; }
.pill.review { background: #ffe2cc; color: #8a3508; font-weight: 600; }
ul.reasons { list-style: none; margin: 0 0 8px; padding: 6px 10px; background: #fff6ef; border-radius: 6px;
  font-size: 13px; }
ul.reasons li { margin: 2px 0; }
ul.reasons li.warning { color: var(--muted); }
ul.reasons .where { font-weight: 700; color: var(--accent); margin-right: 4px; }
ul.reasons .check { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; background: #f3d3bd;
  border-radius: 999px; padding: 0 6px; margin-right: 4px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
td[dir=rtl] { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "DejaVu Sans", serif;
  font-size: 17px; line-height: 1.8; text-align: right; }
.rejected { border-left: 4px solid var(--bad); padding-left: 1rem; }
@media (max-width: 760px) {
  .colhead, .cols { grid-template-columns: 1fr; }
  .col + .col { border-left: 0; padding-left: 0; }
}
"""

# Hovering a term outlines the same term on the other side of its paragraph.
SCRIPT = """
document.querySelectorAll('article.para mark.term').forEach(function (m) {
  function toggle(on) {
    m.closest('article').querySelectorAll('mark.term').forEach(function (o) {
      if (o.dataset.term === m.dataset.term) { o.classList.toggle('linked', on); }
    });
  }
  m.addEventListener('mouseenter', function () { toggle(true); });
  m.addEventListener('mouseleave', function () { toggle(false); });
});
"""
