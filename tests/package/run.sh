#!/usr/bin/env bash
# The desktop package, end to end: builds the .deb from the app and CLI that `make e2e` compiled
# (debug, with the embedded UI) unless given one (`tests/package/run.sh path/to.deb`), checks its
# Depends against what its binaries link, inspects the .rpm built beside it (rpm -qpR/-qpl, rpmlint,
# the unpacked CLI runs), installs it, starts the installed app under Xvfb with an
# empty home folder (window shows Home, library folder created), runs the installed
# `nanoforge info --json`, updates it in place from a signed package served on loopback (a tampered one
# refused first), then purges the package, also when a step failed.
set -euo pipefail
deb=${1:+$(realpath "$1")}
cd "$(dirname "$0")"
here=$PWD
root=$(cd ../.. && pwd)
export PATH="$root/.tools/bin:$PATH"
# The specs take screenshots, which hang in WebKit's non-composited mode (the one the app picks when there is
# no GPU, src-tauri/src/webview_rendering.rs): they run with compositing on, as on a machine with a GPU.
export WEBKIT_DISABLE_COMPOSITING_MODE=${WEBKIT_DISABLE_COMPOSITING_MODE:-0}
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
step() { echo "package: $*"; }

for tool in Xvfb tauri-driver WebKitWebDriver dpkg-shlibdeps python3 rpm rpm2cpio rpmlint cpio; do
  command -v "$tool" >/dev/null || { echo "package: $tool is missing (run scripts/setup.sh test)" >&2; exit 1; }
done

step "npm and crate versions of Tauri agree"
node tauri-versions.mjs

