#!/usr/bin/env bash
# Drives the real app window: Xvfb + tauri-driver + WebKitWebDriver, each suite with a fresh library
# folder. Expects the production app, the CLI, the fake Nano Banana and Gemini servers and the S3 test
# server in target/debug (make e2e builds them), and tests/oidc-provider's npm packages. Run it under
# scripts/with-keyring.sh so the app has a real keychain.
#   suite studio (specs/*.test.mjs): a first start after a crash (the report, then the welcome), the
#     studio against the fake server, then offline;
#   suite services (specs-services/*.test.mjs): Gemini once, sync with the S3 test server and the CLI
#     as a second device, then signing in with the local OpenID provider (two accounts);
#   suite scale (specs-scale/*.test.mjs): a library of $NANOFORGE_E2E_IMAGES (100k) seeded by the CLI;
#   suite gallery-bench (specs-bench/*.test.mjs): the gallery benchmark on the same kind of library
#     (scripts/bench-gallery.sh runs it on the release app; not part of the default suites).
# NANOFORGE_E2E_SUITES="studio" (or "services", "scale", or several) runs those;
# NANOFORGE_E2E_{STUDIO,SERVICES,SCALE}_SPECS point a suite at another spec folder.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
export NANOFORGE_APP_BIN=${NANOFORGE_APP_BIN:-$root/target/debug/nanoforge-app}
export NANOFORGE_FAKE_BIN=${NANOFORGE_FAKE_BIN:-$root/target/debug/fake-nanobanana}
export NANOFORGE_CLI_BIN=${NANOFORGE_CLI_BIN:-$root/target/debug/nanoforge}
export NANOFORGE_GEMINI_BIN=${NANOFORGE_GEMINI_BIN:-$root/target/debug/fake-gemini}
export NANOFORGE_S3_BIN=${NANOFORGE_S3_BIN:-$root/target/debug/s3-test-server}
cli_bin=$NANOFORGE_CLI_BIN
export PATH="$root/.tools/bin:$PATH"
suites=${NANOFORGE_E2E_SUITES:-studio services scale}
# Without a GPU the app switches WebKit's compositing off (src-tauri/src/webview_rendering.rs), and in that
# mode WebKitWebDriver's screenshots hang. The suites that take screenshots run with compositing on (as on
# a machine with a GPU: a value the person set is kept); the gallery benchmark runs as the app chooses.
caller_compositing=${WEBKIT_DISABLE_COMPOSITING_MODE-unset}
export WEBKIT_DISABLE_COMPOSITING_MODE=${WEBKIT_DISABLE_COMPOSITING_MODE:-0}

for tool in Xvfb tauri-driver WebKitWebDriver; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is missing (run scripts/setup.sh test)" >&2; exit 1; }
done
bins=("$NANOFORGE_APP_BIN" "$NANOFORGE_FAKE_BIN" "$cli_bin")
if [[ " $suites " == *" services "* ]]; then
  bins+=("$NANOFORGE_GEMINI_BIN" "$NANOFORGE_S3_BIN")
  [ -d "$root/tests/oidc-provider/node_modules/oauth2-mock-server" ] \
    || { echo "e2e: tests/oidc-provider has no node_modules (run scripts/setup.sh test)" >&2; exit 1; }
fi
for bin in "${bins[@]}"; do
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
# Keys and sync settings from the caller's environment would override what the specs set in the UI.
unset NANOBANANA_API_KEY GEMINI_API_KEY NANOFORGE_SYNC_ENDPOINT NANOFORGE_SYNC_BUCKET NANOFORGE_SYNC_REGION \
  NANOFORGE_SYNC_PREFIX NANOFORGE_SYNC_ACCESS_KEY_ID NANOFORGE_SYNC_SECRET_ACCESS_KEY NANOFORGE_SYNC_KEEP_ORIGINALS \
  NANOFORGE_OIDC_ISSUER NANOFORGE_OIDC_CLIENT_ID NANOFORGE_OIDC_CLIENT_SECRET NANOFORGE_NO_BROWSER NANOFORGE_PROFILE
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

# The first-run welcome (and a crash report of a last run) are the studio suite's (specs/first-start.test.mjs);
# the other suites start on a data folder where it was dismissed, as the core marks it.
past_welcome() { mkdir -p "$1" && touch "$1/welcome-dismissed"; }

if [[ " $suites " == *" studio "* ]]; then
  run_suite studio "$work/studio" "${NANOFORGE_E2E_STUDIO_SPECS:-specs}"
