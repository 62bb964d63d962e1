#!/usr/bin/env bash
# Installs what Nanoforge needs on a fresh Debian/Ubuntu machine, skipping what is already there.
#   scripts/setup.sh app    -> system libraries for building and running the app, npm packages
#   scripts/setup.sh test   -> the above plus test tools (Xvfb, WebKitWebDriver, chromium, tauri-driver, keyring,
#                              python3-venv)
#                              and the Android type-check toolchain (rustup target, clang, arm64 headers)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-app}

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_pkgs=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config)
# .cargo/config.toml links with mold through clang (the test binaries are large).
apt_pkgs+=(clang mold)
if [ "$mode" = test ]; then
  apt_pkgs+=(xvfb webkit2gtk-driver chromium gnome-keyring libsecret-tools dbus-x11 xauth)
  # make check-android: clang and llvm-ar for the C parts, arm64 libc headers as a stand-in sysroot
  # (no NDK can be fetched here); dpkg-shlibdeps and rpm's tools for the package test.
  apt_pkgs+=(llvm libc6-dev-arm64-cross dpkg-dev rpm rpm2cpio rpmlint cpio)
  # make test-interop: a venv for the third-party metadata reader (sd-parsers from PyPI).
  apt_pkgs+=(python3-venv)
fi
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "setup: Rust is needed: install it with rustup (https://rustup.rs)" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: Node.js 20+ and npm are needed" >&2; exit 1; }
for component in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done
if [ "$mode" = test ] && ! rustup target list --installed | grep -qx aarch64-linux-android; then
  echo "setup: rustup target add aarch64-linux-android"
  rustup target add aarch64-linux-android
fi

# npm ci when the lock file changed since the last install (a stamp of its hash in node_modules).
npm_install() {
  local dir=$1 want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$dir/node_modules/.nanoforge-lock-sha" 2>/dev/null)" != "$want" ]; then
    echo "setup: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$dir/node_modules/.nanoforge-lock-sha"
  fi
}
npm_install ui
if [ "$mode" = test ]; then
  npm_install tests/e2e
  npm_install tests/oidc-provider
  # tauri-driver bridges WebDriver to WebKitWebDriver for the real-window tests.
  if [ ! -x .tools/bin/tauri-driver ]; then
    echo "setup: cargo install tauri-driver"
    cargo install --locked --quiet tauri-driver@2.1.0 --root .tools
  fi
fi
