#!/usr/bin/env bash
# make test-interop: stored PNGs read by a reader that is not ours. The CLI makes real images with
# the demo provider in a throwaway library; sd-parsers (PyPI, pinned in requirements.txt, in a venv
# under the git-ignored .tools/) must read back the prompt, seed, sampler, model and size exactly.
# Expects the CLI built (make test-interop builds it); NANOFORGE_CLI_BIN points at another one.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
cli_bin=${NANOFORGE_CLI_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/nanoforge}
venv=$root/.tools/interop-venv

[ -x "$cli_bin" ] || { echo "interop: $cli_bin not built (make test-interop builds it)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "interop: python3 is missing (run scripts/setup.sh test)" >&2; exit 1; }

# A fresh venv whenever requirements.txt changes (its hash is kept in the venv).
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$venv/.nanoforge-req-sha" 2>/dev/null)" != "$want" ]; then
  echo "interop: installing $(grep -v '^#' requirements.txt | xargs) into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || { echo "interop: python3 -m venv failed (python3-venv: scripts/setup.sh test)" >&2; exit 1; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt
  echo "$want" > "$venv/.nanoforge-req-sha"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Only the demo provider, whatever keys this machine has.
unset NANOBANANA_API_KEY GEMINI_API_KEY

# check NAME PROMPT SEED|none: one generation, then sd-parsers on its stored original.
check() {
  local name=$1 prompt=$2 seed=$3 seed_args=()
  [ "$seed" = none ] || seed_args=(--seed "$seed")
  NANOFORGE_DATA_DIR="$work/$name" "$cli_bin" generate "$prompt" --provider demo "${seed_args[@]}" \
    --json >"$work/$name.json" 2>"$work/$name.log" \
    || { cat "$work/$name.log" >&2; echo "interop: $name: generate failed" >&2; return 1; }
  local image
  image=$("$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["images"][0]["path"])' <"$work/$name.json")
  if ! "$venv/bin/python" read_a1111.py "$image" --job "$work/$name.json" --prompt "$prompt" --seed "$seed" \
      >"$work/$name.read.json"; then
    echo "--- sd-parsers read ($name) ---" >&2; cat "$work/$name.read.json" >&2
    echo "interop: $name: FAILED" >&2
    return 1
  fi
  echo "interop: $name: sd-parsers read the prompt, seed, sampler, model and size back"
}

check comma-colon-seed "a lighthouse, at dusk: 35mm" 424242
check multiline-no-seed $'a "red" barn\nsecond line, with: more' none
echo "interop: passed"
