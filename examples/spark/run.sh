#!/usr/bin/env bash
# Trains the Fashion-MNIST MLP of examples/07-deep/fashion-mlp.nn on Spark (local[2]) from
# Parquet files written from the IDX files, and scores the test set.
# Needs: dataset-fashion-mnist. Without a Spark installation it runs on Spark's jars from Maven
# Central (classpath.sh); with one, see docs/spark.md for the same run through spark-submit.
# Usage: examples/spark/run.sh [WORKDIR]   (EPOCHS, default 1; MODE fast or exact, default fast;
# LIMIT: only the first LIMIT training and test images)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-$(mktemp -d)}
cp=$("$here/classpath.sh")
# A local run: the driver on loopback, no web UI (Spark reads spark.* system properties).
local=(-Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 -Dspark.ui.enabled=false)
# Compiled to a directory, not run as a source file: executors load its classes by name.
javac -d "$work/classes" -cp "$cp" "$here/FashionParquet.java"
java @"$root/spark/java17.args" "${local[@]}" -cp "$work/classes:$cp" FashionParquet "$work" ${LIMIT:-}
java @"$root/spark/java17.args" "${local[@]}" -cp "$cp" dev.nnc.spark.Train --master 'local[2]' \
    --model "$root/examples/07-deep/fashion-mlp.nn" \
    --data "$work/train.parquet" --test "$work/test.parquet" \
    --mode "${MODE:-fast}" --epochs "${EPOCHS:-1}" --output "$work/fashion-model"
