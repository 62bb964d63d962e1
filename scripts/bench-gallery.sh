#!/usr/bin/env bash
# The gallery benchmark (`make bench`): builds the release app (production mode, embedded ui/dist) and the
# release CLI, seeds 100,000 synthetic images with a thousand distinct thumbnails, and measures the Gallery in
# a real window under Xvfb (tests/e2e/specs-bench/gallery.test.mjs): first paint, page p50/p95, the scroll to
# the end, cold start and memory, written to target/bench/gallery.json and printed.
# NANOFORGE_E2E_IMAGES changes the library's size. Fails only when the benchmark cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f ui/dist/index.html ] || (cd ui && npm run build)
cargo build --release -p nanoforge-app --features custom-protocol -p nanoforge-cli -p fake-nanobanana
export NANOFORGE_APP_BIN=$PWD/target/release/nanoforge-app
export NANOFORGE_CLI_BIN=$PWD/target/release/nanoforge
export NANOFORGE_FAKE_BIN=$PWD/target/release/fake-nanobanana
export NANOFORGE_BENCH_BUILD=release
NANOFORGE_BENCH_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
export NANOFORGE_BENCH_COMMIT
NANOFORGE_E2E_SUITES=gallery-bench exec scripts/with-keyring.sh tests/e2e/run.sh
