package dev.nnc.bench.jmh;

import dev.nnc.runtime.kernels.VectorWidth;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A plain read of floats, the floor of the latency benches: the first {@code size} floats of an
 * array summed with vectors of the kernels' width in eight independent sums (no product, no
 * dependence longer than one addition per eight vectors), so that its time is that of bringing
 * the floats in.
 */
final class FloatRead {
    /** The kernels' own width: a second width in one JVM would box the vectors. */
    private static final VectorSpecies<Float> WIDEST = VectorWidth.FLOAT;

    private FloatRead() {
    }

    static float sum(float[] a, int size) {
        int l = WIDEST.length();
        FloatVector s0 = FloatVector.zero(WIDEST);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        FloatVector s4 = s0;
        FloatVector s5 = s0;
        FloatVector s6 = s0;
        FloatVector s7 = s0;
        int i = 0;
        for (; i + 8 * l <= size; i += 8 * l) {
            s0 = s0.add(FloatVector.fromArray(WIDEST, a, i));
            s1 = s1.add(FloatVector.fromArray(WIDEST, a, i + l));
            s2 = s2.add(FloatVector.fromArray(WIDEST, a, i + 2 * l));
            s3 = s3.add(FloatVector.fromArray(WIDEST, a, i + 3 * l));
            s4 = s4.add(FloatVector.fromArray(WIDEST, a, i + 4 * l));
            s5 = s5.add(FloatVector.fromArray(WIDEST, a, i + 5 * l));
            s6 = s6.add(FloatVector.fromArray(WIDEST, a, i + 6 * l));
            s7 = s7.add(FloatVector.fromArray(WIDEST, a, i + 7 * l));
        }
        float rest = 0f;
        for (; i < size; i++) {
            rest += a[i];
        }
        return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7)
                .reduceLanes(VectorOperators.ADD) + rest;
    }
}
