"""Score reports: Markdown for CI logs, JSON for machines, HTML for people.

``render(report, fmt)`` returns the report as text; ``format_for_path`` picks a format
from an output file's suffix. Renderers only read a ``ScoreReport``; they never score.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tarjama.registry import Registry

if TYPE_CHECKING:
    from tarjama.scoring.core import ScoreReport

# Each renderer takes the report and the decimals shown (JSON keeps full precision).
RENDERERS: Registry[Callable[[ScoreReport, int], str]] = Registry(
    "report format",
    {
        "markdown": "tarjama.report.markdown:render_markdown",
        "json": "tarjama.report.jsonfmt:render_json",
        "html": "tarjama.report.html:render_html",
    },
)
SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".html": "html", ".htm": "html"}
# File names used when writing every format into a report folder.
FILE_NAMES = {"markdown": "report.md", "json": "report.json", "html": "report.html"}


def render(report: ScoreReport, fmt: str = "markdown", width: int = 1) -> str:
    """The report in ``fmt`` (markdown, json or html); ``width`` is decimals shown."""
    return RENDERERS.load(fmt)(report, width)


def format_for_path(path: str | Path) -> str | None:
    """The format implied by a file suffix, or None when the suffix says nothing."""
    return SUFFIXES.get(Path(path).suffix.lower())


__all__ = [
    "FILE_NAMES",
    "RENDERERS",
    "format_for_path",
    "render",
]
