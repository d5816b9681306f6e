package dev.nnc.runtime.model;

import java.util.Arrays;

/**
 * One layer of a compiled model as the {@code .nn} file lists it (an activation written
 * {@code -> relu} is a layer of its own), with the shape of its output for one sample.
 *
 * <p>Example: {@code dense1} of kind {@code dense} with shape {@code [128]}, then {@code relu1}
 * of kind {@code relu} with shape {@code [128]}.
 */
public record LayerInfo(String name, String kind, int[] shape) {

    public LayerInfo {
        shape = shape.clone();
    }

    /** Number of floats in one sample's output. */
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
        return o instanceof LayerInfo l && l.name.equals(name) && l.kind.equals(kind)
                && Arrays.equals(l.shape, shape);
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + kind.hashCode()) * 7 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " (" + kind + ") " + Arrays.toString(shape);
    }
}
