package dev.nnc.compiler.ops;

/**
 * A parameter tensor a layer owns, before layout: {@code W} of shape [in, out] with its fan-in and
 * fan-out for the initializers, or a bias.
 */
public record TensorDef(String suffix, int[] shape, boolean bias, int fanIn, int fanOut) {
    public TensorDef {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        int s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }
}
