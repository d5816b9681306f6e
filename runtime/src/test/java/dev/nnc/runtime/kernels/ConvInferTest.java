package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.nnc.runtime.model.Rng;
import org.junit.jupiter.api.Test;

/**
 * Convolution and max-pooling inference (the test JVM runs the vector kernels) give the bits of
 * the plain loops nnc emits for the standalone class: each convolution output sums the bias, then
 * fused multiply-adds in ascending (c, ky, kx); each pooled output keeps the first of its window
 * unless a later value is greater. Geometries cover the wide rows and the filters in the lanes,
 * with and without padding, and every block and tail of the vector loops.
 */
class ConvInferTest {

    // c, h, w, f, kh, kw, pt, pl, pb, pr
    private static final int[][] GEOMETRIES = {
        {1, 28, 28, 6, 5, 5, 2, 2, 2, 2}, {6, 14, 14, 16, 5, 5, 0, 0, 0, 0},
        {3, 9, 11, 8, 3, 3, 1, 1, 1, 1}, {2, 7, 6, 5, 3, 2, 0, 1, 0, 0},
        {4, 12, 12, 24, 3, 3, 1, 1, 1, 1}, {1, 5, 5, 1, 1, 1, 0, 0, 0, 0},
        {2, 10, 10, 4, 4, 4, 2, 2, 1, 1}, {3, 3, 3, 16, 2, 2, 0, 0, 0, 0},
        {8, 6, 6, 8, 3, 3, 0, 0, 0, 0}, {2, 6, 5, 24, 3, 3, 0, 0, 0, 0}};

