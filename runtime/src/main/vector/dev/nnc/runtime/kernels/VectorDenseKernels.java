package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DenseKernels} on the JDK's incubating Vector API: the partial sums of a block of outputs
 * stay in vector registers across the whole reduction, which the JIT's automatic vectorization
 * cannot do. Loaded by {@link Kernels} only when the module is present.
 */
final class VectorDenseKernels implements DenseKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();

    @Override
    public void forward(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
            float[] z) {
        int i = from;
        for (; i + 1 < to; i += 2) {
            forwardRows2(x, i, in, p, w, b, out, z);
        }
        if (i < to) {
            forwardRow(x, i, in, p, w, b, out, z);
        }
    }

    private static FloatVector bias(float[] p, int b, int j) {
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
    @Override
    public void infer(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
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

    @Override
    public void gradWeights(float[] x, int n, int in, float[] g, int out, float[] gp, int w,
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

    @Override
    public void gradInput(float[] g, int from, int to, int out, float[] p, int w, int in,
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

    /**
     * Blocks of 4 rows × 2 vectors of C in registers across the whole sum over k (8
     * accumulators; each step loads 2 vectors of B and broadcasts 4 values of A); the rows left
     * over go one at a time, the columns left over in plain fused multiply-adds, or, when C is
     * overwritten rather than added to, in one more vector overlapping the one before.
     */
    @Override
    public void gemm(float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci,
            int ldc, int m, int n, int k, boolean accumulate) {
        int i = 0;
        while (m - i >= 6 && (m - i) % 4 != 0) {
            gemmRows6(a, ai + i * lda, lda, b, bi, ldb, c, ci + i * ldc, ldc, n, k, accumulate);
            i += 6;
        }
        for (; i + 4 <= m; i += 4) {
            gemmRows4(a, ai + i * lda, lda, b, bi, ldb, c, ci + i * ldc, ldc, n, k, accumulate);
        }
        for (; i < m; i++) {
            gemmRow(a, ai + i * lda, b, bi, ldb, c, ci + i * ldc, n, k, accumulate);
        }
    }

    private static FloatVector start(float[] c, int at, boolean accumulate) {
        return accumulate ? FloatVector.fromArray(S, c, at) : FloatVector.zero(S);
    }

    /**
     * 6 rows × 2 vectors of columns (12 sums in registers), for row counts that 4 leaves a
     * remainder of (a short, long product such as a 6-filter convolution's dW, where the rows
     * left over one at a time would each wait on one chain of additions); the columns left over
     * go through {@link #gemmRows4}'s and {@link #gemmRow}'s paths, which sum alike.
     */
    private static void gemmRows6(float[] a, int a0, int lda, float[] b, int bi, int ldb,
            float[] c, int c0, int ldc, int n, int k, boolean accumulate) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector x0 = start(c, c0 + j, accumulate);
            FloatVector y0 = start(c, c0 + j + L, accumulate);
            FloatVector x1 = start(c, c1 + j, accumulate);
            FloatVector y1 = start(c, c1 + j + L, accumulate);
            FloatVector x2 = start(c, c2 + j, accumulate);
            FloatVector y2 = start(c, c2 + j + L, accumulate);
            FloatVector x3 = start(c, c3 + j, accumulate);
            FloatVector y3 = start(c, c3 + j + L, accumulate);
            FloatVector x4 = start(c, c4 + j, accumulate);
            FloatVector y4 = start(c, c4 + j + L, accumulate);
            FloatVector x5 = start(c, c5 + j, accumulate);
            FloatVector y5 = start(c, c5 + j + L, accumulate);
            for (int q = 0; q < k; q++) {
                int bo = bi + q * ldb + j;
                FloatVector u = FloatVector.fromArray(S, b, bo);
                FloatVector v = FloatVector.fromArray(S, b, bo + L);
                FloatVector s = FloatVector.broadcast(S, a[a0 + q]);
                x0 = u.fma(s, x0);
                y0 = v.fma(s, y0);
                s = FloatVector.broadcast(S, a[a1 + q]);
                x1 = u.fma(s, x1);
                y1 = v.fma(s, y1);
                s = FloatVector.broadcast(S, a[a2 + q]);
                x2 = u.fma(s, x2);
                y2 = v.fma(s, y2);
                s = FloatVector.broadcast(S, a[a3 + q]);
                x3 = u.fma(s, x3);
                y3 = v.fma(s, y3);
                s = FloatVector.broadcast(S, a[a4 + q]);
                x4 = u.fma(s, x4);
                y4 = v.fma(s, y4);
                s = FloatVector.broadcast(S, a[a5 + q]);
                x5 = u.fma(s, x5);
                y5 = v.fma(s, y5);
            }
            x0.intoArray(c, c0 + j);
            y0.intoArray(c, c0 + j + L);
            x1.intoArray(c, c1 + j);
            y1.intoArray(c, c1 + j + L);
            x2.intoArray(c, c2 + j);
            y2.intoArray(c, c2 + j + L);
            x3.intoArray(c, c3 + j);
            y3.intoArray(c, c3 + j + L);
            x4.intoArray(c, c4 + j);
            y4.intoArray(c, c4 + j + L);
            x5.intoArray(c, c5 + j);
            y5.intoArray(c, c5 + j + L);
        }
        if (j < n) {
            // the columns left: 4 rows, then 2 one at a time, each alike
            gemmRows4(a, a0, lda, b, bi + j, ldb, c, c0 + j, ldc, n - j, k, accumulate);
            gemmRow(a, a4, b, bi + j, ldb, c, c4 + j, n - j, k, accumulate);
            gemmRow(a, a5, b, bi + j, ldb, c, c5 + j, n - j, k, accumulate);
        }
    }

    private static void gemmRows4(float[] a, int a0, int lda, float[] b, int bi, int ldb,
            float[] c, int c0, int ldc, int n, int k, boolean accumulate) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector x0 = start(c, c0 + j, accumulate);
            FloatVector y0 = start(c, c0 + j + L, accumulate);
            FloatVector x1 = start(c, c1 + j, accumulate);
            FloatVector y1 = start(c, c1 + j + L, accumulate);
            FloatVector x2 = start(c, c2 + j, accumulate);
            FloatVector y2 = start(c, c2 + j + L, accumulate);
            FloatVector x3 = start(c, c3 + j, accumulate);
            FloatVector y3 = start(c, c3 + j + L, accumulate);
            for (int q = 0; q < k; q++) {
                int bo = bi + q * ldb + j;
                FloatVector u = FloatVector.fromArray(S, b, bo);
                FloatVector v = FloatVector.fromArray(S, b, bo + L);
                FloatVector s0 = FloatVector.broadcast(S, a[a0 + q]);
                FloatVector s1 = FloatVector.broadcast(S, a[a1 + q]);
                FloatVector s2 = FloatVector.broadcast(S, a[a2 + q]);
                FloatVector s3 = FloatVector.broadcast(S, a[a3 + q]);
                x0 = u.fma(s0, x0);
                y0 = v.fma(s0, y0);
                x1 = u.fma(s1, x1);
                y1 = v.fma(s1, y1);
                x2 = u.fma(s2, x2);
                y2 = v.fma(s2, y2);
                x3 = u.fma(s3, x3);
                y3 = v.fma(s3, y3);
            }
            x0.intoArray(c, c0 + j);
            y0.intoArray(c, c0 + j + L);
            x1.intoArray(c, c1 + j);
            y1.intoArray(c, c1 + j + L);
            x2.intoArray(c, c2 + j);
            y2.intoArray(c, c2 + j + L);
            x3.intoArray(c, c3 + j);
            y3.intoArray(c, c3 + j + L);
        }
        for (; j + L <= n; j += L) {
            FloatVector x0 = start(c, c0 + j, accumulate);
            FloatVector x1 = start(c, c1 + j, accumulate);
            FloatVector x2 = start(c, c2 + j, accumulate);
            FloatVector x3 = start(c, c3 + j, accumulate);
            for (int q = 0; q < k; q++) {
                FloatVector u = FloatVector.fromArray(S, b, bi + q * ldb + j);
                x0 = u.fma(FloatVector.broadcast(S, a[a0 + q]), x0);
                x1 = u.fma(FloatVector.broadcast(S, a[a1 + q]), x1);
                x2 = u.fma(FloatVector.broadcast(S, a[a2 + q]), x2);
                x3 = u.fma(FloatVector.broadcast(S, a[a3 + q]), x3);
            }
            x0.intoArray(c, c0 + j);
            x1.intoArray(c, c1 + j);
            x2.intoArray(c, c2 + j);
            x3.intoArray(c, c3 + j);
        }
        if (j < n && !accumulate && n >= L) {
            // the last vector of columns, overlapping the one before (recomputed to the same bits)
            j = n - L;
            FloatVector x0 = FloatVector.zero(S);
            FloatVector x1 = x0;
            FloatVector x2 = x0;
            FloatVector x3 = x0;
            for (int q = 0; q < k; q++) {
                FloatVector u = FloatVector.fromArray(S, b, bi + q * ldb + j);
                x0 = u.fma(FloatVector.broadcast(S, a[a0 + q]), x0);
                x1 = u.fma(FloatVector.broadcast(S, a[a1 + q]), x1);
                x2 = u.fma(FloatVector.broadcast(S, a[a2 + q]), x2);
                x3 = u.fma(FloatVector.broadcast(S, a[a3 + q]), x3);
            }
            x0.intoArray(c, c0 + j);
            x1.intoArray(c, c1 + j);
            x2.intoArray(c, c2 + j);
            x3.intoArray(c, c3 + j);
            return;
        }
        for (; j < n; j++) {
            float s0 = accumulate ? c[c0 + j] : 0f;
            float s1 = accumulate ? c[c1 + j] : 0f;
            float s2 = accumulate ? c[c2 + j] : 0f;
            float s3 = accumulate ? c[c3 + j] : 0f;
            for (int q = 0; q < k; q++) {
                float bv = b[bi + q * ldb + j];
                s0 = Math.fma(a[a0 + q], bv, s0);
                s1 = Math.fma(a[a1 + q], bv, s1);
                s2 = Math.fma(a[a2 + q], bv, s2);
                s3 = Math.fma(a[a3 + q], bv, s3);
            }
            c[c0 + j] = s0;
            c[c1 + j] = s1;
            c[c2 + j] = s2;
            c[c3 + j] = s3;
        }
    }

    private static void gemmRow(float[] a, int a0, float[] b, int bi, int ldb, float[] c,
            int c0, int n, int k, boolean accumulate) {
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector x = start(c, c0 + j, accumulate);
            FloatVector y = start(c, c0 + j + L, accumulate);
            for (int q = 0; q < k; q++) {
                int bo = bi + q * ldb + j;
                FloatVector s = FloatVector.broadcast(S, a[a0 + q]);
                x = FloatVector.fromArray(S, b, bo).fma(s, x);
                y = FloatVector.fromArray(S, b, bo + L).fma(s, y);
            }
            x.intoArray(c, c0 + j);
            y.intoArray(c, c0 + j + L);
        }
        for (; j + L <= n; j += L) {
            FloatVector x = start(c, c0 + j, accumulate);
            for (int q = 0; q < k; q++) {
                x = FloatVector.fromArray(S, b, bi + q * ldb + j)
                        .fma(FloatVector.broadcast(S, a[a0 + q]), x);
            }
            x.intoArray(c, c0 + j);
        }
        if (j < n && !accumulate && n >= L) {
            j = n - L;
            FloatVector x = FloatVector.zero(S);
            for (int q = 0; q < k; q++) {
                x = FloatVector.fromArray(S, b, bi + q * ldb + j)
                        .fma(FloatVector.broadcast(S, a[a0 + q]), x);
            }
            x.intoArray(c, c0 + j);
            return;
        }
        for (; j < n; j++) {
            float s = accumulate ? c[c0 + j] : 0f;
            for (int q = 0; q < k; q++) {
                s = Math.fma(a[a0 + q], b[bi + q * ldb + j], s);
            }
            c[c0 + j] = s;
        }
    }

    /**
     * Blocks of 4 filters × 3 vectors of positions (12 sums in registers across the whole sum
     * over the taps; each tap loads 3 vectors of input and broadcasts 4 weights), or of 3
     * filters × 4 vectors when the filters are not a multiple of 4; the filters left over one
     * at a time, the positions left over one vector, then one value at a
     * time, all summing each output in the same order.
     */
    @Override
    public void convWide(float[] x, int xo, int[] taps, float[] p, int w, int b, int f,
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
        FloatVector b0 = FloatVector.broadcast(S, bias1(p, b, j));
        FloatVector b1 = FloatVector.broadcast(S, bias1(p, b, j + 1));
        FloatVector b2 = FloatVector.broadcast(S, bias1(p, b, j + 2));
        FloatVector b3 = FloatVector.broadcast(S, bias1(p, b, j + 3));
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
                FloatVector x0 = FloatVector.fromArray(S, x, s);
                FloatVector x1 = FloatVector.fromArray(S, x, s + L);
                FloatVector x2 = FloatVector.fromArray(S, x, s + 2 * L);
                FloatVector v = FloatVector.broadcast(S, p[w0 + q]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                a02 = x2.fma(v, a02);
                v = FloatVector.broadcast(S, p[w1 + q]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                a12 = x2.fma(v, a12);
                v = FloatVector.broadcast(S, p[w2 + q]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                a22 = x2.fma(v, a22);
                v = FloatVector.broadcast(S, p[w3 + q]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
                a32 = x2.fma(v, a32);
            }
            a00.intoArray(dst, d0 + t);
            a01.intoArray(dst, d0 + t + L);
            a02.intoArray(dst, d0 + t + 2 * L);
            a10.intoArray(dst, d1 + t);
            a11.intoArray(dst, d1 + t + L);
            a12.intoArray(dst, d1 + t + 2 * L);
            a20.intoArray(dst, d2 + t);
            a21.intoArray(dst, d2 + t + L);
            a22.intoArray(dst, d2 + t + 2 * L);
            a30.intoArray(dst, d3 + t);
            a31.intoArray(dst, d3 + t + L);
            a32.intoArray(dst, d3 + t + 2 * L);
        }
        for (; t + L <= span; t += L) {
            FloatVector a0 = b0;
            FloatVector a1 = b1;
            FloatVector a2 = b2;
            FloatVector a3 = b3;
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                FloatVector x0 = FloatVector.fromArray(S, x, xt + taps[q]);
                a0 = x0.fma(FloatVector.broadcast(S, p[w0 + q]), a0);
                a1 = x0.fma(FloatVector.broadcast(S, p[w1 + q]), a1);
                a2 = x0.fma(FloatVector.broadcast(S, p[w2 + q]), a2);
                a3 = x0.fma(FloatVector.broadcast(S, p[w3 + q]), a3);
            }
            a0.intoArray(dst, d0 + t);
            a1.intoArray(dst, d1 + t);
            a2.intoArray(dst, d2 + t);
            a3.intoArray(dst, d3 + t);
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
        FloatVector b0 = FloatVector.broadcast(S, bias1(p, b, j));
        FloatVector b1 = FloatVector.broadcast(S, bias1(p, b, j + 1));
        FloatVector b2 = FloatVector.broadcast(S, bias1(p, b, j + 2));
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
                FloatVector x0 = FloatVector.fromArray(S, x, s);
                FloatVector x1 = FloatVector.fromArray(S, x, s + L);
                FloatVector x2 = FloatVector.fromArray(S, x, s + 2 * L);
                FloatVector x3 = FloatVector.fromArray(S, x, s + 3 * L);
                FloatVector v = FloatVector.broadcast(S, p[w0 + q]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                a02 = x2.fma(v, a02);
                a03 = x3.fma(v, a03);
                v = FloatVector.broadcast(S, p[w1 + q]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                a12 = x2.fma(v, a12);
                a13 = x3.fma(v, a13);
                v = FloatVector.broadcast(S, p[w2 + q]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                a22 = x2.fma(v, a22);
                a23 = x3.fma(v, a23);
            }
            a00.intoArray(dst, d0 + t);
            a01.intoArray(dst, d0 + t + L);
            a02.intoArray(dst, d0 + t + 2 * L);
            a03.intoArray(dst, d0 + t + 3 * L);
            a10.intoArray(dst, d1 + t);
            a11.intoArray(dst, d1 + t + L);
            a12.intoArray(dst, d1 + t + 2 * L);
            a13.intoArray(dst, d1 + t + 3 * L);
            a20.intoArray(dst, d2 + t);
            a21.intoArray(dst, d2 + t + L);
            a22.intoArray(dst, d2 + t + 2 * L);
            a23.intoArray(dst, d2 + t + 3 * L);
        }
        for (; t + L <= span; t += L) {
            FloatVector a0 = b0;
            FloatVector a1 = b1;
            FloatVector a2 = b2;
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                FloatVector x0 = FloatVector.fromArray(S, x, xt + taps[q]);
                a0 = x0.fma(FloatVector.broadcast(S, p[w0 + q]), a0);
                a1 = x0.fma(FloatVector.broadcast(S, p[w1 + q]), a1);
                a2 = x0.fma(FloatVector.broadcast(S, p[w2 + q]), a2);
            }
            a0.intoArray(dst, d0 + t);
            a1.intoArray(dst, d1 + t);
            a2.intoArray(dst, d2 + t);
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
        FloatVector b0 = FloatVector.broadcast(S, bias1(p, b, j));
        int t = 0;
        for (; t + 4 * L <= span; t += 4 * L) {
            FloatVector a0 = b0;
            FloatVector a1 = b0;
            FloatVector a2 = b0;
            FloatVector a3 = b0;
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                int s = xt + taps[q];
                FloatVector v = FloatVector.broadcast(S, p[w0 + q]);
                a0 = FloatVector.fromArray(S, x, s).fma(v, a0);
                a1 = FloatVector.fromArray(S, x, s + L).fma(v, a1);
                a2 = FloatVector.fromArray(S, x, s + 2 * L).fma(v, a2);
                a3 = FloatVector.fromArray(S, x, s + 3 * L).fma(v, a3);
            }
            a0.intoArray(dst, d0 + t);
            a1.intoArray(dst, d0 + t + L);
            a2.intoArray(dst, d0 + t + 2 * L);
            a3.intoArray(dst, d0 + t + 3 * L);
        }
        for (; t + L <= span; t += L) {
            FloatVector a0 = b0;
            int xt = xo + t;
            for (int q = 0; q < ck; q++) {
                a0 = FloatVector.fromArray(S, x, xt + taps[q])
                        .fma(FloatVector.broadcast(S, p[w0 + q]), a0);
            }
            a0.intoArray(dst, d0 + t);
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
    @Override
    public void convLanes(float[] x, int xo, int[] taps, int[] pos, float[] wT, float[] p,
            int b, int f, float[] dst) {
        int np = pos.length;
        if (f % L != 0 || np < 6) {
            DenseKernels.super.convLanes(x, xo, taps, pos, wT, p, b, f, dst);
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
        FloatVector bu = bias(p, b, j);
        FloatVector bv = bias(p, b, j + L);
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
            FloatVector wu = FloatVector.fromArray(S, wT, wo);
            FloatVector wv = FloatVector.fromArray(S, wT, wo + L);
            int tq = taps[q];
            FloatVector e = FloatVector.broadcast(S, x[s0 + tq]);
            u0 = wu.fma(e, u0);
            v0 = wv.fma(e, v0);
            e = FloatVector.broadcast(S, x[s1 + tq]);
            u1 = wu.fma(e, u1);
            v1 = wv.fma(e, v1);
            e = FloatVector.broadcast(S, x[s2 + tq]);
            u2 = wu.fma(e, u2);
            v2 = wv.fma(e, v2);
            e = FloatVector.broadcast(S, x[s3 + tq]);
            u3 = wu.fma(e, u3);
            v3 = wv.fma(e, v3);
            e = FloatVector.broadcast(S, x[s4 + tq]);
            u4 = wu.fma(e, u4);
            v4 = wv.fma(e, v4);
            e = FloatVector.broadcast(S, x[s5 + tq]);
            u5 = wu.fma(e, u5);
            v5 = wv.fma(e, v5);
        }
        int d = t * f + j;
        u0.intoArray(dst, d);
        v0.intoArray(dst, d + L);
        u1.intoArray(dst, d + f);
        v1.intoArray(dst, d + f + L);
        u2.intoArray(dst, d + 2 * f);
        v2.intoArray(dst, d + 2 * f + L);
        u3.intoArray(dst, d + 3 * f);
        v3.intoArray(dst, d + 3 * f + L);
        u4.intoArray(dst, d + 4 * f);
        v4.intoArray(dst, d + 4 * f + L);
        u5.intoArray(dst, d + 5 * f);
        v5.intoArray(dst, d + 5 * f + L);
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
        FloatVector bu = bias(p, b, j);
        FloatVector u0 = bu;
        FloatVector u1 = bu;
        FloatVector u2 = bu;
        FloatVector u3 = bu;
        FloatVector u4 = bu;
        FloatVector u5 = bu;
        for (int q = 0; q < ck; q++) {
            FloatVector wu = FloatVector.fromArray(S, wT, q * f + j);
            int tq = taps[q];
            u0 = wu.fma(FloatVector.broadcast(S, x[s0 + tq]), u0);
            u1 = wu.fma(FloatVector.broadcast(S, x[s1 + tq]), u1);
            u2 = wu.fma(FloatVector.broadcast(S, x[s2 + tq]), u2);
            u3 = wu.fma(FloatVector.broadcast(S, x[s3 + tq]), u3);
            u4 = wu.fma(FloatVector.broadcast(S, x[s4 + tq]), u4);
            u5 = wu.fma(FloatVector.broadcast(S, x[s5 + tq]), u5);
        }
        int d = t * f + j;
        u0.intoArray(dst, d);
        u1.intoArray(dst, d + f);
        u2.intoArray(dst, d + 2 * f);
        u3.intoArray(dst, d + 3 * f);
        u4.intoArray(dst, d + 4 * f);
        u5.intoArray(dst, d + 5 * f);
    }

    // The even and odd lanes of a vector, in either half: [0, 2, 4, 6, 1, 3, 5, 7] and
    // [1, 3, 5, 7, 0, 2, 4, 6] (single-vector shuffles, which the JIT compiles to one permute).
    private static final VectorShuffle<Float> EVEN_ODD =
            VectorShuffle.fromOp(S, l -> l < L / 2 ? 2 * l : 2 * (l - L / 2) + 1);
    private static final VectorShuffle<Float> ODD_EVEN =
            VectorShuffle.fromOp(S, l -> l < L / 2 ? 2 * l + 1 : 2 * (l - L / 2));
    private static final VectorMask<Float> HIGH = VectorMask.fromLong(S, (1L << L) - (1L << L / 2));

    /**
     * 2×2 windows at stride 2: each vector of 8 outputs takes its windows' four values from two
     * vectors of each input row, split into the even and the odd columns, and compares them in
     * the order of the plain loops (a greater value replaces, a tie keeps the earlier). The last
     * vector of a row overlaps the one before; a row shorter than a vector is computed whole,
     * its extra lanes written over the next row's outputs before those are computed (the last
     * rows, where the vector would pass the arrays' end, one value at a time). Other windows:
     * the plain loops.
     */
    @Override
    public void maxPool(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw,
            int oh, int ow, float[] y) {
        if (kh != 2 || kw != 2 || sh != 2 || sw != 2) {
            DenseKernels.super.maxPool(x, n, c, h, w, kh, kw, sh, sw, oh, ow, y);
            return;
        }
        int rows = n * c * oh;
        int total = rows * ow;
        for (int row = 0; row < rows; row++) {
            int t = row * ow;
            int r = (row / oh * h + 2 * (row % oh)) * w;
            if (ow >= L) {
                for (int ox = 0; ox < ow; ox += L) {
                    int o = Math.min(ox, ow - L);
                    pool2(x, r + 2 * o, w).intoArray(y, t + o);
                }
            } else if (t + L <= total && r + w + 2 * L <= x.length) {
                pool2(x, r, w).intoArray(y, t);
            } else {
                for (int ox = 0; ox < ow; ox++) {
                    int q = r + 2 * ox;
                    float max = x[q];
                    max = x[q + 1] > max ? x[q + 1] : max;
                    max = x[q + w] > max ? x[q + w] : max;
                    max = x[q + w + 1] > max ? x[q + w + 1] : max;
                    y[t + ox] = max;
                }
            }
        }
    }

    /** Int lanes as many as {@link #S}'s float lanes: the positions of the maxima. */
    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_256;

    /** 0, 2, .., 14: the corners of 8 windows 2×2 side by side, from the first. */
    private static final IntVector CORNERS = IntVector.fromArray(SI,
            new int[] {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30}, 0);

    /** {@link #maxPool}'s blocks, with the index of each maximum. */
    @Override
    public void maxPoolArg(float[] x, int n, int c, int h, int w, int kh, int kw, int sh,
            int sw, int oh, int ow, float[] y, int[] arg) {
        if (kh != 2 || kw != 2 || sh != 2 || sw != 2) {
            DenseKernels.super.maxPoolArg(x, n, c, h, w, kh, kw, sh, sw, oh, ow, y, arg);
            return;
        }
        int rows = n * c * oh;
        int total = rows * ow;
        for (int row = 0; row < rows; row++) {
            int t = row * ow;
            int r = (row / oh * h + 2 * (row % oh)) * w;
            if (ow >= L) {
                for (int ox = 0; ox < ow; ox += L) {
                    int o = Math.min(ox, ow - L);
                    pool2Arg(x, r + 2 * o, w, y, arg, t + o);
                }
            } else if (t + L <= total && r + w + 2 * L <= x.length) {
                pool2Arg(x, r, w, y, arg, t);
            } else {
                for (int ox = 0; ox < ow; ox++) {
                    int q = r + 2 * ox;
                    int best = q;
                    float max = x[q];
                    if (x[q + 1] > max) {
                        max = x[q + 1];
                        best = q + 1;
                    }
                    if (x[q + w] > max) {
                        max = x[q + w];
                        best = q + w;
                    }
                    if (x[q + w + 1] > max) {
                        max = x[q + w + 1];
                        best = q + w + 1;
                    }
                    y[t + ox] = max;
                    arg[t + ox] = best;
                }
            }
        }
    }

    private static void pool2Arg(float[] x, int a, int w, float[] y, int[] arg, int t) {
        IntVector at = CORNERS.add(a);
        FloatVector u = FloatVector.fromArray(S, x, a);
        FloatVector v = FloatVector.fromArray(S, x, a + L);
        FloatVector max = u.rearrange(EVEN_ODD).blend(v.rearrange(ODD_EVEN), HIGH);
        IntVector best = at;
        FloatVector e = u.rearrange(ODD_EVEN).blend(v.rearrange(EVEN_ODD), HIGH);
        VectorMask<Float> m = e.compare(VectorOperators.GT, max);
        max = max.blend(e, m);
        best = best.blend(at.add(1), m.cast(SI));
        u = FloatVector.fromArray(S, x, a + w);
        v = FloatVector.fromArray(S, x, a + w + L);
        e = u.rearrange(EVEN_ODD).blend(v.rearrange(ODD_EVEN), HIGH);
        m = e.compare(VectorOperators.GT, max);
        max = max.blend(e, m);
        best = best.blend(at.add(w), m.cast(SI));
        e = u.rearrange(ODD_EVEN).blend(v.rearrange(EVEN_ODD), HIGH);
        m = e.compare(VectorOperators.GT, max);
        max.blend(e, m).intoArray(y, t);
        best.blend(at.add(w + 1), m.cast(SI)).intoArray(arg, t);
    }

    /** The maxima of the 8 windows 2×2 whose top left corners are a, a + 2, .., a + 14. */
    private static FloatVector pool2(float[] x, int a, int w) {
        // row 0: the even columns of both vectors, then the odd ones
        FloatVector u = FloatVector.fromArray(S, x, a);
        FloatVector v = FloatVector.fromArray(S, x, a + L);
        FloatVector max = u.rearrange(EVEN_ODD).blend(v.rearrange(ODD_EVEN), HIGH);
        FloatVector e = u.rearrange(ODD_EVEN).blend(v.rearrange(EVEN_ODD), HIGH);
        max = max.blend(e, e.compare(VectorOperators.GT, max));
        u = FloatVector.fromArray(S, x, a + w);
        v = FloatVector.fromArray(S, x, a + w + L);
        e = u.rearrange(EVEN_ODD).blend(v.rearrange(ODD_EVEN), HIGH);
        max = max.blend(e, e.compare(VectorOperators.GT, max));
        e = u.rearrange(ODD_EVEN).blend(v.rearrange(EVEN_ODD), HIGH);
        return max.blend(e, e.compare(VectorOperators.GT, max));
    }

    @Override
    public void relu(float[] x, float[] y, int size) {
        FloatVector zero = FloatVector.zero(S);
        int t = 0;
        for (; t + L <= size; t += L) {
            FloatVector v = FloatVector.fromArray(S, x, t);
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, t);
        }
        for (; t < size; t++) {
            float z = x[t];
            y[t] = z > 0f ? z : 0f;
        }
    }

    @Override
    public void reluBackward(float[] z, float[] g, float[] gx, int size) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int t = 0;
        for (; t + L <= size; t += L) {
            FloatVector v = FloatVector.fromArray(S, z, t);
            FloatVector slope = zero.blend(one, v.compare(VectorOperators.GT, 0f));
            FloatVector.fromArray(S, g, t).mul(slope).intoArray(gx, t);
        }
        for (; t < size; t++) {
            gx[t] = g[t] * (z[t] > 0f ? 1f : 0f);
        }
    }

    /**
     * Blocks of 3 filters × 4 taps (12 vectors of partial sums in registers over the whole
     * sample; each step loads 3 vectors of dZ and 4 of input), the taps left over one at a time,
     * the filters left over one at a time.
     */
    @Override
    public void convGradWide(float[] g, float[] x, int[] taps, int f, int span, float[] acc) {
        if (L != 8) {
            DenseKernels.super.convGradWide(g, x, taps, f, span, acc);
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
        s00.intoArray(acc, a0);
        s01.intoArray(acc, a0 + L);
        s02.intoArray(acc, a0 + 2 * L);
        s03.intoArray(acc, a0 + 3 * L);
        s10.intoArray(acc, a1);
        s11.intoArray(acc, a1 + L);
        s12.intoArray(acc, a1 + 2 * L);
        s13.intoArray(acc, a1 + 3 * L);
        s20.intoArray(acc, a2);
        s21.intoArray(acc, a2 + L);
        s22.intoArray(acc, a2 + 2 * L);
        s23.intoArray(acc, a2 + 3 * L);
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
        s.intoArray(acc, a);
    }
}
