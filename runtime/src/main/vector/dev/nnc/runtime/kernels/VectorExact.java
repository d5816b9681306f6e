package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector operations of the convolutions' direct kernels with their results cast to
 * {@link VectorWidth#VECTOR}, the species' final class: C2 then knows each vector's class exactly
 * and keeps it in a register without a guess from the interpreter's type profile (see
 * {@link VectorWidth#VECTOR}). Without the profile ({@code -XX:-UseTypeProfile}) the uncast
 * kernels' vectors were boxed objects allocated on every call: LeNet's batch-1 inference 560 µs
 * and 5.5 MB a call instead of 15 µs. The dense layers' inference blocks are left uncast: through
 * these methods they allocated 1.3 MB a call at 256 bits in one run of VectorKernelAllocationTest
 * with a tenth of the trap budget.
 *
 * <p>NOTE: each method is a few bytes of bytecode, below C2's limit for inlining a method
 * whatever its call count (MaxInlineSize, 35 bytes), so the casts do not make the kernels'
 * own methods larger. But each is one more level of inlining: a kernel small enough to be
 * inlined into its caller, deep in a model's compiled step, can reach C2's inlining depth
 * (MaxInlineLevel, 15) and then runs the Vector API's fallback, allocating; the small dense
 * layers' backward pass did so (TrainingAllocationTest) and is left with its own casts. Use
 * them in kernels C2 compiles on their own (the large blocks) or that run at the top of a call.
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

    /** {@code v} stored into {@code a} from {@code i}. */
    static void store(FloatVector v, float[] a, int i) {
        V.cast(v).intoArray(a, i);
    }
}
