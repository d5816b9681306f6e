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

    static void relu(float[] x, float[] y, int size) {
        FloatVector zero = FloatVector.zero(S);
        int t = 0;
        for (; t + L <= size; t += L) {
            FloatVector v = FloatVector.fromArray(S, x, t);
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, t);
        }
        for (; t < size; t++) {
            float z = x[t];
            y[t] = z > 0f ? z : 0f;
        }
    }

    static void reluBackward(float[] z, float[] g, float[] gx, int size) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int t = 0;
        for (; t + L <= size; t += L) {
            FloatVector v = FloatVector.fromArray(S, z, t);
            FloatVector slope = zero.blend(one, v.compare(VectorOperators.GT, 0f));
            FloatVector.fromArray(S, g, t).mul(slope).intoArray(gx, t);
        }
        for (; t < size; t++) {
            gx[t] = g[t] * (z[t] > 0f ? 1f : 0f);
        }
    }
}
