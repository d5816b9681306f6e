#!/usr/bin/env bash
# Usage: bench/run-train.sh MODEL — trains bench/models/MODEL.nn with `nnc train --threads N`
# beside the PyTorch peer (../shared/bench/peers, the same MODEL, --threads N) in one run, REPEATS
# times each (default 3), and prints both training throughputs (samples/s of training steps,
# median over the repeats) and their ratio. N is THREADS (default 1).
# Needs: python3-torch (and dataset-fashion-mnist for the fmnist models). Not part of CI.
set -euo pipefail
model=${1:?usage: bench/run-train.sh MODEL (sine_mlp, fmnist_mlp, fmnist_lenet)}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
peers=${PEERS:-$root/../shared/bench/peers}
repeats=${REPEATS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$root/nnc" --version >/dev/null   # builds the CLI on first use, outside the timing

nnc_runs=()
torch_runs=()
for i in $(seq "$repeats"); do
  "$root/nnc" train "$here/models/$model.nn" --threads "${THREADS:-1}" --quiet \
      --out "$tmp/w.safetensors" --metrics-json "$tmp/nnc-$i.json" >/dev/null
  nnc_runs+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["samples_per_s"])' "$tmp/nnc-$i.json")")
  "${PYTHON:-/usr/bin/python3}" "$peers/bench.py" --model "$model" --threads "${THREADS:-1}" --out "$tmp/torch.jsonl" >/dev/null 2>&1
  torch_runs+=("$(tail -1 "$tmp/torch.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["train_samples_per_s"])')")
done

python3 - "${nnc_runs[*]}" "${torch_runs[*]}" "${THREADS:-1}" <<'PY'
import statistics, sys
nnc = [float(v) for v in sys.argv[1].split()]
torch = [float(v) for v in sys.argv[2].split()]
mn, mt = statistics.median(nnc), statistics.median(torch)
print(f"nnc     train samples/s (threads {sys.argv[3]}): median {mn:,.0f}  runs {', '.join(f'{v:,.0f}' for v in nnc)}")
print(f"pytorch train samples/s (threads {sys.argv[3]}): median {mt:,.0f}  runs {', '.join(f'{v:,.0f}' for v in torch)}")
print(f"ratio nnc / pytorch: {mn / mt:.1f}x")
PY
