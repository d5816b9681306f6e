package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The general matrix product C (+)= A·B on the Vector API, see {@link DenseKernels#gemm}.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();

    private VectorGemm() {
    }

    /**
     * Blocks of 4 rows × 2 vectors of C in registers across the whole sum over k (8
     * accumulators; each step loads 2 vectors of B and broadcasts 4 values of A); the rows left
     * over go one at a time, the columns left over in plain fused multiply-adds, or, when C is
     * overwritten rather than added to, in one more vector overlapping the one before.
     */
    static void gemm(float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci,
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
}
