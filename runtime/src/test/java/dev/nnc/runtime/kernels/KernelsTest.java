package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.runtime.model.Rng;
import org.junit.jupiter.api.Test;

/**
 * The dense kernels against a double-precision reference, the vector kernels (the tests run with
 * {@code --add-modules jdk.incubator.vector}) and the scalar ones alike, on sizes that exercise
 * every block and tail of the vector loops.
 */
class KernelsTest {
    private static final int[][] SIZES = {{1, 1, 1}, {5, 7, 10}, {2, 33, 64}, {3, 17, 40},
        {64, 100, 128}, {7, 9, 31}};

    @Test
    void theTestJvmUsesTheVectorKernels() throws ReflectiveOperationException {
        assertEquals("vector-" + VectorWidthTest.expectedBits(), Kernels.name());
    }

    @Test
    void vectorAndScalarKernelsMatchTheReference() {
        for (DenseKernels k : new DenseKernels[] {Kernels.dense(), Kernels.scalar()}) {
            for (int[] s : SIZES) {
                check(k, s[0], s[1], s[2]);
            }
        }
    }

    @Test
    void inferenceGivesTheBitsOfThePlainLoopsWhicheverKernels() {
        int[][] sizes = {{1, 784, 128}, {1, 128, 64}, {3, 17, 40}, {2, 9, 200}, {1, 5, 7}};
        for (int[] s : sizes) {
            int n = s[0];
            int in = s[1];
            int out = s[2];
            Rng rng = new Rng(in * 31L + out);
            float[] p = new float[2 + in * out + out];
            float[] x = new float[n * in];
            fill(p, rng);
            fill(x, rng);
            for (int b : new int[] {2 + in * out, -1}) {
                float[] plain = new float[n * out];
                for (int i = 0; i < n; i++) { // the loops Dense emits inline
                    for (int j = 0; j < out; j++) {
                        plain[i * out + j] = b < 0 ? 0f : p[b + j];
                    }
                    for (int k = 0; k < in; k++) {
                        float xv = x[i * in + k];
                        for (int j = 0; j < out; j++) {
                            plain[i * out + j] = Math.fma(xv, p[2 + k * out + j], plain[i * out + j]);
                        }
                    }
                }
                for (DenseKernels k : new DenseKernels[] {Kernels.dense(), Kernels.scalar()}) {
                    float[] z = new float[n * out];
                    k.infer(x, 0, n, in, p, 2, b, out, z);
                    assertArrayEquals(plain, z, k.getClass().getSimpleName() + " " + in + "x" + out);
                }
            }
        }
    }

