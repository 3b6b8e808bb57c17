#!/usr/bin/env bash
# The test command: the same set-up as run.sh (without starting the GUI), then
#   1. the core-only configuration (no Qt at all) is built and its checks run;
#   2. the whole suite runs with CTest, under one Xvfb display and a private D-Bus
#      session with an unlocked keyring (benchmarks and install tests excluded).
# Ends with CTest's summary; exits non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/packaging/setup.sh"

MODEL_FILE="${XDG_DATA_HOME:-$HOME/.local/share}/embedscope/models/glove-100d.esm"
export CCACHE_DIR="${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/embedscope/ccache}"
export CCACHE_BASEDIR="$ROOT"  # relative paths in the hash: a fresh clone reuses the cache

echo "==> Core-only configuration (no Qt)" >&2
[ -f "$ROOT/build/core-only/CMakeCache.txt" ] || cmake --preset core-only >/dev/null
cmake --build "$ROOT/build/core-only"
ctest --test-dir "$ROOT/build/core-only" --output-on-failure

echo "==> Full test suite" >&2
cmake "$ROOT/build/release" -DEMBEDSCOPE_TEST_MODEL="$MODEL_FILE" >/dev/null
cmake --build "$ROOT/build/release"
exec "$ROOT/tests/tools/run_ctest.sh" "$ROOT/build/release" -LE "benchmark|install" "$@"
