package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Adam step on the Vector API, see {@link DenseKernels#adam}: the same operations in the same
 * order on each lane (multiplies and adds rounded one by one, never fused; the lane-wise square
 * root is correctly rounded, as {@code (float) Math.sqrt} of a float is), so the bits equal the
 * plain loop's.
 *
 * <p>Subnormal first moments (see {@link AdamLanes}) are common — about one parameter in eight of
 * the Fashion-MNIST MLP, spread over most vectors, since a unit relu has switched off owns a
 * column of W — and one subnormal lane costs every vector operation that reads it a microcode
 * assist. The lanes that hold one are stepped one by one by {@link AdamLanes} (which works the
 * usual such case out on the significand), and the vector computes with zeros in their place
 * and keeps the other lanes.
 */
final class VectorAdam {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = S.length();

    private VectorAdam() {
    }

    static void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float b1,
            float b2, float step, float e, float shrink) {
        float a1 = 1 - b1;
        float a2 = 1 - b2;
        boolean decay = shrink != 1f;
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector m0 = FloatVector.fromArray(S, m, i);
            // the subnormal lanes: |m| below the least normal float, not 0 (comparisons and the
            // absolute value take no assist)
            VectorMask<Float> sub = m0.abs().compare(VectorOperators.LT, Float.MIN_NORMAL)
                    .and(m0.compare(VectorOperators.NE, 0f));
            FloatVector gi = FloatVector.fromArray(S, g, i);
            FloatVector v0 = FloatVector.fromArray(S, v, i);
            FloatVector p0 = FloatVector.fromArray(S, p, i);
            boolean any = sub.anyTrue();
            if (any) {
                // those lanes first, one by one; the vector then computes with 0 in their place
                for (int q = i; q < i + L; q++) {
                    if (AdamLanes.subnormal(Float.floatToRawIntBits(m[q]))) {
                        AdamLanes.one(p, g, m, v, q, b1, a1, b2, a2, step, e, shrink);
                    }
                }
                m0 = m0.blend(zero, sub);
            }
            FloatVector mi = m0.mul(b1).add(gi.mul(a1));
            FloatVector vi = v0.mul(b2).add(gi.mul(a2).mul(gi));
            FloatVector pi = decay ? p0.mul(shrink) : p0;
            FloatVector pn = pi.sub(mi.mul(step).div(vi.lanewise(VectorOperators.SQRT).add(e)));
            if (any) {
                mi = mi.blend(FloatVector.fromArray(S, m, i), sub);
                vi = vi.blend(FloatVector.fromArray(S, v, i), sub);
                pn = pn.blend(FloatVector.fromArray(S, p, i), sub);
            }
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            pn.intoArray(p, i);
        }
        for (; i < to; i++) {
            AdamLanes.one(p, g, m, v, i, b1, a1, b2, a2, step, e, shrink);
        }
    }
}
