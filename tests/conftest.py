"""Shared fixtures (paths, a tiny Marian model built from scratch for the session) and the skip rule.

**Skips fail where everything is installed.** ``bash scripts/test.sh`` (the README's test
command, which ``.ci/run`` runs) installs every extra, the embedded model and Chromium, and
runs pytest with ``--fail-on-skip``: there, any skipped test or module (a missing import, no
browser, no model) fails the run with its reason, whatever ``CI`` says. Setting
``TARJAMA_FAIL_ON_SKIP=1`` does the same. Without either, a partial install skips what it
cannot run, as usual. Expected failures (``xfail``) are not skips.
"""

from __future__ import annotations

import os
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
    from tarjama.dev.synthetic import build_marian

    return build_marian(tmp_path_factory.mktemp("models") / "tiny-marian", training_lines())


@pytest.fixture(scope="session")
def tiny_marian_en_ar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random English→Arabic Marian model (its tokenizer config says en → ar)."""
    pytest.importorskip("transformers")
    from tarjama.dev.synthetic import build_marian

    folder = tmp_path_factory.mktemp("models") / "tiny-marian-en-ar"
    return build_marian(folder, training_lines(), source_lang="en", target_lang="ar")


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


FAIL_ON_SKIP_ENV = "TARJAMA_FAIL_ON_SKIP"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fail-on-skip",
        action="store_true",
        default=os.environ.get(FAIL_ON_SKIP_ENV) == "1",
        help=f"a skipped test or module fails the run (scripts/test.sh; also {FAIL_ON_SKIP_ENV}=1)",
    )


def _skip_reason(report: pytest.CollectReport | pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _fail_the_skip(report: pytest.CollectReport | pytest.TestReport) -> None:
    report.outcome = "failed"
    report.longrepr = (
        f"SKIPPED, which --fail-on-skip forbids ({_skip_reason(report)}); everything the tests need is "
        "installed by `bash scripts/setup.sh test`"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and item.config.getoption("--fail-on-skip"):
        _fail_the_skip(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    outcome = yield
    report = outcome.get_result()
    # A module-level importorskip skips the whole module at collection.
    if report.skipped and collector.config.getoption("--fail-on-skip"):
        _fail_the_skip(report)
