package dev.nnc.runtime;

/**
 * The three matrix products of a dense layer over a batch, for layers large enough that a kernel
 * beats the loops nnc emits inline. Rows are samples; W is stored [in, out] row-major at offset
 * {@code w} of the parameter array.
 *
 * <p>Two implementations: {@link Kernels#scalar()} in plain Java, and a vectorized one on the
 * JDK's incubating Vector API, used when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} (see {@link Kernels}). Each is deterministic; the two
 * sum in different orders, so their results differ in the last bits.
 */
public interface DenseKernels {

    /** Z = X·W + B: {@code z[i, j] = p[b + j] + Σ_k x[i, k] · p[w + k·out + j]}; b < 0: no bias. */
    void forward(float[] x, int n, int in, float[] p, int w, int b, int out, float[] z);

    /**
     * dW = Xᵀ·dZ and dB = Σ_rows dZ, written (not added) into {@code gp} at offsets {@code w} and
     * {@code b} (b < 0: no bias).
     */
    void gradWeights(float[] x, int n, int in, float[] g, int out, float[] gp, int w, int b);

    /** dX = dZ·Wᵀ: {@code gx[i, k] = Σ_j g[i, j] · p[w + k·out + j]}. */
    void gradInput(float[] g, int n, int out, float[] p, int w, int in, float[] gx);
}
