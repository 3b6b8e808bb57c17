#!/usr/bin/env bash
# Runs ctest in BUILD_DIR with the given arguments inside one private D-Bus session (with
# an unlocked gnome-keyring for the key-store tests) and one Xvfb display shared by all
# GUI tests. Usage: tests/tools/run_ctest.sh BUILD_DIR [ctest arguments...]
set -euo pipefail
BUILD_DIR="$1"; shift
export EMBEDSCOPE_REQUIRE_MODEL="${EMBEDSCOPE_REQUIRE_MODEL:-1}"
export QT_QPA_PLATFORM=xcb
export LIBGL_ALWAYS_SOFTWARE=1
exec dbus-run-session -- bash -c '
  set -euo pipefail
  export XDG_RUNTIME_DIR="$(mktemp -d)"
  export HOME_KEYRING_DIR="$XDG_RUNTIME_DIR"
  # An unlocked login keyring for QtKeychain (Secret Service); the password is a throwaway.
  eval "$(printf "embedscope-test\n" | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
  exec xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX" ctest --test-dir "$0" --output-on-failure "$@"
' "$BUILD_DIR" "$@"
