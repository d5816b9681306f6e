package dev.nnc.runtime.kernels;

import static dev.nnc.runtime.kernels.VectorGemm.S;

import jdk.incubator.vector.FloatVector;

/**
 * The micro-kernels of {@link VectorGemm}: an R × V block of C (R rows, V vectors of columns) in
 * R·V vector registers over kc steps of k; each step loads V vectors of a row of B, broadcasts R
 * values of a column of A, and adds each product to its sum with one rounding (a fused
 * multiply-add), so every element of C sums its products in ascending k. C[r, ·] is at {@code
 * c[co + r·ldc]}, A[r, q] at {@code a[ao + r·ars + q·acs]}, B[q, ·] at {@code b[bo + q·brs]};
 * the sums start from the values at {@code s[so + r·lds]}: C itself, or a row of zeros
 * ({@code lds} 0) when C is only written. No branch but the loop: a kernel's compiled code serves
 * every call.
 *
 * <p>NOTE: no helper method that returns a vector and no vector chosen by a branch (the sums once
 * started from {@code zero ? FloatVector.zero(S) : FloatVector.fromArray(...)} in a small
 * method): on JDK 17 a vector that crosses a call C2 did not inline, or that merges two branches,
 * is an object on the heap, and the loop's 24 sums then were allocated at every step (seen at
 * 512 bits, VectorKernelAllocationTest).
 */
final class VectorGemmMicro {
    private static final int L = S.length();
    /** The sums are stored through this class's cast (see {@link VectorWidth#VECTOR}). */
    private static final Class<? extends FloatVector> V = VectorWidth.VECTOR;

    private VectorGemmMicro() {
    }

    /** 8 rows × 3 vectors: 24 sums, 3 loads and 8 broadcasts a step (AVX-512's 32 registers). */
    static void micro83(int kc, float[] a, int ao, int ars, int acs, float[] b, int bo,
            int brs, float[] c, int co, int ldc, float[] s, int so, int lds) {
        int c0 = co;
        int c1 = co + ldc;
        int c2 = co + 2 * ldc;
        int c3 = co + 3 * ldc;
        int c4 = co + 4 * ldc;
        int c5 = co + 5 * ldc;
        int c6 = co + 6 * ldc;
        int c7 = co + 7 * ldc;
        int s0 = so;
        int s1 = so + lds;
        int s2 = so + 2 * lds;
        int s3 = so + 3 * lds;
        int s4 = so + 4 * lds;
        int s5 = so + 5 * lds;
        int s6 = so + 6 * lds;
        int s7 = so + 7 * lds;
        FloatVector x00 = FloatVector.fromArray(S, s, s0);
        FloatVector x01 = FloatVector.fromArray(S, s, s0 + L);
        FloatVector x02 = FloatVector.fromArray(S, s, s0 + 2 * L);
        FloatVector x10 = FloatVector.fromArray(S, s, s1);
        FloatVector x11 = FloatVector.fromArray(S, s, s1 + L);
        FloatVector x12 = FloatVector.fromArray(S, s, s1 + 2 * L);
        FloatVector x20 = FloatVector.fromArray(S, s, s2);
        FloatVector x21 = FloatVector.fromArray(S, s, s2 + L);
        FloatVector x22 = FloatVector.fromArray(S, s, s2 + 2 * L);
        FloatVector x30 = FloatVector.fromArray(S, s, s3);
        FloatVector x31 = FloatVector.fromArray(S, s, s3 + L);
        FloatVector x32 = FloatVector.fromArray(S, s, s3 + 2 * L);
        FloatVector x40 = FloatVector.fromArray(S, s, s4);
        FloatVector x41 = FloatVector.fromArray(S, s, s4 + L);
        FloatVector x42 = FloatVector.fromArray(S, s, s4 + 2 * L);
        FloatVector x50 = FloatVector.fromArray(S, s, s5);
        FloatVector x51 = FloatVector.fromArray(S, s, s5 + L);
        FloatVector x52 = FloatVector.fromArray(S, s, s5 + 2 * L);
        FloatVector x60 = FloatVector.fromArray(S, s, s6);
        FloatVector x61 = FloatVector.fromArray(S, s, s6 + L);
        FloatVector x62 = FloatVector.fromArray(S, s, s6 + 2 * L);
        FloatVector x70 = FloatVector.fromArray(S, s, s7);
        FloatVector x71 = FloatVector.fromArray(S, s, s7 + L);
        FloatVector x72 = FloatVector.fromArray(S, s, s7 + 2 * L);
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
        V.cast(x00).intoArray(c, c0);
        V.cast(x01).intoArray(c, c0 + L);
        V.cast(x02).intoArray(c, c0 + 2 * L);
        V.cast(x10).intoArray(c, c1);
        V.cast(x11).intoArray(c, c1 + L);
        V.cast(x12).intoArray(c, c1 + 2 * L);
        V.cast(x20).intoArray(c, c2);
        V.cast(x21).intoArray(c, c2 + L);
        V.cast(x22).intoArray(c, c2 + 2 * L);
        V.cast(x30).intoArray(c, c3);
        V.cast(x31).intoArray(c, c3 + L);
        V.cast(x32).intoArray(c, c3 + 2 * L);
        V.cast(x40).intoArray(c, c4);
        V.cast(x41).intoArray(c, c4 + L);
        V.cast(x42).intoArray(c, c4 + 2 * L);
        V.cast(x50).intoArray(c, c5);
        V.cast(x51).intoArray(c, c5 + L);
        V.cast(x52).intoArray(c, c5 + 2 * L);
        V.cast(x60).intoArray(c, c6);
        V.cast(x61).intoArray(c, c6 + L);
        V.cast(x62).intoArray(c, c6 + 2 * L);
        V.cast(x70).intoArray(c, c7);
        V.cast(x71).intoArray(c, c7 + L);
        V.cast(x72).intoArray(c, c7 + 2 * L);
    }

