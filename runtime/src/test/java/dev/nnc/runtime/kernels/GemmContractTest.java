package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.runtime.model.Rng;
import org.junit.jupiter.api.Test;

/**
 * The blocked matrix product of the Vector API kernels against its summation order: every
 * element starts from its initial value (the bias, 0, or C when accumulating) and adds its
 * products in ascending k by fused multiply-adds ({@link Math#fma}), whatever the blocking. So
 * the dense forward pass gives the reference's bits ({@code ScalarDenseKernels.forward}), and dX,
 * dW and the general product give the bits of the plain fused loops, on shapes across every
 * block edge (the micro-kernel's rows and vectors, KC = 256 steps of k, NC columns of a packed
 * block, MC rows), with ±0 and NaN among the inputs, and the same bits on 1 and 3 threads.
 *
 * <p>The build runs this class with the kernels' other contract tests once per vector width,
 * {@code nnc.vector.bits=256} with the AVX2 block ({@code nnc.gemm.block=6x2}) and {@code 512}
 * with the AVX-512 one ({@code 8x3}), so both widths and both micro-kernels are checked on any
 * machine that runs them.
 */
class GemmContractTest {
    private static final DenseKernels VECTOR = Kernels.dense();
    private static final DenseKernels SCALAR = Kernels.scalar();
    private static final float[] SPECIAL = {0f, -0f, 1f, -1f};

    // m, k, n: edges of the 6- and 8-row blocks, of 8/16-lane vectors and 2- and 3-vector
    // panels, of KC (256) and of NC (480..504 columns), and the MLP's shapes; in dW, Xᵀ is read
    // in place up to 64 Ki floats a block of samples (VectorGemm.A_IN_PLACE) and packed past it
    // (300 × 260: a block of 256 samples spans 66 560 floats)
    private static final int[][] SHAPES = {{1, 1, 1}, {1, 7, 9}, {5, 3, 17}, {6, 16, 16},
        {7, 33, 24}, {8, 255, 47}, {9, 256, 48}, {13, 257, 49}, {17, 300, 23}, {64, 784, 128},
        {64, 128, 64}, {64, 64, 10}, {3, 520, 530}, {200, 40, 33}, {7, 2, 1030},
        {300, 260, 17}};

    @Test
    void theSpeciesAndBlockAreTheOnesAskedFor() throws ReflectiveOperationException {
        Class<?> gemm = Class.forName("dev.nnc.runtime.kernels.VectorGemm");
        java.lang.reflect.Method lanes = gemm.getDeclaredMethod("lanes");
        lanes.setAccessible(true);
        int want = VectorWidthTest.expectedBits() / 32;
        assertEquals(want, lanes.invoke(null), "lanes of the product");
        java.lang.reflect.Field mr = gemm.getDeclaredField("MR");
        mr.setAccessible(true);
        String block = System.getProperty("nnc.gemm.block", "");
        if (!block.isEmpty()) {
            assertEquals(block.equals("8x3") ? 8 : 6, mr.getInt(null), "rows of the block");
        }
    }

