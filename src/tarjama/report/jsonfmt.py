"""JSON score report: everything in the ScoreReport, machine-readable.

Scores are full-precision floats (round them when displaying, not when storing); texts
are kept as UTF-8 rather than ``\\u`` escapes so the Arabic stays readable in a diff.
"""

from __future__ import annotations

import json

from tarjama.scoring.core import ScoreReport

SCHEMA_VERSION = 1


def render_json(report: ScoreReport, width: int = 1) -> str:
    """The report as a pretty-printed JSON document ending in a newline (full precision: ``width``
    is the other renderers' decimals, unused here)."""
    data = {"schema": SCHEMA_VERSION, **report.to_dict()}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