    /** 8 rows × 2 vectors, for the last columns of {@link #micro83}'s panels. */
    static void micro82(int kc, float[] a, int ao, int ars, int acs, float[] b, int bo,
            int brs, float[] c, int co, int ldc, float[] s, int so, int lds) {
        int c0 = co;
        int c1 = co + ldc;
        int c2 = co + 2 * ldc;
        int c3 = co + 3 * ldc;
        int c4 = co + 4 * ldc;
        int c5 = co + 5 * ldc;
        int c6 = co + 6 * ldc;
        int c7 = co + 7 * ldc;
        int s0 = so;
        int s1 = so + lds;
        int s2 = so + 2 * lds;
        int s3 = so + 3 * lds;
        int s4 = so + 4 * lds;
        int s5 = so + 5 * lds;
        int s6 = so + 6 * lds;
        int s7 = so + 7 * lds;
        FloatVector x00 = FloatVector.fromArray(S, s, s0);
        FloatVector x01 = FloatVector.fromArray(S, s, s0 + L);
        FloatVector x10 = FloatVector.fromArray(S, s, s1);
        FloatVector x11 = FloatVector.fromArray(S, s, s1 + L);
        FloatVector x20 = FloatVector.fromArray(S, s, s2);
        FloatVector x21 = FloatVector.fromArray(S, s, s2 + L);
        FloatVector x30 = FloatVector.fromArray(S, s, s3);
        FloatVector x31 = FloatVector.fromArray(S, s, s3 + L);
        FloatVector x40 = FloatVector.fromArray(S, s, s4);
        FloatVector x41 = FloatVector.fromArray(S, s, s4 + L);
        FloatVector x50 = FloatVector.fromArray(S, s, s5);
        FloatVector x51 = FloatVector.fromArray(S, s, s5 + L);
        FloatVector x60 = FloatVector.fromArray(S, s, s6);
        FloatVector x61 = FloatVector.fromArray(S, s, s6 + L);
        FloatVector x70 = FloatVector.fromArray(S, s, s7);
        FloatVector x71 = FloatVector.fromArray(S, s, s7 + L);
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
        V.cast(x00).intoArray(c, c0);
        V.cast(x01).intoArray(c, c0 + L);
        V.cast(x10).intoArray(c, c1);
        V.cast(x11).intoArray(c, c1 + L);
        V.cast(x20).intoArray(c, c2);
        V.cast(x21).intoArray(c, c2 + L);
        V.cast(x30).intoArray(c, c3);
        V.cast(x31).intoArray(c, c3 + L);
        V.cast(x40).intoArray(c, c4);
        V.cast(x41).intoArray(c, c4 + L);
        V.cast(x50).intoArray(c, c5);
        V.cast(x51).intoArray(c, c5 + L);
        V.cast(x60).intoArray(c, c6);
        V.cast(x61).intoArray(c, c6 + L);
        V.cast(x70).intoArray(c, c7);
        V.cast(x71).intoArray(c, c7 + L);
    }

