package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.runtime.model.Rng;
import org.junit.jupiter.api.Test;

/**
 * Max pooling in a training step keeps the position of each maximum as an exact {@code int}, past
 * the 2^24 positions a {@code float} holds exactly: both the scalar kernels and the kernels in use
 * (the vector kernels in this test JVM) point each output at the first largest value of its
 * window, on an input of more than 16,777,216 values whose maxima sit at odd positions as often as
 * at even ones.
 */
class PoolPositionsTest {
    private static final int BEYOND = (1 << 24) + 40_000;

    @Test
    void positionsOfTheMaximaStayExactPastTwoToThe24() {
        // 2×2 windows at stride 2 (the vectorized case) and 3×3 at stride 3 (the plain loops)
        check(2, 2, 1 << 13, 3);
        check(1, 3, 3 * 2000, 2);
    }

    /** Checks both kernels on {@code n} samples of [c, k·rows, w] pooled by k×k at stride k. */
    private static void check(int c, int k, int w, int rowsOfWindows) {
        int h = k * rowsOfWindows;
        int n = BEYOND / (c * h * w) + 1;
        int oh = h / k;
        int ow = w / k;
        float[] x = new float[n * c * h * w];
        Rng rng = new Rng(k * 31L + w);
        for (int q = 0; q < x.length; q++) {
            // few distinct values, so that ties occur and the first of them must win
            x[q] = rng.nextInt(7) - 3;
        }
        int[] want = reference(x, n * c, h, w, k, oh, ow);
        for (DenseKernels kernels : new DenseKernels[] {Kernels.scalar(), Kernels.dense()}) {
            float[] y = new float[want.length];
            int[] arg = new int[want.length];
            kernels.maxPoolArg(x, n, c, h, w, k, k, k, k, oh, ow, y, arg);
            int wrong = 0;
            int first = -1;
            for (int t = 0; t < want.length; t++) {
                if (arg[t] != want[t] || y[t] != x[want[t]]) {
                    wrong++;
                    first = first < 0 ? t : first;
                }
            }
            assertEquals(0, wrong, kernels.getClass().getSimpleName() + " " + k + "×" + k
                    + ": outputs with a wrong maximum or position, first at " + first + " of "
                    + want.length + (first < 0 ? "" : ": " + arg[first] + " for " + want[first]));
        }
    }

    /** The first position of the largest value of each window, counted in longs. */
    private static int[] reference(float[] x, int planes, int h, int w, int k, int oh, int ow) {
        int[] want = new int[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    long best = ((long) pl * h + (long) oy * k) * w + (long) ox * k;
                    for (int ky = 0; ky < k; ky++) {
                        for (int kx = 0; kx < k; kx++) {
                            long q = ((long) pl * h + (long) oy * k + ky) * w + (long) ox * k + kx;
                            if (x[(int) q] > x[(int) best]) {
                                best = q;
                            }
                        }
                    }
                    want[(pl * oh + oy) * ow + ox] = Math.toIntExact(best);
                }
            }
        }
        return want;
    }
}
