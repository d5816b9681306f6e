package dev.nnc.runtime.model;

import java.util.Arrays;

/**
 * One named parameter tensor of a model and its place in the flat parameter array.
 *
 * <p>Example: {@code dense1.W} of shape {@code [2, 3]} at offset 0, then {@code dense1.B} of shape
 * {@code [3]} at offset 6.
 */
public record ParamTensor(String name, int[] shape, int offset) {

    public ParamTensor {
        shape = shape.clone();
    }

    /** Number of floats in the tensor. */
    public int size() {
        int s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamTensor p && p.name.equals(name) && Arrays.equals(p.shape, shape)
                && p.offset == offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape) * 7 + offset;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + "@" + offset;
    }
}
