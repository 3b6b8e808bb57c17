#!/usr/bin/env bash
# Install test (CTest label "install", outside the default run): builds the two Debian
# packages with CPack, installs them with apt-get as a user would, checks that the
# installed program starts (--version, and its window under Xvfb), embeds a demo file with
# the installed model only, names the model package once that is removed, and that
# removing both leaves no file behind.
# Exits 77 (CTest's SKIP_RETURN_CODE) without root, dpkg or apt-get, or when EmbedScope
# is already installed on this machine (the test will not remove a real installation).
# Usage: install_test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
BUILD_DIR="$1"; SOURCE_DIR="$2"; VERSION="$3"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "==> $*"; }

[ "$(id -u)" = 0 ] || skip "needs root to install packages (run ctest -L install as root)"
command -v dpkg >/dev/null && command -v apt-get >/dev/null || skip "dpkg/apt-get unavailable"
for p in embedscope embedscope-model-glove; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    skip "package $p is already installed here; not touching a real installation"
  fi
done
[ -f "$BUILD_DIR/CPackConfig.cmake" ] || fail "$BUILD_DIR/CPackConfig.cmake missing"

WORK="$(mktemp -d /tmp/embedscope-install-test.XXXXXX)"
installed=0
XVFB_PID=""; GUI_PID=""
cleanup() {
  [ -z "$GUI_PID" ] || kill "$GUI_PID" 2>/dev/null || true
  [ -z "$XVFB_PID" ] || kill "$XVFB_PID" 2>/dev/null || true
  if [ "$installed" = 1 ]; then
    apt-get remove -y -qq -o DPkg::Lock::Timeout=300 embedscope embedscope-model-glove \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
APT=(env DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=300)

step "Building the packages with cpack"
(cd "$WORK" && cpack --config "$BUILD_DIR/CPackConfig.cmake" -B "$WORK/out") > "$WORK/cpack.log" 2>&1 \
  || { cat "$WORK/cpack.log"; fail "cpack failed"; }
APP_DEB="$WORK/out/embedscope_${VERSION}_amd64.deb"
MODEL_DEB="$WORK/out/embedscope-model-glove_${VERSION}_all.deb"
ls -l "$WORK/out"/*.deb
[ -f "$APP_DEB" ] || fail "expected $APP_DEB"
[ -f "$MODEL_DEB" ] || fail "expected $MODEL_DEB"

step "Package metadata"
dpkg-deb -f "$APP_DEB" Package Version Architecture Depends Recommends
dpkg-deb -f "$MODEL_DEB" Package Version Architecture
depends="$(dpkg-deb -f "$APP_DEB" Depends)"
for need in qt6-qpa-plugins libgl1 libqt6charts6 libqt6widgets6 libqt6gui6 libc6; do
  grep -q "\b$need\b" <<<"$depends" || fail "Depends lacks $need: $depends"
done
grep -q "embedscope-model-glove" <<<"$(dpkg-deb -f "$APP_DEB" Recommends)" \
  || fail "Recommends lacks embedscope-model-glove"
[ "$(dpkg-deb -f "$MODEL_DEB" Architecture)" = all ] || fail "the model package is not Architecture: all"
# (listings are captured first: grep -q closing the pipe early would kill dpkg-deb)
app_files="$(dpkg-deb -c "$APP_DEB")"
model_files="$(dpkg-deb -c "$MODEL_DEB")"
grep -q '\./usr/bin/embedscope$' <<<"$app_files" || fail "no /usr/bin/embedscope in the package"
grep -q '\./usr/share/embedscope/models/glove-100d.esm$' <<<"$model_files" \
  || fail "no model in the model package"
grep -q '\./usr/share/doc/embedscope/copyright$' <<<"$app_files" || fail "no copyright file in the package"
grep -q '\./usr/share/doc/embedscope-model-glove/copyright$' <<<"$model_files" \
  || fail "no copyright file in the model package"

step "apt-get install ./embedscope_*.deb ./embedscope-model-glove_*.deb"
installed=1
(cd "$WORK/out" && "${APT[@]}" install "./$(basename "$APP_DEB")" "./$(basename "$MODEL_DEB")") \
  > "$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log"; fail "apt-get install failed"; }
tail -n 3 "$WORK/apt.log"
FILES=(/usr/bin/embedscope /usr/bin/embedscope-convert-model
       /usr/share/applications/io.github.embedscope.EmbedScope.desktop
       /usr/share/metainfo/io.github.embedscope.EmbedScope.metainfo.xml
       /usr/share/mime/packages/io.github.embedscope.EmbedScope.xml
       /usr/share/icons/hicolor/scalable/apps/io.github.embedscope.EmbedScope.svg
       /usr/share/icons/hicolor/48x48/apps/io.github.embedscope.EmbedScope.png
       /usr/share/man/man1/embedscope.1.gz
       /usr/share/embedscope/models/glove-100d.esm)
for f in "${FILES[@]}"; do [ -f "$f" ] || fail "not installed: $f"; done
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate /usr/share/applications/io.github.embedscope.EmbedScope.desktop | grep 'error' \
    && fail "the installed desktop file does not validate"
fi
grep -q 'application/x-embedscope:\*\.embedscope' /usr/share/mime/globs2 \
  || fail "the MIME type is not in the system database after install"

step "/usr/bin/embedscope --version"
out="$(/usr/bin/embedscope --version)"
echo "$out"
[ "$(head -n 1 <<<"$out")" = "embedscope $VERSION" ] || fail "unexpected version output: $out"
grep -q '^License: MIT' <<<"$out" || fail "--version does not name the licence: $out"

# A home with nothing in it and no EMBEDSCOPE_MODEL: only the installed model can be found.
HOME_DIR="$WORK/home"
mkdir -p "$HOME_DIR"
EMPTY_ENV=(env -u EMBEDSCOPE_MODEL HOME="$HOME_DIR" XDG_DATA_HOME="$HOME_DIR/.local/share"
           XDG_CACHE_HOME="$HOME_DIR/.cache" XDG_CONFIG_HOME="$HOME_DIR/.config")

step "embedscope embed resources/datasets/classroom.csv -o tmp.npy (installed model only)"
(cd "$WORK" && "${EMPTY_ENV[@]}" embedscope embed "$SOURCE_DIR/resources/datasets/classroom.csv" \
    -o "$WORK/tmp.npy" --stats) || fail "embedscope embed failed with the installed model"
[ -s "$WORK/tmp.npy" ] || fail "no vectors written"
head -c 128 "$WORK/tmp.npy" | tr -d '\0' | grep -a -o -E "'shape': *\([0-9]+, *100\)" \
  || fail "tmp.npy does not hold N x 100 vectors"

step "The installed window starts and shows the demo set (Xvfb)"
if command -v Xvfb >/dev/null; then
  mkdir -p -m 700 "$HOME_DIR/run"
  Xvfb -displayfd 3 -screen 0 1280x800x24 3>"$WORK/display" >/dev/null 2>&1 &
  XVFB_PID=$!
  for _ in $(seq 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
  DISP=":$(cat "$WORK/display")"
  "${EMPTY_ENV[@]}" XDG_RUNTIME_DIR="$HOME_DIR/run" DISPLAY="$DISP" QT_QPA_PLATFORM=xcb \
      LIBGL_ALWAYS_SOFTWARE=1 /usr/bin/embedscope "$SOURCE_DIR/resources/datasets/classroom.csv" \
      > "$WORK/gui.log" 2>&1 &
  GUI_PID=$!
  if command -v xwininfo >/dev/null; then
    # Wait (up to a minute) for a top-level window titled EmbedScope.
    for _ in $(seq 120); do
      DISPLAY="$DISP" xwininfo -root -tree 2>/dev/null | grep -q '"[^"]*EmbedScope[^"]*"' && break
      kill -0 "$GUI_PID" 2>/dev/null || break
      sleep 0.5
    done
    DISPLAY="$DISP" xwininfo -root -tree | grep -o '"[^"]*EmbedScope[^"]*"' | head -n 3 \
      || { cat "$WORK/gui.log"; fail "no EmbedScope window appeared"; }
  else
    sleep 5
  fi
  kill -0 "$GUI_PID" 2>/dev/null || { cat "$WORK/gui.log"; fail "the installed window exited"; }
  kill "$GUI_PID"; wait "$GUI_PID" 2>/dev/null || true; GUI_PID=""
  kill "$XVFB_PID"; wait "$XVFB_PID" 2>/dev/null || true; XVFB_PID=""
else
  echo "(Xvfb not installed: window start not checked)"
fi

step "Without the model package, the error names it"
"${APT[@]}" remove embedscope-model-glove > "$WORK/apt-remove-model.log" 2>&1 \
  || { cat "$WORK/apt-remove-model.log"; fail "apt-get remove embedscope-model-glove failed"; }
[ ! -e /usr/share/embedscope/models/glove-100d.esm ] || fail "the model is still there"
set +e
err="$(cd "$WORK" && "${EMPTY_ENV[@]}" embedscope embed "$SOURCE_DIR/resources/datasets/classroom.csv" \
    -o "$WORK/tmp2.npy" 2>&1 >/dev/null)"
rc=$?
set -e
echo "$err"
[ "$rc" = 1 ] || fail "expected exit status 1 without a model, got $rc"
grep -q "embedscope-model-glove" <<<"$err" || fail "the missing-model error does not name the package"

step "apt-get remove embedscope"
"${APT[@]}" remove embedscope > "$WORK/apt-remove.log" 2>&1 \
  || { cat "$WORK/apt-remove.log"; fail "apt-get remove embedscope failed"; }
installed=0
for f in "${FILES[@]}"; do [ ! -e "$f" ] || fail "left behind after removal: $f"; done
[ ! -d /usr/share/embedscope ] || fail "left behind after removal: /usr/share/embedscope"
for p in embedscope embedscope-model-glove; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    && fail "$p is still installed"
done
grep -q 'application/x-embedscope' /usr/share/mime/globs2 && fail "the MIME type is still registered"

echo "PASS: packages built, installed, run with the installed model, and removed cleanly"
