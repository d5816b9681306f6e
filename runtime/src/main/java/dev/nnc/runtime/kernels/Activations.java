package dev.nnc.runtime.kernels;

/**
 * e^x, σ and tanh in float (and relu, {@link #relu}), computed with the same operations everywhere nnc computes them: here
 * one value at a time, in {@link #sigmoid(float[], float[], float[], int)} over arrays in passes
 * (see there which of them the JIT vectorizes), in the Vector API kernels lane by lane, and in
 * the standalone classes the compiler writes. Each operation rounds the same in each of them,
 * so a prediction has the same bits whichever computes it.
 *
 * <p>e^x: Cody–Waite range reduction x = n·ln 2 + r and Cephes' degree-6 polynomial for e^r, 2 ulp
 * at most against {@code Math.exp}; inputs are clamped to [−87.3, 88.3], where e^x is a normal
 * float, so σ(x) is exactly 0 or 1 only for very large |x| and never NaN but for a NaN input.
 *
 * <p>The reference functions, between the {@code standalone: begin} and {@code standalone: end}
 * comments, are the one source of e^x, σ and tanh: the runtime jar carries this file, and the
 * compiler copies that part of it verbatim into every standalone class that needs it (as
 * private members), so the two cannot drift apart. The array forms are specializations held to
 * them bit for bit by {@code ActivationsTest}.
 *
 * <p>NOTE: JDK 17's C2 does not vectorize a loop that moves bits between float and int
 * ({@code Float.floatToRawIntBits}, {@code Float.intBitsToFloat}), whether the bits come from
 * and go to memory or not: relu below over 4,704 values took 15 to 30 times as long as a
 * multiply loop over them, and the same integer operations on an int array about as long as
 * the multiply (JDK 17.0.15, AVX-512). Loops of float arithmetic alone, as the array forms'
 * last pass, it vectorizes.
 *
 * <p>NOTE: 2^n can be made from float arithmetic alone, exactly: n + 126 in [0, 253] has its eight
 * bits found one after another by the rounding of {@link #ROUND}, each selecting a factor 2^(2^k)
 * or 1 (as b·g + (1 − b)), every partial product a normal power of two, which gives the bits of the
 * middle pass for every n in [−126, 127]. It does not pay: about 47 operations a value, a loop body
 * the JIT does not unroll at the default {@code LoopUnrollLimit} and so does not vectorize (9 ns a
 * value), and vectorized with the limit raised 1.7 ns a value, against 0.3 to 0.6 for the middle
 * pass's bit moves a value at a time (JDK 17.0.15, AVX-512; the bits selected by
 * {@code Math.min}/{@code Math.max} instead were slower still). The middle pass stays.
 */
public final class Activations {
    private Activations() {
    }

    // standalone: begin
    /** Lower clamp of exp's argument. */
    public static final float EXP_MIN = -87.3f;
    /** Upper clamp of exp's argument. */
    public static final float EXP_MAX = 88.3f;
    public static final float LOG2E = 1.44269504088896341f;
    public static final float LN2_HI = 0.693359375f;
    public static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float below 2²² to an integer (in its low mantissa bits). */
    public static final float ROUND = 12582912f;
    /** The bits of {@link #ROUND} less the exponent bias: t − this is n + 127 for t = x + ROUND. */
    public static final int BIAS = 0x4B400000 - 127;
    public static final float P0 = 1.9875691500e-4f;
    public static final float P1 = 1.3981999507e-3f;
    public static final float P2 = 8.3334519073e-3f;
    public static final float P3 = 4.1665795894e-2f;
    public static final float P4 = 1.6666665459e-1f;
    public static final float P5 = 5.0000001201e-1f;

    /** e^x (see the class comment). */
    public static float exp(float v) {
        float x = Math.min(Math.max(v, EXP_MIN), EXP_MAX);
        float t = x * LOG2E + ROUND;
        return poly(x, t) * Float.intBitsToFloat((Float.floatToRawIntBits(t) - BIAS) << 23);
    }

    /** e^r for x = n·ln 2 + r, where t = x·log₂e + ROUND holds n. */
    static float poly(float x, float t) {
        float n = t - ROUND;
        float r = x - n * LN2_HI - n * LN2_LO;
        float p = r * P0 + P1;
        p = p * r + P2;
        p = p * r + P3;
        p = p * r + P4;
        p = p * r + P5;
        return p * (r * r) + r + 1f;
    }

    /** σ(x) = 1 / (e^−x + 1). */
    public static float sigmoid(float x) {
        return 1f / (exp(-x) + 1f);
    }

    /** tanh(x) = 2 / (e^−2x + 1) − 1. */
    public static float tanh(float x) {
        return 2f / (exp(x * -2f) + 1f) - 1f;
    }

