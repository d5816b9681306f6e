package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling on the Vector API, see {@link DenseKernels#maxPool} and
 * {@link DenseKernels#maxPoolArg}.
 */
final class VectorPool {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = VectorWidth.LANES;

    private VectorPool() {
    }

    // The even and odd lanes of a vector, in either half: [0, 2, 4, 6, 1, 3, 5, 7] and
    // [1, 3, 5, 7, 0, 2, 4, 6] at 8 lanes, likewise at 16 (single-vector shuffles, which the JIT
    // compiles to one permute).
    private static final VectorShuffle<Float> EVEN_ODD =
            VectorShuffle.fromOp(S, l -> l < L / 2 ? 2 * l : 2 * (l - L / 2) + 1);
    private static final VectorShuffle<Float> ODD_EVEN =
            VectorShuffle.fromOp(S, l -> l < L / 2 ? 2 * l + 1 : 2 * (l - L / 2));
    private static final VectorMask<Float> HIGH = VectorMask.fromLong(S, (1L << L) - (1L << L / 2));

    /**
     * 2×2 windows at stride 2: each vector of L outputs takes its windows' four values from two
     * vectors of each input row, split into the even and the odd columns, and compares them in
     * the order of the plain loops (a greater value replaces, a tie keeps the earlier). The last
     * vector of a row overlaps the one before; a row shorter than a vector is computed whole,
     * its extra lanes written over the next row's outputs before those are computed (the last
     * rows, where the vector would pass the arrays' end, one value at a time). Other windows:
     * the plain loops.
     *
     * <p>NOTE: a row of at most L/2 outputs (LeNet's second pooling, 5 outputs, at 16 lanes)
     * takes one vector of each input row ({@link #pool2Half}): two loads and four permutes
     * instead of four and eight with their blends, which at 16 lanes took a quarter longer than
     * the whole row at 8.
     */
    static void maxPool(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw,
            int oh, int ow, float[] y) {
        if (kh != 2 || kw != 2 || sh != 2 || sw != 2) {
            Kernels.scalar().maxPool(x, n, c, h, w, kh, kw, sh, sw, oh, ow, y);
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
                    pool2(x, r + 2 * o, w, y, t + o);
                }
            } else if (2 * ow <= L && t + L <= total && r + w + L <= x.length) {
                pool2Half(x, r, w, y, t);
            } else if (2 * ow > L && t + L <= total && r + w + 2 * L <= x.length) {
                pool2(x, r, w, y, t);
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
    private static final VectorSpecies<Integer> SI = VectorWidth.INT;

    /** 0, 2, .., 2·(L − 1): the corners of L windows 2×2 side by side, from the first. */
    private static final IntVector CORNERS = IntVector.fromArray(SI,
            java.util.stream.IntStream.range(0, L).map(l -> 2 * l).toArray(), 0);

    /**
     * {@link #maxPool}'s blocks, with the index of each maximum, for the samples [from, to):
     * a row's vector passes the part's last output only where the next row is the part's own
     * (else the plain loop), so that parts of a batch may run at once.
     */
    static void maxPoolArg(float[] x, int from, int to, int c, int h, int w, int kh, int kw,
            int sh, int sw, int oh, int ow, float[] y, int[] arg) {
        if (kh != 2 || kw != 2 || sh != 2 || sw != 2) {
            Kernels.scalar().maxPoolArgSamples(x, from, to, c, h, w, kh, kw, sh, sw, oh, ow, y,
                    arg);
            return;
        }
        int rows = to * c * oh;
        int total = rows * ow;
        for (int row = from * c * oh; row < rows; row++) {
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

    /** Vectors go through their classes' casts (see {@link VectorWidth#VECTOR}). */
    private static final Class<? extends FloatVector> V = VectorWidth.VECTOR;
    private static final Class<? extends IntVector> I = VectorWidth.INT_VECTOR;

    /**
     * NOTE: every vector of the pooling blocks through its class's cast: without them, in about
     * half of the fresh JVMs at 8 lanes C2 compiled them with their blends left out of line, their
     * vectors objects on the heap (2.1 to 3.7 MB a call of VectorKernelAllocationMain's pooling;
     * 327 KB with this method's casts alone).
     */
    private static void pool2Arg(float[] x, int a, int w, float[] y, int[] arg, int t) {
        IntVector at = I.cast(CORNERS.add(a));
        FloatVector u = V.cast(FloatVector.fromArray(S, x, a));
        FloatVector v = V.cast(FloatVector.fromArray(S, x, a + L));
        FloatVector max = V.cast(V.cast(u.rearrange(EVEN_ODD))
                .blend(V.cast(v.rearrange(ODD_EVEN)), HIGH));
        IntVector best = at;
        FloatVector e = V.cast(V.cast(u.rearrange(ODD_EVEN))
                .blend(V.cast(v.rearrange(EVEN_ODD)), HIGH));
        VectorMask<Float> m = e.compare(VectorOperators.GT, max);
        max = V.cast(max.blend(e, m));
        best = I.cast(best.blend(I.cast(at.add(1)), m.cast(SI)));
        u = V.cast(FloatVector.fromArray(S, x, a + w));
        v = V.cast(FloatVector.fromArray(S, x, a + w + L));
        e = V.cast(V.cast(u.rearrange(EVEN_ODD)).blend(V.cast(v.rearrange(ODD_EVEN)), HIGH));
        m = e.compare(VectorOperators.GT, max);
        max = V.cast(max.blend(e, m));
        best = I.cast(best.blend(I.cast(at.add(w)), m.cast(SI)));
        e = V.cast(V.cast(u.rearrange(ODD_EVEN)).blend(V.cast(v.rearrange(EVEN_ODD)), HIGH));
        m = e.compare(VectorOperators.GT, max);
        V.cast(max.blend(e, m)).intoArray(y, t);
        I.cast(best.blend(I.cast(at.add(w + 1)), m.cast(SI))).intoArray(arg, t);
    }

    /**
     * The maxima of the L/2 windows 2×2 whose top left corners are a, a + 2, .., a + L − 2, in
     * the first L/2 lanes (the others hold maxima of no window), from one vector of each row:
     * its even columns in the first half, its odd ones, compared in {@link #pool2}'s order;
     * stored at y[t].
     */
    private static void pool2Half(float[] x, int a, int w, float[] y, int t) {
        FloatVector u = V.cast(FloatVector.fromArray(S, x, a));
        FloatVector max = V.cast(u.rearrange(EVEN_ODD));
        FloatVector e = V.cast(u.rearrange(ODD_EVEN));
        max = V.cast(max.blend(e, e.compare(VectorOperators.GT, max)));
        u = V.cast(FloatVector.fromArray(S, x, a + w));
        e = V.cast(u.rearrange(EVEN_ODD));
        max = V.cast(max.blend(e, e.compare(VectorOperators.GT, max)));
        e = V.cast(u.rearrange(ODD_EVEN));
        V.cast(max.blend(e, e.compare(VectorOperators.GT, max))).intoArray(y, t);
    }

    /**
     * The maxima of the L windows 2×2 whose top left corners are a, a + 2, .., a + 2·(L − 1),
     * stored at y[t]. NOTE: stored here, not returned: a vector returned from a method C2 has
     * compiled on its own (this one is hot enough to be) and not inlined is an object on the
     * heap; at 8 lanes max pooling allocated 327 KB a call in some fresh JVMs.
     */
    private static void pool2(float[] x, int a, int w, float[] y, int t) {
        // row 0: the even columns of both vectors, then the odd ones
        FloatVector u = V.cast(FloatVector.fromArray(S, x, a));
        FloatVector v = V.cast(FloatVector.fromArray(S, x, a + L));
        FloatVector max = V.cast(V.cast(u.rearrange(EVEN_ODD))
                .blend(V.cast(v.rearrange(ODD_EVEN)), HIGH));
        FloatVector e = V.cast(V.cast(u.rearrange(ODD_EVEN))
                .blend(V.cast(v.rearrange(EVEN_ODD)), HIGH));
        max = V.cast(max.blend(e, e.compare(VectorOperators.GT, max)));
        u = V.cast(FloatVector.fromArray(S, x, a + w));
        v = V.cast(FloatVector.fromArray(S, x, a + w + L));
        e = V.cast(V.cast(u.rearrange(EVEN_ODD)).blend(V.cast(v.rearrange(ODD_EVEN)), HIGH));
        max = V.cast(max.blend(e, e.compare(VectorOperators.GT, max)));
        e = V.cast(V.cast(u.rearrange(ODD_EVEN)).blend(V.cast(v.rearrange(EVEN_ODD)), HIGH));
        V.cast(max.blend(e, e.compare(VectorOperators.GT, max))).intoArray(y, t);
    }
}
