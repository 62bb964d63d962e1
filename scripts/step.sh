#!/usr/bin/env bash
# Runs one step of `make test` and records how long it took (target/test-steps.tsv), so every run
# (CI's included) prints the per-step table BENCHMARKS.md keeps. `scripts/step.sh --table` prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
log=target/test-steps.tsv
mkdir -p target
if [ "${1:-}" = --reset ]; then : > "$log"; date +%s > target/test-steps.start; exit 0; fi
if [ "${1:-}" = --table ]; then
  total=0
  printf '%-22s %8s\n' step seconds
  while IFS=$'\t' read -r name secs; do
    printf '%-22s %8s\n' "$name" "$secs"; total=$((total + secs))
  done < "$log"
  start=$(cat target/test-steps.start 2>/dev/null || date +%s)
  printf '%-22s %8s  (wall clock since make test began: %s s)\n' total "$total" "$(( $(date +%s) - start ))"
  exit 0
fi
name=$1; shift
started=$(date +%s)
"$@"
printf '%s\t%s\n' "$name" "$(( $(date +%s) - started ))" >> "$log"
