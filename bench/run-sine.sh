#!/usr/bin/env bash
# sine_mlp (1 -> 16 sigmoid -> 1, SGD, batch 10, 500 epochs) beside the PyTorch peer at 1 thread.
exec env THREADS=1 "$(dirname "$0")/run-train.sh" sine_mlp
