#!/usr/bin/env bash
# Set up everything the tests need, run lint, build the documentation site, run the whole test
# suite (the slow real-model and browser tests included), then the CI report: the seed and an
# ntrex-dev sample translated by the embedded model, scored, and checked against
# references/baseline.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check src tests scripts
# The documentation site (mkdocs.yml, docs/) into ./site: in strict mode a broken link or anchor,
# a page missing from the nav or an API object that does not resolve fails the run.
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict
.venv/bin/python -m pytest --fail-on-skip
.venv/bin/python scripts/ci_report.py
