#!/usr/bin/env bash
# make test-interop: images read by a reader that is not ours. The CLI makes real images in
# throwaway libraries and sd-parsers (PyPI, pinned in requirements.txt, in a venv under the
# git-ignored .tools/) must read back the prompt, seed, sampler, model and size exactly:
# - from the stored PNGs of the demo provider (metadata stored with them), and
# - from the copies `nanoforge export` hands out in each original's format: a demo PNG, a Gemini
#   PNG, a Gemini JPEG (the fake Gemini's Pro model answers JPEG bytes labelled PNG, as the real
#   one does) and a Nano Banana result its host served as WebP (the fake Nano Banana's
#   `imageFormat`). JPEG and WebP originals are stored as sent, so their settings reach the copy as
#   an EXIF UserComment, which is where sd-parsers looks; the originals must not change.
# Expects the CLI and the fake servers built (make test-interop builds them); NANOFORGE_CLI_BIN,
# NANOFORGE_GEMINI_BIN and NANOFORGE_FAKE_BIN point at other builds.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
cli_bin=${NANOFORGE_CLI_BIN:-$target/debug/nanoforge}
gemini_bin=${NANOFORGE_GEMINI_BIN:-$target/debug/fake-gemini}
nanobanana_bin=${NANOFORGE_FAKE_BIN:-$target/debug/fake-nanobanana}
venv=$root/.tools/interop-venv

for bin in "$cli_bin" "$gemini_bin" "$nanobanana_bin"; do
  [ -x "$bin" ] || { echo "interop: $bin not built (make test-interop builds it)" >&2; exit 1; }
done
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
py=$venv/bin/python

work=$(mktemp -d)
fakes=()
trap 'for pid in "${fakes[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"' EXIT
# Only the providers asked for, whatever keys this machine has; no keychain is reached.
unset NANOBANANA_API_KEY GEMINI_API_KEY NANOBANANA_BASE_URL GEMINI_BASE_URL
export DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/nanoforge-interop-bus
export NANOFORGE_POLL_INTERVAL_MS=30 NANOFORGE_DEMO_LATENCY_MS=0

# start_fake NAME BIN: runs a fake server on a free port; its base URL (the first line it prints)
# goes into the variable NAME.
start_fake() {
  local name=$1 bin=$2 fd line
  exec {fd}< <(exec "$bin" --port 0 2>"$work/$name.log")
  fakes+=($!)
  if ! read -r -t 30 -u "$fd" line; then
    cat "$work/$name.log" >&2
    echo "interop: $name did not start" >&2
    exit 1
  fi
  printf -v "$name" '%s' "$line"
}
start_fake gemini_url "$gemini_bin"
start_fake nanobanana_url "$nanobanana_bin"
# The fake Nano Banana's results: WebP files (named .png, as a converting host does), 256 px.
"$py" - "$nanobanana_url" <<'EOF'
import json, sys, urllib.request
body = json.dumps({"task": {"imageFormat": "webp", "imageLongSide": 256}}).encode()
req = urllib.request.Request(sys.argv[1] + "/__control/scenario", body, {"content-type": "application/json"})
urllib.request.urlopen(req, timeout=10).read()
EOF

# json_field FILE KEY...: one value of a JSON file (numeric keys index arrays).
json_field() {
  "$py" -c 'import functools, json, sys
print(functools.reduce(lambda v, k: v[int(k)] if k.isdigit() else v[k], sys.argv[2:],
                       json.load(open(sys.argv[1], encoding="utf-8"))))' "$@"
}

# generate NAME PROMPT ARGS...: one generation into the library of NAME (its job JSON in NAME.json).
generate() {
  local name=$1 prompt=$2
  shift 2
  NANOFORGE_DATA_DIR="$work/$name" \
    GEMINI_BASE_URL="$gemini_url" GEMINI_API_KEY=test-gemini-key \
    NANOBANANA_BASE_URL="$nanobanana_url" NANOBANANA_API_KEY=test-key \
    "$cli_bin" generate "$prompt" "$@" --json >"$work/$name.json" 2>"$work/$name.log" \
    || { cat "$work/$name.log" >&2; echo "interop: $name: generate failed" >&2; return 1; }
}

