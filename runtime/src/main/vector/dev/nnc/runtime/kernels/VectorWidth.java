package dev.nnc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one vector width of every Vector API kernel of the runtime: the machine's preferred width
 * capped at 512 bits (16 float lanes on AVX-512, 8 on AVX2), or the width the system property
 * {@value #PROPERTY} asks for ({@code -Dnnc.vector.bits=256} runs the kernels with 8 lanes on
 * an AVX-512 machine; a width above the machine's runs, slowly, in plain Java, which the tests
 * use to check both widths anywhere).
 *
 * <p>NOTE: one width for the whole JVM, not one per kernel: on JDK 17, once a JVM has run
 * vectors of two widths through the same Vector API methods, C2 compiles the kernels compiled
 * afterwards with their vectors boxed (measured on an AVX-512 Xeon: a 512-bit product fell from
 * 140 to 2.7 GFLOP/s after 256-bit relu and bias kernels had run). Every kernel takes its species
 * from here; {@code ArchitectureTest} holds the vector sources to it.
 */
public final class VectorWidth {
    /** The system property that overrides the width: 128, 256 or 512 (bits). */
    static final String PROPERTY = "nnc.vector.bits";

    /** The float species of every kernel. */
    public static final VectorSpecies<Float> FLOAT = VectorSpecies.of(float.class,
            VectorShape.forBitSize(chosen()));
    /** The int species of as many lanes (the positions of pooling's maxima). */
    static final VectorSpecies<Integer> INT = VectorSpecies.of(int.class, FLOAT.vectorShape());
    /**
     * The class of {@link #FLOAT}'s vectors. NOTE: a kernel calls a vector's methods through
     * {@code VECTOR.cast(v)} where {@code v} is a loop's running sum (or any vector of a type C2
     * does not know exactly): {@code sum.intoArray(..)} after a loop otherwise leaves C2 to guess
     * the vector's class from the profile, a guess it only makes while the compiled method's
     * budget of type-check traps lasts. That budget (PerMethodTrapLimit, 100) is shared by every
     * method inlined into the kernel: once the Vector API's own VectorOperators.opCode has
     * trapped on an operator of another kind (it does when the kernels start late, after the
     * JIT compiled opCode alone, e.g. beside a busy process), each of the kernel's vector
     * operations counts its traps again, and a kernel of 24 multiply-adds ran out of it: its last
     * sums were boxed objects, allocated on every call, for the whole run (fmnist_mlp at 4-5k
     * samples/s instead of 16-25k beside a busy loop, 12 GB allocated in one epoch). The cast,
     * to the species' final class, is an intrinsic that makes the type exact without a guess;
     * VectorKernelAllocationTest runs the kernels again with a tenth of the budget
     * ({@code -XX:PerMethodTrapLimit=10}) to hold them to it. The convolutions' direct
     * kernels, relu and max pooling cast every vector, so C2 needs no guess at all there
     * ({@code VectorExact}; without profiles, {@code -XX:-UseTypeProfile}, they allocate nothing
     * either).
     */
    @SuppressWarnings("unchecked")
    static final Class<? extends FloatVector> VECTOR =
            (Class<? extends FloatVector>) FLOAT.vectorType();
    /** The class of {@link #INT}'s vectors, for int vectors as {@link #VECTOR} for float ones. */
    @SuppressWarnings("unchecked")
    static final Class<? extends IntVector> INT_VECTOR =
            (Class<? extends IntVector>) INT.vectorType();
    /** The float lanes of {@link #FLOAT}. */
    static final int LANES = FLOAT.length();
    /**
     * The machine's vector registers, whatever the width in use: 32 where its preferred width is
     * 512 bits (AVX-512), else taken as 16 (AVX2); the matrix product sizes its block by them.
     */
    static final int REGISTERS = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512 ? 32 : 16;

    private VectorWidth() {
    }

    private static int chosen() {
        String asked = System.getProperty(PROPERTY);
        int bits = bits(asked, FloatVector.SPECIES_PREFERRED.vectorBitSize());
        if (asked != null && !asked.isBlank() && !asked.trim().equals(String.valueOf(bits))) {
            System.err.println("nnc: -D" + PROPERTY + "=" + asked + " ignored (128, 256 or 512);"
                    + " the vector kernels run at " + bits + " bits");
        }
        return bits;
    }

    /**
     * The width in bits for the property's value ({@code null} when unset) on a machine whose
     * preferred width is {@code preferred} bits: the property's 128, 256 or 512, else the
     * preferred width capped at 512 (another value is ignored, and reported on standard error).
     */
    static int bits(String property, int preferred) {
        int auto = Math.min(preferred, 512);
        if (property == null || property.isBlank()) {
            return auto;
        }
        switch (property.trim()) {
            case "128":
                return 128;
            case "256":
                return 256;
            case "512":
                return 512;
            default:
                return auto;
        }
    }
}
