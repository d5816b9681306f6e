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
 * decays by b1 at every step, through the tiny normal floats into the subnormal ones, where it
 * stays; after the first epoch of the Fashion-MNIST MLP half its vectors of 16 lanes hold one.
 * Arithmetic that reads or writes a subnormal takes a microcode assist on x86 for the whole
 * vector. The lanes with g = ±0 and 0 < |m| < 2^−100 ("small") are therefore worked out on
 * their magnitudes times 2^149 (μ), where every value is a normal float or 0, with the bits of
 * the plain expression: a float below 2^−126 is a whole multiple of 2^−149, so a product or
 * quotient that lands there is rounded to an integer on the scaled grid, and one from 2^−126 on
 * is rounded to 24 bits, as its scaled value is. The scaled product {@code x = μ·c} is rounded
 * once to 24 bits first; below 2^23 its {@code rint} is that of the exact product unless x is a
 * half (round to nearest is monotone and the halves below 2^23 are floats), and a lane where it
 * is one takes the plain expression; from 2^23 on x is the scaled float, and an exact product
 * below 2^23 that x rounds to 2^23 is within 1/4 of it, which rint makes 2^23 too. So a lane
 * gets ν = b1·μ, then n = step·ν, both so rounded, and the quotient z = n / (sqrt(v) + e): from
 * 2^23 on it is the scaled quotient (a normal float, its exponent lowered by 149); below, the
 * quotient is under 2^−126, less than half a unit of a parameter of at least 2^−100, which it
 * leaves as it is (n = 0 leaves any parameter as it is). Every other lane, and these when a
 * condition fails (a half, a new moment of 0, a tiny parameter, a denominator below 2^−60 or
 * not finite), takes the plain expression, with its assists; straight-line code, see the note
 * in the loop.
 */
final class VectorAdam {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** 2^23: the floats in [2^23, 2^24) are the integers. */
    private static final float TWO23 = 0x1p23f;
    private static final int TWO23_BITS = Float.floatToRawIntBits(TWO23);
    /** 149 in a float's exponent field: adding it multiplies a normal float by 2^149. */
    private static final int SCALE_BITS = 149 << 23;
    /** First moments and parameters below this in magnitude are small. */
    private static final float SMALL = 0x1p-100f;
    private static final int SMALL_BITS = Float.floatToRawIntBits(SMALL);
    /** The least denominator of the scaled quotient (which stays below 2^49 / 2^−60). */
    private static final float LEAST_D = 0x1p-60f;

    private VectorAdam() {
    }