fi
if [[ " $suites " == *" services "* ]]; then
  # The app reads these once, at start: the specs start the fake Gemini server and the OpenID provider
  # on these ports (the S3 test server's address is typed into Settings, so it picks its own).
  NANOFORGE_GEMINI_PORT=$(free_port) NANOFORGE_OIDC_PORT=$(free_port)
  export NANOFORGE_GEMINI_PORT NANOFORGE_OIDC_PORT
  export GEMINI_BASE_URL="http://127.0.0.1:$NANOFORGE_GEMINI_PORT"
  export NANOFORGE_OIDC_ISSUER="http://127.0.0.1:$NANOFORGE_OIDC_PORT"
  # No client in the environment (nor compiled in): the sign-in spec sets the provider's client up through
  # Settings → "Use your own Google client", as a person with a package built without one does.
  unset NANOFORGE_OIDC_CLIENT_ID NANOFORGE_OIDC_CLIENT_SECRET
  # Sign-in shows its link and the spec plays the browser; demo images take a moment, not seconds.
  export NANOFORGE_NO_BROWSER=1 NANOFORGE_DEMO_LATENCY_MS=400
  past_welcome "$work/services"
  run_suite services "$work/services" "${NANOFORGE_E2E_SERVICES_SPECS:-specs-services}"
  unset GEMINI_BASE_URL NANOFORGE_OIDC_ISSUER NANOFORGE_OIDC_CLIENT_ID NANOFORGE_OIDC_CLIENT_SECRET \
    NANOFORGE_NO_BROWSER NANOFORGE_DEMO_LATENCY_MS
fi
if [[ " $suites " == *" gallery-bench "* ]]; then
  if [ "$caller_compositing" = unset ]; then unset WEBKIT_DISABLE_COMPOSITING_MODE; fi
  images=${NANOFORGE_E2E_IMAGES:-100000}
  NANOFORGE_DATA_DIR="$work/bench" "$cli_bin" seed-synthetic --count "$images" ${NANOFORGE_BENCH_DISTINCT:+--distinct-thumbnails $NANOFORGE_BENCH_DISTINCT}
  # NANOFORGE_BENCH_DISTINCT (default 1,000) tells what the decoded thumbnails add to memory (BENCHMARKS.md).
  # A re-baseline of an old commit gives its library distinct thumbnails itself (BENCHMARKS.md).
  if [ -n "${NANOFORGE_BENCH_FIXTURE_HOOK:-}" ]; then "$NANOFORGE_BENCH_FIXTURE_HOOK" "$work/bench"; fi
  # A finished batch of 500 demo images (20 × 25 prompts) for the batch grid's figure (not for old commits).
  if [ "${NANOFORGE_BENCH_BATCH:-1}" = 1 ]; then
    a=$(seq -s '|' 1 20); b=$(seq -s '|' 1 25)
    NANOFORGE_DATA_DIR="$work/bench" NANOFORGE_DEMO_LATENCY_MS=0 "$cli_bin" batch \
      "Product shot {$a} in colour {$b}" --model demo --yes --json >"$work/batch.json"
    NANOFORGE_BENCH_BATCH_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["batch_id"])' "$work/batch.json")
    export NANOFORGE_BENCH_BATCH_ID
  fi
  past_welcome "$work/bench"
  export NANOFORGE_E2E_IMAGES=$images NANOFORGE_BENCH_OUT=${NANOFORGE_BENCH_OUT:-$root/target/bench/gallery.json}
  run_suite gallery-bench "$work/bench" specs-bench
  export WEBKIT_DISABLE_COMPOSITING_MODE=${WEBKIT_DISABLE_COMPOSITING_MODE:-0}
fi
if [[ " $suites " == *" scale "* ]]; then
  images=${NANOFORGE_E2E_IMAGES:-100000}
  NANOFORGE_DATA_DIR="$work/scale" "$cli_bin" seed-synthetic --count "$images" ${NANOFORGE_BENCH_DISTINCT:+--distinct-thumbnails $NANOFORGE_BENCH_DISTINCT}
  past_welcome "$work/scale"
  export NANOFORGE_E2E_IMAGES=$images
  # The spec counts the files the shell serves (a debug line each) to prove the web view caches them.
  RUST_LOG=info,nanoforge_app_lib::image_protocol=debug \
    run_suite scale "$work/scale" "${NANOFORGE_E2E_SCALE_SPECS:-specs-scale}"
fi
