package dev.nnc.runtime.kernels;

/**
 * The numeric operations of the layers large enough that a kernel beats the loops nnc emits
 * inline: the three matrix products of a dense layer over a batch, a general product, the direct
 * convolution and its weight gradient, max pooling and relu; and the backward pass of a small
 * dense layer as those loops take it ({@link #roundedGrad}), which vectors over the inputs
 * beat. Rows are samples; W is stored
 * [in, out] row-major at offset {@code w} of the parameter array.
 *
 * <p>The plain Java forms — this interface's default methods and {@link ScalarDenseKernels} —
 * are the reference of each operation. The Vector API forms, and the loops the compiler emits
 * inline for small layers, are specializations of it, each held to it by a contract test
 * ({@code KernelContractTest} here, {@code EmittedCodeContractTest} in the compiler): the same
 * bits where a method says so, else within the bound of any summation order.
 *
 * <p>Each product is computed over a range of its outputs (rows of Z, rows k of dW, rows of dX),
 * so that {@link Kernels} can split one product across threads: every output is computed by one
 * thread in the same order whatever the split, so results do not depend on the thread count.
 *
 * <p>Two implementations: {@link Kernels#scalar()} in plain Java, and a vectorized one on the
 * JDK's incubating Vector API, used when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} (see {@link Kernels}). Each is deterministic. The
 * vector forward pass sums as the plain one does (the bias, then fused multiply-adds in ascending
 * k) and gives its bits; the vector dW, dX and {@link #gemm} add each product with one rounding
 * where the plain loops round twice (and dX, dW in another order), so they differ in the last
 * bits.
 */
public interface DenseKernels {

    /**
     * Z = X·W + B for the rows [from, to): {@code z[i, j] = p[b + j] + Σ_k x[i, k] · p[w + k·out
     * + j]}; b &lt; 0: no bias.
     */
    void forward(float[] x, int from, int to, int in, float[] p, int w, int b, int out,
            float[] z);

    /**
     * dW = Xᵀ·dZ for the rows k in [kFrom, kTo) of W, written (not added) into {@code gp} at
     * offset {@code w}; with {@code b >= 0} also dB = Σ_rows dZ at offset {@code b}.
     */
    void gradWeights(float[] x, int n, int in, float[] g, int out, float[] gp, int w, int b,
            int kFrom, int kTo);

    /** dX = dZ·Wᵀ for the rows [from, to): {@code gx[i, k] = Σ_j g[i, j] · p[w + k·out + j]}. */
    void gradInput(float[] g, int from, int to, int out, float[] p, int w, int in, float[] gx);

    /**
     * The backward pass of a small dense layer as the compiler's inline loops take it (past a few
     * outputs, with no activation's derivative fused in), every product and every sum rounded,
     * each sum from {@code 0f}: dW[k, j] = 0f + x[0, k]·g[0, j] + x[1, k]·g[1, j] + … in
     * ascending rows, written into {@code gp} at {@code w}; with {@code b >= 0}, dB[j] = 0f +
     * g[0, j] + g[1, j] + … at {@code b}; with {@code gx} not null, dX[i, k] = 0f + g[i, 0]·W[k, 0]
     * + g[i, 1]·W[k, 1] + … in ascending j. This default is the plain loops; every
     * implementation gives their bits ({@code KernelContractTest}).
     */
    default void roundedGrad(float[] x, int n, int in, float[] g, int out, float[] p, int w,
            int b, float[] gp, float[] gx) {
        java.util.Arrays.fill(gp, w, w + in * out, 0f);
        if (b >= 0) {
            java.util.Arrays.fill(gp, b, b + out, 0f);
        }
        for (int i = 0; i < n; i++) {
            int xo = i * in;
            int go = i * out;
            for (int j = 0; b >= 0 && j < out; j++) {
                gp[b + j] += g[go + j];
            }
            for (int k = 0; k < in; k++) {
                int wo = w + k * out;
                float xv = x[xo + k];
                for (int j = 0; j < out; j++) {
                    gp[wo + j] += xv * g[go + j];
                }
                if (gx != null) {
                    float sum = 0f;
                    for (int j = 0; j < out; j++) {
                        sum += g[go + j] * p[wo + j];
                    }
                    gx[xo + k] = sum;
                }
            }
        }
    }

