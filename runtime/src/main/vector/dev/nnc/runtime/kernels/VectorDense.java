package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dense layer's products on the Vector API: Z = X·W + B (training and inference forms),
 * dW = Xᵀ·dZ with dB, and dX = dZ·Wᵀ; see {@link DenseKernels}.
 */
final class VectorDense {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = VectorWidth.LANES;

    private VectorDense() {
    }

    /** Z = X·W + B: the bias, then fused multiply-adds in ascending k (the reference's bits). */
    static void forward(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
            float[] z) {
        VectorGemm.product(to - from, out, in, x, from * in, in, 1, p, w, out, 1, z, from * out,
                out, b < 0 ? VectorGemm.FROM_ZERO : VectorGemm.FROM_BIAS, p, b);
    }

    static FloatVector bias(float[] p, int b, int j) {
        return b < 0 ? FloatVector.zero(S) : FloatVector.fromArray(S, p, b + j);
    }

    /**
     * NOTE: a single sample's product is bound by the latency of the additions into one
     * accumulator, so a block of eight vectors (64 outputs at 8 lanes, 128 at 16) is summed at
     * once: eight independent chains keep both vector units busy; then blocks of four, two and
     * one vector (the MLP's 64 outputs are four vectors at 16 lanes). Each product is added
     * with one rounding (a fused multiply-add), as {@code Math.fma} in the plain loops, so the
     * bits equal theirs. Four rows or more (a sequence's input products, a batch) go four at a
     * time ({@link #fourRows}).
     */
    static void infer(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
            float[] z) {
        int i = from;
        int cols = out - out % (4 * L);
        if (cols > 0) {
            for (; i + 4 <= to; i += 4) {
                for (int j = 0; j < cols; j += 4 * L) {
                    fourRows(x, i, in, p, w, b, out, z, j);
                }
                inferRows(x, i, i + 4, in, p, w, b, out, z, cols);
            }
        }
        inferRows(x, i, to, in, p, w, b, out, z, 0);
    }

    /**
     * Four rows by four vectors of columns from j at once: each weight vector loaded once for the
     * four rows (a row at a time, a product is bound by its loads and the instructions around
     * them: the input products of a sequence's 28 steps, 28 rows, took 1.55 times as long).
     */
    private static void fourRows(float[] x, int i, int in, float[] p, int w, int b, int out,
            float[] z, int j) {
        int xa = i * in;
        FloatVector a0 = bias(p, b, j);
        FloatVector a1 = bias(p, b, j + L);
        FloatVector a2 = bias(p, b, j + 2 * L);
        FloatVector a3 = bias(p, b, j + 3 * L);
        FloatVector c0 = a0;
        FloatVector c1 = a1;
        FloatVector c2 = a2;
        FloatVector c3 = a3;
        FloatVector d0 = a0;
        FloatVector d1 = a1;
        FloatVector d2 = a2;
        FloatVector d3 = a3;
        FloatVector e0 = a0;
        FloatVector e1 = a1;
        FloatVector e2 = a2;
        FloatVector e3 = a3;
        for (int k = 0; k < in; k++) {
            int wo = w + k * out + j;
            FloatVector w0 = FloatVector.fromArray(S, p, wo);
            FloatVector w1 = FloatVector.fromArray(S, p, wo + L);
            FloatVector w2 = FloatVector.fromArray(S, p, wo + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, p, wo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[xa + k]);
            a0 = w0.fma(v, a0);
            a1 = w1.fma(v, a1);
            a2 = w2.fma(v, a2);
            a3 = w3.fma(v, a3);
            v = FloatVector.broadcast(S, x[xa + in + k]);
            c0 = w0.fma(v, c0);
            c1 = w1.fma(v, c1);
            c2 = w2.fma(v, c2);
            c3 = w3.fma(v, c3);
            v = FloatVector.broadcast(S, x[xa + 2 * in + k]);
            d0 = w0.fma(v, d0);
            d1 = w1.fma(v, d1);
            d2 = w2.fma(v, d2);
            d3 = w3.fma(v, d3);
            v = FloatVector.broadcast(S, x[xa + 3 * in + k]);
            e0 = w0.fma(v, e0);
            e1 = w1.fma(v, e1);
            e2 = w2.fma(v, e2);
            e3 = w3.fma(v, e3);
        }
        int za = i * out + j;
        a0.intoArray(z, za);
        a1.intoArray(z, za + L);
        a2.intoArray(z, za + 2 * L);
        a3.intoArray(z, za + 3 * L);
        za += out;
        c0.intoArray(z, za);
        c1.intoArray(z, za + L);
        c2.intoArray(z, za + 2 * L);
        c3.intoArray(z, za + 3 * L);
        za += out;
        d0.intoArray(z, za);
        d1.intoArray(z, za + L);
        d2.intoArray(z, za + 2 * L);
        d3.intoArray(z, za + 3 * L);
        za += out;
        e0.intoArray(z, za);
        e1.intoArray(z, za + L);
        e2.intoArray(z, za + 2 * L);
        e3.intoArray(z, za + 3 * L);
    }

