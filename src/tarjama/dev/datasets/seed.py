"""The seed article and its human reference translation, as committed in the repository.

``SOURCE`` is the Arabic news article every release is checked on (``tarjama eval --seed``,
the CI report, the benchmarks); ``REFERENCE`` its hand-made English translation, paragraph for
paragraph (see ``references/README.md``). Paths are absolute, so scripts work from any folder.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
SOURCE = ROOT / "seeds" / "esa-jaxa-partnership.ar.txt"
REFERENCE = ROOT / "references" / "esa-jaxa-partnership.en.txt"
SUMMARY_REFERENCES = (
    ROOT / "references" / "esa-jaxa-partnership.summary.ar.txt",
    ROOT / "references" / "esa-jaxa-partnership.summary.en.txt",
)
