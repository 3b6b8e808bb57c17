#!/usr/bin/env bash
# The run command: set up (packages, model, Release build) and start EmbedScope with the
# classroom demo set. Extra arguments are passed to embedscope instead of the demo set.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/packaging/setup.sh"
if [ $# -eq 0 ]; then
  set -- "$ROOT/resources/datasets/classroom.csv"
fi
exec "$ROOT/build/release/bin/embedscope" "$@"