    /** {@link #infer} of the rows [from, to), the columns from j0 on, a row at a time. */
    private static void inferRows(float[] x, int from, int to, int in, float[] p, int w, int b,
            int out, float[] z, int j0) {
        for (int i = from; i < to; i++) {
            int xa = i * in;
            int za = i * out;
            int j = j0;
            for (; j + 8 * L <= out; j += 8 * L) {
                FloatVector a0 = bias(p, b, j);
                FloatVector a1 = bias(p, b, j + L);
                FloatVector a2 = bias(p, b, j + 2 * L);
                FloatVector a3 = bias(p, b, j + 3 * L);
                FloatVector a4 = bias(p, b, j + 4 * L);
                FloatVector a5 = bias(p, b, j + 5 * L);
                FloatVector a6 = bias(p, b, j + 6 * L);
                FloatVector a7 = bias(p, b, j + 7 * L);
                for (int k = 0; k < in; k++) {
                    int wo = w + k * out + j;
                    FloatVector v = FloatVector.broadcast(S, x[xa + k]);
                    a0 = FloatVector.fromArray(S, p, wo).fma(v, a0);
                    a1 = FloatVector.fromArray(S, p, wo + L).fma(v, a1);
                    a2 = FloatVector.fromArray(S, p, wo + 2 * L).fma(v, a2);
                    a3 = FloatVector.fromArray(S, p, wo + 3 * L).fma(v, a3);
                    a4 = FloatVector.fromArray(S, p, wo + 4 * L).fma(v, a4);
                    a5 = FloatVector.fromArray(S, p, wo + 5 * L).fma(v, a5);
                    a6 = FloatVector.fromArray(S, p, wo + 6 * L).fma(v, a6);
                    a7 = FloatVector.fromArray(S, p, wo + 7 * L).fma(v, a7);
                }
                a0.intoArray(z, za + j);
                a1.intoArray(z, za + j + L);
                a2.intoArray(z, za + j + 2 * L);
                a3.intoArray(z, za + j + 3 * L);
                a4.intoArray(z, za + j + 4 * L);
                a5.intoArray(z, za + j + 5 * L);
                a6.intoArray(z, za + j + 6 * L);
                a7.intoArray(z, za + j + 7 * L);
            }
            for (; j + 4 * L <= out; j += 4 * L) {
                FloatVector a0 = bias(p, b, j);
                FloatVector a1 = bias(p, b, j + L);
                FloatVector a2 = bias(p, b, j + 2 * L);
                FloatVector a3 = bias(p, b, j + 3 * L);
                for (int k = 0; k < in; k++) {
                    int wo = w + k * out + j;
                    FloatVector v = FloatVector.broadcast(S, x[xa + k]);
                    a0 = FloatVector.fromArray(S, p, wo).fma(v, a0);
                    a1 = FloatVector.fromArray(S, p, wo + L).fma(v, a1);
                    a2 = FloatVector.fromArray(S, p, wo + 2 * L).fma(v, a2);
                    a3 = FloatVector.fromArray(S, p, wo + 3 * L).fma(v, a3);
                }
                a0.intoArray(z, za + j);
                a1.intoArray(z, za + j + L);
                a2.intoArray(z, za + j + 2 * L);
                a3.intoArray(z, za + j + 3 * L);
            }
            for (; j + 2 * L <= out; j += 2 * L) {
                FloatVector a0 = bias(p, b, j);
                FloatVector a1 = bias(p, b, j + L);
                for (int k = 0; k < in; k++) {
                    int wo = w + k * out + j;
                    FloatVector v = FloatVector.broadcast(S, x[xa + k]);
                    a0 = FloatVector.fromArray(S, p, wo).fma(v, a0);
                    a1 = FloatVector.fromArray(S, p, wo + L).fma(v, a1);
                }
                a0.intoArray(z, za + j);
                a1.intoArray(z, za + j + L);
            }
            for (; j + L <= out; j += L) {
                FloatVector a = bias(p, b, j);
                for (int k = 0; k < in; k++) {
                    a = FloatVector.fromArray(S, p, w + k * out + j)
                            .fma(FloatVector.broadcast(S, x[xa + k]), a);
                }
                a.intoArray(z, za + j);
            }
            for (; j < out; j++) {
                float s = b < 0 ? 0f : p[b + j];
                for (int k = 0; k < in; k++) {
                    s = Math.fma(x[xa + k], p[w + k * out + j], s);
                }
                z[za + j] = s;
            }
        }
    }

    /**
     * dW = Xᵀ·dZ for the rows [kFrom, kTo) of W, Xᵀ packed from X; each weight sums its products
     * by fused multiply-adds in ascending sample order. dB: the sum of each column of dZ in
     * sample order.
     */
    static void gradWeights(float[] x, int n, int in, float[] g, int out, float[] gp, int w,
            int b, int kFrom, int kTo) {
        VectorGemm.product(kTo - kFrom, out, n, x, kFrom, 1, in, g, 0, out, 1, gp,
                w + kFrom * out, out, VectorGemm.FROM_ZERO, null, 0);
        if (b >= 0) {
            int j = 0;
            for (; j + L <= out; j += L) {
                FloatVector a = FloatVector.zero(S);
                for (int i = 0; i < n; i++) {
                    a = a.add(FloatVector.fromArray(S, g, i * out + j));
                }
                a.intoArray(gp, b + j);
            }
            for (; j < out; j++) {
                float s = 0f;
                for (int i = 0; i < n; i++) {
                    s += g[i * out + j];
                }
                gp[b + j] = s;
            }
        }
    }

    /**
     * dX = dZ·Wᵀ for the rows [from, to), Wᵀ packed from W; each element sums its products by
     * fused multiply-adds in ascending j.
     */
    static void gradInput(float[] g, int from, int to, int out, float[] p, int w, int in,
            float[] gx) {
        VectorGemm.product(to - from, in, out, g, from * out, out, 1, p, w, 1, out, gx,
                from * in, in, VectorGemm.FROM_ZERO, null, 0);
    }
}
