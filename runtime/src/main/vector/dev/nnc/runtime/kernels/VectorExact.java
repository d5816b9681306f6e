package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector operations of the inference kernels (convolutions, dense layers, pooling) with
 * their results cast to {@link VectorWidth#VECTOR}, the species' final class: C2 then knows each
 * vector's class exactly and keeps it in a register without a guess from the interpreter's type
 * profile (see {@link VectorWidth#VECTOR}; without the profile, or once the guess is not made,
 * a kernel's vectors are boxed objects allocated on every call: LeNet's batch-1 inference ran 3
 * to 10 times slower for the whole run in some JVMs).
 *
 * <p>NOTE: each method is a few bytes of bytecode, below C2's limit for inlining a method
 * whatever its call count (MaxInlineSize, 35 bytes), so the casts do not make the kernels'
 * own methods larger than before; written out at each use, they grew the kernels past what C2
 * inlines (the matrix product's micro-kernel, the recurrent kernels).
 */
final class VectorExact {
    private static final VectorSpecies<Float> S = VectorWidth.FLOAT;
    private static final Class<? extends FloatVector> V = VectorWidth.VECTOR;

    private VectorExact() {
    }

    /** The vector of {@code a} from {@code i}. */
    static FloatVector load(float[] a, int i) {
        return V.cast(FloatVector.fromArray(S, a, i));
    }

    /** The vector of {@code v} in every lane. */
    static FloatVector splat(float v) {
        return V.cast(FloatVector.broadcast(S, v));
    }

    /** {@code a × b + c} in each lane, rounded once. */
    static FloatVector fma(FloatVector a, FloatVector b, FloatVector c) {
        return V.cast(V.cast(a).fma(b, V.cast(c)));
    }

    /** {@code a + v × s} in each lane, the product rounded, then the sum (two roundings). */
    static FloatVector addProduct(FloatVector a, FloatVector v, float s) {
        return V.cast(V.cast(a).add(V.cast(V.cast(v).mul(s))));
    }

    /** {@code v} stored into {@code a} from {@code i}. */
    static void store(FloatVector v, float[] a, int i) {
        V.cast(v).intoArray(a, i);
    }
}
