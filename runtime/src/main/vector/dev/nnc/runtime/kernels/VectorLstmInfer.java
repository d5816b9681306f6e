package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lstm's inference step ({@link SequenceKernels#inferStep}) on the Vector API, the recurrent
 * product and the cell fused: for a group of units, the four gates' products h₋·U are summed in
 * registers, then the cell's step runs on them while they are there (σ and tanh of the gates,
 * c = f·c₋ + i·g, h = o·tanh(c)), each value with the operations of {@link CellReference#lstmRow}
 * in its order and each product summed from zero by fused multiply-adds in ascending k, as
 * {@link DenseKernels#infer} sums it: the bits of the plain kernels. For h units, a whole number
 * of vectors.
 *
 * <p>U [h, 4·h] is read in groups of units: a group of w units reads, for each k, the w columns
 * of each gate, [i | o | f | c], 4·w floats. A group of {@link #W} units (four vectors of each
 * gate: sixteen independent sums, which keep both fused multiply-add units busy) where they
 * remain, then of one vector. Where h is {@link #W}, that is U's own row-major layout and U is
 * read in place: each step streams it whole, row after row, from contiguous memory (no copy per
 * sequence). Otherwise U is first copied in that order ({@link #pack}).
 *
 * <p>NOTE: the activations are written out here rather than called through
 * {@code VectorSequenceKernels}' array passes: the gate sums never go through memory but for
 * {@code hu}, which the step still writes (the recurrent products, as the plain step leaves
 * them).
 */
final class VectorLstmInfer {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = VectorWidth.LANES;
    /** Units of a wide group: four vectors. */
    private static final int W = 4 * L;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector TWO = FloatVector.broadcast(S, 2f);

    private VectorLstmInfer() {
    }

    /** Whether the fused step serves an lstm of h units: a whole number of vectors. */
    static boolean serves(int h) {
        return h % L == 0;
    }

    /** Copies U into {@code up} in the groups' order, unless they read U in place. */
    static void pack(float[] p, int u, int h, float[] up) {
        if (h == W) {
            return;
        }
        int gh = 4 * h;
        int j0 = 0;
        for (; j0 + W <= h; j0 += W) {
            copy(p, u, h, gh, j0, W, up);
        }
        for (; j0 < h; j0 += L) {
            copy(p, u, h, gh, j0, L, up);
        }
    }

    /** The group of units [j0, j0 + w): row k from up[4·j0·h + k·4·w], gates i, o, f, c. */
    private static void copy(float[] p, int u, int h, int gh, int j0, int w, float[] up) {
        int g = 4 * j0 * h;
        for (int k = 0; k < h; k++) {
            for (int gate = 0; gate < 4; gate++) {
                System.arraycopy(p, u + k * gh + gate * h + j0, up, g + k * 4 * w + gate * w, w);
            }
        }
    }

    /** hu = h₋·U for the n rows of step rows r0 …, h₋ at hT[r0·h]. */
    static void product(float[] hT, int r0, int n, int h, float[] p, int u, float[] hu,
            float[] up) {
        float[] b = h == W ? p : up;
        int b0 = h == W ? u : 0;
        for (int i = 0; i < n; i++) {
            int xa = (r0 + i) * h;
            int za = (r0 + i) * 4 * h;
            int j0 = 0;
            for (; j0 + W <= h; j0 += W) {
                wide(hT, xa, h, b, b0 + 4 * j0 * h, hu, za + j0);
            }
            for (; j0 < h; j0 += L) {
                narrow(hT, xa, h, b, b0 + 4 * j0 * h, hu, za + j0);
            }
        }
    }

    /** hu = h₋·U for the four gates' columns of the W units of one group. */
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
        i0.intoArray(hu, za);
        i1.intoArray(hu, za + L);
        i2.intoArray(hu, za + 2 * L);
        i3.intoArray(hu, za + 3 * L);
        o0.intoArray(hu, za + h);
        o1.intoArray(hu, za + h + L);
        o2.intoArray(hu, za + h + 2 * L);
        o3.intoArray(hu, za + h + 3 * L);
        f0.intoArray(hu, za + 2 * h);
        f1.intoArray(hu, za + 2 * h + L);
        f2.intoArray(hu, za + 2 * h + 2 * L);
        f3.intoArray(hu, za + 2 * h + 3 * L);
        c0.intoArray(hu, za + 3 * h);
        c1.intoArray(hu, za + 3 * h + L);
        c2.intoArray(hu, za + 3 * h + 2 * L);
        c3.intoArray(hu, za + 3 * h + 3 * L);
    }

    /** hu = h₋·U for the four gates' columns of the L units of one group. */
    private static void narrow(float[] x, int xa, int h, float[] b, int g, float[] hu, int za) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int k = 0; k < h; k++) {
            int o = g + k * 4 * L;
            FloatVector v = FloatVector.broadcast(S, x[xa + k]);
            a0 = FloatVector.fromArray(S, b, o).fma(v, a0);
            a1 = FloatVector.fromArray(S, b, o + L).fma(v, a1);
            a2 = FloatVector.fromArray(S, b, o + 2 * L).fma(v, a2);
            a3 = FloatVector.fromArray(S, b, o + 3 * L).fma(v, a3);
        }
        a0.intoArray(hu, za);
        a1.intoArray(hu, za + h);
        a2.intoArray(hu, za + 2 * h);
        a3.intoArray(hu, za + 3 * h);
    }
}