    @Test
    void convolutionInferenceGivesTheBitsOfThePlainLoops() {
        for (int[] g : GEOMETRIES) {
            int c = g[0];
            int h = g[1];
            int w = g[2];
            int f = g[3];
            int kh = g[4];
            int kw = g[5];
            int pt = g[6];
            int pl = g[7];
            int oh = h + pt + g[8] - kh + 1;
            int ow = w + pl + g[9] - kw + 1;
            int n = 2;
            Rng rng = new Rng(c * 1000L + h * 10L + f);
            float[] p = new float[3 + f * c * kh * kw + f];
            float[] x = new float[n * c * h * w];
            fill(p, rng);
            fill(x, rng);
            int wOff = 3;
            for (int bOff : new int[] {3 + f * c * kh * kw, -1}) {
                float[] want = new float[n * f * oh * ow];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < f; j++) {
                        for (int oy = 0; oy < oh; oy++) {
                            for (int ox = 0; ox < ow; ox++) {
                                float s = bOff < 0 ? 0f : p[bOff + j];
                                for (int ci = 0; ci < c; ci++) {
                                    for (int ky = 0; ky < kh; ky++) {
                                        for (int kx = 0; kx < kw; kx++) {
                                            int iy = oy - pt + ky;
                                            int ix = ox - pl + kx;
                                            float xv = iy < 0 || iy >= h || ix < 0 || ix >= w
                                                    ? 0f : x[((i * c + ci) * h + iy) * w + ix];
                                            s = Math.fma(p[wOff + ((j * c + ci) * kh + ky) * kw
                                                    + kx], xv, s);
                                        }
                                    }
                                }
                                want[((i * f + j) * oh + oy) * ow + ox] = s;
                            }
                        }
                    }
                }
                Conv2d conv = new Conv2d(c, h, w, f, kh, kw, 1, 1, pt, pl, oh, ow);
                float[] z = new float[want.length];
                conv.infer(x, n, p, wOff, bOff, z);
                assertArrayEquals(want, z, java.util.Arrays.toString(g) + " bias " + bOff);
                conv.infer(x, n, p, wOff, bOff, z);
                assertArrayEquals(want, z, "again: " + java.util.Arrays.toString(g));
            }
        }
    }

    /**
     * {@link ConvReference#convStrided}, the inference at strides above 1: the bits of the plain
     * loops (bias, then ascending (c, ky, kx) by fused multiply-adds over the inputs inside the
     * image), and within the bound of any summation order of the training forward pass
     * ({@link Conv2d#forward}, im2col and matrix products).
     */
    @Test
    void stridedInferenceGivesTheBitsOfThePlainLoopsAndAgreesWithTraining() {
        // c, h, w, f, kh, kw, sh, sw, pt, pl, pb, pr
        int[][] geometries = {{1, 28, 28, 6, 5, 5, 2, 2, 2, 2, 1, 1}, {3, 9, 11, 8, 3, 3, 2, 3, 1,
            1, 1, 1}, {2, 7, 6, 5, 3, 2, 3, 2, 0, 1, 0, 0}, {4, 8, 8, 9, 2, 2, 2, 2, 0, 0, 0, 0},
            {2, 5, 5, 1, 1, 1, 2, 2, 0, 0, 0, 0}, {2, 6, 6, 3, 3, 3, 1, 1, 1, 1, 1, 1}};
        for (int[] g : geometries) {
            int c = g[0];
            int h = g[1];
            int w = g[2];
            int f = g[3];
            int kh = g[4];
            int kw = g[5];
            int sh = g[6];
            int sw = g[7];
            int pt = g[8];
            int pl = g[9];
            int oh = (h + pt + g[10] - kh) / sh + 1;
            int ow = (w + pl + g[11] - kw) / sw + 1;
            int n = 2;
            Rng rng = new Rng(c * 1000L + h * 10L + f + sh);
            float[] p = new float[3 + f * c * kh * kw + f];
            float[] x = new float[n * c * h * w];
            fill(p, rng);
            fill(x, rng);
            int wOff = 3;
            for (int bOff : new int[] {3 + f * c * kh * kw, -1}) {
                float[] want = new float[n * f * oh * ow];
                float[] bound = new float[want.length];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < f; j++) {
                        for (int oy = 0; oy < oh; oy++) {
                            for (int ox = 0; ox < ow; ox++) {
                                float s = bOff < 0 ? 0f : p[bOff + j];
                                double abs = Math.abs(s);
                                for (int ci = 0; ci < c; ci++) {
                                    for (int ky = 0; ky < kh; ky++) {
                                        for (int kx = 0; kx < kw; kx++) {
                                            int iy = oy * sh - pt + ky;
                                            int ix = ox * sw - pl + kx;
                                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                                continue;
                                            }
                                            float wv = p[wOff + ((j * c + ci) * kh + ky) * kw
                                                    + kx];
                                            float xv = x[((i * c + ci) * h + iy) * w + ix];
                                            s = Math.fma(wv, xv, s);
                                            abs += Math.abs((double) wv * xv);
                                        }
                                    }
                                }
                                int t = ((i * f + j) * oh + oy) * ow + ox;
                                want[t] = s;
                                bound[t] = (float) ((c * kh * kw + 2) * 0x1p-23 * abs);
                            }
                        }
                    }
                }
                String what = java.util.Arrays.toString(g) + " bias " + bOff;
                float[] z = new float[want.length];
                ConvReference.convStrided(x, n, c, h, w, p, wOff, bOff, f, kh, kw, sh, sw, pt, pl,
                        oh, ow, z);
                assertArrayEquals(want, z, what);
                Conv2d conv = new Conv2d(c, h, w, f, kh, kw, sh, sw, pt, pl, oh, ow);
                float[] zt = new float[want.length];
                conv.forward(x, n, p, wOff, bOff, zt);
                for (int t = 0; t < want.length; t++) {
                    if (Math.abs(zt[t] - want[t]) > bound[t]) {
                        throw new AssertionError("training forward " + what + " at " + t + ": "
                                + zt[t] + " vs " + want[t]);
                    }
                }
            }
        }
    }

    @Test
    void wideRowsAndLanesGiveTheSameBitsInEveryKernel() {
        int c = 3;
        int ph = 9;
        int pw = 11;
        int kh = 3;
        int kw = 3;
        int f = 16;
        int oh = ph - kh + 1;
        int ow = pw - kw + 1;
        int ck = c * kh * kw;
        int span = (oh - 1) * pw + ow;
        int[] taps = new int[ck];
        for (int ci = 0; ci < c; ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    taps[(ci * kh + ky) * kw + kx] = (ci * ph + ky) * pw + kx;
                }
            }
        }
        int[] pos = new int[oh * ow];
        for (int t = 0; t < pos.length; t++) {
            pos[t] = t / ow * pw + t % ow;
        }
        Rng rng = new Rng(5);
        float[] x = new float[1 + c * ph * pw];
        float[] p = new float[f * ck + f];
        fill(x, rng);
        fill(p, rng);
        float[] wT = new float[ck * f];
        for (int j = 0; j < f; j++) {
            for (int q = 0; q < ck; q++) {
                wT[q * f + j] = p[j * ck + q];
            }
        }
        float[] want = null;
        for (DenseKernels k : new DenseKernels[] {Kernels.dense(), Kernels.scalar()}) {
            float[] wide = new float[f * span];
            k.convWide(x, 1, taps, p, 0, f * ck, f, span, wide);
            float[] lanes = new float[f * pos.length];
            k.convLanes(x, 1, taps, pos, wT, p, f * ck, f, lanes);
            float[] a = new float[f * pos.length];
            float[] b = new float[f * pos.length];
            for (int j = 0; j < f; j++) {
                for (int t = 0; t < pos.length; t++) {
                    a[j * pos.length + t] = wide[j * span + pos[t]];
                    b[j * pos.length + t] = lanes[t * f + j];
                }
            }
            assertArrayEquals(a, b, k.getClass().getSimpleName());
            if (want == null) {
                want = a;
            } else {
                assertArrayEquals(want, a, "vector and scalar kernels");
            }
        }
    }

    @Test
    void maxPoolingKeepsTheFirstOfTiesAndEqualsThePlainLoops() {
        // c, h, w, kh, kw, sh, sw
        int[][] geometries = {{6, 28, 28, 2, 2, 2, 2}, {16, 10, 10, 2, 2, 2, 2},
            {2, 6, 32, 2, 2, 2, 2}, {3, 9, 9, 3, 3, 3, 3}, {2, 8, 18, 2, 2, 2, 2},
            {3, 6, 11, 2, 2, 2, 2}, {1, 2, 2, 2, 2, 2, 2}};
        for (int[] g : geometries) {
            int c = g[0];
            int h = g[1];
            int w = g[2];
            int oh = (h - g[3]) / g[5] + 1;
            int ow = (w - g[4]) / g[6] + 1;
            int n = 2;
            Rng rng = new Rng(h * 100L + w);
            float[] x = new float[n * c * h * w];
            float[] pick = {0f, -0f, 1f, -1f, Float.NaN, 0.5f};
            for (int t = 0; t < x.length; t++) {
                x[t] = pick[(int) (rng.nextDouble() * pick.length)];
            }
            float[] want = new float[n * c * oh * ow];
            float[] got = new float[want.length];
            Kernels.scalar().maxPool(x, n, c, h, w, g[3], g[4], g[5], g[6], oh, ow, want);
            Kernels.maxPool(x, n, c, h, w, g[3], g[4], g[5], g[6], oh, ow, got);
            assertArrayEquals(want, got, java.util.Arrays.toString(g));
            // in a training step, with the position of each maximum
            int[] wantArg = new int[want.length];
            int[] gotArg = new int[want.length];
            float[] gotY = new float[want.length];
            float[] wantY = new float[want.length];
            Kernels.scalar().maxPoolArg(x, n, c, h, w, g[3], g[4], g[5], g[6], oh, ow, wantY,
                    wantArg);
            Kernels.maxPoolArg(x, n, c, h, w, g[3], g[4], g[5], g[6], oh, ow, gotY, gotArg);
            assertArrayEquals(want, wantY, "scalar with positions " + java.util.Arrays.toString(g));
            assertArrayEquals(want, gotY, "with positions " + java.util.Arrays.toString(g));
            assertArrayEquals(wantArg, gotArg, "positions " + java.util.Arrays.toString(g));
        }
    }

    @Test
    void reluAndItsGradientGiveTheBitsOfTheEmittedExpressions() {
        float[] x = {1f, -1f, 0f, -0f, Float.NaN, 3.5f, -2f, Float.MIN_VALUE, -Float.MIN_VALUE,
            7f, -7f, 0.25f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 2f, -3f, 9f, 1e-30f,
            -1e-30f};
        float[] want = new float[x.length];
        for (int t = 0; t < x.length; t++) {
            float z = x[t];
            want[t] = z > 0f ? z : 0f;
        }
        for (DenseKernels k : new DenseKernels[] {Kernels.dense(), Kernels.scalar()}) {
            float[] y = new float[x.length];
            k.relu(x, y, x.length);
            assertArrayEquals(want, y, k.getClass().getSimpleName());
            float[] g = new float[x.length];
            float[] wantG = new float[x.length];
            for (int t = 0; t < x.length; t++) {
                g[t] = t % 3 == 0 ? -x[(t + 5) % x.length] : x[(t + 7) % x.length];
                wantG[t] = g[t] * (x[t] > 0f ? 1f : 0f);
            }
            float[] gx = new float[x.length];
            k.reluBackward(x, g, gx, x.length);
            assertArrayEquals(wantG, gx, "backward " + k.getClass().getSimpleName());
        }
    }

    @Test
    void vectorProductsSumEachOutputByFusedMultiplyAddsInOrder() {
        // m, n, k: tails of rows and of columns, overwritten and added to
        int[][] sizes = {{150, 100, 16}, {6, 25, 40}, {5, 9, 3}, {4, 7, 5}, {9, 33, 20},
            {6, 32, 7}, {10, 5, 9}, {7, 40, 11}, {6, 4, 3}};
        for (int[] z : sizes) {
            int m = z[0];
            int n = z[1];
            int k = z[2];
            Rng rng = new Rng(m * 7L + n);
            float[] a = new float[1 + m * k];
            float[] b = new float[2 + k * n];
            float[] start = new float[3 + m * n];
            fill(a, rng);
            fill(b, rng);
            fill(start, rng);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] want = start.clone();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        float s = accumulate ? want[3 + i * n + j] : 0f;
                        for (int q = 0; q < k; q++) {
                            s = Math.fma(a[1 + i * k + q], b[2 + q * n + j], s);
                        }
                        want[3 + i * n + j] = s;
                    }
                }
                float[] got = start.clone();
                Kernels.dense().gemm(a, 1, k, b, 2, n, got, 3, n, m, n, k, accumulate);
                assertArrayEquals(want, got, java.util.Arrays.toString(z) + " " + accumulate);
            }
        }
    }

    private static void fill(float[] a, Rng rng) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
        }
    }
}
