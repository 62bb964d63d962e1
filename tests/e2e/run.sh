#!/usr/bin/env bash
# Drives the real app window: Xvfb + tauri-driver + WebKitWebDriver, with a fresh library folder.
# Expects the production build at target/debug/nanoforge-app (make e2e builds it first).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
export NANOFORGE_APP_BIN=${NANOFORGE_APP_BIN:-$root/target/debug/nanoforge-app}
export PATH="$root/.tools/bin:$PATH"

for tool in Xvfb tauri-driver WebKitWebDriver; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is missing (run scripts/setup.sh test)" >&2; exit 1; }
done
[ -x "$NANOFORGE_APP_BIN" ] || { echo "e2e: $NANOFORGE_APP_BIN not built (make app-prod)" >&2; exit 1; }

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

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
native_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export NANOFORGE_DATA_DIR="$work/data"
export NANOFORGE_WEBDRIVER_PORT=$port

tauri-driver --port "$port" --native-port "$native_port" --native-driver /usr/bin/WebKitWebDriver >"$work/tauri-driver.log" 2>&1 &
pids+=($!)

mkdir -p screenshots
if ! node --test --test-concurrency=1 specs/; then
  echo "--- tauri-driver log ---" >&2; tail -n 40 "$work/tauri-driver.log" >&2
  exit 1
fi