if [ -z "$deb" ]; then
  for bin in nanoforge-app nanoforge; do
    [ -x "$root/target/debug/$bin" ] || { echo "package: target/debug/$bin not built (make e2e builds it)" >&2; exit 1; }
  done
  step "bundling the debug build as a .deb"
  rm -rf "$root/target/debug/bundle/deb"
  # As `make dist` does: Depends computed from these binaries on this machine, the CLI from the
  # debug build too.
  config=$(python3 "$root/scripts/package_config.py" --cli "$root/target/debug/nanoforge" \
    "$root/target/debug/nanoforge-app")
  rm -rf "$root/target/debug/bundle/rpm"
  (cd "$root/ui" && TAURI_APP_PATH=../src-tauri ./node_modules/.bin/tauri bundle --debug --bundles deb,rpm --ci \
    --config "$config")
  deb=$(ls "$root"/target/debug/bundle/deb/*.deb)
  rpm=$(ls "$root"/target/debug/bundle/rpm/*.rpm)
  built_here=1
fi
deb=$(realpath "$deb")
pkg=$(dpkg-deb -f "$deb" Package)
step "checking $(basename "$deb") (package $pkg)"

python3 check_depends.py "$deb"

if [ -n "${rpm:-}" ]; then
  step "inspecting $(basename "$rpm") with rpm's own tools"
  python3 check_rpm.py "$rpm" "$root/target/debug/nanoforge-app" "$root/target/debug/nanoforge"
fi

if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
  echo "package: $pkg is already installed here; purge it first (this test installs and purges it)" >&2
  exit 1
fi

work=$(mktemp -d)
pids=()
installed=
cleanup() {
  local status=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$installed" ]; then
    echo "package: purging $pkg"
    sudo_if_needed dpkg --purge "$pkg" >/dev/null || status=1
  fi
  rm -rf "$work"
  # The bundles built here (about 0.5 GB with their staging folders) are not kept.
  if [ -n "${built_here:-}" ]; then rm -rf "$root/target/debug/bundle"; fi
  exit "$status"
}
trap cleanup EXIT

step "installing"
installed=1
sudo_if_needed dpkg -i "$deb"
for f in /usr/bin/nanoforge-app /usr/bin/nanoforge; do
  [ -x "$f" ] || { echo "package: $f not installed" >&2; exit 1; }
done
desktop=$(dpkg -L "$pkg" | grep '^/usr/share/applications/.*\.desktop$')
grep -qx 'Exec=nanoforge-app' "$desktop" && grep -qx 'Categories=Graphics;' "$desktop" \
  && grep -qx 'Icon=nanoforge-app' "$desktop" \
  || { echo "package: unexpected desktop entry $desktop:" >&2; cat "$desktop" >&2; exit 1; }
dpkg -L "$pkg" | grep -q '^/usr/share/icons/hicolor/.*/apps/nanoforge-app\.png$' \
  || { echo "package: no hicolor icon installed" >&2; exit 1; }

# A user who never ran Nanoforge: an empty home folder and no overrides.
home="$work/home"
mkdir -p "$home"
unset NANOFORGE_DATA_DIR NANOBANANA_BASE_URL NANOBANANA_API_KEY XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME
export HOME="$home" NO_AT_BRIDGE=1
export NANOFORGE_APP_BIN=/usr/bin/nanoforge-app
export NANOFORGE_EXPECT_LIBRARY_DIR="$home/.local/share/dev.nanoforge.studio/profiles/local"

step "starting the installed app under Xvfb"
exec 3> "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "package: Xvfb did not start" >&2; cat "$work/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(head -n1 "$work/display")"
# Services the session bus starts for the app (desktop portals) need the display too.
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v dbus-update-activation-environment >/dev/null; then
  dbus-update-activation-environment DISPLAY 2>/dev/null || true
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The update in place (specs/update.test.mjs), on loopback: B is this package with the next patch version,
# signed with a key made for this run (a debug build takes its public key from NANOFORGE_TEST_UPDATER_PUBKEY;
# a release build only trusts the key compiled into it), plus a copy of B with one byte changed under B's
# signature. pkexec is a shim that logs and runs the install (as root here, through sudo elsewhere).
step "the bundle-type marker the updater needs is in the installed app"
marker=$(grep -c -a __TAURI_BUNDLE_TYPE_VAR_DEB /usr/bin/nanoforge-app || true)
[ "$marker" -ge 1 ] || { echo "package: /usr/bin/nanoforge-app has no __TAURI_BUNDLE_TYPE_VAR_DEB (the updater would not know it is a .deb)" >&2; exit 1; }
step "preparing a signed update on loopback"
from=$(dpkg-deb -f "$deb" Version)
to=$(python3 -c 'import sys; v=sys.argv[1].split("-")[0].split("."); v[-1]=str(int(v[-1])+1); print(".".join(v))' "$from")
mkdir -p "$work/b" "$work/srv/genuine" "$work/srv/tampered" "$work/bin"
dpkg-deb -R "$deb" "$work/b/root"
sed -i "s/^Version: .*/Version: $to/" "$work/b/root/DEBIAN/control"
dpkg-deb --root-owner-group -b "$work/b/root" "$work/srv/genuine/${pkg}_${to}_amd64.deb" >/dev/null
tauri="$root/ui/node_modules/.bin/tauri"
"$tauri" signer generate --ci -p "" -w "$work/update-test.key" >/dev/null
TAURI_SIGNING_PRIVATE_KEY_PATH="$work/update-test.key" TAURI_SIGNING_PRIVATE_KEY_PASSWORD="" \
  "$tauri" signer sign "$work/srv/genuine/${pkg}_${to}_amd64.deb" >/dev/null
python3 - "$work/srv/genuine/${pkg}_${to}_amd64.deb" "$work/srv/tampered/${pkg}_${to}_amd64.deb" <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
data[len(data) // 2] ^= 0xFF  # inside the data archive: still a .deb by its magic, no longer what was signed
open(sys.argv[2], 'wb').write(bytes(data))
PY
cp "$work/srv/genuine/${pkg}_${to}_amd64.deb.sig" "$work/srv/tampered/"
export NANOFORGE_UPDATE_PORT=$(free_port)
export NANOFORGE_UPDATE_BASE="http://127.0.0.1:$NANOFORGE_UPDATE_PORT"
for kind in genuine tampered; do
  python3 "$root/scripts/latest_json.py" --version "$to" --notes "Nanoforge $to (package test)" \
    --base-url "$NANOFORGE_UPDATE_BASE/$kind" --deb "$work/srv/$kind/${pkg}_${to}_amd64.deb" >"$work/srv/$kind/latest.json"
done
python3 -m http.server "$NANOFORGE_UPDATE_PORT" --bind 127.0.0.1 --directory "$work/srv" >"$work/http.log" 2>&1 &
pids+=($!)
export NANOFORGE_PKEXEC_LOG="$work/pkexec.log"
cat >"$work/bin/pkexec" <<'SH'
#!/bin/sh
echo "$*" >>"$NANOFORGE_PKEXEC_LOG"
if [ "$(id -u)" -eq 0 ]; then exec "$@"; else exec sudo "$@"; fi
SH
chmod +x "$work/bin/pkexec"
export PATH="$work/bin:$PATH" NANOFORGE_TEST_UPDATER_PUBKEY="$(cat "$work/update-test.key.pub")"
export NANOFORGE_UPDATE_FROM="$from" NANOFORGE_UPDATE_TO="$to" NANOFORGE_PACKAGE="$pkg"

export NANOFORGE_WEBDRIVER_PORT=$(free_port)
tauri-driver --port "$NANOFORGE_WEBDRIVER_PORT" --native-port "$(free_port)" \
  --native-driver /usr/bin/WebKitWebDriver >"$work/tauri-driver.log" 2>&1 &
pids+=($!)
node --test --test-concurrency=1 "$here/specs/" \
  || { echo "--- tauri-driver log ---" >&2; tail -n 60 "$work/tauri-driver.log" >&2; exit 1; }

step "running the installed nanoforge info --json"
info=$(/usr/bin/nanoforge info --json)
echo "$info"
NANOFORGE_INFO="$info" node -e '
  const info = JSON.parse(process.env.NANOFORGE_INFO)
  const want = process.env.NANOFORGE_EXPECT_LIBRARY_DIR
  if (info.library_dir !== want) throw new Error(`library_dir ${info.library_dir}, expected ${want}`)
  if (info.job_count !== 0) throw new Error(`job_count ${info.job_count} in a new library`)
  if (!/^\d+\.\d+\.\d+/.test(info.version)) throw new Error(`version ${info.version}`)'

step "purging"
installed=
sudo_if_needed dpkg --purge "$pkg" >/dev/null
for f in /usr/bin/nanoforge-app /usr/bin/nanoforge; do
  [ ! -e "$f" ] || { echo "package: $f left behind by the purge" >&2; exit 1; }
done
echo "package: all checks passed"
