package dev.nnc.runtime;

/**
 * The dense-layer kernels generated code calls, chosen once per JVM: the Vector API
 * implementation when the JVM was started with {@code --add-modules jdk.incubator.vector} (the
 * {@code ./nnc} launcher does; {@code NNC_VECTOR=0} turns it off), the plain-Java one otherwise.
 *
 * <p>NOTE: C2's automatic vectorization of the plain loops reaches about 6–10 GFLOP/s on the
 * machines measured (it cannot keep partial sums in registers across k); explicit vectors with
 * the sums in registers reach about 38 (bench/RESULTS.md). The vector species is 256 bits wide:
 * 512-bit vectors measured ten times slower on an AMD EPYC guest.
 */
public final class Kernels {
    private static final DenseKernels SCALAR = new ScalarDenseKernels();
    private static final DenseKernels DENSE = choose();

    private Kernels() {
    }

    private static DenseKernels choose() {
        if ("0".equals(System.getenv("NNC_VECTOR"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return SCALAR;
        }
        try {
            return (DenseKernels) Class.forName("dev.nnc.runtime.VectorDenseKernels")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return SCALAR;
        }
    }

    /** The kernels in use. */
    public static DenseKernels dense() {
        return DENSE;
    }

    /** The plain-Java kernels, whatever the JVM offers. */
    public static DenseKernels scalar() {
        return SCALAR;
    }

    /** A short name of the kernels in use: {@code vector-256} or {@code scalar}. */
    public static String name() {
        return DENSE == SCALAR ? "scalar" : "vector-256";
    }

    /** See {@link DenseKernels#forward}. */
    public static void denseForward(float[] x, int n, int in, float[] p, int w, int b, int out,
            float[] z) {
        DENSE.forward(x, n, in, p, w, b, out, z);
    }

    /** See {@link DenseKernels#gradWeights}. */
    public static void denseGradWeights(float[] x, int n, int in, float[] g, int out, float[] gp,
            int w, int b) {
        DENSE.gradWeights(x, n, in, g, out, gp, w, b);
    }

    /** See {@link DenseKernels#gradInput}. */
    public static void denseGradInput(float[] g, int n, int out, float[] p, int w, int in,
            float[] gx) {
        DENSE.gradInput(g, n, out, p, w, in, gx);
    }
}