    @Test
    void denseForwardGivesTheReferenceBits() {
        for (int[] s : SHAPES) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            Rng rng = new Rng(m * 1_000_003L + k * 1009L + n);
            float[] x = values(m * k, rng);
            float[] p = values(5 + k * n + n, rng);
            for (int b : new int[] {5 + k * n, -1}) {
                float[] want = new float[m * n];
                SCALAR.forward(x, 0, m, k, p, 5, b, n, want);
                float[] got = new float[m * n];
                VECTOR.forward(x, 0, m, k, p, 5, b, n, got);
                bits(want, got, "forward " + m + "x" + k + "x" + n + " bias " + b);
                // rows split as threads split them: the same bits
                float[] parts = new float[m * n];
                int half = m / 2;
                VECTOR.forward(x, 0, half, k, p, 5, b, n, parts);
                VECTOR.forward(x, half, m, k, p, 5, b, n, parts);
                bits(want, parts, "forward in two parts " + m + "x" + k + "x" + n);
            }
        }
    }

    @Test
    void gradientsSumInOrderWithFusedMultiplyAdds() {
        for (int[] s : SHAPES) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            Rng rng = new Rng(m * 7919L + k * 104729L + n);
            float[] x = values(m * k, rng);
            float[] g = values(m * n, rng);
            int w = 3;
            float[] p = values(w + k * n + n, rng);
            String at = m + "x" + k + "x" + n;
            // dX[i, q] = fma over j ascending of g[i, j] · W[q, j]
            float[] want = new float[m * k];
            for (int i = 0; i < m; i++) {
                for (int q = 0; q < k; q++) {
                    float acc = 0f;
                    for (int j = 0; j < n; j++) {
                        acc = Math.fma(g[i * n + j], p[w + q * n + j], acc);
                    }
                    want[i * k + q] = acc;
                }
            }
            float[] got = new float[m * k];
            VECTOR.gradInput(g, 0, m, n, p, w, k, got);
            bits(want, got, "dX " + at);
            // dW[q, j] = fma over samples ascending of x[i, q] · g[i, j]; rows of W in two parts
            float[] wantW = new float[k * n];
            for (int q = 0; q < k; q++) {
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    for (int i = 0; i < m; i++) {
                        acc = Math.fma(x[i * k + q], g[i * n + j], acc);
                    }
                    wantW[q * n + j] = acc;
                }
            }
            float[] gp = new float[w + k * n + n];
            VECTOR.gradWeights(x, m, k, g, n, gp, w, -1, 0, k / 3);
            VECTOR.gradWeights(x, m, k, g, n, gp, w, -1, k / 3, k);
            bits(wantW, java.util.Arrays.copyOfRange(gp, w, w + k * n), "dW " + at);
        }
    }

    @Test
    void generalProductAccumulatesInOrderAndWritesOnlyItsColumns() {
        for (int[] s : SHAPES) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            Rng rng = new Rng(m * 31L + k * 37L + n * 41L);
            int lda = k + 2;
            int ldb = n + 1;
            int ldc = n + 3;
            float[] a = values(2 + m * lda, rng);
            float[] b = values(1 + k * ldb, rng);
            for (boolean accumulate : new boolean[] {true, false}) {
                float[] c0 = values(4 + m * ldc, rng);
                float[] want = c0.clone();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        float acc = accumulate ? c0[4 + i * ldc + j] : 0f;
                        for (int q = 0; q < k; q++) {
                            acc = Math.fma(a[2 + i * lda + q], b[1 + q * ldb + j], acc);
                        }
                        want[4 + i * ldc + j] = acc;
                    }
                }
                float[] got = c0.clone();
                VECTOR.gemm(a, 2, lda, b, 1, ldb, got, 4, ldc, m, n, k, accumulate);
                bits(want, got, "gemm " + m + "x" + k + "x" + n + " accumulate " + accumulate);
            }
        }
    }

    @Test
    void splitProductsGiveTheSameBitsOnOneAndThreeThreads() {
        int n = 64;
        int in = 784;
        int out = 128;
        Rng rng = new Rng(19);
        float[] x = values(n * in, rng);
        float[] g = values(n * out, rng);
        float[] p = values(in * out + out, rng);
        float[][] one = run(x, g, p, n, in, out, 1);
        float[][] three = run(x, g, p, n, in, out, 3);
        for (int t = 0; t < one.length; t++) {
            bits(one[t], three[t], "product " + t + " on 3 threads");
        }
    }

    @SuppressWarnings("try") // the binding is used by being open
    private static float[][] run(float[] x, float[] g, float[] p, int n, int in, int out,
            int threads) {
        float[] z = new float[n * out];
        float[] gp = new float[p.length];
        float[] gx = new float[n * in];
        try (KernelContext c = KernelContext.open(threads); KernelContext.Binding b = c.bind()) {
            Kernels.denseForward(x, n, in, p, 0, in * out, out, z);
            Kernels.denseGradWeights(x, n, in, g, out, gp, 0, in * out);
            Kernels.denseGradInput(g, n, out, p, 0, in, gx);
        }
        return new float[][] {z, gp, gx};
    }

    /** Values in [−2, 2) with one in eight ±0 or ±1, and one NaN (in the middle) past 8. */
    private static float[] values(int size, Rng rng) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = rng.nextInt(8) == 0 ? SPECIAL[rng.nextInt(SPECIAL.length)]
                    : (float) (4 * rng.nextDouble() - 2);
        }
        if (size > 8) {
            v[size / 2] = Float.NaN;
        }
        return v;
    }

    private static void bits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                throw new AssertionError(what + " at " + i + ": " + got[i] + ", want " + want[i]);
            }
        }
    }
}
