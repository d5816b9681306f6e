package dev.nnc.compiler.sema;

import dev.nnc.runtime.model.ClassLabels;

/** Helpers on {@link Value}s. */
public final class Values {
    private Values() {
    }

    /**
     * A number as people write it: {@code 3}, {@code 0.5}, {@code 1.0E-5}; the runtime's one
     * definition of it, {@link ClassLabels#format}, so that the checker and the runtime write a
     * number alike.
     */
    public static String format(double v) {
        return ClassLabels.format(v);
    }
}
