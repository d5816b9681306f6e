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
 * <p>NOTE: subnormal floats. A parameter whose gradient stays 0 (a pixel that is 0 in every image
 * of the batches, a unit relu has switched off) sees its first moment m decay by b1 at every
 * step, through the tiny normal floats into the subnormal ones, where it stays (b1 · 2^−149
 * rounds back to 2^−149). Arithmetic that reads or writes a subnormal float takes a microcode
 * assist of a hundred cycles or more on x86, for a whole vector, and Java has no flush-to-zero.
 * On the Fashion-MNIST MLP three vectors of 16 lanes in four hold such a moment after the first
 * epoch, and a few hundred more a tiny normal one whose products are subnormal: the assists made
 * the step four times as slow as its arithmetic. The lanes with g = ±0 and 0 < |m| < 2^−100 are
 * therefore worked out on their values times 2^149, where every one is a normal float or 0
 * ({@link AdamLanes} does the most common of these cases one lane at a time, on the integer
 * significand). A float x·2^−149 below 2^−126 (a subnormal) is rounded to a whole multiple of
 * 2^−149, x to an integer: {@code fma(x, c, 2^23) − 2^23} gives {@code rint(x·c)} for {@code 0 ≤
 * x·c < 2^23} (the fma rounds once into [2^23, 2^24], where the floats are the integers, ties to
 * even either way); one from 2^−126 on is rounded to 24 bits as {@code x·c} is. The plain
 * product tells which case applies: when it is below 2^23 so is the exact one, and when the exact
 * one is below 2^23 but the plain one is 2^23, the exact one is within 1/4 of 2^23, which both
 * roundings make 2^23. So the lane gets m = b1·m + 0 and the product step·m exactly; the quotient
 * q = step·m / (sqrt(v) + e), scaled, is rounded as the float it stands for when that is normal
 * (from 2^23 on), and otherwise below 2^−126 in magnitude, less than half a unit of a parameter of
 * at least 2^−100, which it then leaves as it is. Every other lane, and these when a condition of
 * theirs fails (a tiny parameter, a new moment of 0, a non-finite denominator), takes the plain
 * expression in the vector, with its assists.
 */
final class VectorAdam {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();
    /** 2^23: a float in [2^23, 2^24] is an integer, its unit in the last place 1 below 2^24. */
    private static final float TWO23 = 0x1p23f;
    private static final int TWO23_BITS = Float.floatToRawIntBits(TWO23);
    /** 149 in a float's exponent field: adding it multiplies a normal float by 2^149. */
    private static final int SCALE_BITS = 149 << 23;
    /** Moments and parameters below this in magnitude are small. */
    private static final float SMALL = 0x1p-100f;
    private static final int SMALL_BITS = Float.floatToRawIntBits(SMALL);

    private VectorAdam() {
    }

    static void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float b1,
            float b2, float step, float e, float shrink) {
        float a1 = 1 - b1;
        float a2 = 1 - b2;
        boolean decay = shrink != 1f;
        // the bounds under which the scaled values stay finite and normal (Adam's always hold)
        boolean scaled = b1 >= 0 && b1 < 1 && step >= 0 && step < 1024 && e >= 0x1p-60f;
        VectorMask<Float> allowed = S.maskAll(scaled);
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector m0 = FloatVector.fromArray(S, m, i);
            FloatVector gi = FloatVector.fromArray(S, g, i);
            FloatVector v0 = FloatVector.fromArray(S, v, i);
            FloatVector p0 = FloatVector.fromArray(S, p, i);
            FloatVector pi = decay ? p0.mul(shrink) : p0;
            FloatVector vi = v0.mul(b2).add(gi.mul(a2).mul(gi));
            FloatVector d = vi.lanewise(VectorOperators.SQRT).add(e);
            // comparisons and the absolute value take no assist
            FloatVector abs = m0.abs();
            VectorMask<Float> small = abs.compare(VectorOperators.LT, SMALL)
                    .and(m0.compare(VectorOperators.NE, 0f))
                    .and(gi.compare(VectorOperators.EQ, 0f)).and(allowed);
            // NOTE: no branch on whether a vector holds a small lane, though most do not: the
            // JIT compiled such a branch while it was still rarely taken (small moments appear
            // after some hundreds of steps) into code that boxed vectors on the heap, many
            // times as slow; for the same reason the scaled values are not computed in methods
            // of their own (a call it does not inline boxes its vectors too), and reinterpretAs*
            // (lane types that are constants) is used, not viewAs*Lanes.
            IntVector sign = m0.reinterpretAsInts().and(0x80000000);
            // μ = |m|·2^149: of a subnormal its significand, of a normal float its exponent
            // raised by 149 (the magnitudes of the other lanes clamped to that of SMALL, which
            // keeps every scaled value of theirs finite and normal)
            IntVector mag = abs.reinterpretAsInts().min(SMALL_BITS);
            FloatVector mu = mag.add(SCALE_BITS).reinterpretAsFloats().blend(
                    mag.or(TWO23_BITS).reinterpretAsFloats().sub(TWO23),
                    abs.compare(VectorOperators.LT, Float.MIN_NORMAL));
            // ν = |b1·m| and |step·b1·m| scaled, each rounded as the float it stands for: below
            // 2^23 (a subnormal) to an integer, fma(x, c, 2^23) − 2^23, from 2^23 on (a normal
            // float) to 24 bits, x·c; see the class comment
            FloatVector nuPlain = mu.mul(b1);
            FloatVector nu = nuPlain.blend(mu.fma(b1, TWO23).sub(TWO23),
                    nuPlain.compare(VectorOperators.LT, TWO23));
            FloatVector numPlain = nu.mul(step);
            FloatVector num = numPlain.blend(nu.fma(step, TWO23).sub(TWO23),
                    numPlain.compare(VectorOperators.LT, TWO23));
            VectorMask<Float> own = small.and(nu.compare(VectorOperators.GE, 1f))
                    .and(pi.abs().compare(VectorOperators.GE, SMALL))
                    .and(d.compare(VectorOperators.LE, Float.MAX_VALUE));
            // the other lanes: the plain expression, with 0 for m in the own lanes
            FloatVector plain = m0.blend(zero, own).mul(b1).add(gi.mul(a1));
            FloatVector q = plain.mul(step).blend(num, own).div(d);
            // the new moment: ν·2^−149 with m's sign; a subnormal's bits are ν + 2^23's less
            // 2^23's, a normal float's ν's with the exponent lowered by 149
            FloatVector nuSubnormal = nu.add(TWO23).reinterpretAsInts().sub(TWO23_BITS)
                    .reinterpretAsFloats();
            FloatVector nuNormal = nu.reinterpretAsInts().sub(SCALE_BITS).reinterpretAsFloats();
            FloatVector mi = plain.blend(sign.or(nuSubnormal.blend(nuNormal,
                    nu.compare(VectorOperators.GE, TWO23)).reinterpretAsInts())
                    .reinterpretAsFloats(), own);
            // q·2^−149 when it is normal; else |q| < 2^−126, less than half a unit of p
            FloatVector qNormal = sign.or(zero.blend(q, own).reinterpretAsInts()
                    .sub(SCALE_BITS)).reinterpretAsFloats();
            FloatVector pn = pi.sub(q.blend(qNormal.blend(zero,
                    q.compare(VectorOperators.LT, TWO23)), own));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            pn.intoArray(p, i);
        }
        for (; i < to; i++) {
            AdamLanes.one(p, g, m, v, i, b1, a1, b2, a2, step, e, shrink);
        }
    }
}
