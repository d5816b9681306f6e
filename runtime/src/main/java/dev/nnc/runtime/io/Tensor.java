package dev.nnc.runtime.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named float32 tensor: a shape and its values in row-major order.
 *
 * <p>Example: {@code new Tensor("dense1.W", new int[] {2, 3}, new float[6])}. A scalar has shape
 * {@code []} and one value.
 */
public record Tensor(String name, int[] shape, float[] data) {

    public Tensor {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in "
                        + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape)
                    + " holds " + n + " values, data has " + data.length);
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of values. */
    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && t.name.equals(name) && Arrays.equals(t.shape, shape)
                && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape) * 7 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
