#!/usr/bin/env bash
# Usage: bench/run-infer.sh [MODEL] — batch-1 inference latency of MODEL (fmnist_mlp, the
# default, or fmnist_lenet) as nnc deploys it — the standalone class (nnc compile --standalone)
# and the ONNX export (nnc export) under ONNX Runtime Java — beside the PyTorch peer
# (../shared/bench/peers, the same MODEL, --threads 1, infer_latency_us_batch1). The nnc side
# loads bench/models/MODEL_infer.nn when there is one (fmnist_mlp: the MLP without its data
# block), else bench/models/MODEL.nn, with random weights (its init and seed).
# REPEATS runs of each; prints the medians and the ratios. Method: bench/InferLatency.java.
# Needs: python3-torch and the Fashion-MNIST files the peer reads. Not part of CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
peers=${PEERS:-$root/../shared/bench/peers}
repeats=${REPEATS:-3}
model=${1:-fmnist_mlp}
nn="$here/models/${model}_infer.nn"
[[ -f "$nn" ]] || nn="$here/models/$model.nn"
ort_version=1.20.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$root/nnc" --version >/dev/null   # builds the CLI on first use, outside the timing
mvn -B -q dependency:get -Dartifact=com.microsoft.onnxruntime:onnxruntime:$ort_version >/dev/null
ort="$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime/$ort_version/onnxruntime-$ort_version.jar"

standalone=()
onnx=()
torch=()
for i in $(seq "$repeats"); do
  java -cp "$root/cli/target/nnc.jar:$ort" "$here/InferLatency.java" \
      "$nn" "$tmp/run-$i" > "$tmp/java-$i.jsonl" 2>"$tmp/java-$i.err"
  standalone+=("$(grep standalone "$tmp/java-$i.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["infer_latency_us_batch1"])')")
  onnx+=("$(grep onnxruntime "$tmp/java-$i.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["infer_latency_us_batch1"])')")
  "${PYTHON:-/usr/bin/python3}" "$peers/bench.py" --model "$model" --threads 1 --epochs 1 \
      --out "$tmp/torch.jsonl" >/dev/null 2>&1
  torch+=("$(tail -1 "$tmp/torch.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["infer_latency_us_batch1"])')")
done

python3 - "${standalone[*]}" "${onnx[*]}" "${torch[*]}" <<'PY'
import statistics, sys
names = ["nnc standalone class", "ONNX Runtime Java (nnc export)", "PyTorch (peer, 1 thread)"]
runs = [[float(v) for v in a.split()] for a in sys.argv[1:4]]
med = [statistics.median(r) for r in runs]
for n, m, r in zip(names, med, runs):
    print(f"{n:32s} median {m:8.2f} us   runs {', '.join(f'{v:.2f}' for v in r)}")
print(f"ratio PyTorch / standalone:  {med[2] / med[0]:.1f}x")
print(f"ratio PyTorch / ONNX Runtime: {med[2] / med[1]:.1f}x")
print(f"ratio ONNX Runtime / standalone: {med[1] / med[0]:.1f}x")
PY
