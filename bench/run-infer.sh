#!/usr/bin/env bash
# Usage: bench/run-infer.sh [MODEL] — batch-1 inference latency of MODEL (fmnist_mlp, the default,
# fmnist_lenet, fmnist_lstm, fmnist_gru) as nnc deploys it — the generated class under the nnc
# runtime (with the Vector API kernels), the standalone class (nnc compile --standalone) and the
# ONNX export (nnc export) under ONNX Runtime Java — beside the PyTorch peer
# (../shared/bench/peers, the same MODEL, --threads 1, infer_latency_us_batch1). The nnc side loads
# bench/models/MODEL.nn, with random weights (its init and seed), and times predictions on the first
# 100 rows of the test data it names, as the peer does (bench/InferLatency.java).
# REPEATS runs of each; prints the medians and the ratios. Method: bench/InferLatency.java.
# Needs: python3-torch and the Fashion-MNIST files the peer reads. Not part of CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
peers=${PEERS:-$root/../shared/bench/peers}
repeats=${REPEATS:-3}
model=${1:-fmnist_mlp}
nn="$here/models/$model.nn"
ort_version=1.20.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$root/nnc" --version >/dev/null   # builds the CLI on first use, outside the timing
mvn -B -q dependency:get -Dartifact=com.microsoft.onnxruntime:onnxruntime:$ort_version >/dev/null
ort="$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime/$ort_version/onnxruntime-$ort_version.jar"

lat() {  # the latency of one runtime's line in a harness output
  grep "$1" "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["infer_latency_us_batch1"])'
}

runtime=()
standalone=()
onnx=()
torch=()
for i in $(seq "$repeats"); do
  java --add-modules jdk.incubator.vector -cp "$root/cli/target/nnc.jar:$ort" \
      "$here/InferLatency.java" "$nn" "$tmp/run-$i" > "$tmp/java-$i.jsonl" 2>"$tmp/java-$i.err"
  runtime+=("$(lat '"nnc model' "$tmp/java-$i.jsonl")")
  standalone+=("$(lat standalone "$tmp/java-$i.jsonl")")
  onnx+=("$(lat onnxruntime "$tmp/java-$i.jsonl")")
  "${PYTHON:-/usr/bin/python3}" "$peers/bench.py" --model "$model" --threads 1 --epochs 1 \
      --out "$tmp/torch.jsonl" >/dev/null 2>&1
  torch+=("$(tail -1 "$tmp/torch.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["infer_latency_us_batch1"])')")
done

python3 - "${runtime[*]}" "${standalone[*]}" "${onnx[*]}" "${torch[*]}" <<'PY'
import statistics, sys
names = ["nnc model (nnc runtime)", "nnc standalone class", "ONNX Runtime Java (nnc export)",
         "PyTorch (peer, 1 thread)"]
runs = [[float(v) for v in a.split()] for a in sys.argv[1:5]]
med = [statistics.median(r) for r in runs]
for n, m, r in zip(names, med, runs):
    print(f"{n:32s} median {m:8.2f} us   runs {', '.join(f'{v:.2f}' for v in r)}")
print(f"ratio PyTorch / nnc model:    {med[3] / med[0]:.1f}x")
print(f"ratio PyTorch / standalone:   {med[3] / med[1]:.1f}x")
print(f"ratio PyTorch / ONNX Runtime: {med[3] / med[2]:.1f}x")
PY
