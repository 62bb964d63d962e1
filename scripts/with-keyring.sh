#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (a real Secret Service),
# so the keychain tests talk to the real thing. Without gnome-keyring the command runs as is; the
# keychain tests then skip, except under CI=true where they fail (see core/src/secrets.rs tests).
set -euo pipefail
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  keyrings=$(mktemp -d)
  trap 'rm -rf "$keyrings"' EXIT
  # A throwaway keyring folder: a login keyring left by an earlier run (other password) would stay locked.
  KEYRINGS="$keyrings" dbus-run-session -- bash -c '
    # A non-empty password creates and unlocks the login collection (an empty one leaves it missing).
    eval "$(echo -n nanoforge-test | XDG_DATA_HOME="$KEYRINGS" gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
    export NANOFORGE_KEYRING_TEST=1
    exec "$@"' bash "$@"
  exit
fi
echo "with-keyring: gnome-keyring or dbus-run-session missing; keychain tests will not run" >&2
exec "$@"
