package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * relu and its backward pass on the Vector API, see {@link DenseKernels#relu}.
 */
final class VectorRelu {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final int L = VectorWidth.LANES;

    private VectorRelu() {
    }

    static void relu(float[] x, float[] y, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int t = from;
        for (; t + L <= to; t += L) {
            FloatVector v = FloatVector.fromArray(S, x, t);
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, t);
        }
        for (; t < to; t++) {
            float z = x[t];
            y[t] = z > 0f ? z : 0f;
        }
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
