#!/usr/bin/env python3
"""Writes sine_mlp.csv: the sine_mlp peer's data (numpy RandomState(0).rand(1000, 1), y = sin(2πx))."""
import numpy as np

x = np.random.RandomState(0).rand(1000, 1)
y = np.sin(2 * np.pi * x)
with open('sine_mlp.csv', 'w') as f:
    f.write('x,y\n')
    for a, b in zip(x[:, 0], y[:, 0]):
        f.write(f'{float(np.float32(a))!r},{float(np.float32(b))!r}\n')
