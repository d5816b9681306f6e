package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The recurrent product of the lstm's inference step ({@link SequenceKernels#inferStep}) on the
 * Vector API where the lstm has four vectors of units and U [h, 4·h] fits in the L1 cache whole
 * (at most {@link #IN_PLACE_BYTES}: 32 units with 256-bit vectors): U is then read in place, row
 * after row, each row's four gates' columns summed into sixteen vectors held in registers
 * (sixteen independent sums keep both fused multiply-add units busy; each is summed from zero by
 * fused multiply-adds in ascending k, as {@link DenseKernels#infer} sums it: the bits of the
 * plain kernels). U is not copied for the sequence: its rows are contiguous, so the step streams
 * it from contiguous memory as a copy would.
 *
 * <p>NOTE: not where U is larger than the L1 cache (64 units with 512-bit vectors, 64 KiB): U is
 * then packed (VectorSequenceKernels), whose groups of eight vectors walked in alternating order
 * measured 0.83 times as long per sequence as this, copy included, on a 48 KiB L1 (Zen 5). Where
 * U fits (32 units with 256-bit vectors, 16 KiB), this measured 0.6 to 0.95 times as long as the
 * packed groups, which copy U at every sequence's first step and sum eight vectors at once.
 *
 * <p>NOTE: at batch 1 the product is bound by its loads of U (one per multiply-add), and a vector
 * load that is not aligned to its own width spans two cache lines at some offsets: with 256-bit
 * vectors (32 units) the product at the two offsets of eight that are 32-byte aligned measured
 * 0.9 times as long as at the other six (Zen 5; on an Intel host, 512-bit loads of 64 units
 * measured 0.7 times as long at the one aligned offset). The JVM aligns float arrays' contents to
 * 8 bytes only, and U sits where the parameters put it, so which case a run gets is chance (as it
 * is for any copy into a float[]).
 */
final class VectorLstmInfer {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = VectorWidth.LANES;
    /** Vectors are stored through this class's cast (see {@link VectorWidth#VECTOR}). */
    private static final Class<? extends FloatVector> V = VectorWidth.VECTOR;
    /** Units served: four vectors. */
    private static final int W = 4 * L;
    /** The bytes of U read in place at most: well within the L1 cache. */
    static final int IN_PLACE_BYTES = 16 << 10;

    private VectorLstmInfer() {
    }

    /** Whether the product serves an lstm of h units: four vectors, U within the L1 cache. */
    static boolean serves(int h) {
        return h == W && 4L * h * h * Float.BYTES <= IN_PLACE_BYTES;
    }

    /** hu = h₋·U for the n rows of step rows r0 …, h₋ at hT[r0·h], U at p[u]. */
    static void product(float[] hT, int r0, int n, int h, float[] p, int u, float[] hu) {
        for (int i = 0; i < n; i++) {
            wide(hT, (r0 + i) * h, h, p, u, hu, (r0 + i) * 4 * h);
        }
    }

    /** hu = h₋·U for one row: U's row k is [i | o | f | c], four vectors each. */
    private static void wide(float[] x, int xa, int h, float[] b, int g, float[] hu, int za) {
        FloatVector i0 = FloatVector.zero(S);
        FloatVector i1 = i0;
        FloatVector i2 = i0;
        FloatVector i3 = i0;
        FloatVector o0 = i0;
        FloatVector o1 = i0;
        FloatVector o2 = i0;
        FloatVector o3 = i0;
        FloatVector f0 = i0;
        FloatVector f1 = i0;
        FloatVector f2 = i0;
        FloatVector f3 = i0;
        FloatVector c0 = i0;
        FloatVector c1 = i0;
        FloatVector c2 = i0;
        FloatVector c3 = i0;
        for (int k = 0; k < h; k++) {
            int o = g + k * 16 * L;
            FloatVector v = FloatVector.broadcast(S, x[xa + k]);
            i0 = FloatVector.fromArray(S, b, o).fma(v, i0);
            i1 = FloatVector.fromArray(S, b, o + L).fma(v, i1);
            i2 = FloatVector.fromArray(S, b, o + 2 * L).fma(v, i2);
            i3 = FloatVector.fromArray(S, b, o + 3 * L).fma(v, i3);
            o0 = FloatVector.fromArray(S, b, o + 4 * L).fma(v, o0);
            o1 = FloatVector.fromArray(S, b, o + 5 * L).fma(v, o1);
            o2 = FloatVector.fromArray(S, b, o + 6 * L).fma(v, o2);
            o3 = FloatVector.fromArray(S, b, o + 7 * L).fma(v, o3);
            f0 = FloatVector.fromArray(S, b, o + 8 * L).fma(v, f0);
            f1 = FloatVector.fromArray(S, b, o + 9 * L).fma(v, f1);
            f2 = FloatVector.fromArray(S, b, o + 10 * L).fma(v, f2);
            f3 = FloatVector.fromArray(S, b, o + 11 * L).fma(v, f3);
            c0 = FloatVector.fromArray(S, b, o + 12 * L).fma(v, c0);
            c1 = FloatVector.fromArray(S, b, o + 13 * L).fma(v, c1);
            c2 = FloatVector.fromArray(S, b, o + 14 * L).fma(v, c2);
            c3 = FloatVector.fromArray(S, b, o + 15 * L).fma(v, c3);
        }
        V.cast(i0).intoArray(hu, za);
        V.cast(i1).intoArray(hu, za + L);
        V.cast(i2).intoArray(hu, za + 2 * L);
        V.cast(i3).intoArray(hu, za + 3 * L);
        V.cast(o0).intoArray(hu, za + h);
        V.cast(o1).intoArray(hu, za + h + L);
        V.cast(o2).intoArray(hu, za + h + 2 * L);
        V.cast(o3).intoArray(hu, za + h + 3 * L);
        V.cast(f0).intoArray(hu, za + 2 * h);
        V.cast(f1).intoArray(hu, za + 2 * h + L);
        V.cast(f2).intoArray(hu, za + 2 * h + 2 * L);
        V.cast(f3).intoArray(hu, za + 2 * h + 3 * L);
        V.cast(c0).intoArray(hu, za + 3 * h);
        V.cast(c1).intoArray(hu, za + 3 * h + L);
        V.cast(c2).intoArray(hu, za + 3 * h + 2 * L);
        V.cast(c3).intoArray(hu, za + 3 * h + 3 * L);
    }

}
