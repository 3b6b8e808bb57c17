#!/usr/bin/env bash
# Renders the AppStream screenshots (packaging/linux/screenshots/*.png, named by the
# metainfo file) with `embedscope render` from the demo data sets, under Xvfb when there is
# no display. Usage: packaging/linux/make-screenshots.sh [PATH/TO/embedscope]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${1:-$ROOT/build/release/bin/embedscope}"
OUT="$HERE/screenshots"
mkdir -p "$OUT"
XVFB=()
[ -n "${DISPLAY:-}" ] || XVFB=(xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX")
render() { "${XVFB[@]}" "$BIN" render "$@" --size 1200x800; }
render "$ROOT/resources/datasets/classroom.csv" --view heatmap -o "$OUT/heatmap.png"
render "$ROOT/resources/datasets/classroom.csv" --view pca2d -o "$OUT/pca2d.png"
render "$ROOT/resources/datasets/topics300.csv" --view tsne2d -o "$OUT/tsne2d.png"
ls -l "$OUT"