    private static void check(DenseKernels kern, int n, int in, int out) {
        Rng rng = new Rng(n * 1000L + in * 10L + out);
        int w = 3;
        int b = w + in * out;
        float[] p = new float[b + out + 2];
        float[] x = new float[n * in];
        float[] g = new float[n * out];
        fill(p, rng);
        fill(x, rng);
        fill(g, rng);
        x[0] = 0f; // the zero skip of gradWeights
        String what = kern.getClass().getSimpleName() + " n=" + n + " in=" + in + " out=" + out;

        float[] z = new float[n * out];
        kern.forward(x, n, in, p, w, b, out, z);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < out; j++) {
                double s = p[b + j];
                for (int k = 0; k < in; k++) {
                    s += (double) x[i * in + k] * p[w + k * out + j];
                }
                assertEquals(s, z[i * out + j], 1e-5 * (1 + in), what + " forward");
            }
        }
        kern.forward(x, n, in, p, w, -1, out, z);
        assertEquals(z[0] + p[b], zWithBias(kern, x, n, in, p, w, b, out), 1e-5, what);

        float[] gp = new float[p.length];
        kern.gradWeights(x, n, in, g, out, gp, w, b);
        for (int k = 0; k < in; k++) {
            for (int j = 0; j < out; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += (double) x[i * in + k] * g[i * out + j];
                }
                assertEquals(s, gp[w + k * out + j], 1e-5 * (1 + n), what + " dW");
            }
        }
        for (int j = 0; j < out; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += g[i * out + j];
            }
            assertEquals(s, gp[b + j], 1e-5 * (1 + n), what + " dB");
        }

        float[] gx = new float[n * in];
        kern.gradInput(g, n, out, p, w, in, gx);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < in; k++) {
                double s = 0;
                for (int j = 0; j < out; j++) {
                    s += (double) g[i * out + j] * p[w + k * out + j];
                }
                assertEquals(s, gx[i * in + k], 1e-5 * (1 + out), what + " dX");
            }
        }
    }

    private static float zWithBias(DenseKernels kern, float[] x, int n, int in, float[] p, int w,
            int b, int out) {
        float[] z = new float[n * out];
        kern.forward(x, n, in, p, w, b, out, z);
        return z[0];
    }

    private static void fill(float[] a, Rng rng) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (2 * rng.nextDouble() - 1);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        int n = 64;
        int in = 300;
        int out = 96;
        Rng rng = new Rng(3);
        float[] p = new float[in * out + out];
        float[] x = new float[n * in];
        float[] g = new float[n * out];
        fill(p, rng);
        fill(x, rng);
        fill(g, rng);
        float[][] one = products(1, 1, x, n, in, p, out, g);
        // rows 64 and 300 in blocks of the kernels' rows, cut into 1 to 24 parts
        for (int threads : new int[] {2, 3}) {
            for (int perThread : new int[] {1, 3, 4, 8}) {
                float[][] got = products(threads, perThread, x, n, in, p, out, g);
                for (int i = 0; i < one.length; i++) {
                    assertArrayEquals(one[i], got[i], "product " + i + ", " + threads
                            + " threads, " + perThread + " parts each");
                }
            }
        }
    }

    @SuppressWarnings("try") // the binding scopes the kernel context
    private static float[][] products(int threads, int perThread, float[] x, int n, int in,
            float[] p, int out, float[] g) {
        float[] z = new float[n * out];
        float[] gp = new float[p.length];
        float[] gx = new float[n * in];
        try (KernelContext k = KernelContext.open(threads, perThread);
                KernelContext.Binding b = k.bind()) {
            assertEquals(threads, Kernels.threads());
            for (int rep = 0; rep < 3; rep++) {
                Kernels.denseForward(x, n, in, p, 0, in * out, out, z);
                Kernels.denseGradWeights(x, n, in, g, out, gp, 0, in * out);
                Kernels.denseGradInput(g, n, out, p, 0, in, gx);
            }
        }
        return new float[][] {z, gp, gx};
    }

    /**
     * relu, its backward pass and max pooling split over the threads give the bits of one
     * thread, at sizes with ragged blocks and with pooled rows shorter than a vector (whose
     * vectors write past a row's end, never into another part's outputs).
     */
    @Test
    void reluAndPoolingDoNotDependOnTheThreadCount() {
        // samples, channels, input side (the output is side / 2)
        int[][] shapes = {{64, 6, 28}, {37, 16, 10}, {9, 3, 6}, {50, 2, 34}};
        for (int[] s : shapes) {
            int n = s[0];
            int c = s[1];
            int side = s[2];
            int o = side / 2;
            Rng rng = new Rng(s[0] * 31 + s[2]);
            float[] x = new float[n * c * side * side];
            float[] g = new float[x.length];
            fill(x, rng);
            fill(g, rng);
            x[5] = -0f;
            x[6] = Float.NaN;
            float[][] one = elementwise(1, 1, x, g, n, c, side, o);
            for (int threads : new int[] {2, 3}) {
                for (int perThread : new int[] {1, 4}) {
                    float[][] got = elementwise(threads, perThread, x, g, n, c, side, o);
                    for (int i = 0; i < one.length; i++) {
                        assertArrayEquals(one[i], got[i], "output " + i + " of " + n + "x" + c
                                + "x" + side + ", " + threads + " threads, " + perThread
                                + " parts each");
                    }
                }
            }
            // and the kernels' own single call, and the definition of the backward pass
            float[] y = new float[n * c * o * o];
            int[] arg = new int[y.length];
            Kernels.dense().maxPoolArg(one[0], n, c, side, side, 2, 2, 2, 2, o, o, y, arg);
            assertArrayEquals(y, one[2]);
            float[] gpool = new float[x.length];
            for (int t = 0; t < y.length; t++) {
                gpool[arg[t]] += g[t];
            }
            assertArrayEquals(gpool, one[4]);
        }
    }

    @SuppressWarnings("try") // the binding scopes the kernel context
    private static float[][] elementwise(int threads, int perThread, float[] x, float[] g, int n,
            int c, int side, int o) {
        float[] y = new float[x.length];
        float[] gx = new float[x.length];
        float[] pooled = new float[n * c * o * o];
        int[] arg = new int[pooled.length];
        float[] gpool = new float[x.length];
        java.util.Arrays.fill(gpool, Float.NaN);
        try (KernelContext k = KernelContext.open(threads, perThread);
                KernelContext.Binding b = k.bind()) {
            Kernels.relu(x, y, x.length);
            Kernels.reluBackward(x, g, gx, x.length);
            Kernels.maxPoolArg(y, n, c, side, side, 2, 2, 2, 2, o, o, pooled, arg);
            // the backward pass of the pooling, dY from the first values of g
            Kernels.maxPoolBackward(g, arg, n, c * side * side, c * o * o, gpool);
        }
        float[] args = new float[arg.length];
        for (int i = 0; i < arg.length; i++) {
            args[i] = arg[i];
        }
        return new float[][] {y, gx, pooled, args, gpool};
    }
}
