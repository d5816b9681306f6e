#!/usr/bin/env bash
# Usage: bench/run-spark.sh — training throughput of fmnist_mlp (bench/models/fmnist_mlp.nn) on
# Spark in local mode, local[1] and local[2], in both modes (exact: synchronous SGD, one job per
# batch of 64; fast: parameter averaging every AVERAGE batches, default 0 = one pass over each
# partition per round), beside single-process `nnc train --threads 1` and `--threads 2`.
# Prints samples/s of training (Spark: the epochs' wall time on the driver, data already cached;
# nnc: its training steps), the median of REPEATS runs (default 3) of EPOCHS epochs (default 2),
# and the ratio of each to `nnc train --threads 1`. Neither side trains the real model before its
# clock starts; both warm the JIT up on a copy of the model on synthetic batches while the data
# loads (`nnc train` while it reads the IDX files, the Spark executor while it reads its
# partitions; WARMUP=off turns the Spark one off). Spark's figure counts more than
# nnc's: per round also the job's scheduling, the broadcast, the task results and the driver's
# averaging, which nnc does not have; nnc's leaves out only its per-epoch loss evaluation.
# Both sides run with the same JVM options: what the `nnc` launcher gives `nnc train`
# (--add-modules jdk.incubator.vector, -XX:Tier4BackEdgeThreshold=1000000: a layer's short
# loops compiled once, whole, not twice with an on-stack replacement first) and the same fixed
# heap of HEAP (default 3g, -Xms = -Xmx; to `nnc train` through NNC_JAVA_OPTS). The fixed heap is
# for Spark's sake: with the JVM's small default start heap the garbage of reading the Parquet
# file and the growing heap set off concurrent marking cycles during the timed epochs; nnc gets it
# too so that neither side has a heap the other has not. The Spark JVM gets in addition only what
# Spark needs on Java 17 (spark/java17.args: --add-opens/--add-exports of java.base) and the
# loopback binding. One difference remains: the launcher also gives `nnc train` its class-data
# archive (AppCDS, NNC_CDS=off turns it off), which the Spark JVM has no counterpart of; it saves
# class loading, also of the runtime's kernel classes the Spark task loads in its first round.
# SMOKE=1: one repeat of one epoch on the first 2,000 images (checks the script, measures
# nothing). Needs dataset-fashion-mnist; Spark's jars come from Maven Central. Not part of CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
model="$here/models/fmnist_mlp.nn"
repeats=${REPEATS:-3}
epochs=${EPOCHS:-2}
limit=
if [[ -n "${SMOKE:-}" ]]; then repeats=1; epochs=1; limit=2000; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp=$("$root/examples/spark/classpath.sh")
"$root/nnc" --version >/dev/null   # builds the CLI outside the timing
local=(-Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 -Dspark.ui.enabled=false)
# the JVM options of both sides (the launcher adds the same JIT flag and the vector module to nnc)
heap="${HEAP:-${SPARK_HEAP:-3g}}"
jvm=(-Xms"$heap" -Xmx"$heap" -XX:Tier4BackEdgeThreshold=1000000)
javac -d "$tmp/classes" -cp "$cp" "$root/examples/spark/FashionParquet.java"
java @"$root/spark/java17.args" "${local[@]}" -cp "$tmp/classes:$cp" FashionParquet "$tmp" \
    $limit >/dev/null 2>&1

results=()
run_nnc() {   # threads
  local runs=()
  for i in $(seq "$repeats"); do
    NNC_JAVA_OPTS="-Xms$heap -Xmx$heap ${NNC_JAVA_OPTS:-}" \
      "$root/nnc" train "$model" --threads "$1" --epochs "$epochs" --quiet \
        --out "$tmp/w.safetensors" --metrics-json "$tmp/m.json" >/dev/null
    runs+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["samples_per_s"])' "$tmp/m.json")")
  done
  results+=("nnc train --threads $1|${runs[*]}")
}
run_spark() {   # cores mode
  local runs=()
  for i in $(seq "$repeats"); do
    java @"$root/spark/java17.args" "${jvm[@]}" "${local[@]}" -cp "$cp" dev.nnc.spark.Train \
        --master "local[$1]" --partitions "$1" --model "$model" --data "$tmp/train.parquet" \
        --mode "$2" --epochs "$epochs" --average-every "${AVERAGE:-0}" \
        --warmup "${WARMUP:-on}" >"$tmp/s.txt" 2>&1 \
      || { cat "$tmp/s.txt" >&2; exit 1; }
    runs+=("$(sed -n 's/^trained in [a-z]* mode: \([0-9.]*\) samples\/s$/\1/p' "$tmp/s.txt")")
  done
  results+=("spark local[$1] $2|${runs[*]}")
}
run_nnc 1
run_nnc 2
for cores in 1 2; do
  for mode in fast exact; do
    run_spark "$cores" "$mode"
  done
done

python3 - "$epochs" "${limit:-60000}" "${AVERAGE:-0}" "$heap" "${results[@]}" <<'PY'
import statistics, sys
epochs, rows, avg, heap = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows_out = []
for r in sys.argv[5:]:
    name, runs = r.split("|")
    v = [float(x) for x in runs.split()]
    rows_out.append((name, statistics.median(v), v))
base = rows_out[0][1]
print(f"fmnist_mlp, {epochs} epoch(s); Spark on the first {rows} images, fast mode averaging"
      f" every {avg} batches (0: one pass per partition)")
print(f"both sides: -Xms{heap} -Xmx{heap} -XX:Tier4BackEdgeThreshold=1000000"
      " --add-modules jdk.incubator.vector; Spark also spark/java17.args")
print(f"{'run':<28} {'samples/s':>12} {'vs nnc 1 thread':>16}  runs")
for name, med, v in rows_out:
    print(f"{name:<28} {med:>12,.0f} {med / base:>15.2f}x  {', '.join(f'{x:,.0f}' for x in v)}")
PY
