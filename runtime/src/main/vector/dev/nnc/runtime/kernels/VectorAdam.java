package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Adam step on the Vector API, see {@link DenseKernels#adam}: the same operations in the same
 * order on each lane (multiplies and adds rounded one by one, never fused; the lane-wise square
 * root is correctly rounded, as {@code (float) Math.sqrt} of a float is), so the bits equal the
 * plain loop's.
 *
 * <p>NOTE: subnormal floats (see {@link AdamLanes}). A first moment m whose gradient stays 0
 * decays by b1 at every step into the subnormal floats, where it stays; after the first epoch of
 * the Fashion-MNIST MLP about half its vectors of 16 lanes hold one. Arithmetic that reads or
 * writes a subnormal takes a microcode assist on x86, for the whole vector. A vector that holds
 * one is therefore stepped by a method of its own, which works the usual case out as {@link
 * AdamLanes} does, on the significand M (g = ±0; b1·m is {@code rint(b1·M)} units of 2^−149,
 * and step·m a zero of m's sign when {@code step·rint(b1·M) < 1/2}), in vector arithmetic on
 * normal floats: b1·M rounded to 24 bits, then to an integer by adding 2^23, is {@code
 * rint(b1·M)} unless the 24-bit product is a half (rounding to nearest is monotone and the halves
 * below 2^23 are floats), and a 24-bit product step·r below 1/2 means an exact one below 1/2.
 * The other lanes of such a vector, and these when a condition fails (a half, a new moment of 0,
 * a larger step·m, a denominator that is not positive), take the plain expression, with its
 * assists.
 *
 * <p>NOTE: which is faster depends on the CPU. On the Intel Xeon of bench/RESULTS.md the assists
 * made the plain expression several times as slow as that method; on the AMD EPYC (Zen 5) the
 * method took about twice as long as the plain expression with its assists (the MLP's 109k
 * parameters after an epoch, 86 % of the vectors holding a subnormal moment: about 125 µs a step
 * against 85, in one JVM). Both give the same bits, so the kernel measures them on the run's
 * own parameters and keeps the faster ({@link #measure}); {@code -Dnnc.adam.subnormal=own|plain}
 * chooses instead.
 */
final class VectorAdam {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** Vectors are stored through this class's cast (see {@link VectorWidth#VECTOR}). */
    private static final Class<? extends FloatVector> V = VectorWidth.VECTOR;
    /** The class of the int vectors of as many lanes, for the same casts. */
    private static final Class<? extends IntVector> I = VectorWidth.INT_VECTOR;
    /** 2^23: the floats in [2^23, 2^24) are the integers. */
    private static final float TWO23 = 0x1p23f;
    private static final int TWO23_BITS = Float.floatToRawIntBits(TWO23);

    private VectorAdam() {
    }

    /** Vectors holding a subnormal first moment: stepped by {@link #subnormal}. */
    static final int OWN = 0;
    /** Every vector stepped by {@link #plain}. */
    static final int PLAIN = 1;
    /** As {@link #PLAIN}, counting the vectors holding a subnormal first moment. */
    private static final int COUNT = 2;
    /** Not decided yet: {@link #measure} chooses between {@link #OWN} and {@link #PLAIN}. */
    static final int MEASURE = 3;

    /**
     * How vectors holding a subnormal first moment are stepped: {@link #OWN}, {@link #PLAIN}, or
     * {@link #MEASURE} until measured. NOTE: a plain static field; threads stepping parts of one
     * update at once may see the decision at different times, which changes no bit.
     */
    private static int path = initialPath();

    /**
     * Blocks holding a subnormal first moment {@link #measure} has seen; of the measured pairs,
     * how many the plain expression and the own path took less time in; the time per subnormal
     * vector of the first block of the pair being measured.
     */
    private static int measured;
    private static int plainWins;
    private static int ownWins;
    private static double firstNanos;

    /**
     * Blocks holding a subnormal first moment run before measuring: C2 has compiled both paths
     * by then (about 20 steps of the Fashion-MNIST MLP, whose 107 blocks hold about 98).
     */
    static final int MEASURE_AFTER = 2048;
    /** Pairs of blocks measured, one of each path (about 10 steps of the MLP). */
    static final int PAIRS = 512;

    private static int initialPath() {
        String s = System.getProperty("nnc.adam.subnormal", "").trim();
        return s.equals("own") ? OWN : s.equals("plain") ? PLAIN : MEASURE;
    }

    /**
     * Chooses the path (tests; {@link #MEASURE} starts measuring again, and {@link #settle} may
     * settle it again).
     */
    static void path(int how) {
        path = how;
        settled = false;
        settleState = null;
        measured = 0;
        plainWins = 0;
        ownWins = 0;
    }

    /** The path in use. */
    static int path() {
        return path;
    }

    static void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float b1,
            float b2, float step, float e, float shrink) {
        int how = path;
        if (how == MEASURE) {
            measure(p, g, m, v, from, to, b1, b2, step, e, shrink);
        } else {
            steps(p, g, m, v, from, to, b1, b2, step, e, shrink, how);
        }
    }

    /**
     * {@link #settle}: the plain expression is kept without measuring the own path when a vector
     * holding a subnormal first moment takes it less than this many times as long as a vector
     * without one. NOTE: the own path does the plain expression's work and as much again (the
     * significand's arithmetic, the comparisons, the blends). On the AMD EPYC (Zen 5) the plain
     * expression took 2.1 times as long on vectors holding one (109k parameters, a lane of each
     * vector: 67 µs a step against 32 without; {@link #settle}'s blocks 1.3 to 2.1) and the own
     * path about 125 µs a step of fmnist_mlp (the class comment), some 4 times the 32; on the
     * Intel Xeon, where the own path won, the assists made the plain expression several times as
     * slow as the own path. A CPU where neither holds (a ratio below 3 with an own path faster
     * still) would keep the slower path: the same bits, a slower Adam step.
     */
    static final double SETTLE_PLAIN_BELOW = 3.0;
    /** {@link #settle}'s pairs of blocks before it times them, and those it times. */
    static final int SETTLE_WARM = 192;
    static final int SETTLE_TIMED = 64;
    /**
     * Above this time per vector without a subnormal (nanoseconds), the plain expression is not
     * compiled yet (boxed, interpreted vectors take microseconds; compiled, a few nanoseconds):
     * {@link #settle} times again.
     */
    static final double SETTLE_COMPILED_NANOS = 50;
    /** Parameters of each of {@link #settle}'s two synthetic blocks: one of the kernel's blocks. */
    static final int SETTLE_SIZE = Kernels.OPTIMIZER_BLOCK;
    /**
     * {@link #settle}'s synthetic state: p, g, m, v of a block without a subnormal moment, of one
     * with one in every vector, and the first moments of that one to start each step from; the
     * pairs taken so far and the ratios of the timed ones (only the thread that settles touches
     * them).
     */
    private static float[][] settleState;
    private static int settlePairs;
    private static double[] settleRatios;
    private static double[] settleNormal;
    private static boolean settled;

    /**
     * Settles the path before a run, on {@link #settle}'s synthetic blocks, taking at most {@code
     * pairs} pairs of them; true once nothing is left to settle. It times the plain expression
     * on a block whose vectors each hold a subnormal first moment (with a zero gradient, as a unit
     * that has stopped learning leaves one in every vector of its weights) against a block
     * without one; when the first takes less than {@link #SETTLE_PLAIN_BELOW} times as long (the
     * median of {@link #SETTLE_TIMED} pairs), the own path cannot win and the plain expression is
     * chosen; otherwise the run measures the two paths as before ({@link #measure}). The run's
     * parameters are not touched; its bits do not depend on the path.
     *
     * <p>NOTE: why. Measured in the run, the decision came in its first epoch, when the first
     * moments turn subnormal (steps 600 to 700 of fmnist_mlp): the own path was called then for
     * the first time and ran its vectors boxed until the JIT had compiled it, and the JIT dropped
     * the kernel's code three times (unstable_if in {@code steps}, {@code measure} and {@code
     * adam} as each side of their branches was first taken; JFR's jdk.Deoptimization). With the
     * plain expression chosen from the start ({@code -Dnnc.adam.subnormal=plain}), fmnist_mlp at
     * one thread: training steps 2.69 s against 2.92, first epoch 1.36 s against 1.56 (medians
     * of 5 alternating pairs, better in 5 of 5, AMD EPYC at a load of 3 to 4 from other jobs).
     * Measuring both paths here instead took about a second of the warm-up's thread, the own
     * path's first calls boxed, more than a warm-up lasts; timing the plain expression alone
     * takes about a millisecond once it is compiled (the warm-up's own Adam steps compile it).
     */
    static boolean settle(int pairs) {
        if (settled || path != MEASURE) {
            return true;
        }
        if (settleState == null) {
            settleStart();
        }
        float[][] s = settleState;
        float b1 = 0.9f;
        float b2 = 0.999f;
        for (int q = 0; q < pairs; q++) {
            System.arraycopy(s[8], 0, s[6], 0, SETTLE_SIZE);
            long t0 = System.nanoTime();
            steps(s[0], s[1], s[2], s[3], 0, SETTLE_SIZE, b1, b2, 1e-3f, 1e-8f, 1f, PLAIN);
            long t1 = System.nanoTime();
            steps(s[4], s[5], s[6], s[7], 0, SETTLE_SIZE, b1, b2, 1e-3f, 1e-8f, 1f, PLAIN);
            long t2 = System.nanoTime();
            int k = settlePairs++ - SETTLE_WARM;
            if (k < 0) {
                continue;
            }
            settleNormal[k] = (double) (t1 - t0) * L / SETTLE_SIZE;
            settleRatios[k] = (double) (t2 - t1) / Math.max(1, t1 - t0);
            if (k + 1 < SETTLE_TIMED) {
                continue;
            }
            java.util.Arrays.sort(settleNormal);
            java.util.Arrays.sort(settleRatios);
            double normal = settleNormal[SETTLE_TIMED / 2];
            double ratio = settleRatios[SETTLE_TIMED / 2];
            if (normal > SETTLE_COMPILED_NANOS) {
                settlePairs = SETTLE_WARM; // not compiled yet: time again
                continue;
            }
            if (ratio < SETTLE_PLAIN_BELOW && path == MEASURE) {
                path = PLAIN;
            }
            settled = true;
            settleState = null;
            return true;
        }
        return false;
    }

    /** Makes {@link #settle}'s state. */
    private static void settleStart() {
        int n = SETTLE_SIZE;
        float[][] s = new float[9][n];
        long r = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < n; i++) {
            r = r * 6364136223846793005L + 1442695040888963407L;
            float u = (r >>> 40) * 0x1p-24f;
            for (int b = 0; b < 8; b += 4) {
                s[b][i] = (u - 0.5f) * 0.1f;
                s[b + 1][i] = (u - 0.5f) * 2e-3f;
                s[b + 2][i] = s[b + 1][i] * 0.5f;
                s[b + 3][i] = s[b + 1][i] * s[b + 1][i] + 1e-8f;
            }
            if (i % L == 3 % L) {
                // the significand spread over 1 .. 2^23 on a log scale, as moments decaying by
                // b1 are
                s[5][i] = 0f;
                s[6][i] = Float.intBitsToFloat(Math.max(1, (int) Math.pow(2, 23 * u)));
            }
        }
        s[8] = s[6].clone();
        settleNormal = new double[SETTLE_TIMED];
        settleRatios = new double[SETTLE_TIMED];
        settlePairs = 0;
        settleState = s;
    }

    /**
     * Steps the block [from, to) by one path or the other and, once the JIT has compiled both,
     * times blocks that hold a subnormal first moment in pairs, one by each path (which goes
     * first alternating from pair to pair), by their time per vector holding one; after
     * {@link #PAIRS} pairs the path that took less time in more of them is kept. Blocks without
     * a subnormal moment take the plain expression either way and are not counted.
     */
    private static void measure(float[] p, float[] g, float[] m, float[] v, int from, int to,
            float b1, float b2, float step, float e, float shrink) {
        int s = measured;
        if (s == 0) {
            // no block has held a subnormal moment yet: nothing to time (the first tens of
            // steps, or the whole run of a model whose moments never become subnormal)
            if (steps(p, g, m, v, from, to, b1, b2, step, e, shrink, OWN) > 0) {
                measured = 1;
            }
            return;
        }
        boolean own = (s & 1) == (s >> 1 & 1);
        long t0 = System.nanoTime();
        int held = steps(p, g, m, v, from, to, b1, b2, step, e, shrink, own ? OWN : COUNT);
        long t = System.nanoTime() - t0;
        if (held == 0) {
            return;
        }
        measured = s + 1;
        if (s < MEASURE_AFTER) {
            return;
        }
        double perVector = (double) t / held;
        if ((s & 1) == 0) {
            firstNanos = perVector;
            return;
        }
        double ownNanos = own ? perVector : firstNanos;
        double plainNanos = own ? firstNanos : perVector;
        if (plainNanos < ownNanos) {
            plainWins++;
        } else {
            ownWins++;
        }
        if (plainWins + ownWins >= PAIRS) {
            path = plainWins > ownWins ? PLAIN : OWN;
        }
    }

    /**
     * Steps [from, to) by path {@code how} ({@link #OWN}, {@link #PLAIN} or {@link #COUNT});
     * returns the number of vectors that held a subnormal first moment (0 for {@link #PLAIN},
     * which does not look).
     */
    private static int steps(float[] p, float[] g, float[] m, float[] v, int from, int to,
            float b1, float b2, float step, float e, float shrink, int how) {
        float a1 = 1 - b1;
        float a2 = 1 - b2;
        // the bounds under which the significand's products stay below 2^23 and a zero
        // numerator has m's sign (Adam's always hold)
        boolean exact = b1 >= 0 && b1 < 1 && Float.floatToRawIntBits(step) >= 0 && step < 1;
        boolean look = exact && how != PLAIN;
        int held = 0;
        int i = from;
        for (; i + L <= to; i += L) {
            // NOTE: no vector lives across this branch or leaves it (each side loads and stores
            // its own), and each side is a small method: C2 compiled a vector chosen in two
            // branches, or one passed to a call it did not inline, into code that boxed the
            // vectors on the heap (megabytes a step).
            if (look && subnormalMoment(m, i)) {
                held++;
                if (how == OWN) {
                    subnormal(p, g, m, v, i, b1, a1, b2, a2, step, e, shrink);
                    continue;
                }
            }
            plain(p, g, m, v, i, b1, a1, b2, a2, step, e, shrink);
        }
        for (; i < to; i++) {
            AdamLanes.one(p, g, m, v, i, b1, a1, b2, a2, step, e, shrink);
        }
        return held;
    }

    /** Whether a lane of m's vector at i holds a subnormal (comparisons take no assist). */
    private static boolean subnormalMoment(float[] m, int i) {
        FloatVector abs = V.cast(V.cast(FloatVector.fromArray(S, m, i)).abs());
        return abs.compare(VectorOperators.LT, Float.MIN_NORMAL)
                .and(abs.compare(VectorOperators.NE, 0f)).anyTrue();
    }

    /**
     * The lanes [i, i + L): the plain expression (every vector of a block without a subnormal
     * first moment). NOTE: every vector here is used through its class's cast, as in {@link
     * #subnormal}: without them, in one JVM of the CI's (256 bits, the kernels' allocation test
     * beside other work), C2 compiled this method's vectors boxed, 96 bytes allocated per vector
     * of parameters for the whole run.
     */
    private static void plain(float[] p, float[] g, float[] m, float[] v, int i, float b1,
            float a1, float b2, float a2, float step, float e, float shrink) {
        FloatVector gi = V.cast(FloatVector.fromArray(S, g, i));
        // without weight decay a multiply by 1, the same bits
        FloatVector pi = V.cast(V.cast(FloatVector.fromArray(S, p, i)).mul(shrink));
        FloatVector mi = V.cast(V.cast(V.cast(FloatVector.fromArray(S, m, i)).mul(b1))
                .add(V.cast(gi.mul(a1))));
        FloatVector vi = V.cast(V.cast(V.cast(FloatVector.fromArray(S, v, i)).mul(b2))
                .add(V.cast(V.cast(gi.mul(a2)).mul(gi))));
        FloatVector d = V.cast(V.cast(vi.lanewise(VectorOperators.SQRT)).add(e));
        FloatVector pn = V.cast(pi.sub(V.cast(V.cast(mi.mul(step)).div(d))));
        mi.intoArray(m, i);
        vi.intoArray(v, i);
        pn.intoArray(p, i);
    }

    /**
     * The lanes [i, i + L), some with a subnormal first moment, when the bounds that keep the
     * scaled values finite hold ({@code exact} in {@link #adam}; else every lane takes the plain
     * expression): those with g = ±0 worked out on the significand (when no condition of the
     * class comment fails), the others the plain expression.
     */
    private static void subnormal(float[] p, float[] g, float[] m, float[] v, int i, float b1,
            float a1, float b2, float a2, float step, float e, float shrink) {
        // NOTE: every vector here is used through its class's cast (V, or I for the int
        // vectors), those made by a reinterpretation or a blend included, and the mask is made of
        // comparisons alone (the bound `exact`, once a mask of the species' maskAll, is tested
        // by the caller): this path starts late in a run (the moments become subnormal after
        // some hundreds of steps), when C2 may no longer guess classes from the profile; before,
        // its blends' intrinsics failed and most of its vectors were boxed, 2.8 MB allocated per
        // step of the MLP's 109k parameters, about half of a training step's time
        // (VectorKernelAllocationMain's adam-subnormal).
        FloatVector m0 = V.cast(FloatVector.fromArray(S, m, i));
        FloatVector gi = V.cast(FloatVector.fromArray(S, g, i));
        FloatVector pi = V.cast(V.cast(FloatVector.fromArray(S, p, i)).mul(shrink));
        FloatVector vi = V.cast(V.cast(V.cast(FloatVector.fromArray(S, v, i)).mul(b2))
                .add(V.cast(V.cast(gi.mul(a2)).mul(gi))));
        FloatVector d = V.cast(V.cast(vi.lanewise(VectorOperators.SQRT)).add(e));
        // comparisons, the absolute value and bit operations take no assist
        FloatVector abs = V.cast(m0.abs());
        IntVector bits = I.cast(abs.reinterpretAsInts());
        IntVector sign = I.cast(I.cast(m0.reinterpretAsInts()).and(0x80000000));
        // M, the significand as a float (a normal lane's low bits, unused), and b1·M rounded to
        // 24 bits, then to an integer by adding 2^23
        FloatVector x = V.cast(V.cast(V.cast(I.cast(I.cast(bits.and(0x007fffff)).or(TWO23_BITS))
                .reinterpretAsFloats()).sub(TWO23)).mul(b1));
        FloatVector xr = V.cast(x.add(TWO23));
        FloatVector r = V.cast(xr.sub(TWO23));
        VectorMask<Float> own = abs.compare(VectorOperators.LT, Float.MIN_NORMAL)
                .and(abs.compare(VectorOperators.NE, 0f))
                .and(gi.compare(VectorOperators.EQ, 0f))
                .and(r.compare(VectorOperators.GE, 1f))
                .and(V.cast(V.cast(x.sub(r)).abs()).compare(VectorOperators.NE, 0.5f))
                .and(V.cast(r.mul(step)).compare(VectorOperators.LT, 0.5f))
                .and(d.compare(VectorOperators.GT, 0f));
        // the other lanes: the plain expression, with 0 for m in the own lanes; the own lanes'
        // step·m is a zero of m's sign, and so is its quotient
        FloatVector mi = V.cast(V.cast(V.cast(m0.blend(0f, own)).mul(b1))
                .add(V.cast(gi.mul(a1))));
        FloatVector signs = V.cast(sign.reinterpretAsFloats());
        FloatVector pn = V.cast(pi.sub(V.cast(V.cast(V.cast(mi.mul(step)).blend(signs, own))
                .div(d))));
        // the new moment r·2^−149 with m's sign: the bits of r + 2^23 less 2^23's
        FloatVector own2 = V.cast(I.cast(sign.or(I.cast(I.cast(xr.reinterpretAsInts())
                .sub(TWO23_BITS)))).reinterpretAsFloats());
        V.cast(mi.blend(own2, own)).intoArray(m, i);
        vi.intoArray(v, i);
        pn.intoArray(p, i);
    }
}
