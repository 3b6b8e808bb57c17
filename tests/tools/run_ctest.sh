#!/usr/bin/env bash
# Runs ctest in BUILD_DIR with the given arguments inside one private D-Bus session (with
# an unlocked gnome-keyring for the key-store tests) and one Xvfb display shared by all
# GUI tests. Usage: tests/tools/run_ctest.sh BUILD_DIR [ctest arguments...]
set -euo pipefail
BUILD_DIR="$1"; shift
export EMBEDSCOPE_REQUIRE_MODEL="${EMBEDSCOPE_REQUIRE_MODEL:-1}"
export EMBEDSCOPE_REQUIRE_KEYRING="${EMBEDSCOPE_REQUIRE_KEYRING:-1}"
# GUI and OpenGL tests must run: a GUI suite that skips anything fails (tests/tools/testmain.h).
export EMBEDSCOPE_REQUIRE_GL="${EMBEDSCOPE_REQUIRE_GL:-1}"
export QT_QPA_PLATFORM=xcb
export LIBGL_ALWAYS_SOFTWARE=1
exec dbus-run-session -- bash -c '
  set -euo pipefail
  export XDG_RUNTIME_DIR="$(mktemp -d)"
  # A throwaway keyring folder: never the user'"'"'s own keyrings. gnome-keyring-daemon
  # keeps them under $XDG_DATA_HOME/keyrings, so only the daemon sees this XDG_DATA_HOME.
  keyring_home="$(mktemp -d)"
  trap "rm -rf \"$XDG_RUNTIME_DIR\" \"$keyring_home\"" EXIT
  bus() { dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus "$@" 2>/dev/null; }
  probe() {
    printf probe | timeout 10 secret-tool store --label=embedscope-probe embedscope probe 2>/dev/null \
      && [ "$(timeout 10 secret-tool lookup embedscope probe 2>/dev/null)" = probe ] \
      && { timeout 10 secret-tool clear embedscope probe 2>/dev/null || true; }
  }
  # --unlock reads the password on stdin, creates the "login" collection and unlocks it.
  # Now and then (seen once in a fresh-clone CI run) that daemon is not on the bus when the probe
  # runs, and D-Bus activation starts another one without the collection, which wants a
  # password prompt. So: wait for the name before probing, and on failure stop the daemon
  # of this private bus (only its process, found through the bus) and start again.
  if command -v secret-tool >/dev/null; then
    usable=0
    for attempt in 1 2 3; do
      eval "$(printf "embedscope-test" | XDG_DATA_HOME="$keyring_home" \
              gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
      export GNOME_KEYRING_CONTROL 2>/dev/null || true
      for _ in $(seq 50); do
        bus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q "boolean true" && break
        sleep 0.1
      done
      if probe; then usable=1; break; fi
      pid="$(bus org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk "/uint32/ {print \$2}")"
      [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
      sleep 1
      rm -rf "$keyring_home"; mkdir -p "$keyring_home"
      echo "run_ctest.sh: the test keyring did not answer (attempt $attempt); starting it again" >&2
    done
    [ "$usable" = 1 ] || echo "run_ctest.sh: warning: the test keyring is not usable; key-store tests will fail" >&2
  fi
  status=0
  xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX" ctest --test-dir "$0" --output-on-failure "$@" || status=$?
  exit $status
' "$BUILD_DIR" "$@"
