package dev.nnc.runtime.kernels;

/**
 * The reference of pooling's forward pass in plain Java, over windows of kh × kw moved by
 * (sh, sw) without padding (the windows lie inside the image: (oh − 1)·sh + kh ≤ h and
 * (ow − 1)·sw + kw ≤ w), each channel of each sample on its own.
 *
 * <ul>
 * <li>max pooling: the window's first value (its top-left corner), then each value in row-major
 *     order replaces the maximum when {@code v > max}: of tied values the first stays (the
 *     position {@link DenseKernels#maxPoolArg} records), a NaN at the corner stays, a NaN
 *     elsewhere is passed over, and of 0 and −0 the first seen stays (the choice is made on
 *     the bits, by a mask, rather than by a branch, which would mispredict on about half the
 *     values);
 * <li>average pooling: the window's values added one by one from 0 in row-major order, the
 *     sum times the float nearest 1/(kh·kw).
 * </ul>
 *
 * <p>The code between the {@code standalone: begin} and {@code standalone: end} comments is the
 * one source of these operations: the runtime jar carries this file, and the compiler copies that
 * part verbatim into every standalone class with a pooling layer (as private members); the
 * generated class calls {@link #avgPool} itself and {@link Kernels#maxPool}, whose kernels
 * ({@link DenseKernels#maxPool} and the Vector API's 2×2 form) are held to {@link #maxPool} bit
 * for bit by {@code PoolReferenceTest}.
 */
public final class PoolReference {
    private PoolReference() {
    }

    // standalone: begin
    /**
     * Max pooling of x [n, c, h, w] into y [n, c, oh, ow]. A row of outputs at a time: each
     * output first takes its window's corner, then every further position of the window, in
     * row-major order, is compared for the whole row (the outputs' comparisons are independent,
     * so they overlap, where one window's chain of comparisons would wait on each one before).
     */
    public static void maxPool(float[] x, int n, int c, int h, int w, int kh, int kw, int sh,
            int sw, int oh, int ow, float[] y) {
        for (int i = 0; i < n * c; i++) {
            for (int oy = 0; oy < oh; oy++) {
                final int t = (i * oh + oy) * ow;
                final int r = (i * h + oy * sh) * w;
                for (int ox = 0; ox < ow; ox++) {
                    y[t + ox] = x[r + ox * sw];
                }
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = ky == 0 ? 1 : 0; kx < kw; kx++) {
                        final int s = r + ky * w + kx;
                        for (int ox = 0; ox < ow; ox++) {
                            final float v = x[s + ox * sw];
                            final float max = y[t + ox];
                            // y = v > max ? v : max, without a branch on the data
                            final int m = v > max ? -1 : 0;
                            y[t + ox] = Float.intBitsToFloat(Float.floatToRawIntBits(v) & m
                                    | Float.floatToRawIntBits(max) & ~m);
                        }
                    }
                }
            }
        }
    }

    /**
     * Max pooling of relu(x), x [n, c, h, w] into y [n, c, oh, ow]: the bits of {@link #maxPool}
     * of {@link Activations#relu}'s output, in one pass over x (the standalone class runs it for
     * a relu followed by max pooling). Each value's bits i become relu's, i &amp; ~((0x7f800000 −
     * i | i) &gt;&gt; 31) as in {@link Activations#relu}: those of floats &ge; +0 and not NaN
     * (never −0), of which {@code v > max} holds exactly when v's bits are the larger int, so
     * the maximum of the window's relu bits is the value {@link #maxPool} keeps (its ties all
     * have the same bits). A maximum of ints is the same in any order, so a 2 × 2 window takes
     * its four values as two pairs, without loops over the window, and first in floats:
     * {@code Math.max(v, 0f)} is relu's value for every v but NaN (a negative v and −0 give +0),
     * and of such values, none NaN or −0, {@code Math.max} keeps the largest, the one with the
     * largest bits; a NaN among the four makes that maximum NaN, and only then are the window's
     * relu bits taken as above (floats compared with {@code Math.max}, which the JIT compiles
     * without a branch, take about 0.6 of the time of the bit masks alone, 0.8 in LeNet's
     * standalone class).
     */
    public static void maxPoolRelu(float[] x, int n, int c, int h, int w, int kh, int kw,
            int sh, int sw, int oh, int ow, float[] y) {
        for (int i = 0; i < n * c; i++) {
            for (int oy = 0; oy < oh; oy++) {
                final int t = (i * oh + oy) * ow;
                final int r = (i * h + oy * sh) * w;
                if (kh == 2 && kw == 2) {
                    // the common window written out: no loops over it, four independent values
                    for (int ox = 0; ox < ow; ox++) {
                        final int s = r + ox * sw;
                        final float v = Math.max(
                                Math.max(Math.max(x[s], 0f), Math.max(x[s + 1], 0f)),
                                Math.max(Math.max(x[s + w], 0f), Math.max(x[s + w + 1], 0f)));
                        if (v == v) {
                            y[t + ox] = v;
                            continue;
                        }
                        // a NaN in the window (relu makes it +0): the maximum of the relu bits
                        final int b0 = Float.floatToRawIntBits(x[s]);
                        final int b1 = Float.floatToRawIntBits(x[s + 1]);
                        final int b2 = Float.floatToRawIntBits(x[s + w]);
                        final int b3 = Float.floatToRawIntBits(x[s + w + 1]);
                        y[t + ox] = Float.intBitsToFloat(Math.max(
                                Math.max(b0 & ~((0x7f800000 - b0 | b0) >> 31),
                                        b1 & ~((0x7f800000 - b1 | b1) >> 31)),
                                Math.max(b2 & ~((0x7f800000 - b2 | b2) >> 31),
                                        b3 & ~((0x7f800000 - b3 | b3) >> 31))));
                    }
                    continue;
                }
                for (int ox = 0; ox < ow; ox++) {
                    final int corner = r + ox * sw;
                    int max = 0;
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            final int b = Float.floatToRawIntBits(x[corner + ky * w + kx]);
                            max = Math.max(max, b & ~((0x7f800000 - b | b) >> 31));
                        }
                    }
                    y[t + ox] = Float.intBitsToFloat(max);
                }
            }
        }
    }

    /** Average pooling of x [n, c, h, w] into y [n, c, oh, ow]. */
    public static void avgPool(float[] x, int n, int c, int h, int w, int kh, int kw, int sh,
            int sw, int oh, int ow, float[] y) {
        final float scale = (float) (1.0 / (kh * kw));
        for (int i = 0; i < n * c; i++) {
            for (int oy = 0; oy < oh; oy++) {
                final int t = (i * oh + oy) * ow;
                final int r = (i * h + oy * sh) * w;
                for (int ox = 0; ox < ow; ox++) {
                    final int corner = r + ox * sw;
                    float sum = 0f;
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            sum += x[corner + ky * w + kx];
                        }
                    }
                    y[t + ox] = sum * scale;
                }
            }
        }
    }
    // standalone: end
}