    static void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float b1,
            float b2, float step, float e, float shrink) {
        float a1 = 1 - b1;
        float a2 = 1 - b2;
        // the bounds under which every scaled value stays finite (Adam's always hold)
        boolean scaled = b1 >= 0 && b1 < 1 && step >= 0 && step < 1;
        int i = from;
        for (; i + L <= to; i += L) {
            // NOTE: no vector lives across this branch or leaves it (each side loads and stores
            // its own), and each side is a small method: C2 compiled a vector chosen in two
            // branches, or one passed to a call it did not inline, into code that boxed the
            // vectors on the heap (megabytes a step).
            FloatVector abs = FloatVector.fromArray(S, m, i).abs();
            if (abs.compare(VectorOperators.LT, SMALL).and(abs.compare(VectorOperators.NE, 0f))
                    .anyTrue()) {
                small(p, g, m, v, i, b1, a1, b2, a2, step, e, shrink, scaled);
            } else {
                plain(p, g, m, v, i, b1, a1, b2, a2, step, e, shrink);
            }
        }
        for (; i < to; i++) {
            AdamLanes.one(p, g, m, v, i, b1, a1, b2, a2, step, e, shrink);
        }
    }

    /** The lanes [i, i + L), none with a small first moment: the plain expression. */
    private static void plain(float[] p, float[] g, float[] m, float[] v, int i, float b1,
            float a1, float b2, float a2, float step, float e, float shrink) {
        FloatVector gi = FloatVector.fromArray(S, g, i);
        // without weight decay a multiply by 1, the same bits
        FloatVector pi = FloatVector.fromArray(S, p, i).mul(shrink);
        FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(a1));
        FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(a2).mul(gi));
        FloatVector pn = pi.sub(mi.mul(step).div(vi.lanewise(VectorOperators.SQRT).add(e)));
        mi.intoArray(m, i);
        vi.intoArray(v, i);
        pn.intoArray(p, i);
    }

    /**
     * The lanes [i, i + L), some with a small first moment: those with g = ±0 scaled (when
     * {@code scaled}, the bounds of the parameters that keep the scaled values finite, holds and
     * no condition of the class comment fails), the others the plain expression.
     */
    private static void small(float[] p, float[] g, float[] m, float[] v, int i, float b1,
            float a1, float b2, float a2, float step, float e, float shrink, boolean scaled) {
        FloatVector m0 = FloatVector.fromArray(S, m, i);
        FloatVector gi = FloatVector.fromArray(S, g, i);
        FloatVector pi = FloatVector.fromArray(S, p, i).mul(shrink);
        FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(a2).mul(gi));
        FloatVector d = vi.lanewise(VectorOperators.SQRT).add(e);
        // comparisons, the absolute value and bit operations take no assist
        FloatVector abs = m0.abs();
        IntVector sign = m0.reinterpretAsInts().and(0x80000000);
        // μ: of a subnormal its significand, of a normal float its exponent raised by 149
        // (the other lanes' magnitudes clamped to SMALL, so that theirs stay normal)
        IntVector mag = abs.reinterpretAsInts().min(SMALL_BITS);
        FloatVector mu = mag.add(SCALE_BITS).reinterpretAsFloats().blend(
                mag.or(TWO23_BITS).reinterpretAsFloats().sub(TWO23),
                abs.compare(VectorOperators.LT, Float.MIN_NORMAL));
        FloatVector x = mu.mul(b1);
        FloatVector xr = x.add(TWO23);
        VectorMask<Float> xSub = x.compare(VectorOperators.LT, TWO23);
        FloatVector nu = x.blend(xr.sub(TWO23), xSub);
        FloatVector y = nu.mul(step);
        FloatVector yr = y.add(TWO23).sub(TWO23);
        VectorMask<Float> ySub = y.compare(VectorOperators.LT, TWO23);
        FloatVector n = y.blend(yr, ySub);
        VectorMask<Float> own = abs.compare(VectorOperators.LT, SMALL)
                .and(abs.compare(VectorOperators.NE, 0f))
                .and(gi.compare(VectorOperators.EQ, 0f)).and(S.maskAll(scaled))
                .and(nu.compare(VectorOperators.GE, 1f))
                .and(x.sub(nu).abs().compare(VectorOperators.NE, 0.5f))
                .and(y.sub(n).abs().compare(VectorOperators.NE, 0.5f))
                .and(d.compare(VectorOperators.GE, LEAST_D))
                .and(d.compare(VectorOperators.LE, Float.MAX_VALUE))
                .and(n.compare(VectorOperators.EQ, 0f)
                        .or(pi.abs().compare(VectorOperators.GE, SMALL)));
        // the other lanes: the plain expression, with 0 for m in the own lanes; one division
        // for both, the own lanes' z = n / (sqrt(v) + e)
        FloatVector mi = m0.blend(0f, own).mul(b1).add(gi.mul(a1));
        FloatVector z = mi.mul(step).blend(n, own).div(d);
        VectorMask<Float> zNormal = z.compare(VectorOperators.GE, TWO23);
        // the new moment ν·2^−149 with m's sign: below 2^23 the bits of ν + 2^23 less
        // 2^23's, from 2^23 on ν's with the exponent lowered by 149
        FloatVector mNew = sign.or(nu.reinterpretAsInts().sub(SCALE_BITS).reinterpretAsFloats()
                .blend(xr.reinterpretAsInts().sub(TWO23_BITS).reinterpretAsFloats(), xSub)
                .reinterpretAsInts()).reinterpretAsFloats();
        // the quotient z·2^−149 with m's sign when it is normal, else a zero of that sign
        FloatVector q = sign.or(z.reinterpretAsInts().sub(SCALE_BITS).reinterpretAsFloats()
                .blend(0f, zNormal.not()).reinterpretAsInts()).reinterpretAsFloats();
        FloatVector pn = pi.sub(z.blend(q, own));
        mi.blend(mNew, own).intoArray(m, i);
        vi.intoArray(v, i);
        pn.intoArray(p, i);
    }
}
