package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The recurrent product of an inference step on the Vector API, hu = h₋·U, from a copy of U
 * packed in groups of columns ({@link SequenceKernels#inferStep}).
 *
 * <p>NOTE: U ([h, G·h] row-major in the parameters) is read whole at every step. Read in place, a
 * group of columns takes a few cache lines from each row, one row (G·h floats, a multiple of
 * 1 KiB for 64 units) apart: all of them fall into a quarter of the L1 cache's sets, more lines per
 * set than it has ways, so every step streamed U from L2 again (64 KiB per step of an lstm of 64
 * units). Packed, each group is contiguous and spreads over every set; walking the groups in the
 * other order on every other step starts each step on the groups the step before read last, which
 * are still in L1. Each output is still summed from zero by fused multiply-adds in ascending k,
 * the bits of {@link DenseKernels#infer}.
 */
final class VectorRecurrent {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();
    /** The bytes of U a group of columns spans at most, where it can. */
    private static final int GROUP_BYTES = 16 << 10;

    private VectorRecurrent() {
    }

    /**
     * Vectors per group of columns: 8 (eight independent sums keep both fused multiply-add units
     * busy) where the group's h rows fit in {@link #GROUP_BYTES}, else 4.
     */
    static int vectors(int h) {
        return 8L * L * h * Float.BYTES <= GROUP_BYTES ? 8 : 4;
    }

    /**
     * Copies U into {@code up}: the columns in groups of {@link #vectors} vectors, then of one
     * vector; the group of columns [j, j + w) holds its rows one after another from
     * {@code up[j·h]}. Columns past the last whole vector are read from {@code p}.
     */
    static void pack(float[] p, int u, int h, int gh, float[] up) {
        int w = vectors(h) * L;
        int j = 0;
        for (; j + w <= gh; j += w) {
            copy(p, u, h, gh, j, w, up);
        }
        for (; j + L <= gh; j += L) {
            copy(p, u, h, gh, j, L, up);
        }
    }

    private static void copy(float[] p, int u, int h, int gh, int j, int w, float[] up) {
        for (int k = 0; k < h; k++) {
            System.arraycopy(p, u + k * gh + j, up, j * h + k * w, w);
        }
    }

    /** hu = h₋·U for the n rows of step rows r0 …, the groups in reverse when {@code odd}. */
    static void product(float[] hT, int r0, int n, int h, float[] p, int u, int gh, float[] hu,
            float[] up, boolean odd) {
        int v = vectors(h);
        int w = v * L;
        int full = gh / w * w;
        int vec = full + (gh - full) / L * L;
        for (int i = r0; i < r0 + n; i++) {
            int xa = i * h;
            int za = i * gh;
            if (odd) {
                for (int j = vec - L; j >= full; j -= L) {
                    one(hT, xa, h, up, j * h, hu, za + j);
                }
                for (int j = full - w; j >= 0; j -= w) {
                    group(v, hT, xa, h, up, j * h, hu, za + j);
                }
            } else {
                for (int j = 0; j < full; j += w) {
                    group(v, hT, xa, h, up, j * h, hu, za + j);
                }
                for (int j = full; j < vec; j += L) {
                    one(hT, xa, h, up, j * h, hu, za + j);
                }
            }
            for (int j = vec; j < gh; j++) {
                float s = 0f;
                for (int k = 0; k < h; k++) {
                    s = Math.fma(hT[xa + k], p[u + k * gh + j], s);
                }
                hu[za + j] = s;
            }
        }
    }

    private static void group(int v, float[] x, int xa, int h, float[] up, int g, float[] z,
            int za) {
        if (v == 8) {
            eight(x, xa, h, up, g, z, za);
        } else {
            four(x, xa, h, up, g, z, za);
        }
    }

    private static void eight(float[] x, int xa, int h, float[] up, int g, float[] z, int za) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int k = 0; k < h; k++) {
            int o = g + k * 8 * L;
            FloatVector v = FloatVector.broadcast(S, x[xa + k]);
            a0 = FloatVector.fromArray(S, up, o).fma(v, a0);
            a1 = FloatVector.fromArray(S, up, o + L).fma(v, a1);
            a2 = FloatVector.fromArray(S, up, o + 2 * L).fma(v, a2);
            a3 = FloatVector.fromArray(S, up, o + 3 * L).fma(v, a3);
            a4 = FloatVector.fromArray(S, up, o + 4 * L).fma(v, a4);
            a5 = FloatVector.fromArray(S, up, o + 5 * L).fma(v, a5);
            a6 = FloatVector.fromArray(S, up, o + 6 * L).fma(v, a6);
            a7 = FloatVector.fromArray(S, up, o + 7 * L).fma(v, a7);
        }
        a0.intoArray(z, za);
        a1.intoArray(z, za + L);
        a2.intoArray(z, za + 2 * L);
        a3.intoArray(z, za + 3 * L);
        a4.intoArray(z, za + 4 * L);
        a5.intoArray(z, za + 5 * L);
        a6.intoArray(z, za + 6 * L);
        a7.intoArray(z, za + 7 * L);
    }

    private static void four(float[] x, int xa, int h, float[] up, int g, float[] z, int za) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int k = 0; k < h; k++) {
            int o = g + k * 4 * L;
            FloatVector v = FloatVector.broadcast(S, x[xa + k]);
            a0 = FloatVector.fromArray(S, up, o).fma(v, a0);
            a1 = FloatVector.fromArray(S, up, o + L).fma(v, a1);
            a2 = FloatVector.fromArray(S, up, o + 2 * L).fma(v, a2);
            a3 = FloatVector.fromArray(S, up, o + 3 * L).fma(v, a3);
        }
        a0.intoArray(z, za);
        a1.intoArray(z, za + L);
        a2.intoArray(z, za + 2 * L);
        a3.intoArray(z, za + 3 * L);
    }

    private static void one(float[] x, int xa, int h, float[] up, int g, float[] z, int za) {
        FloatVector a = FloatVector.zero(S);
        for (int k = 0; k < h; k++) {
            a = FloatVector.fromArray(S, up, g + k * L).fma(FloatVector.broadcast(S, x[xa + k]),
                    a);
        }
        a.intoArray(z, za);
    }
}