    /**
     * The forward pass of a small dense layer as the compiler's inline loops take it (the layers
     * whose backward pass is {@link #roundedGrad}): {@code z[i, j] = b[j] + x[i, 0]·W[0, j] +
     * x[i, 1]·W[1, j] + …} in ascending k, every product and every sum rounded, from {@code 0f}
     * when {@code b < 0}, for the rows i &lt; n. This default is the plain loops; every
     * implementation gives their bits ({@code KernelContractTest}).
     */
    default void roundedForward(float[] x, int n, int in, float[] p, int w, int b, int out,
            float[] z) {
        for (int i = 0; i < n; i++) {
            int xo = i * in;
            int zo = i * out;
            for (int j = 0; j < out; j++) {
                float sum = b >= 0 ? p[b + j] : 0f;
                for (int k = 0; k < in; k++) {
                    sum += x[xo + k] * p[w + k * out + j];
                }
                z[zo + j] = sum;
            }
        }
    }

    /**
     * {@link #forward} for inference, summing exactly as the standalone class's loops do: for each
     * output, the bias first, then each product {@code x[i, k] · w[k, j]} added in ascending k
     * with one rounding ({@code Math.fma}). Every implementation gives the same bits, so
     * predictions do not depend on the JVM's options and equal the standalone class's.
     */
    void infer(float[] x, int from, int to, int in, float[] p, int w, int b, int out, float[] z);

