package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dense layer's products on the Vector API: Z = X·W + B (training and inference forms),
 * dW = Xᵀ·dZ with dB, and dX = dZ·Wᵀ; see {@link DenseKernels}.
 */
final class VectorDense {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();

    private VectorDense() {
    }

    static void forward(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
            float[] z) {
        int i = from;
        for (; i + 1 < to; i += 2) {
            forwardRows2(x, i, in, p, w, b, out, z);
        }
        if (i < to) {
            forwardRow(x, i, in, p, w, b, out, z);
        }
    }

    static FloatVector bias(float[] p, int b, int j) {
        return b < 0 ? FloatVector.zero(S) : FloatVector.fromArray(S, p, b + j);
    }

    private static void forwardRows2(float[] x, int i, int in, float[] p, int w, int b, int out,
            float[] z) {
        int xa = i * in;
        int xb = xa + in;
        int za = i * out;
        int zb = za + out;
        int j = 0;
        for (; j + 4 * L <= out; j += 4 * L) {
            FloatVector a0 = bias(p, b, j);
            FloatVector a1 = bias(p, b, j + L);
            FloatVector a2 = bias(p, b, j + 2 * L);
            FloatVector a3 = bias(p, b, j + 3 * L);
            FloatVector b0 = a0;
            FloatVector b1 = a1;
            FloatVector b2 = a2;
            FloatVector b3 = a3;
            for (int k = 0; k < in; k++) {
                int wo = w + k * out + j;
                FloatVector w0 = FloatVector.fromArray(S, p, wo);
                FloatVector w1 = FloatVector.fromArray(S, p, wo + L);
                FloatVector w2 = FloatVector.fromArray(S, p, wo + 2 * L);
                FloatVector w3 = FloatVector.fromArray(S, p, wo + 3 * L);
                FloatVector va = FloatVector.broadcast(S, x[xa + k]);
                FloatVector vb = FloatVector.broadcast(S, x[xb + k]);
                a0 = w0.fma(va, a0);
                a1 = w1.fma(va, a1);
                a2 = w2.fma(va, a2);
                a3 = w3.fma(va, a3);
                b0 = w0.fma(vb, b0);
                b1 = w1.fma(vb, b1);
                b2 = w2.fma(vb, b2);
                b3 = w3.fma(vb, b3);
            }
            a0.intoArray(z, za + j);
            a1.intoArray(z, za + j + L);
            a2.intoArray(z, za + j + 2 * L);
            a3.intoArray(z, za + j + 3 * L);
            b0.intoArray(z, zb + j);
            b1.intoArray(z, zb + j + L);
            b2.intoArray(z, zb + j + 2 * L);
            b3.intoArray(z, zb + j + 3 * L);
        }
        for (; j + L <= out; j += L) {
            FloatVector a = bias(p, b, j);
            FloatVector c = a;
            for (int k = 0; k < in; k++) {
                FloatVector wv = FloatVector.fromArray(S, p, w + k * out + j);
                a = wv.fma(FloatVector.broadcast(S, x[xa + k]), a);
                c = wv.fma(FloatVector.broadcast(S, x[xb + k]), c);
            }
            a.intoArray(z, za + j);
            c.intoArray(z, zb + j);
        }
        for (; j < out; j++) {
            float sa = b < 0 ? 0f : p[b + j];
            float sb = sa;
            for (int k = 0; k < in; k++) {
                float wk = p[w + k * out + j];
                sa = Math.fma(x[xa + k], wk, sa);
                sb = Math.fma(x[xb + k], wk, sb);
            }
            z[za + j] = sa;
            z[zb + j] = sb;
        }
    }

    private static void forwardRow(float[] x, int i, int in, float[] p, int w, int b, int out,
            float[] z) {
        int xa = i * in;
        int za = i * out;
        int j = 0;
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

    /**
     * NOTE: a single sample's product is bound by the latency of the additions into one
     * accumulator, so a block of eight vectors (64 outputs) is summed at once: eight independent
     * chains keep both vector units busy. Each product is added with one rounding (a fused
     * multiply-add), as {@code Math.fma} in the plain loops, so the bits equal theirs.
     */
    static void infer(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
            float[] z) {
        for (int i = from; i < to; i++) {
            int xa = i * in;
            int za = i * out;
            int j = 0;
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

    static void gradWeights(float[] x, int n, int in, float[] g, int out, float[] gp, int w,
            int b, int kFrom, int kTo) {
        for (int k = kFrom; k < kTo; k++) {
            int wo = w + k * out;
            int j = 0;
            for (; j + 4 * L <= out; j += 4 * L) {
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int i = 0; i < n; i++) {
                    FloatVector v = FloatVector.broadcast(S, x[i * in + k]);
                    int go = i * out + j;
                    a0 = FloatVector.fromArray(S, g, go).fma(v, a0);
                    a1 = FloatVector.fromArray(S, g, go + L).fma(v, a1);
                    a2 = FloatVector.fromArray(S, g, go + 2 * L).fma(v, a2);
                    a3 = FloatVector.fromArray(S, g, go + 3 * L).fma(v, a3);
                }
                a0.intoArray(gp, wo + j);
                a1.intoArray(gp, wo + j + L);
                a2.intoArray(gp, wo + j + 2 * L);
                a3.intoArray(gp, wo + j + 3 * L);
            }
            for (; j + L <= out; j += L) {
                FloatVector a = FloatVector.zero(S);
                for (int i = 0; i < n; i++) {
                    a = FloatVector.fromArray(S, g, i * out + j)
                            .fma(FloatVector.broadcast(S, x[i * in + k]), a);
                }
                a.intoArray(gp, wo + j);
            }
            for (; j < out; j++) {
                float s = 0f;
                for (int i = 0; i < n; i++) {
                    s = Math.fma(x[i * in + k], g[i * out + j], s);
                }
                gp[wo + j] = s;
            }
        }
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

    static void gradInput(float[] g, int from, int to, int out, float[] p, int w, int in,
            float[] gx) {
        int vecEnd = out - out % L;
        for (int i = from; i < to; i++) {
            int go = i * out;
            for (int k = 0; k < in; k++) {
                int wo = w + k * out;
                FloatVector a = FloatVector.zero(S);
                for (int j = 0; j < vecEnd; j += L) {
                    a = FloatVector.fromArray(S, g, go + j)
                            .fma(FloatVector.fromArray(S, p, wo + j), a);
                }
                float s = a.reduceLanes(VectorOperators.ADD);
                for (int j = vecEnd; j < out; j++) {
                    s = Math.fma(g[go + j], p[wo + j], s);
                }
                gx[i * in + k] = s;
            }
        }
    }
}
