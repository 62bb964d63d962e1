#!/usr/bin/env bash
# Type-checks the app (and so the core) for Android, and keeps desktop-only crates out of the core's
# mobile dependency trees. No NDK can be fetched here, so the C parts of dependencies (SQLite,
# aws-lc) compile against Debian's arm64 glibc headers plus one bionic header from
# scripts/android-shim/: enough for `cargo check`, never for linking. Real builds: docs/mobile.md.
# Uses the main target folder so host build scripts and proc macros are reused.
set -euo pipefail
cd "$(dirname "$0")/.."
target=aarch64-linux-android

# Crates that only make sense on a desktop OS; none may reach the core on Android or iOS.
desktop_only='^(gtk|gdk|webkit2gtk|javascriptcore|soup|tao|wry|tauri|muda|tray-icon|dbus|zbus|libdbus|secret-service|zbus-secret-service-keyring-store|dbus-secret-service-keyring-store|linux-keyutils|windows-native-keyring-store|db-keystore|x11|xkbcommon|openssl|openssl-sys|native-tls)([-_].*)?$'
for t in $target aarch64-apple-ios; do
  tree=$(cargo tree --locked -q -p nanoforge-core --target "$t" -e normal --prefix none --format '{p}')
  # openssl-probe is pure Rust (it only looks for CA files); aws-sdk-s3's default HTTPS client brings
  # it with rustls-native-certs. It links no OpenSSL; on Android the S3 client trusts the bundled
  # roots instead (core/src/tls.rs, docs/mobile.md §1).
  found=$(awk '{print $1}' <<<"$tree" | sort -u | grep -E "$desktop_only" | grep -vx 'openssl-probe' || true)
  if [ -n "$found" ]; then
    echo "check-android: desktop-only crates in nanoforge-core's $t tree:" >&2
    echo "$found" >&2
    exit 1
  fi
done
echo "check-android: no desktop-only crate in nanoforge-core for $target or aarch64-apple-ios"

rustup target list --installed | grep -qx "$target" \
  || { echo "check-android: rustup target $target missing (run scripts/setup.sh test)" >&2; exit 1; }
for tool in clang llvm-ar; do
  command -v "$tool" >/dev/null || { echo "check-android: $tool missing (run scripts/setup.sh test)" >&2; exit 1; }
done
[ -d /usr/aarch64-linux-gnu/include ] \
  || { echo "check-android: arm64 headers missing (apt libc6-dev-arm64-cross; scripts/setup.sh test)" >&2; exit 1; }

env_target=${target//-/_}
export "CC_$env_target=clang" "AR_$env_target=llvm-ar"
export "CFLAGS_$env_target=--target=${target}24 -isystem $PWD/scripts/android-shim -isystem /usr/aarch64-linux-gnu/include -D_GNU_SOURCE"
cargo check --locked --target "$target" -p nanoforge-app ${CARGO_JOBS:+-j "$CARGO_JOBS"}
echo "check-android: nanoforge-app and nanoforge-core type-check for $target"
