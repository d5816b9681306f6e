#!/usr/bin/env bash
# Usage: bench/run-warmup.sh — start-up and JIT warm-up of the `nnc` command, with the launcher's
# class-data archive and without it (NNC_CDS=off), the two runs alternating, REPEATS times each
# (default 5):
#   - wall time of `nnc check` and `nnc predict` of examples/02-linear-regression/house.nn;
#   - per-epoch times of `nnc train` (from the history CSV it writes) of bench/models/sine_mlp.nn
#     (500 epochs) and examples/08-cnn/shapes.nn (EPOCHS, default 10): the first epoch, the
#     steady epoch (median of the last half of the epochs), their ratio, and samples/s of
#     training steps (what run-train.sh reports).
# Prints the median of each figure over the repeats. Not part of CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
repeats=${REPEATS:-5}
epochs=${EPOCHS:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$root/nnc" --version >/dev/null   # builds the CLI and its archive on first use, untimed

house="$root/examples/02-linear-regression/house.nn"
"$root/nnc" train "$house" --quiet --out "$tmp/house.safetensors" >/dev/null

wall() {   # wall seconds of a command
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.4f}')"
}

out="$tmp/figures.txt"
for i in $(seq "$repeats"); do
  for mode in on off; do
    export NNC_CDS=$mode
    echo "$mode check $(wall "$root/nnc" check "$house")" >>"$out"
    echo "$mode predict $(wall "$root/nnc" predict --quiet "$house" -w "$tmp/house.safetensors" \
        -i "$root/examples/02-linear-regression/house.csv" -o "$tmp/p.csv")" >>"$out"
    for model in sine_mlp shapes; do
      if [[ $model == sine_mlp ]]; then
        file="$here/models/sine_mlp.nn"; extra=()
      else
        file="$root/examples/08-cnn/shapes.nn"; extra=(--epochs "$epochs")
      fi
      w=$(wall "$root/nnc" train "$file" "${extra[@]}" --threads 1 --quiet \
          --out "$tmp/$model.safetensors" --metrics-json "$tmp/$model.json")
      python3 - "$mode" "$model" "$w" "$tmp/$model.history.csv" "$tmp/$model.json" >>"$out" <<'PY'
import csv, json, statistics, sys
mode, model, wall, history, metrics = sys.argv[1:]
s = [float(r["seconds"]) for r in csv.DictReader(open(history))]
steady = statistics.median(s[len(s) // 2:])
m = json.load(open(metrics))
print(mode, model + "_wall", wall)
print(mode, model + "_first_ms", s[0] * 1e3)
print(mode, model + "_steady_ms", steady * 1e3)
print(mode, model + "_first_over_steady", s[0] / steady)
print(mode, model + "_samples_per_s", m["samples_per_s"])
PY
    done
  done
done
unset NNC_CDS

python3 - "$out" <<'PY'
import collections, statistics, sys
v = collections.defaultdict(list)
for line in open(sys.argv[1]):
    mode, name, x = line.split()
    v[(name, mode)].append(float(x))
names = list(dict.fromkeys(n for n, _ in v))
print(f"{'median of ' + str(len(v[(names[0], 'on')])) + ' runs':32} {'archive':>12} {'NNC_CDS=off':>12}")
for n in names:
    on, off = statistics.median(v[(n, "on")]), statistics.median(v[(n, "off")])
    print(f"{n:32} {on:12,.3f} {off:12,.3f}")
PY
