package dev.nnc.runtime.model;

/**
 * Weight initializers, called by generated {@code initParams} on slices of the parameter array.
 *
 * <p>{@code fanIn} and {@code fanOut} are the layer's input and output widths (for a dense layer
 * W[in, out]: in and out).
 */
public final class Init {
    private Init() {
    }

    /** All zeros (the textbook's choice for steps 2 and 3). */
    public static void zero(float[] p, int offset, int size) {
        java.util.Arrays.fill(p, offset, offset + size, 0f);
    }

    /** N(0, std²). */
    public static void normal(float[] p, int offset, int size, double std, Rng rng) {
        for (int i = 0; i < size; i++) {
            p[offset + i] = (float) (rng.nextGaussian() * std);
        }
    }

    /** U(-range, range). */
    public static void uniform(float[] p, int offset, int size, double range, Rng rng) {
        for (int i = 0; i < size; i++) {
            p[offset + i] = (float) ((rng.nextDouble() * 2 - 1) * range);
        }
    }

    /** Xavier (Glorot) uniform: U(±sqrt(6 / (fanIn + fanOut))). */
    public static void xavier(float[] p, int offset, int size, int fanIn, int fanOut, Rng rng) {
        uniform(p, offset, size, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
    }

    /** He (MSRA) normal: N(0, 2 / fanIn). */
    public static void he(float[] p, int offset, int size, int fanIn, Rng rng) {
        normal(p, offset, size, Math.sqrt(2.0 / fanIn), rng);
    }
}
