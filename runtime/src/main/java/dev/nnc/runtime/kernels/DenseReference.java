package dev.nnc.runtime.kernels;

/**
 * The reference of a dense layer's inference, Z = X·W + B, in plain Java: for each output the
 * bias first (0 without one), then each product {@code x[i, k] · W[k, j]} added in ascending k.
 * {@link #dense} adds each product with one rounding ({@code Math.fma}), as
 * {@link DenseKernels#infer} does; {@link #denseRounded} rounds the product and the sum, as the
 * inline loops of a small layer do ({@code z += x·w}).
 *
 * <p>W is given as its rows ({@code w[k]} = W[k, :], of {@code out} values each, see
 * {@link #rows}) and the sums are made in a scratch row: every array the inner loop touches then
 * starts at index 0, and the JIT vectorizes that loop over the outputs (on JDK 17 it does not
 * when the arrays are read at offsets it cannot align, such as a row of one flat parameter
 * array). Four k at a time are added in one pass, each output still in ascending k, so a pass
 * reads and writes the scratch row once for four products.
 *
 * <p>The code between the {@code standalone: begin} and {@code standalone: end} comments is the
 * one source of this operation: the runtime jar carries this file, and the compiler copies that
 * part verbatim into every standalone class with a dense layer (as private members). The dense
 * kernels ({@link ScalarDenseKernels}, the Vector API ones) and the inline loops the compiler
 * emits are specializations of it, held to it bit for bit by {@code KernelContractTest} and
 * {@code EmittedCodeContractTest}.
 */
public final class DenseReference {
    private DenseReference() {
    }

    // standalone: begin
    /** The rows of W [in, out] stored row-major at p[w]: each row its own array. */
    public static float[][] rows(float[] p, int w, int in, int out) {
        float[][] rows = new float[in][out];
        for (int k = 0; k < in; k++) {
            System.arraycopy(p, w + k * out, rows[k], 0, out);
        }
        return rows;
    }

    /** B [out] at p[b], or null when b &lt; 0 (no bias). */
    public static float[] bias(float[] p, int b, int out) {
        if (b < 0) {
            return null;
        }
        float[] bias = new float[out];
        System.arraycopy(p, b, bias, 0, out);
        return bias;
    }

    /**
     * Z = X·W + B for the rows [from, to) of x [·, in] into z [·, out]: each output its bias (0
     * when b is null) and then each product {@code x[i, k] · W[k, j]} added by a fused
     * multiply-add in ascending k, with W as rows ({@link #rows}) and the sums in the scratch row
     * acc (at least out floats). Six k at a time in a pass (then four, then one), so a pass over
     * the row reads and writes acc once for six products: the JIT still vectorizes a loop of six
     * rows beside acc (not one of seven), and wide rows take fewer passes than in fours.
     */
    public static void dense(float[] x, int from, int to, int in, float[][] w, float[] b,
            int out, float[] z, float[] acc) {
        for (int i = from; i < to; i++) {
            final int xo = i * in;
            if (b == null) {
                for (int j = 0; j < out; j++) {
                    acc[j] = 0f;
                }
            } else {
                System.arraycopy(b, 0, acc, 0, out);
            }
            int k = 0;
            for (; k + 6 <= in; k += 6) {
                final float x0 = x[xo + k];
                final float x1 = x[xo + k + 1];
                final float x2 = x[xo + k + 2];
                final float x3 = x[xo + k + 3];
                final float x4 = x[xo + k + 4];
                final float x5 = x[xo + k + 5];
                final float[] w0 = w[k];
                final float[] w1 = w[k + 1];
                final float[] w2 = w[k + 2];
                final float[] w3 = w[k + 3];
                final float[] w4 = w[k + 4];
                final float[] w5 = w[k + 5];
                for (int j = 0; j < out; j++) {
                    acc[j] = Math.fma(x5, w5[j], Math.fma(x4, w4[j], Math.fma(x3, w3[j],
                            Math.fma(x2, w2[j], Math.fma(x1, w1[j],
                                    Math.fma(x0, w0[j], acc[j]))))));
                }
            }
            if (k + 4 <= in) {
                final float x0 = x[xo + k];
                final float x1 = x[xo + k + 1];
                final float x2 = x[xo + k + 2];
                final float x3 = x[xo + k + 3];
                final float[] w0 = w[k];
                final float[] w1 = w[k + 1];
                final float[] w2 = w[k + 2];
                final float[] w3 = w[k + 3];
                for (int j = 0; j < out; j++) {
                    acc[j] = Math.fma(x3, w3[j], Math.fma(x2, w2[j],
                            Math.fma(x1, w1[j], Math.fma(x0, w0[j], acc[j]))));
                }
                k += 4;
            }
            for (; k < in; k++) {
                final float xv = x[xo + k];
                final float[] wk = w[k];
                for (int j = 0; j < out; j++) {
                    acc[j] = Math.fma(xv, wk[j], acc[j]);
                }
            }
            System.arraycopy(acc, 0, z, i * out, out);
        }
    }

    /**
     * {@link #dense} with each product and each sum rounded ({@code z += x·w}, ascending k).
     */
    public static void denseRounded(float[] x, int from, int to, int in, float[][] w,
            float[] b, int out, float[] z, float[] acc) {
        for (int i = from; i < to; i++) {
            final int xo = i * in;
            for (int j = 0; j < out; j++) {
                acc[j] = b == null ? 0f : b[j];
            }
            int k = 0;
            for (; k + 4 <= in; k += 4) {
                final float x0 = x[xo + k];
                final float x1 = x[xo + k + 1];
                final float x2 = x[xo + k + 2];
                final float x3 = x[xo + k + 3];
                final float[] w0 = w[k];
                final float[] w1 = w[k + 1];
                final float[] w2 = w[k + 2];
                final float[] w3 = w[k + 3];
                for (int j = 0; j < out; j++) {
                    acc[j] = acc[j] + x0 * w0[j] + x1 * w1[j] + x2 * w2[j] + x3 * w3[j];
                }
            }
            for (; k < in; k++) {
                final float xv = x[xo + k];
                final float[] wk = w[k];
                for (int j = 0; j < out; j++) {
                    acc[j] = acc[j] + xv * wk[j];
                }
            }
            System.arraycopy(acc, 0, z, i * out, out);
        }
    }
    // standalone: end
}
