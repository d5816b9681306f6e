#!/usr/bin/env bash
# fmnist_mlp (Fashion-MNIST, 784-128-64-10, Adam, batch 64, 5 epochs) beside the PyTorch peer;
# THREADS=1 or 2.
exec "$(dirname "$0")/run-train.sh" fmnist_mlp
