"""Shared fixtures (paths, tiny Marian, NLLB and M2M-100 models built from scratch for the session,
one Ray cluster) and the skip rule.

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
def _ntrex() -> Path:
    """ntrex-dev where the project reads it (``TARJAMA_NTREX``, else ../shared beside the repository)."""
    from tarjama import settings

    return Path(settings.path("ntrex"))


NTREX = _ntrex()


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


@pytest.fixture(scope="session")
def tiny_nllb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random NLLB-200 model (its tokenizer trained here), built once per session."""
    pytest.importorskip("transformers")
    from tarjama.dev.synthetic import build_nllb

    return build_nllb(tmp_path_factory.mktemp("models") / "tiny-nllb", training_lines(), "nllb")


@pytest.fixture(scope="session")
def tiny_m2m100(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random M2M-100 model (its tokenizer trained here), built once per session."""
    pytest.importorskip("transformers")
    from tarjama.dev.synthetic import build_nllb

    return build_nllb(tmp_path_factory.mktemp("models") / "tiny-m2m100", training_lines(), "m2m100")


# The API key the test server (tests/test_server_slow.py) requires, and the variable that holds it:
# set for every actor of the session's cluster, as a deployment sets it on every node.
TEST_SERVER_KEY = "sk-tarjama-test-9c1f0e"
TEST_SERVER_KEY_ENV = "TARJAMA_TEST_SERVER_KEY"


@pytest.fixture(scope="session")
def ray_cluster():
    """One local Ray cluster (2 CPUs) for every test that needs one; its address for subprocesses."""
    ray = pytest.importorskip("ray")
    import logging

    for attempt in range(3):  # on a loaded machine the raylet can miss Ray's 30 s start-up limit
        try:
            ray.init(
                num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
                runtime_env={"env_vars": {TEST_SERVER_KEY_ENV: TEST_SERVER_KEY}},
            )
            break
        except Exception:
            ray.shutdown()
            if attempt == 2:
                raise
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


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


@pytest.fixture(scope="session")
def playwright_browser():
    """One headless Chromium (Debian's, driven by Playwright) for every browser test of the session.

    Skipped only when Chromium or Playwright is missing *and* ``CI`` is not ``true``.
    """
    import shutil

    path = next((p for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
                 if (p := shutil.which(name))), None)
    missing = "Chromium" if path is None else None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "Playwright (pip install playwright; no browser download needed)"
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {missing} is not installed; run bash scripts/setup.sh test")
        pytest.skip(f"{missing} is not installed; required when CI=true")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield launched
        finally:
            launched.close()
