#!/usr/bin/env bash
# Usage: bench/run-compare.sh OTHER_TREE [MODEL...] — nnc against another checkout of nnc (e.g. a
# `git worktree add /tmp/before <commit>`) on the same machine in one run: training throughput
# (`nnc train --threads N`, samples/s of training steps) of each MODEL of bench/models
# (default: sine_mlp fmnist_mlp fmnist_lenet fmnist_lstm fmnist_gru) and batch-1 inference latency
# of the generated class (bench/InferLatency.java, its "nnc model" line) for the fmnist models.
# The two trees run alternately, REPEATS times each (default 3); prints the medians and the
# ratio this tree / other. N is THREADS (default 1); ONLY=train or ONLY=infer runs one part.
# Each tree builds its CLI on first use.
# Needs: dataset-fashion-mnist for the fmnist models. Not part of CI.
set -euo pipefail
other=$(cd "${1:?usage: bench/run-compare.sh OTHER_TREE [MODEL...]}" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
models=("$@")
[[ ${#models[@]} -gt 0 ]] || models=(sine_mlp fmnist_mlp fmnist_lenet fmnist_lstm fmnist_gru)
repeats=${REPEATS:-3}
threads=${THREADS:-1}
ort_version=1.20.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$root/nnc" --version >/dev/null   # builds each CLI on first use, outside the timing
"$other/nnc" --version >/dev/null
mvn -B -q dependency:get -Dartifact=com.microsoft.onnxruntime:onnxruntime:$ort_version >/dev/null
ort="$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime/$ort_version/onnxruntime-$ort_version.jar"

train() {  # TREE MODEL OUT: one training run's samples/s
  "$1/nnc" train "$1/bench/models/$2.nn" --threads "$threads" --quiet \
      --out "$tmp/w.safetensors" --metrics-json "$3" >/dev/null
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["samples_per_s"])' "$3"
}

infer() {  # TREE MODEL: one batch-1 latency of the generated class, µs
  local nn="$1/bench/models/$2.nn"   # the test images it names, as run-infer.sh times
  java --add-modules jdk.incubator.vector -cp "$1/cli/target/nnc.jar:$ort" \
      "$1/bench/InferLatency.java" "$nn" "$(mktemp -d -p "$tmp")" 2>/dev/null \
    | grep '"nnc model' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["infer_latency_us_batch1"])'
}

report() {  # WHAT UNIT THIS_RUNS OTHER_RUNS
  python3 - "$@" <<'PY'
import statistics, sys
what, unit = sys.argv[1], sys.argv[2]
a = [float(v) for v in sys.argv[3].split()]
b = [float(v) for v in sys.argv[4].split()]
ma, mb = statistics.median(a), statistics.median(b)
fmt = lambda v: f"{v:,.2f}" if v < 1000 else f"{v:,.0f}"
print(f"{what:<28} this {fmt(ma):>12} {unit}  other {fmt(mb):>12} {unit}  this/other {ma / mb:.3f}"
      f"   (this: {', '.join(fmt(v) for v in a)}; other: {', '.join(fmt(v) for v in b)})")
PY
}

for m in "${models[@]}"; do
  [[ ${ONLY:-train} == train ]] || continue
  this=(); that=()
  for i in $(seq "$repeats"); do
    this+=("$(train "$root" "$m" "$tmp/a.json")")
    that+=("$(train "$other" "$m" "$tmp/b.json")")
  done
  report "train $m (threads $threads)" "samples/s" "${this[*]}" "${that[*]}"
done
for m in "${models[@]}"; do
  [[ $m == fmnist_* && ${ONLY:-infer} == infer ]] || continue
  this=(); that=()
  for i in $(seq "$repeats"); do
    this+=("$(infer "$root" "$m")")
    that+=("$(infer "$other" "$m")")
  done
  report "infer $m (batch 1)" "us" "${this[*]}" "${that[*]}"
done
