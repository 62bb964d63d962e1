#!/usr/bin/env bash
# Drives the real app window: Xvfb + tauri-driver + WebKitWebDriver, each suite with a fresh library
# folder. Expects the production app, the CLI and the fake Nano Banana server in target/debug
# (make e2e builds them). Run it under scripts/with-keyring.sh so the app has a real keychain.
#   suite 1 (specs/*.test.mjs): the studio against the fake server, then offline;
#   suite 2 (specs-scale/*.test.mjs): a library of $NANOFORGE_E2E_IMAGES (100k) seeded by the CLI.
# NANOFORGE_E2E_SUITES="studio" (or "scale") runs one of them.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
export NANOFORGE_APP_BIN=${NANOFORGE_APP_BIN:-$root/target/debug/nanoforge-app}
export NANOFORGE_FAKE_BIN=${NANOFORGE_FAKE_BIN:-$root/target/debug/fake-nanobanana}
cli_bin=${NANOFORGE_CLI_BIN:-$root/target/debug/nanoforge}
export PATH="$root/.tools/bin:$PATH"

for tool in Xvfb tauri-driver WebKitWebDriver; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is missing (run scripts/setup.sh test)" >&2; exit 1; }
done
for bin in "$NANOFORGE_APP_BIN" "$NANOFORGE_FAKE_BIN" "$cli_bin"; do
  [ -x "$bin" ] || { echo "e2e: $bin not built (make e2e builds it)" >&2; exit 1; }
done
if [ "${CI:-}" = true ] && [ "${NANOFORGE_KEYRING_TEST:-}" != 1 ]; then
  echo "e2e: CI=true but no keychain: run under scripts/with-keyring.sh" >&2; exit 1
fi

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# A display of our own: -displayfd tells us which number Xvfb picked.
exec 3> "$work/display"
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(head -n1 "$work/display")"
# Services the session bus starts for the app (desktop portals) need the display too.
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v dbus-update-activation-environment >/dev/null; then
  dbus-update-activation-environment DISPLAY 2>/dev/null || true
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The specs start and stop the fake server themselves (to go offline); the app learns its address
# from the environment tauri-driver passes on.
export NANOFORGE_FAKE_PORT=$(free_port)
export NANOBANANA_BASE_URL="http://127.0.0.1:$NANOFORGE_FAKE_PORT"
export NANOFORGE_POLL_INTERVAL_MS=250
# No accessibility bus in a headless session (it only adds noise to the log).
export NO_AT_BRIDGE=1
unset NANOBANANA_API_KEY
mkdir -p screenshots

# run_suite NAME DATA_DIR SPEC_DIR: one tauri-driver (so one app environment) per suite.
run_suite() {
  local name=$1 data=$2 specs=$3 port native_port driver_pid
  port=$(free_port); native_port=$(free_port)
  export NANOFORGE_DATA_DIR=$data NANOFORGE_WEBDRIVER_PORT=$port
  tauri-driver --port "$port" --native-port "$native_port" --native-driver /usr/bin/WebKitWebDriver \
    >"$work/tauri-driver-$name.log" 2>&1 &
  driver_pid=$!
  pids+=("$driver_pid")
  local status=0
  node --test --test-concurrency=1 "$specs"/ || status=$?
  kill "$driver_pid" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    echo "--- tauri-driver log ($name) ---" >&2; tail -n 60 "$work/tauri-driver-$name.log" >&2
    return "$status"
  fi
}

suites=${NANOFORGE_E2E_SUITES:-studio scale}
if [[ " $suites " == *" studio "* ]]; then
  run_suite studio "$work/studio" specs
fi
if [[ " $suites " == *" scale "* ]]; then
  images=${NANOFORGE_E2E_IMAGES:-100000}
  NANOFORGE_DATA_DIR="$work/scale" "$cli_bin" seed-synthetic --count "$images"
  export NANOFORGE_E2E_IMAGES=$images
  run_suite scale "$work/scale" "${NANOFORGE_E2E_SCALE_SPECS:-specs-scale}"
fi
