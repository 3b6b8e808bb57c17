#!/usr/bin/env bash
# Regenerates the committed hicolor PNG icons from the SVG master (needs rsvg-convert from
# librsvg2-bin). The build does not run this: the PNGs are committed.
set -euo pipefail
ICONS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../resources/icons/hicolor" && pwd)"
SVG="$ICONS/scalable/apps/io.github.embedscope.EmbedScope.svg"
for size in 16 22 24 32 48 64 128 256; do
  mkdir -p "$ICONS/${size}x${size}/apps"
  rsvg-convert -w "$size" -h "$size" "$SVG" -o "$ICONS/${size}x${size}/apps/io.github.embedscope.EmbedScope.png"
done