    /** 8 rows × 1 vector, for the last columns of {@link #micro83}'s panels. */
    static void micro81(int kc, float[] a, int ao, int ars, int acs, float[] b, int bo,
            int brs, float[] c, int co, int ldc, float[] s, int so, int lds) {
        int c0 = co;
        int c1 = co + ldc;
        int c2 = co + 2 * ldc;
        int c3 = co + 3 * ldc;
        int c4 = co + 4 * ldc;
        int c5 = co + 5 * ldc;
        int c6 = co + 6 * ldc;
        int c7 = co + 7 * ldc;
        int s0 = so;
        int s1 = so + lds;
        int s2 = so + 2 * lds;
        int s3 = so + 3 * lds;
        int s4 = so + 4 * lds;
        int s5 = so + 5 * lds;
        int s6 = so + 6 * lds;
        int s7 = so + 7 * lds;
        FloatVector x00 = FloatVector.fromArray(S, s, s0);
        FloatVector x10 = FloatVector.fromArray(S, s, s1);
        FloatVector x20 = FloatVector.fromArray(S, s, s2);
        FloatVector x30 = FloatVector.fromArray(S, s, s3);
        FloatVector x40 = FloatVector.fromArray(S, s, s4);
        FloatVector x50 = FloatVector.fromArray(S, s, s5);
        FloatVector x60 = FloatVector.fromArray(S, s, s6);
        FloatVector x70 = FloatVector.fromArray(S, s, s7);
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
        V.cast(x00).intoArray(c, c0);
        V.cast(x10).intoArray(c, c1);
        V.cast(x20).intoArray(c, c2);
        V.cast(x30).intoArray(c, c3);
        V.cast(x40).intoArray(c, c4);
        V.cast(x50).intoArray(c, c5);
        V.cast(x60).intoArray(c, c6);
        V.cast(x70).intoArray(c, c7);
    }

    /** 6 rows × 2 vectors: 12 sums, 2 loads and 6 broadcasts a step (AVX2's 16 registers). */
    static void micro62(int kc, float[] a, int ao, int ars, int acs, float[] b, int bo,
            int brs, float[] c, int co, int ldc, float[] s, int so, int lds) {
        int c0 = co;
        int c1 = co + ldc;
        int c2 = co + 2 * ldc;
        int c3 = co + 3 * ldc;
        int c4 = co + 4 * ldc;
        int c5 = co + 5 * ldc;
        int s0 = so;
        int s1 = so + lds;
        int s2 = so + 2 * lds;
        int s3 = so + 3 * lds;
        int s4 = so + 4 * lds;
        int s5 = so + 5 * lds;
        FloatVector x00 = FloatVector.fromArray(S, s, s0);
        FloatVector x01 = FloatVector.fromArray(S, s, s0 + L);
        FloatVector x10 = FloatVector.fromArray(S, s, s1);
        FloatVector x11 = FloatVector.fromArray(S, s, s1 + L);
        FloatVector x20 = FloatVector.fromArray(S, s, s2);
        FloatVector x21 = FloatVector.fromArray(S, s, s2 + L);
        FloatVector x30 = FloatVector.fromArray(S, s, s3);
        FloatVector x31 = FloatVector.fromArray(S, s, s3 + L);
        FloatVector x40 = FloatVector.fromArray(S, s, s4);
        FloatVector x41 = FloatVector.fromArray(S, s, s4 + L);
        FloatVector x50 = FloatVector.fromArray(S, s, s5);
        FloatVector x51 = FloatVector.fromArray(S, s, s5 + L);
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
        V.cast(x00).intoArray(c, c0);
        V.cast(x01).intoArray(c, c0 + L);
        V.cast(x10).intoArray(c, c1);
        V.cast(x11).intoArray(c, c1 + L);
        V.cast(x20).intoArray(c, c2);
        V.cast(x21).intoArray(c, c2 + L);
        V.cast(x30).intoArray(c, c3);
        V.cast(x31).intoArray(c, c3 + L);
        V.cast(x40).intoArray(c, c4);
        V.cast(x41).intoArray(c, c4 + L);
        V.cast(x50).intoArray(c, c5);
        V.cast(x51).intoArray(c, c5 + L);
    }

    /** 6 rows × 1 vector, for the last columns of {@link #micro62}'s panels. */
    static void micro61(int kc, float[] a, int ao, int ars, int acs, float[] b, int bo,
            int brs, float[] c, int co, int ldc, float[] s, int so, int lds) {
        int c0 = co;
        int c1 = co + ldc;
        int c2 = co + 2 * ldc;
        int c3 = co + 3 * ldc;
        int c4 = co + 4 * ldc;
        int c5 = co + 5 * ldc;
        int s0 = so;
        int s1 = so + lds;
        int s2 = so + 2 * lds;
        int s3 = so + 3 * lds;
        int s4 = so + 4 * lds;
        int s5 = so + 5 * lds;
        FloatVector x00 = FloatVector.fromArray(S, s, s0);
        FloatVector x10 = FloatVector.fromArray(S, s, s1);
        FloatVector x20 = FloatVector.fromArray(S, s, s2);
        FloatVector x30 = FloatVector.fromArray(S, s, s3);
        FloatVector x40 = FloatVector.fromArray(S, s, s4);
        FloatVector x50 = FloatVector.fromArray(S, s, s5);
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
        V.cast(x00).intoArray(c, c0);
        V.cast(x10).intoArray(c, c1);
        V.cast(x20).intoArray(c, c2);
        V.cast(x30).intoArray(c, c3);
        V.cast(x40).intoArray(c, c4);
        V.cast(x50).intoArray(c, c5);
    }
}