# read_back NAME FILE PROMPT SEED|none WHAT: sd-parsers on FILE against NAME's job.
read_back() {
  local name=$1 file=$2 prompt=$3 seed=$4 what=$5
  if ! "$py" read_a1111.py "$file" --job "$work/$name.json" --prompt "$prompt" --seed "$seed" \
      >"$work/$name.read.json"; then
    echo "--- sd-parsers read ($name, $what) ---" >&2; cat "$work/$name.read.json" >&2
    echo "interop: $name: FAILED" >&2
    return 1
  fi
  echo "interop: $name: sd-parsers read the prompt, seed, sampler, model and size from $what"
}

# check NAME PROMPT SEED|none: a demo generation, then sd-parsers on its stored original.
check() {
  local name=$1 prompt=$2 seed=$3 seed_args=()
  [ "$seed" = none ] || seed_args=(--seed "$seed")
  generate "$name" "$prompt" --provider demo "${seed_args[@]}"
  read_back "$name" "$(json_field "$work/$name.json" images 0 path)" "$prompt" "$seed" \
    "the stored PNG"
}

# check_export NAME FORMAT PROMPT SEED|none ARGS...: a generation whose original is FORMAT (png,
# jpeg or webp, by its bytes), exported with the CLI; sd-parsers reads the copy in the zip, which
# must keep the format, and the stored original must still hash to its name.
check_export() {
  local name=$1 format=$2 prompt=$3 seed=$4
  shift 4
  generate "$name" "$prompt" "$@"
  local id original sha
  id=$(json_field "$work/$name.json" images 0 id)
  original=$(json_field "$work/$name.json" images 0 path)
  sha=$(json_field "$work/$name.json" images 0 sha256)
  NANOFORGE_DATA_DIR="$work/$name" "$cli_bin" export "$id" --out "$work/$name.zip" >/dev/null \
    2>"$work/$name.export.log" \
    || { cat "$work/$name.export.log" >&2; echo "interop: $name: export failed" >&2; return 1; }
  "$py" - "$work/$name.zip" "$id" "$format" "$work/$name.copy" "$original" <<'EOF' || return 1
import sys, zipfile
from PIL import Image
archive, image_id, want, out, original = sys.argv[1:]
ext = {"png": "png", "jpeg": "jpg", "webp": "webp"}[want]
with zipfile.ZipFile(archive) as z:
    data = z.read(f"images/{image_id}.{ext}")
with open(out, "wb") as f:
    f.write(data)
for path, what in ((original, "stored original"), (out, "exported copy")):
    with Image.open(path) as im:
        if im.format.lower() != want:
            sys.exit(f"interop: the {what} is {im.format}, not {want}")
EOF
  [ "$(sha256sum "$original" | cut -d' ' -f1)" = "$sha" ] \
    || { echo "interop: $name: the stored original changed" >&2; return 1; }
  read_back "$name" "$work/$name.copy" "$prompt" "$seed" "its exported $format copy"
}

check comma-colon-seed "a lighthouse, at dusk: 35mm" 424242
check multiline-no-seed $'a "red" barn\nsecond line, with: more' none
check_export demo-png png "a harbour, at dawn: 35mm" 7 --provider demo --seed 7
check_export gemini-png png $'a fox in snow, "ink"\nsecond line' none \
  --provider gemini --model gemini-2.5-flash-image
check_export gemini-jpeg jpeg $'a castle, at night: 猫\nsecond line, with: more' none \
  --provider gemini --model gemini-3-pro-image
check_export nanobanana-webp webp "a lighthouse, at dusk: 35mm, 猫" none \
  --provider nanobanana --model nano-banana
echo "interop: passed"