    /**
     * out[i] = σ(in[i]) for i in [from, to), bit for bit {@link #sigmoid(float)}: three passes,
     * the float arithmetic before and after the bit moves between float and int in loops of its
     * own, which the JIT can vectorize; the middle pass, the bit moves, it runs a value at a
     * time (see the class comment). {@code scratch} holds at least {@code to} floats;
     * {@code out} may be {@code in}.
     */
    public static void sigmoid(float[] in, float[] out, float[] scratch, int from, int to) {
        for (int i = from; i < to; i++) {
            float x = Math.min(Math.max(-in[i], EXP_MIN), EXP_MAX);
            out[i] = x;
            scratch[i] = x * LOG2E + ROUND;
        }
        for (int i = from; i < to; i++) {
            scratch[i] = Float.intBitsToFloat((Float.floatToRawIntBits(scratch[i]) - BIAS) << 23);
        }
        for (int i = from; i < to; i++) {
            float x = out[i];
            out[i] = 1f / (poly(x, x * LOG2E + ROUND) * scratch[i] + 1f);
        }
    }

    /**
     * out[i] = tanh(in[i]) for i in [from, to), bit for bit {@link #tanh(float)}, in passes as
     * {@link #sigmoid(float[], float[], float[], int, int)}.
     */
    public static void tanh(float[] in, float[] out, float[] scratch, int from, int to) {
        for (int i = from; i < to; i++) {
            float x = Math.min(Math.max(in[i] * -2f, EXP_MIN), EXP_MAX);
            out[i] = x;
            scratch[i] = x * LOG2E + ROUND;
        }
        for (int i = from; i < to; i++) {
            scratch[i] = Float.intBitsToFloat((Float.floatToRawIntBits(scratch[i]) - BIAS) << 23);
        }
        for (int i = from; i < to; i++) {
            float x = out[i];
            out[i] = 2f / (poly(x, x * LOG2E + ROUND) * scratch[i] + 1f) - 1f;
        }
    }

    /**
     * out[i] = σ(in[i]) for i in [from, split) and tanh(in[i]) for i in [split, to), bit for bit
     * {@link #sigmoid(float)} and {@link #tanh(float)}: the passes of the array forms, the last
     * two over the whole range at once, σ's 1 / d taken as (1 + 0) / d − 0 and tanh's 2 / d − 1
     * as (1 + 1) / d − 1 (which round alike), with the 0 or 1 of each value in {@code kind}. One
     * loop over the range, rather than one over each part, is what the JIT vectorizes best: its
     * scalar lead-in and tail, which do a short range's work at a fraction of the speed, are run
     * once. {@code scratch} and {@code kind} hold at least {@code to} floats; {@code out} may be
     * {@code in}.
     */
    public static void sigmoidTanh(float[] in, float[] out, float[] scratch, float[] kind,
            int from, int split, int to) {
        for (int i = from; i < split; i++) {
            float x = Math.min(Math.max(-in[i], EXP_MIN), EXP_MAX);
            out[i] = x;
            scratch[i] = x * LOG2E + ROUND;
            kind[i] = 0f;
        }
        for (int i = split; i < to; i++) {
            float x = Math.min(Math.max(in[i] * -2f, EXP_MIN), EXP_MAX);
            out[i] = x;
            scratch[i] = x * LOG2E + ROUND;
            kind[i] = 1f;
        }
        for (int i = from; i < to; i++) {
            scratch[i] = Float.intBitsToFloat((Float.floatToRawIntBits(scratch[i]) - BIAS) << 23);
        }
        for (int i = from; i < to; i++) {
            float x = out[i];
            out[i] = (1f + kind[i]) / (poly(x, x * LOG2E + ROUND) * scratch[i] + 1f) - kind[i];
        }
    }

    /**
     * relu: out[t] = in[t] &gt; 0 ? in[t] : 0 for t in [0, size), NaN and −0 giving +0, without a
     * branch (one that depends on the data mispredicts on about half the values): the bits of a
     * float as an int i lie in (0, 0x7f800000], the bits of +∞, exactly when the float is &gt; 0;
     * the mask ~((0x7f800000 − i | i) &gt;&gt; 31) keeps those bits and clears the others.
     *
     * <p>NOTE: the JIT runs this loop a value at a time (see the class comment), and no other
     * plain-Java form tried with these bits does better: {@code Math.max(x, 0f)}, which it
     * vectorizes, keeps a NaN, and the comparison's form ({@code x > 0f ? x : 0f}) it does not
     * vectorize either. The Vector API kernels choose between a vector and zero by a comparison
     * ({@code VectorRelu}, the same bits: KernelContractTest); this loop is the plain kernels'
     * relu and the standalone classes'.
     */
    public static void relu(float[] in, float[] out, int size) {
        relu(in, out, 0, size);
    }

    /** relu for t in [from, to) only. */
    public static void relu(float[] in, float[] out, int from, int to) {
        for (int t = from; t < to; t++) {
            final int i = Float.floatToRawIntBits(in[t]);
            out[t] = Float.intBitsToFloat(i & ~((0x7f800000 - i | i) >> 31));
        }
    }
    // standalone: end

    /** out[i] = σ(in[i]) for i in [0, len), as {@code sigmoid(in, out, scratch, 0, len)}. */
    public static void sigmoid(float[] in, float[] out, float[] scratch, int len) {
        sigmoid(in, out, scratch, 0, len);
    }
}
