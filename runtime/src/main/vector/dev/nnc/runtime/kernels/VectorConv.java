package dev.nnc.runtime.kernels;

import static dev.nnc.runtime.kernels.VectorExact.fma;
import static dev.nnc.runtime.kernels.VectorExact.load;
import static dev.nnc.runtime.kernels.VectorExact.splat;
import static dev.nnc.runtime.kernels.VectorExact.store;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The convolution kernels on the Vector API: the direct convolution over wide output rows
 * ({@link DenseKernels#convWide}), over lanes of positions ({@link DenseKernels#convLanes}), and
 * the weight gradient over wide rows ({@link DenseKernels#convGradWide}) and col2im over them
 * ({@link DenseKernels#col2imWide}).
 */
final class VectorConv {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = VectorWidth.LANES;
    /** Vectors are stored through this class's cast (see {@link VectorWidth#VECTOR}). */
    private static final Class<? extends FloatVector> V = VectorWidth.VECTOR;

    private VectorConv() {
    }

    /**
     * Blocks of 4 filters × 3 vectors of positions (12 sums in registers across the whole sum
     * over the taps; each tap loads 3 vectors of input and broadcasts 4 weights), or of 3
     * filters × 4 vectors when the filters are not a multiple of 4; the filters left over one
     * at a time, the positions left over one vector, then one value at a
     * time, all summing each output in the same order.
     */
    static void convWide(float[] x, int xo, int[] taps, float[] p, int w, int b, int f,
            int span, float[] dst) {
        int j = 0;
        if (f % 4 != 0) {
            for (; j + 3 <= f; j += 3) {
                wide3(x, xo, taps, p, w, b, j, span, dst);
            }
        }
        for (; j + 4 <= f; j += 4) {
            wide4(x, xo, taps, p, w, b, j, span, dst);
        }
        for (; j < f; j++) {
            wide1(x, xo, taps, p, w, b, j, span, dst);
        }
    }

    private static float bias1(float[] p, int b, int j) {
        return b < 0 ? 0f : p[b + j];
    }

    private static void wide4(float[] x, int xo, int[] taps, float[] p, int w, int b, int j,
            int span, float[] dst) {
        int ck = taps.length;
        int w0 = w + j * ck;
        int w1 = w0 + ck;
        int w2 = w1 + ck;
        int w3 = w2 + ck;
        int d0 = j * span;
        int d1 = d0 + span;
        int d2 = d1 + span;
        int d3 = d2 + span;
        FloatVector b0 = splat(bias1(p, b, j));
        FloatVector b1 = splat(bias1(p, b, j + 1));
        FloatVector b2 = splat(bias1(p, b, j + 2));
        FloatVector b3 = splat(bias1(p, b, j + 3));
        int t = 0;
        for (; t + 3 * L <= span; t += 3 * L) {
            FloatVector a00 = b0;
            FloatVector a01 = b0;
            FloatVector a02 = b0;
            FloatVector a10 = b1;
            FloatVector a11 = b1;
            FloatVector a12 = b1;
            FloatVector a20 = b2;
            FloatVector a21 = b2;
            FloatVector a22 = b2;
            FloatVector a30 = b3;
            FloatVector a31 = b3;
            FloatVector a32 = b3;
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                int s = xt + taps[q];
                FloatVector x0 = load(x, s);
                FloatVector x1 = load(x, s + L);
                FloatVector x2 = load(x, s + 2 * L);
                FloatVector v = splat(p[w0 + q]);
                a00 = fma(x0, v, a00);
                a01 = fma(x1, v, a01);
                a02 = fma(x2, v, a02);
                v = splat(p[w1 + q]);
                a10 = fma(x0, v, a10);
                a11 = fma(x1, v, a11);
                a12 = fma(x2, v, a12);
                v = splat(p[w2 + q]);
                a20 = fma(x0, v, a20);
                a21 = fma(x1, v, a21);
                a22 = fma(x2, v, a22);
                v = splat(p[w3 + q]);
                a30 = fma(x0, v, a30);
                a31 = fma(x1, v, a31);
                a32 = fma(x2, v, a32);
            }
            store(a00, dst, d0 + t);
            store(a01, dst, d0 + t + L);
            store(a02, dst, d0 + t + 2 * L);
            store(a10, dst, d1 + t);
            store(a11, dst, d1 + t + L);
            store(a12, dst, d1 + t + 2 * L);
            store(a20, dst, d2 + t);
            store(a21, dst, d2 + t + L);
            store(a22, dst, d2 + t + 2 * L);
            store(a30, dst, d3 + t);
            store(a31, dst, d3 + t + L);
            store(a32, dst, d3 + t + 2 * L);
        }
        for (; t + L <= span; t += L) {
            FloatVector a0 = b0;
            FloatVector a1 = b1;
            FloatVector a2 = b2;
            FloatVector a3 = b3;
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                FloatVector x0 = load(x, xt + taps[q]);
                a0 = fma(x0, splat(p[w0 + q]), a0);
                a1 = fma(x0, splat(p[w1 + q]), a1);
                a2 = fma(x0, splat(p[w2 + q]), a2);
                a3 = fma(x0, splat(p[w3 + q]), a3);
            }
            store(a0, dst, d0 + t);
            store(a1, dst, d1 + t);
            store(a2, dst, d2 + t);
            store(a3, dst, d3 + t);
        }
        for (; t < span; t++) {
            float s0 = bias1(p, b, j);
            float s1 = bias1(p, b, j + 1);
            float s2 = bias1(p, b, j + 2);
            float s3 = bias1(p, b, j + 3);
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                float xv = x[xt + taps[q]];
                s0 = Math.fma(p[w0 + q], xv, s0);
                s1 = Math.fma(p[w1 + q], xv, s1);
                s2 = Math.fma(p[w2 + q], xv, s2);
                s3 = Math.fma(p[w3 + q], xv, s3);
            }
            dst[d0 + t] = s0;
            dst[d1 + t] = s1;
            dst[d2 + t] = s2;
            dst[d3 + t] = s3;
        }
    }

    private static void wide3(float[] x, int xo, int[] taps, float[] p, int w, int b, int j,
            int span, float[] dst) {
        int ck = taps.length;
        int w0 = w + j * ck;
        int w1 = w0 + ck;
        int w2 = w1 + ck;
        int d0 = j * span;
        int d1 = d0 + span;
        int d2 = d1 + span;
        FloatVector b0 = splat(bias1(p, b, j));
        FloatVector b1 = splat(bias1(p, b, j + 1));
        FloatVector b2 = splat(bias1(p, b, j + 2));
        int t = 0;
        for (; t + 4 * L <= span; t += 4 * L) {
            FloatVector a00 = b0;
            FloatVector a01 = b0;
            FloatVector a02 = b0;
            FloatVector a03 = b0;
            FloatVector a10 = b1;
            FloatVector a11 = b1;
            FloatVector a12 = b1;
            FloatVector a13 = b1;
            FloatVector a20 = b2;
            FloatVector a21 = b2;
            FloatVector a22 = b2;
            FloatVector a23 = b2;
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                int s = xt + taps[q];
                FloatVector x0 = load(x, s);
                FloatVector x1 = load(x, s + L);
                FloatVector x2 = load(x, s + 2 * L);
                FloatVector x3 = load(x, s + 3 * L);
                FloatVector v = splat(p[w0 + q]);
                a00 = fma(x0, v, a00);
                a01 = fma(x1, v, a01);
                a02 = fma(x2, v, a02);
                a03 = fma(x3, v, a03);
                v = splat(p[w1 + q]);
                a10 = fma(x0, v, a10);
                a11 = fma(x1, v, a11);
                a12 = fma(x2, v, a12);
                a13 = fma(x3, v, a13);
                v = splat(p[w2 + q]);
                a20 = fma(x0, v, a20);
                a21 = fma(x1, v, a21);
                a22 = fma(x2, v, a22);
                a23 = fma(x3, v, a23);
            }
            store(a00, dst, d0 + t);
            store(a01, dst, d0 + t + L);
            store(a02, dst, d0 + t + 2 * L);
            store(a03, dst, d0 + t + 3 * L);
            store(a10, dst, d1 + t);
            store(a11, dst, d1 + t + L);
            store(a12, dst, d1 + t + 2 * L);
            store(a13, dst, d1 + t + 3 * L);
            store(a20, dst, d2 + t);
            store(a21, dst, d2 + t + L);
            store(a22, dst, d2 + t + 2 * L);
            store(a23, dst, d2 + t + 3 * L);
        }
        for (; t + L <= span; t += L) {
            FloatVector a0 = b0;
            FloatVector a1 = b1;
            FloatVector a2 = b2;
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                FloatVector x0 = load(x, xt + taps[q]);
                a0 = fma(x0, splat(p[w0 + q]), a0);
                a1 = fma(x0, splat(p[w1 + q]), a1);
                a2 = fma(x0, splat(p[w2 + q]), a2);
            }
            store(a0, dst, d0 + t);
            store(a1, dst, d1 + t);
            store(a2, dst, d2 + t);
        }
        for (; t < span; t++) {
            float s0 = bias1(p, b, j);
            float s1 = bias1(p, b, j + 1);
            float s2 = bias1(p, b, j + 2);
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                float xv = x[xt + taps[q]];
                s0 = Math.fma(p[w0 + q], xv, s0);
                s1 = Math.fma(p[w1 + q], xv, s1);
                s2 = Math.fma(p[w2 + q], xv, s2);
            }
            dst[d0 + t] = s0;
            dst[d1 + t] = s1;
            dst[d2 + t] = s2;
        }
    }

    private static void wide1(float[] x, int xo, int[] taps, float[] p, int w, int b, int j,
            int span, float[] dst) {
        int ck = taps.length;
        int w0 = w + j * ck;
        int d0 = j * span;
        FloatVector b0 = splat(bias1(p, b, j));
        int t = 0;
        for (; t + 4 * L <= span; t += 4 * L) {
            FloatVector a0 = b0;
            FloatVector a1 = b0;
            FloatVector a2 = b0;
            FloatVector a3 = b0;
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                int s = xt + taps[q];
                FloatVector v = splat(p[w0 + q]);
                a0 = fma(load(x, s), v, a0);
                a1 = fma(load(x, s + L), v, a1);
                a2 = fma(load(x, s + 2 * L), v, a2);
                a3 = fma(load(x, s + 3 * L), v, a3);
            }
            store(a0, dst, d0 + t);
            store(a1, dst, d0 + t + L);
            store(a2, dst, d0 + t + 2 * L);
            store(a3, dst, d0 + t + 3 * L);
        }
        for (; t + L <= span; t += L) {
            FloatVector a0 = b0;
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                a0 = fma(load(x, xt + taps[q]), splat(p[w0 + q]), a0);
            }
            store(a0, dst, d0 + t);
        }
        for (; t < span; t++) {
            float s0 = bias1(p, b, j);
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                s0 = Math.fma(p[w0 + q], x[xt + taps[q]], s0);
            }
            dst[d0 + t] = s0;
        }
    }

    /**
     * Blocks of 6 positions × 2 vectors of filters (12 sums in registers; each tap loads 2
     * vectors of weights and broadcasts 6 inputs), then 6 positions × 1 vector; the last block
     * of positions overlaps the one before rather than running short (its sums are recomputed
     * to the same bits). Filters that do not fill a vector, or fewer than 6 positions: the
     * plain loops.
     */
    static void convLanes(float[] x, int xo, int[] taps, int[] pos, float[] wT, float[] p,
            int b, int f, float[] dst) {
        int np = pos.length;
        if (f % L != 0 || np < 6) {
            Kernels.scalar().convLanes(x, xo, taps, pos, wT, p, b, f, dst);
            return;
        }
        int j = 0;
        for (; j + 2 * L <= f; j += 2 * L) {
            for (int t = 0; t < np; t += 6) {
                lanes6x2(x, xo, taps, pos, Math.min(t, np - 6), wT, p, b, f, j, dst);
            }
        }
        for (; j < f; j += L) {
            for (int t = 0; t < np; t += 6) {
                lanes6x1(x, xo, taps, pos, Math.min(t, np - 6), wT, p, b, f, j, dst);
            }
        }
    }

    private static void lanes6x2(float[] x, int xo, int[] taps, int[] pos, int t, float[] wT,
            float[] p, int b, int f, int j, float[] dst) {
        int ck = taps.length;
        int s0 = xo + pos[t];
        int s1 = xo + pos[t + 1];
        int s2 = xo + pos[t + 2];
        int s3 = xo + pos[t + 3];
        int s4 = xo + pos[t + 4];
        int s5 = xo + pos[t + 5];
        FloatVector bu = VectorDense.bias(p, b, j);
        FloatVector bv = VectorDense.bias(p, b, j + L);
        FloatVector u0 = bu;
        FloatVector u1 = bu;
        FloatVector u2 = bu;
        FloatVector u3 = bu;
        FloatVector u4 = bu;
        FloatVector u5 = bu;
        FloatVector v0 = bv;
        FloatVector v1 = bv;
        FloatVector v2 = bv;
        FloatVector v3 = bv;
        FloatVector v4 = bv;
        FloatVector v5 = bv;
        for (int q = 0; q < ck; q++) {
            int wo = q * f + j;
            FloatVector wu = load(wT, wo);
            FloatVector wv = load(wT, wo + L);
            int tq = taps[q];
            FloatVector e = splat(x[s0 + tq]);
            u0 = fma(wu, e, u0);
            v0 = fma(wv, e, v0);
            e = splat(x[s1 + tq]);
            u1 = fma(wu, e, u1);
            v1 = fma(wv, e, v1);
            e = splat(x[s2 + tq]);
            u2 = fma(wu, e, u2);
            v2 = fma(wv, e, v2);
            e = splat(x[s3 + tq]);
            u3 = fma(wu, e, u3);
            v3 = fma(wv, e, v3);
            e = splat(x[s4 + tq]);
            u4 = fma(wu, e, u4);
            v4 = fma(wv, e, v4);
            e = splat(x[s5 + tq]);
            u5 = fma(wu, e, u5);
            v5 = fma(wv, e, v5);
        }
        int d = t * f + j;
        store(u0, dst, d);
        store(v0, dst, d + L);
        store(u1, dst, d + f);
        store(v1, dst, d + f + L);
        store(u2, dst, d + 2 * f);
        store(v2, dst, d + 2 * f + L);
        store(u3, dst, d + 3 * f);
        store(v3, dst, d + 3 * f + L);
        store(u4, dst, d + 4 * f);
        store(v4, dst, d + 4 * f + L);
        store(u5, dst, d + 5 * f);
        store(v5, dst, d + 5 * f + L);
    }

    private static void lanes6x1(float[] x, int xo, int[] taps, int[] pos, int t, float[] wT,
            float[] p, int b, int f, int j, float[] dst) {
        int ck = taps.length;
        int s0 = xo + pos[t];
        int s1 = xo + pos[t + 1];
        int s2 = xo + pos[t + 2];
        int s3 = xo + pos[t + 3];
        int s4 = xo + pos[t + 4];
        int s5 = xo + pos[t + 5];
        FloatVector bu = VectorDense.bias(p, b, j);
        FloatVector u0 = bu;
        FloatVector u1 = bu;
        FloatVector u2 = bu;
        FloatVector u3 = bu;
        FloatVector u4 = bu;
        FloatVector u5 = bu;
        for (int q = 0; q < ck; q++) {
            FloatVector wu = load(wT, q * f + j);
            int tq = taps[q];
            u0 = fma(wu, splat(x[s0 + tq]), u0);
            u1 = fma(wu, splat(x[s1 + tq]), u1);
            u2 = fma(wu, splat(x[s2 + tq]), u2);
            u3 = fma(wu, splat(x[s3 + tq]), u3);
            u4 = fma(wu, splat(x[s4 + tq]), u4);
            u5 = fma(wu, splat(x[s5 + tq]), u5);
        }
        int d = t * f + j;
        store(u0, dst, d);
        store(u1, dst, d + f);
        store(u2, dst, d + 2 * f);
        store(u3, dst, d + 3 * f);
        store(u4, dst, d + 4 * f);
        store(u5, dst, d + 5 * f);
    }

    /**
     * Each tap's wide row added in whole vectors, the last one masked (not the plain loop's
     * scalar head and tail, which on rows of LeNet's length cost more than its vectors).
     */
    static void col2imWide(float[] src, int ld, int[] taps, int span, float[] dst, int off,
            int size) {
        java.util.Arrays.fill(dst, off, off + size, 0f);
        int body = span - span % L;
        // (the mask only where there is a tail: a mask made per call allocates)
        VectorMask<Float> last = body < span ? S.indexInRange(body, span) : null;
        for (int q = 0; q < taps.length; q++) {
            int s = q * ld;
            int d = off + taps[q];
            for (int t = 0; t < body; t += L) {
                FloatVector.fromArray(S, dst, d + t).add(FloatVector.fromArray(S, src, s + t))
                        .intoArray(dst, d + t);
            }
            if (last != null) {
                FloatVector.fromArray(S, dst, d + body, last)
                        .add(FloatVector.fromArray(S, src, s + body, last))
                        .intoArray(dst, d + body, last);
            }
        }
    }

    /**
     * Blocks of 3 filters × 4 taps (12 vectors of partial sums in registers over the whole
     * sample; each step loads 3 vectors of dZ and 4 of input), the taps left over one at a time,
     * the filters left over one at a time. The partial sums of a weight are one vector: other
     * counts of them (not the lanes, which Conv2d passes), the plain loops.
     */
    static void convGradWide(float[] g, float[] x, int[] taps, int f, int span, int sums,
            float[] acc) {
        if (sums != L) {
            Kernels.scalar().convGradWide(g, x, taps, f, span, sums, acc);
            return;
        }
        int ck = taps.length;
        int j = 0;
        for (; j + 3 <= f; j += 3) {
            int q = 0;
            for (; q + 4 <= ck; q += 4) {
                grad3x4(g, x, taps, ck, j, q, span, acc);
            }
            for (; q < ck; q++) {
                for (int jj = j; jj < j + 3; jj++) {
                    grad1(g, x, taps, ck, jj, q, span, acc);
                }
            }
        }
        for (; j < f; j++) {
            for (int q = 0; q < ck; q++) {
                grad1(g, x, taps, ck, j, q, span, acc);
            }
        }
    }

    private static void grad3x4(float[] g, float[] x, int[] taps, int ck, int j, int q,
            int span, float[] acc) {
        int a0 = (j * ck + q) * L;
        int a1 = a0 + ck * L;
        int a2 = a1 + ck * L;
        FloatVector s00 = FloatVector.fromArray(S, acc, a0);
        FloatVector s01 = FloatVector.fromArray(S, acc, a0 + L);
        FloatVector s02 = FloatVector.fromArray(S, acc, a0 + 2 * L);
        FloatVector s03 = FloatVector.fromArray(S, acc, a0 + 3 * L);
        FloatVector s10 = FloatVector.fromArray(S, acc, a1);
        FloatVector s11 = FloatVector.fromArray(S, acc, a1 + L);
        FloatVector s12 = FloatVector.fromArray(S, acc, a1 + 2 * L);
        FloatVector s13 = FloatVector.fromArray(S, acc, a1 + 3 * L);
        FloatVector s20 = FloatVector.fromArray(S, acc, a2);
        FloatVector s21 = FloatVector.fromArray(S, acc, a2 + L);
        FloatVector s22 = FloatVector.fromArray(S, acc, a2 + 2 * L);
        FloatVector s23 = FloatVector.fromArray(S, acc, a2 + 3 * L);
        int g0 = j * span;
        int g1 = g0 + span;
        int g2 = g1 + span;
        int x0 = taps[q];
        int x1 = taps[q + 1];
        int x2 = taps[q + 2];
        int x3 = taps[q + 3];
        for (int t = 0; t < span; t += L) {
            FloatVector u0 = FloatVector.fromArray(S, g, g0 + t);
            FloatVector u1 = FloatVector.fromArray(S, g, g1 + t);
            FloatVector u2 = FloatVector.fromArray(S, g, g2 + t);
            FloatVector v = FloatVector.fromArray(S, x, x0 + t);
            s00 = u0.fma(v, s00);
            s10 = u1.fma(v, s10);
            s20 = u2.fma(v, s20);
            v = FloatVector.fromArray(S, x, x1 + t);
            s01 = u0.fma(v, s01);
            s11 = u1.fma(v, s11);
            s21 = u2.fma(v, s21);
            v = FloatVector.fromArray(S, x, x2 + t);
            s02 = u0.fma(v, s02);
            s12 = u1.fma(v, s12);
            s22 = u2.fma(v, s22);
            v = FloatVector.fromArray(S, x, x3 + t);
            s03 = u0.fma(v, s03);
            s13 = u1.fma(v, s13);
            s23 = u2.fma(v, s23);
        }
        V.cast(s00).intoArray(acc, a0);
        V.cast(s01).intoArray(acc, a0 + L);
        V.cast(s02).intoArray(acc, a0 + 2 * L);
        V.cast(s03).intoArray(acc, a0 + 3 * L);
        V.cast(s10).intoArray(acc, a1);
        V.cast(s11).intoArray(acc, a1 + L);
        V.cast(s12).intoArray(acc, a1 + 2 * L);
        V.cast(s13).intoArray(acc, a1 + 3 * L);
        V.cast(s20).intoArray(acc, a2);
        V.cast(s21).intoArray(acc, a2 + L);
        V.cast(s22).intoArray(acc, a2 + 2 * L);
        V.cast(s23).intoArray(acc, a2 + 3 * L);
    }

    private static void grad1(float[] g, float[] x, int[] taps, int ck, int j, int q, int span,
            float[] acc) {
        int a = (j * ck + q) * L;
        FloatVector s = FloatVector.fromArray(S, acc, a);
        int g0 = j * span;
        int x0 = taps[q];
        for (int t = 0; t < span; t += L) {
            s = FloatVector.fromArray(S, g, g0 + t).fma(FloatVector.fromArray(S, x, x0 + t), s);
        }
        V.cast(s).intoArray(acc, a);
    }
}
