package dev.nnc.compiler.ops;

/**
 * A parameter or buffer tensor a layer owns, before layout: {@code W} of shape [in, out] with its
 * fan-in and fan-out for the initializers, a bias (which starts at zero), or a tensor that starts
 * at a constant whatever the initializer ({@code gamma} at 1, a running variance at 1).
 *
 * @param constant the value every element starts at, or {@code null} when the layer's or model's
 *     initializer (for a bias: zero) decides
 * @param preferred the initializer used instead of the model's when the layer's {@code init}
 *     argument is not given, or {@code null}
 */
public record TensorDef(String suffix, int[] shape, boolean bias, int fanIn, int fanOut,
        Double constant, InitSpec preferred) {
    public TensorDef {
        shape = shape.clone();
    }

    /** A tensor started by the initializer, or at zero when {@code bias}. */
    public TensorDef(String suffix, int[] shape, boolean bias, int fanIn, int fanOut) {
        this(suffix, shape, bias, fanIn, fanOut, null, null);
    }

    /** A tensor started by the initializer, or at {@code constant}; see the record. */
    public TensorDef(String suffix, int[] shape, boolean bias, int fanIn, int fanOut,
            Double constant) {
        this(suffix, shape, bias, fanIn, fanOut, constant, null);
    }

    /**
     * A tensor that starts from {@code preferred} (bias or not) unless the layer's own
     * {@code init} argument is given; the model's {@code init} setting does not apply to it. The
     * recurrent layers' tensors start so, at PyTorch's U(±1/√units).
     */
    public static TensorDef preferring(String suffix, int[] shape, boolean bias, int fanIn,
            int fanOut, InitSpec preferred) {
        return new TensorDef(suffix, shape, bias, fanIn, fanOut, null, preferred);
    }

    /** A tensor whose elements all start at {@code value}: {@code constant("gamma", [8], 1)}. */
    public static TensorDef constant(String suffix, int[] shape, double value) {
        return new TensorDef(suffix, shape, false, 0, 0, value);
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
