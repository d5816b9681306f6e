package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * relu and its backward pass on the Vector API, see {@link DenseKernels#relu}.
 */
final class VectorRelu {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = VectorWidth.LANES;
    /** Vectors are stored through this class's cast (see {@link VectorWidth#VECTOR}). */
    private static final Class<? extends FloatVector> V = VectorWidth.VECTOR;

    private VectorRelu() {
    }

    /**
     * relu of the values [from, to) of x into y: {@link Activations#relu}'s mask on each lane's
     * bits, so NaN and −0 give +0 as there. NOTE: four integer operations a vector; choosing
     * between the value and 0 by a comparison's mask (a blend) took 1.3 to 1.4 times as long
     * on 4,096 values (AVX-512, JDK 17).
     */
    static void relu(float[] x, float[] y, int from, int to) {
        IntVector inf = IntVector.broadcast(VectorWidth.INT, 0x7f800000);
        int t = from;
        for (; t + L <= to; t += L) {
            IntVector i = FloatVector.fromArray(S, x, t).reinterpretAsInts();
            IntVector drop = inf.sub(i).or(i).lanewise(VectorOperators.ASHR, 31);
            V.cast(i.lanewise(VectorOperators.AND_NOT, drop).reinterpretAsFloats())
                    .intoArray(y, t);
        }
        Activations.relu(x, y, t, to);
    }

    static void reluBackward(float[] z, float[] g, float[] gx, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int t = from;
        for (; t + L <= to; t += L) {
            FloatVector v = FloatVector.fromArray(S, z, t);
            FloatVector slope = zero.blend(one, v.compare(VectorOperators.GT, 0f));
            FloatVector.fromArray(S, g, t).mul(slope).intoArray(gx, t);
        }
        for (; t < to; t++) {
            gx[t] = g[t] * (z[t] > 0f ? 1f : 0f);
        }
    }
}
