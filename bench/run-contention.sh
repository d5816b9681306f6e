#!/usr/bin/env bash
# Usage: bench/run-contention.sh [MODEL...] — training throughput at 1 and 2 threads while one
# other CPU-bound process runs on the machine (a busy loop this script starts and stops), and,
# for comparison, the same without it. `nnc train MODEL --threads 1|2`, samples/s of training
# steps, median of REPEATS (default 3) alternating runs; prints the medians and the ratio of 2
# threads to 1 thread with the competitor. Default model: fmnist_mlp. QUIET=0 skips the runs
# without the competitor. Needs: dataset-fashion-mnist for the fmnist models. Not part of CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
models=("$@")
[[ ${#models[@]} -gt 0 ]] || models=(fmnist_mlp)
repeats=${REPEATS:-3}
tmp=$(mktemp -d)
competitor=""
stop_competitor() {
  if [[ -n "$competitor" ]]; then
    kill "$competitor" 2>/dev/null || true
    wait "$competitor" 2>/dev/null || true
    competitor=""
  fi
}
trap 'stop_competitor; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

"$root/nnc" --version >/dev/null   # builds the CLI on first use, outside the timing

train() {  # MODEL THREADS: one training run's samples/s
  "$root/nnc" train "$here/models/$1.nn" --threads "$2" --quiet \
      --out "$tmp/w.safetensors" --metrics-json "$tmp/m.json" >/dev/null
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["samples_per_s"])' "$tmp/m.json"
}

median() {
  python3 -c 'import statistics,sys; print(round(statistics.median(float(v) for v in sys.argv[1:])))' "$@"
}

measure() {  # MODEL LABEL: REPEATS alternating runs at 1 and 2 threads
  local one=() two=()
  for _ in $(seq "$repeats"); do
    one+=("$(train "$1" 1)")
    two+=("$(train "$1" 2)")
  done
  local m1 m2
  m1=$(median "${one[@]}")
  m2=$(median "${two[@]}")
  printf '%-12s %-16s 1 thread %8s (%s)   2 threads %8s (%s)   2/1 %s\n' "$1" "$2" "$m1" \
      "${one[*]}" "$m2" "${two[*]}" "$(python3 -c "print(f'{$m2/$m1:.2f}')")"
}

for model in "${models[@]}"; do
  if [[ "${QUIET:-1}" != "0" ]]; then
    measure "$model" "alone"
  fi
  # One single-threaded busy loop, nice 0, for the whole measurement.
  bash -c 'while :; do :; done' &
  competitor=$!
  measure "$model" "with competitor"
  stop_competitor
done