    /**
     * A general product of row-major matrices at offsets, with leading dimensions: for i &lt; m
     * and j &lt; n, {@code c[ci + i·ldc + j]} = (its value when {@code accumulate}, else 0) + Σ_k
     * {@code a[ai + i·lda + k] · b[bi + k·ldb + j]}, summed in k order. The convolution kernels
     * ({@link Conv2d}) are written with it.
     */
    default void gemm(float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci,
            int ldc, int m, int n, int k, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int co = ci + i * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, co, co + n, 0f);
            }
            for (int q = 0; q < k; q++) {
                float av = a[ai + i * lda + q];
                int bo = bi + q * ldb;
                for (int j = 0; j < n; j++) {
                    c[co + j] += av * b[bo + j];
                }
            }
        }
    }

    /**
     * Stride-1 convolution of one sample for inference, in "wide" rows: for each filter j and
     * position t &lt; {@code span},
     * <pre>
     * dst[j·span + t] = b[j] + Σ_q p[w + j·ck + q] · x[xo + taps[q] + t]     (q = 0 .. ck − 1)
     * </pre>
     * with ck = {@code taps.length} and each term added by a fused multiply-add
     * ({@link Math#fma}) in ascending q, after the bias ({@code b < 0}: none). Every
     * implementation gives the same bits; the plain loops nnc emits for a convolution (the
     * standalone class) sum the same way.
     */
    default void convWide(float[] x, int xo, int[] taps, float[] p, int w, int b, int f,
            int span, float[] dst) {
        int ck = taps.length;
        for (int j = 0; j < f; j++) {
            int d = j * span;
            java.util.Arrays.fill(dst, d, d + span, b < 0 ? 0f : p[b + j]);
            for (int q = 0; q < ck; q++) {
                float wv = p[w + j * ck + q];
                int s = xo + taps[q];
                for (int t = 0; t < span; t++) {
                    dst[d + t] = Math.fma(wv, x[s + t], dst[d + t]);
                }
            }
        }
    }

    /**
     * {@link #convWide} with the filters in the lanes: for each of the {@code pos.length}
     * output positions t and each filter j &lt; f,
     * <pre>
     * dst[t·f + j] = b[j] + Σ_q wT[q·f + j] · x[xo + taps[q] + pos[t]]     (q = 0 .. ck − 1)
     * </pre>
     * from the weights transposed to [ck, f], summed exactly as {@link #convWide} sums (fused
     * multiply-adds in ascending q after the bias), so every implementation gives the same bits.
     */
    default void convLanes(float[] x, int xo, int[] taps, int[] pos, float[] wT, float[] p,
            int b, int f, float[] dst) {
        int ck = taps.length;
        for (int t = 0; t < pos.length; t++) {
            int s = xo + pos[t];
            for (int j = 0; j < f; j++) {
                float acc = b < 0 ? 0f : p[b + j];
                for (int q = 0; q < ck; q++) {
                    acc = Math.fma(wT[q * f + j], x[s + taps[q]], acc);
                }
                dst[t * f + j] = acc;
            }
        }
    }

    /**
     * Max pooling for inference, without padding, of {@code n} samples of [c, h, w] into
     * [c, oh, ow]: each output is the first value of its window, replaced by each later value
     * (row-major) that is greater ({@code v > max}): the bits of its reference,
     * {@link PoolReference#maxPool}, which the plain kernels call.
     */
    default void maxPool(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw,
            int oh, int ow, float[] y) {
        PoolReference.maxPool(x, n, c, h, w, kh, kw, sh, sw, oh, ow, y);
    }

    /**
     * relu: {@code y[t] = x[t] > 0f ? x[t] : 0f} for t &lt; {@code size} (NaN and −0 give +0),
     * without a branch per value (a data-dependent branch mispredicts on about half the values):
     * here its reference, {@link Activations#relu}, which the standalone class carries.
     */
    default void relu(float[] x, float[] y, int size) {
        relu(x, y, 0, size);
    }

    /** {@link #relu(float[], float[], int)} for t in [from, to) only. */
    default void relu(float[] x, float[] y, int from, int to) {
        Activations.relu(x, y, from, to);
    }

    /**
     * The gradient of relu: {@code gx[t] = g[t] * (z[t] > 0f ? 1f : 0f)} for t &lt;
     * {@code size}, the expression nnc emits, without a branch per value where the kernels are
     * vectorized.
     */
    default void reluBackward(float[] z, float[] g, float[] gx, int size) {
        reluBackward(z, g, gx, 0, size);
    }

    /** {@link #reluBackward(float[], float[], float[], int)} for t in [from, to) only. */
    default void reluBackward(float[] z, float[] g, float[] gx, int from, int to) {
        for (int t = from; t < to; t++) {
            gx[t] = g[t] * (z[t] > 0f ? 1f : 0f);
        }
    }

    /**
     * {@link #maxPool} in a training step: also writes into {@code arg} the index in {@code x}
     * of each output's maximum, the first of equal values in row-major order.
     */
    default void maxPoolArg(float[] x, int n, int c, int h, int w, int kh, int kw, int sh,
            int sw, int oh, int ow, float[] y, int[] arg) {
        maxPoolArgSamples(x, 0, n, c, h, w, kh, kw, sh, sw, oh, ow, y, arg);
    }

    /**
     * {@link #maxPoolArg} of the samples [from, to) only: writes no output (and no index) of
     * another sample, so that parts of a batch may run at once.
     */
    default void maxPoolArgSamples(float[] x, int from, int to, int c, int h, int w, int kh,
            int kw, int sh, int sw, int oh, int ow, float[] y, int[] arg) {
        maxPoolLoops(x, from, to, c, h, w, kh, kw, sh, sw, oh, ow, y, arg);
    }

    /** The plain loops of {@link #maxPool} and, with {@code arg}, of {@link #maxPoolArg}. */
    private void maxPoolLoops(float[] x, int from, int to, int c, int h, int w, int kh, int kw,
            int sh, int sw, int oh, int ow, float[] y, int[] arg) {
        for (int i = from; i < to; i++) {
            for (int ci = 0; ci < c; ci++) {
                for (int oy = 0; oy < oh; oy++) {
                    int t = ((i * c + ci) * oh + oy) * ow;
                    int r = ((i * c + ci) * h + oy * sh) * w;
                    for (int ox = 0; ox < ow; ox++) {
                        int corner = r + ox * sw;
                        int best = corner;
                        float max = x[corner];
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                int q = corner + ky * w + kx;
                                float v = x[q];
                                if (v > max) {
                                    max = v;
                                    best = q;
                                }
                            }
                        }
                        y[t + ox] = max;
                        if (arg != null) {
                            arg[t + ox] = best;
                        }
                    }
                }
            }
        }
    }

    /**
     * Adds one sample's weight gradient of a stride-1 convolution in {@code sums} partial sums
     * per weight: for each filter j, tap q and lane l &lt; sums,
     * <pre>
     * acc[(j·ck + q)·sums + l] += Σ_{t ≡ l mod sums} g[j·span + t] · x[taps[q] + t]   (t &lt; span)
     * </pre>
     * by fused multiply-adds in ascending t, with ck = {@code taps.length}, {@code g} dZ in wide
     * rows (0 past each row's end), {@code x} the padded input and {@code span} a multiple of
     * {@code sums}. The caller adds the partial sums in order at the end; every implementation
     * gives the same bits for the same {@code sums}.
     *
     * <p>NOTE: Conv2d passes the kernels' {@link #lanes()} (8 at 256 bits, 16 at 512), one
     * vector of partial sums per weight: the dW of a convolution therefore depends on the vector
     * width in its last bits (within the bound of any summation order, as the contract tests
     * check), not on the thread count. A fixed 16 at both widths would give the same bits
     * everywhere but cost 256-bit vectors two passes of half the length (measured 0.6–0.9× the
     * speed on LeNet's rows).
     */
    default void convGradWide(float[] g, float[] x, int[] taps, int f, int span, int sums,
            float[] acc) {
        int ck = taps.length;
        for (int j = 0; j < f; j++) {
            for (int q = 0; q < ck; q++) {
                int a = (j * ck + q) * sums;
                for (int t = 0; t < span; t++) {
                    int l = a + t % sums;
                    acc[l] = Math.fma(g[j * span + t], x[taps[q] + t], acc[l]);
                }
            }
        }
    }

    /**
     * col2im over the "wide" rows of a stride-1 convolution (see {@link #convGradWide}): the
     * padded [C, PH, PW] sample of {@code size} values at {@code off} of {@code dst}, each value
     * the sum of the rows q of {@code src} [C·KH·KW, ld] at the tap offsets {@code taps[q]}
     * (t &lt; {@code span}), added in ascending q from 0, as im2col's col2im adds them. The
     * values of src in the gaps past each output row's end must be 0: they land on other
     * positions. Every implementation gives the same bits.
     */
    default void col2imWide(float[] src, int ld, int[] taps, int span, float[] dst, int off,
            int size) {
        java.util.Arrays.fill(dst, off, off + size, 0f);
        for (int q = 0; q < taps.length; q++) {
            int s = q * ld;
            int d = off + taps[q];
            for (int t = 0; t < span; t++) {
                dst[d + t] += src[s + t];
            }
        }
    }

    /**
     * One Adam step over the parameters [from, to) ({@link dev.nnc.runtime.optim.Adam} holds the
     * rule and folds the bias corrections into {@code step} and {@code e}): with {@code a1 = 1 −
     * b1} and {@code a2 = 1 − b2}, {@code m = b1·m + a1·g}, {@code v = b2·v + (a2·g)·g}, {@code p
     * = p·shrink − (step·m) / (sqrt(v) + e)} (the shrink only when it is not 1), every operation
     * rounded to float in this order, none fused, the square root correctly rounded. Every
     * implementation gives these bits, whatever range it is given.
     */
    default void adam(float[] p, float[] g, float[] m, float[] v, int from, int to, float b1,
            float b2, float step, float e, float shrink) {
        float a1 = 1 - b1;
        float a2 = 1 - b2;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = b1 * m[i] + a1 * gi;
            float vi = b2 * v[i] + a2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            float pi = shrink != 1f ? p[i] * shrink : p[i];
            p[i] = pi - step * mi / ((float) Math.sqrt(vi) + e);
        }
    }

    /**
     * Settles, before a run's steps, what {@link #adam} decides while it runs (the vector
     * kernel's way with subnormal moments, measured on synthetic blocks; see VectorAdam), taking
     * at most {@code blocks} of its blocks of parameters; true once nothing is left to decide.
     * Changes no bit of any step. Nothing to settle here.
     */
    default boolean settleAdam(int blocks) {
        return true;
    }

    /**
     * The rows of an output block of the products ({@link #forward}, {@link #gradWeights},
     * {@link #gradInput}): a split of a product into parts at multiples of it computes no row
     * twice and pads no block. 1 in the plain kernels.
     */
    default int rowBlock() {
        return 1;
    }

    /**
     * The float lanes of the kernels' vectors: 1 for the plain-Java kernels, 8 or 16 for the
     * Vector API ones (256 or 512 bits, see {@code VectorWidth}).
     */
    default int lanes() {
        return 1;
    }

    /** {@link #forward} over all {@code n} rows. */
    default void forward(float[] x, int n, int in, float[] p, int w, int b, int out, float[] z) {
        forward(x, 0, n, in, p, w, b, out, z);
    }

    /** {@link #gradWeights} over all rows of W. */
    default void gradWeights(float[] x, int n, int in, float[] g, int out, float[] gp, int w,
            int b) {
        gradWeights(x, n, in, g, out, gp, w, b, 0, in);
    }

    /** {@link #gradInput} over all {@code n} rows. */
    default void gradInput(float[] g, int n, int out, float[] p, int w, int in, float[] gx) {
        gradInput(g, 0, n, out, p, w, in, gx);
    }
}
