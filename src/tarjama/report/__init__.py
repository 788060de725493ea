"""Score reports: Markdown for CI logs, JSON for machines, HTML for people.

``render(report, fmt)`` returns the report as text; ``format_for_path`` picks a format
from an output file's suffix. Renderers only read a ``ScoreReport``; they never score.
"""

from __future__ import annotations

from pathlib import Path

from tarjama.errors import TarjamaError
from tarjama.report.html import render_html
from tarjama.report.jsonfmt import render_json
from tarjama.report.markdown import render_markdown
from tarjama.scoring.core import ScoreReport

FORMATS = ("markdown", "json", "html")
SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".html": "html", ".htm": "html"}
# File names used when writing every format into a report folder.
FILE_NAMES = {"markdown": "report.md", "json": "report.json", "html": "report.html"}


def render(report: ScoreReport, fmt: str = "markdown", width: int = 1) -> str:
    """The report in ``fmt`` (markdown, json or html); ``width`` is decimals shown."""
    if fmt == "markdown":
        return render_markdown(report, width)
    if fmt == "json":
        return render_json(report)
    if fmt == "html":
        return render_html(report, width)
    raise TarjamaError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def format_for_path(path: str | Path) -> str | None:
    """The format implied by a file suffix, or None when the suffix says nothing."""
    return SUFFIXES.get(Path(path).suffix.lower())


__all__ = [
    "FILE_NAMES",
    "FORMATS",
    "format_for_path",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
]
