package dev.nnc.runtime.kernels;

import static dev.nnc.runtime.kernels.VectorGemm.S;

import jdk.incubator.vector.FloatVector;

/**
 * The micro-kernels of {@link VectorGemm}: an R × V block of C (R rows, V vectors of columns) in
 * R·V vector registers over kc steps of k; each step loads V vectors of a row of B, broadcasts R
 * values of a column of A, and adds each product to its sum with one rounding (a fused
 * multiply-add), so every element of C sums its products in ascending k. C[r, ·] is at {@code
 * c[co + r·ldc]}, A[r, q] at {@code a[ao + r·ars + q·acs]}, B[q, ·] at {@code b[bo + q·brs]};
 * the sums start from C, or from zero when {@code zero} (C is then only written). No branch but
 * the loop and the start: a kernel's compiled code serves every call.
 */
final class VectorGemmMicro {
    private static final int L = S.length();

    private VectorGemmMicro() {
    }

    /** A sum's start: C's vector at {@code at}, or zero (the same bits as a C of +0). */
    private static FloatVector start(float[] c, int at, boolean zero) {
        return zero ? FloatVector.zero(S) : FloatVector.fromArray(S, c, at);
    }

    /** 8 rows × 3 vectors: 24 sums, 3 loads and 8 broadcasts a step (AVX-512's 32 registers). */
    static void micro83(int kc, float[] a, int ao, int ars, int acs, float[] b, int bo,
            int brs, float[] c, int co, int ldc, boolean zero) {
        int c0 = co;
        int c1 = co + ldc;
        int c2 = co + 2 * ldc;
        int c3 = co + 3 * ldc;
        int c4 = co + 4 * ldc;
        int c5 = co + 5 * ldc;
        int c6 = co + 6 * ldc;
        int c7 = co + 7 * ldc;
        FloatVector x00 = start(c, c0, zero);
        FloatVector x01 = start(c, c0 + L, zero);
        FloatVector x02 = start(c, c0 + 2 * L, zero);
        FloatVector x10 = start(c, c1, zero);
        FloatVector x11 = start(c, c1 + L, zero);
        FloatVector x12 = start(c, c1 + 2 * L, zero);
        FloatVector x20 = start(c, c2, zero);
        FloatVector x21 = start(c, c2 + L, zero);
        FloatVector x22 = start(c, c2 + 2 * L, zero);
        FloatVector x30 = start(c, c3, zero);
        FloatVector x31 = start(c, c3 + L, zero);
        FloatVector x32 = start(c, c3 + 2 * L, zero);
        FloatVector x40 = start(c, c4, zero);
        FloatVector x41 = start(c, c4 + L, zero);
        FloatVector x42 = start(c, c4 + 2 * L, zero);
        FloatVector x50 = start(c, c5, zero);
        FloatVector x51 = start(c, c5 + L, zero);
        FloatVector x52 = start(c, c5 + 2 * L, zero);
        FloatVector x60 = start(c, c6, zero);
        FloatVector x61 = start(c, c6 + L, zero);
        FloatVector x62 = start(c, c6 + 2 * L, zero);
        FloatVector x70 = start(c, c7, zero);
        FloatVector x71 = start(c, c7 + L, zero);
        FloatVector x72 = start(c, c7 + 2 * L, zero);
        int a0 = ao;
        int a1 = ao + ars;
        int a2 = ao + 2 * ars;
        int a3 = ao + 3 * ars;
        int a4 = ao + 4 * ars;
        int a5 = ao + 5 * ars;
        int a6 = ao + 6 * ars;
        int a7 = ao + 7 * ars;
        for (int q = 0; q < kc; q++) {
            int bq = bo + q * brs;
            FloatVector b0 = FloatVector.fromArray(S, b, bq);
            FloatVector b1 = FloatVector.fromArray(S, b, bq + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bq + 2 * L);
            int aq = q * acs;
            FloatVector v = FloatVector.broadcast(S, a[a0 + aq]);
            x00 = b0.fma(v, x00);
            x01 = b1.fma(v, x01);
            x02 = b2.fma(v, x02);
            v = FloatVector.broadcast(S, a[a1 + aq]);
            x10 = b0.fma(v, x10);
            x11 = b1.fma(v, x11);
            x12 = b2.fma(v, x12);
            v = FloatVector.broadcast(S, a[a2 + aq]);
            x20 = b0.fma(v, x20);
            x21 = b1.fma(v, x21);
            x22 = b2.fma(v, x22);
            v = FloatVector.broadcast(S, a[a3 + aq]);
            x30 = b0.fma(v, x30);
            x31 = b1.fma(v, x31);
            x32 = b2.fma(v, x32);
            v = FloatVector.broadcast(S, a[a4 + aq]);
            x40 = b0.fma(v, x40);
            x41 = b1.fma(v, x41);
            x42 = b2.fma(v, x42);
            v = FloatVector.broadcast(S, a[a5 + aq]);
            x50 = b0.fma(v, x50);
            x51 = b1.fma(v, x51);
            x52 = b2.fma(v, x52);
            v = FloatVector.broadcast(S, a[a6 + aq]);
            x60 = b0.fma(v, x60);
            x61 = b1.fma(v, x61);
            x62 = b2.fma(v, x62);
            v = FloatVector.broadcast(S, a[a7 + aq]);
            x70 = b0.fma(v, x70);
            x71 = b1.fma(v, x71);
            x72 = b2.fma(v, x72);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x02.intoArray(c, c0 + 2 * L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x12.intoArray(c, c1 + 2 * L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x22.intoArray(c, c2 + 2 * L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x32.intoArray(c, c3 + 2 * L);
        x40.intoArray(c, c4);
        x41.intoArray(c, c4 + L);
        x42.intoArray(c, c4 + 2 * L);
        x50.intoArray(c, c5);
        x51.intoArray(c, c5 + L);
        x52.intoArray(c, c5 + 2 * L);
        x60.intoArray(c, c6);
        x61.intoArray(c, c6 + L);
        x62.intoArray(c, c6 + 2 * L);
        x70.intoArray(c, c7);
        x71.intoArray(c, c7 + L);
        x72.intoArray(c, c7 + 2 * L);
    }

    /** 8 rows × 2 vectors, for the last columns of {@link #micro83}'s panels. */
    static void micro82(int kc, float[] a, int ao, int ars, int acs, float[] b, int bo,
            int brs, float[] c, int co, int ldc, boolean zero) {
        int c0 = co;
        int c1 = co + ldc;
        int c2 = co + 2 * ldc;
        int c3 = co + 3 * ldc;
        int c4 = co + 4 * ldc;
        int c5 = co + 5 * ldc;
        int c6 = co + 6 * ldc;
        int c7 = co + 7 * ldc;
        FloatVector x00 = start(c, c0, zero);
        FloatVector x01 = start(c, c0 + L, zero);
        FloatVector x10 = start(c, c1, zero);
        FloatVector x11 = start(c, c1 + L, zero);
        FloatVector x20 = start(c, c2, zero);
        FloatVector x21 = start(c, c2 + L, zero);
        FloatVector x30 = start(c, c3, zero);
        FloatVector x31 = start(c, c3 + L, zero);
        FloatVector x40 = start(c, c4, zero);
        FloatVector x41 = start(c, c4 + L, zero);
        FloatVector x50 = start(c, c5, zero);
        FloatVector x51 = start(c, c5 + L, zero);
        FloatVector x60 = start(c, c6, zero);
        FloatVector x61 = start(c, c6 + L, zero);
        FloatVector x70 = start(c, c7, zero);
        FloatVector x71 = start(c, c7 + L, zero);
        int a0 = ao;
        int a1 = ao + ars;
        int a2 = ao + 2 * ars;
        int a3 = ao + 3 * ars;
        int a4 = ao + 4 * ars;
        int a5 = ao + 5 * ars;
        int a6 = ao + 6 * ars;
        int a7 = ao + 7 * ars;
        for (int q = 0; q < kc; q++) {
            int bq = bo + q * brs;
            FloatVector b0 = FloatVector.fromArray(S, b, bq);
            FloatVector b1 = FloatVector.fromArray(S, b, bq + L);
            int aq = q * acs;
            FloatVector v = FloatVector.broadcast(S, a[a0 + aq]);
            x00 = b0.fma(v, x00);
            x01 = b1.fma(v, x01);
            v = FloatVector.broadcast(S, a[a1 + aq]);
            x10 = b0.fma(v, x10);
            x11 = b1.fma(v, x11);
            v = FloatVector.broadcast(S, a[a2 + aq]);
            x20 = b0.fma(v, x20);
            x21 = b1.fma(v, x21);
            v = FloatVector.broadcast(S, a[a3 + aq]);
            x30 = b0.fma(v, x30);
            x31 = b1.fma(v, x31);
            v = FloatVector.broadcast(S, a[a4 + aq]);
            x40 = b0.fma(v, x40);
            x41 = b1.fma(v, x41);
            v = FloatVector.broadcast(S, a[a5 + aq]);
            x50 = b0.fma(v, x50);
            x51 = b1.fma(v, x51);
            v = FloatVector.broadcast(S, a[a6 + aq]);
            x60 = b0.fma(v, x60);
            x61 = b1.fma(v, x61);
            v = FloatVector.broadcast(S, a[a7 + aq]);
            x70 = b0.fma(v, x70);
            x71 = b1.fma(v, x71);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x40.intoArray(c, c4);
        x41.intoArray(c, c4 + L);
        x50.intoArray(c, c5);
        x51.intoArray(c, c5 + L);
        x60.intoArray(c, c6);
        x61.intoArray(c, c6 + L);
        x70.intoArray(c, c7);
        x71.intoArray(c, c7 + L);
    }

    /** 8 rows × 1 vector, for the last columns of {@link #micro83}'s panels. */
    static void micro81(int kc, float[] a, int ao, int ars, int acs, float[] b, int bo,
            int brs, float[] c, int co, int ldc, boolean zero) {
        int c0 = co;
        int c1 = co + ldc;
        int c2 = co + 2 * ldc;
        int c3 = co + 3 * ldc;
        int c4 = co + 4 * ldc;
        int c5 = co + 5 * ldc;
        int c6 = co + 6 * ldc;
        int c7 = co + 7 * ldc;
        FloatVector x00 = start(c, c0, zero);
        FloatVector x10 = start(c, c1, zero);
        FloatVector x20 = start(c, c2, zero);
        FloatVector x30 = start(c, c3, zero);
        FloatVector x40 = start(c, c4, zero);
        FloatVector x50 = start(c, c5, zero);
        FloatVector x60 = start(c, c6, zero);
        FloatVector x70 = start(c, c7, zero);
        int a0 = ao;
        int a1 = ao + ars;
        int a2 = ao + 2 * ars;
        int a3 = ao + 3 * ars;
        int a4 = ao + 4 * ars;
        int a5 = ao + 5 * ars;
        int a6 = ao + 6 * ars;
        int a7 = ao + 7 * ars;
        for (int q = 0; q < kc; q++) {
            int bq = bo + q * brs;
            FloatVector b0 = FloatVector.fromArray(S, b, bq);
            int aq = q * acs;
            FloatVector v = FloatVector.broadcast(S, a[a0 + aq]);
            x00 = b0.fma(v, x00);
            v = FloatVector.broadcast(S, a[a1 + aq]);
            x10 = b0.fma(v, x10);
            v = FloatVector.broadcast(S, a[a2 + aq]);
            x20 = b0.fma(v, x20);
            v = FloatVector.broadcast(S, a[a3 + aq]);
            x30 = b0.fma(v, x30);
            v = FloatVector.broadcast(S, a[a4 + aq]);
            x40 = b0.fma(v, x40);
            v = FloatVector.broadcast(S, a[a5 + aq]);
            x50 = b0.fma(v, x50);
            v = FloatVector.broadcast(S, a[a6 + aq]);
            x60 = b0.fma(v, x60);
            v = FloatVector.broadcast(S, a[a7 + aq]);
            x70 = b0.fma(v, x70);
        }
        x00.intoArray(c, c0);
        x10.intoArray(c, c1);
        x20.intoArray(c, c2);
        x30.intoArray(c, c3);
        x40.intoArray(c, c4);
        x50.intoArray(c, c5);
        x60.intoArray(c, c6);
        x70.intoArray(c, c7);
    }

    /** 6 rows × 2 vectors: 12 sums, 2 loads and 6 broadcasts a step (AVX2's 16 registers). */
    static void micro62(int kc, float[] a, int ao, int ars, int acs, float[] b, int bo,
            int brs, float[] c, int co, int ldc, boolean zero) {
        int c0 = co;
        int c1 = co + ldc;
        int c2 = co + 2 * ldc;
        int c3 = co + 3 * ldc;
        int c4 = co + 4 * ldc;
        int c5 = co + 5 * ldc;
        FloatVector x00 = start(c, c0, zero);
        FloatVector x01 = start(c, c0 + L, zero);
        FloatVector x10 = start(c, c1, zero);
        FloatVector x11 = start(c, c1 + L, zero);
        FloatVector x20 = start(c, c2, zero);
        FloatVector x21 = start(c, c2 + L, zero);
        FloatVector x30 = start(c, c3, zero);
        FloatVector x31 = start(c, c3 + L, zero);
        FloatVector x40 = start(c, c4, zero);
        FloatVector x41 = start(c, c4 + L, zero);
        FloatVector x50 = start(c, c5, zero);
        FloatVector x51 = start(c, c5 + L, zero);
        int a0 = ao;
        int a1 = ao + ars;
        int a2 = ao + 2 * ars;
        int a3 = ao + 3 * ars;
        int a4 = ao + 4 * ars;
        int a5 = ao + 5 * ars;
        for (int q = 0; q < kc; q++) {
            int bq = bo + q * brs;
            FloatVector b0 = FloatVector.fromArray(S, b, bq);
            FloatVector b1 = FloatVector.fromArray(S, b, bq + L);
            int aq = q * acs;
            FloatVector v = FloatVector.broadcast(S, a[a0 + aq]);
            x00 = b0.fma(v, x00);
            x01 = b1.fma(v, x01);
            v = FloatVector.broadcast(S, a[a1 + aq]);
            x10 = b0.fma(v, x10);
            x11 = b1.fma(v, x11);
            v = FloatVector.broadcast(S, a[a2 + aq]);
            x20 = b0.fma(v, x20);
            x21 = b1.fma(v, x21);
            v = FloatVector.broadcast(S, a[a3 + aq]);
            x30 = b0.fma(v, x30);
            x31 = b1.fma(v, x31);
            v = FloatVector.broadcast(S, a[a4 + aq]);
            x40 = b0.fma(v, x40);
            x41 = b1.fma(v, x41);
            v = FloatVector.broadcast(S, a[a5 + aq]);
            x50 = b0.fma(v, x50);
            x51 = b1.fma(v, x51);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x40.intoArray(c, c4);
        x41.intoArray(c, c4 + L);
        x50.intoArray(c, c5);
        x51.intoArray(c, c5 + L);
    }

    /** 6 rows × 1 vector, for the last columns of {@link #micro62}'s panels. */
    static void micro61(int kc, float[] a, int ao, int ars, int acs, float[] b, int bo,
            int brs, float[] c, int co, int ldc, boolean zero) {
        int c0 = co;
        int c1 = co + ldc;
        int c2 = co + 2 * ldc;
        int c3 = co + 3 * ldc;
        int c4 = co + 4 * ldc;
        int c5 = co + 5 * ldc;
        FloatVector x00 = start(c, c0, zero);
        FloatVector x10 = start(c, c1, zero);
        FloatVector x20 = start(c, c2, zero);
        FloatVector x30 = start(c, c3, zero);
        FloatVector x40 = start(c, c4, zero);
        FloatVector x50 = start(c, c5, zero);
        int a0 = ao;
        int a1 = ao + ars;
        int a2 = ao + 2 * ars;
        int a3 = ao + 3 * ars;
        int a4 = ao + 4 * ars;
        int a5 = ao + 5 * ars;
        for (int q = 0; q < kc; q++) {
            int bq = bo + q * brs;
            FloatVector b0 = FloatVector.fromArray(S, b, bq);
            int aq = q * acs;
            FloatVector v = FloatVector.broadcast(S, a[a0 + aq]);
            x00 = b0.fma(v, x00);
            v = FloatVector.broadcast(S, a[a1 + aq]);
            x10 = b0.fma(v, x10);
            v = FloatVector.broadcast(S, a[a2 + aq]);
            x20 = b0.fma(v, x20);
            v = FloatVector.broadcast(S, a[a3 + aq]);
            x30 = b0.fma(v, x30);
            v = FloatVector.broadcast(S, a[a4 + aq]);
            x40 = b0.fma(v, x40);
            v = FloatVector.broadcast(S, a[a5 + aq]);
            x50 = b0.fma(v, x50);
        }
        x00.intoArray(c, c0);
        x10.intoArray(c, c1);
        x20.intoArray(c, c2);
        x30.intoArray(c, c3);
        x40.intoArray(c, c4);
        x50.intoArray(c, c5);
    }
}
