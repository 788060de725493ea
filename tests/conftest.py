"""Shared fixtures: paths, and a tiny Marian model built from scratch for the session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "esa-jaxa-partnership.ar.txt"
NTREX = ROOT.parent / "shared" / "data" / "ntrex-dev" / "ntrex-dev.ar-en.tsv"


def training_lines() -> list[str]:
    """Seed text plus ntrex-dev (read in place) when it is present."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    if NTREX.exists():
        for row in NTREX.read_text(encoding="utf-8").splitlines()[1:]:
            _, ar, en = row.split("\t")
            lines += [ar, en]
    return [line for line in lines if line.strip()]


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("transformers")
    from tarjama.models.synthetic import build_marian

    return build_marian(tmp_path_factory.mktemp("models") / "tiny-marian", training_lines())


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
