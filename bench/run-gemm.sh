#!/usr/bin/env bash
# Usage: bench/run-gemm.sh — GFLOP/s of the dense layer's three products on one thread (JMH,
# bench/jmh: forward Z = X·W + B, gradInput dX = dZ·Wᵀ, gradWeights dW = Xᵀ·dZ; shapes m×k×n
# 1024³ and the Fashion-MNIST MLP's 64×784×128 and 64×128×64) beside the PyTorch peer's
# sgemm_1024 (../shared/bench/peers, --threads 1, OpenBLAS), in one run, and the ratio of each to
# the peer. The kernels run as training runs them, at the machine's vector width (512 bits on
# AVX-512, 256 on AVX2; VectorWidth); BITS="256 512" runs them at each width listed, one JVM per
# width (-Dnnc.vector.bits, which every vector kernel of the runtime follows).
# PEERS: the peers' folder (default ../shared/bench/peers beside the checkout). JMH_ARGS adds
# options to JMH (e.g. "-wi 1 -i 2 -r 1 -w 1" for a short run). Not part of CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
peers=${PEERS:-$root/../shared/bench/peers}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mvn -B -q -f "$root/pom.xml" -pl runtime -am install -DskipTests >/dev/null
mvn -B -q -f "$here/jmh/pom.xml" package >/dev/null
jar="$here/jmh/target/benchmarks.jar"

# shellcheck disable=SC2206
widths=(${BITS:-default})
for bits in "${widths[@]}"; do
  jvm="--add-modules jdk.incubator.vector"
  [[ "$bits" != default ]] && jvm+=" -Dnnc.vector.bits=$bits"
  # shellcheck disable=SC2086
  java -jar "$jar" GemmBench -jvmArgsAppend "$jvm" ${JMH_ARGS:-} \
      -rf json -rff "$tmp/jmh-$bits.json" >"$tmp/jmh-$bits.log" 2>&1 \
      || { cat "$tmp/jmh-$bits.log"; exit 1; }
done
"${PYTHON:-/usr/bin/python3}" "$peers/bench.py" --model sgemm_1024 --threads 1 \
    --out "$tmp/peer.jsonl" >"$tmp/peer.log" 2>&1 || { cat "$tmp/peer.log"; exit 1; }
python3 - "$tmp" "${widths[@]}" <<'PY'
import json, sys
tmp, widths = sys.argv[1], sys.argv[2:]
peer = json.loads(open(f"{tmp}/peer.jsonl").read().splitlines()[-1])
ref = peer["gflop_per_s"]
print(f"peer sgemm_1024 (PyTorch {peer['framework_version']}, blas {peer['blas'][-1]}): "
      f"{ref:.1f} GFLOP/s median, {peer['gflop_per_s_best']:.1f} best")
for bits in widths:
    for r in json.load(open(f"{tmp}/jmh-{bits}.json")):
        m, k, n = map(int, r["params"]["shape"].split("x"))
        op = r["benchmark"].rsplit(".", 1)[1]
        gf = 2.0 * m * k * n * r["primaryMetric"]["score"] / 1e9
        width = "default-width" if bits == "default" else f"{bits}-bit"
        print(f"nnc {width} {op:12s} {m}x{k}x{n:<5d} {gf:7.1f} GFLOP/s   "
              f"{100 * gf / ref:5.1f} % of the peer")
PY
