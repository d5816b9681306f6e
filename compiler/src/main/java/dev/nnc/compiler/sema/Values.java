package dev.nnc.compiler.sema;

/** Helpers on {@link Value}s. */
public final class Values {
    private Values() {
    }

    /** A number as people write it: {@code 3}, {@code 0.5}, {@code 1.0E-5}. */
    public static String format(double v) {
        return dev.nnc.compiler.ops.ArgSpec.format(v);
    }
}
