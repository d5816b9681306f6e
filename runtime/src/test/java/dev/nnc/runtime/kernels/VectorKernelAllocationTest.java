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
 * (VectorRelu) and Adam (VectorAdam) allocate nothing once C2 has compiled them, on the benchmarks' shapes
 * ({@link VectorKernelAllocationMain}). On JDK 17 the Vector API's vectors are objects on the
 * heap wherever C2 does not inline its calls into one compiled method (a method past C2's
 * inlining limits, a callee taking or returning a vector left out of line, a vector variable
 * merged from two branches, a path of the API's own seen too rarely before the caller was
 * compiled): a kernel then runs 3–10 times slower for the whole run, and allocates on every
 * call, which this test sees. It fails with each kernel's bytes per call.
 *
 * <p>Run in a fresh JVM (the kernels' first compilation is the one that matters), once per
 * vector width with the kernels' contract tests (the module's pom), each width only where the
 * machine has it (a wider one runs in plain Java, its vectors always objects).
 */
class VectorKernelAllocationTest {
    /**
     * The kernels measured here; the others of {@link VectorKernelAllocationMain#NAMES} are not
     * yet: a batch's dense inference at 16 lanes (VectorDense.fourRows) and max pooling at 8
     * lanes still stay boxed in some fresh JVMs.
     */
    private static final List<String> KERNELS = List.of("gemm", "relu", "conv", "conv-infer",
            "lstm", "gru", "lstm-infer", "gru-infer", "adam");

    @Test
    void theVectorKernelsAllocateNothingOnceCompiled() throws Exception {
        assumeTrue(Kernels.name().startsWith("vector-"), "no vector kernels: " + Kernels.name());
        int bits = Kernels.dense().lanes() * Float.SIZE;
        assumeTrue(bits <= preferredBits(), "the machine's vectors are narrower than " + bits
                + " bits");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx256m", "-XX:+UseSerialGC",
                "-Dnnc.vector.bits=" + bits));
        String block = System.getProperty("nnc.gemm.block");
        if (block != null) {
            cmd.add("-Dnnc.gemm.block=" + block);
        }
        cmd.addAll(List.of("-cp", classPath(), VectorKernelAllocationMain.class.getName()));
        cmd.addAll(KERNELS);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        List<String> allocating = new ArrayList<>();
        int seen = 0;
        for (String line : out.strip().split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 3 && KERNELS.contains(f[0])) {
                seen++;
                if (Long.parseLong(f[1]) != 0) {
                    allocating.add(f[0] + ": " + f[1] + " bytes a call");
                }
            }
        }
        System.out.println(out.strip());
        assertEquals(KERNELS.size(), seen, out);
        assertTrue(allocating.isEmpty(), "allocating at " + bits
                + " bits: " + allocating + "\n" + out);
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
