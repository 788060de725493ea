#!/usr/bin/env bash
# Set up everything the tests need, then run lint and the whole test suite (CI runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check src tests scripts
.venv/bin/python -m pytest
