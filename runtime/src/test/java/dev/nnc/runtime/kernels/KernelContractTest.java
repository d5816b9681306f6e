package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * One contract per runtime operation with several implementations: the kernels in use (the
 * Vector API ones in this test JVM, 16 or 8 float lanes; the build runs this class at both)
 * against the plain ones and the reference expression, on edge sizes (1, lanes − 1, lanes,
 * lanes + 1 at both widths, odd, several blocks) with ±0, NaN and ties among the values.
 *
 * <ul>
 * <li>dense inference ({@code infer}): the bits of its reference, {@link DenseReference#dense}
 *     (itself checked against the plain expression: the bias, then fused multiply-adds in
 *     ascending k), including where NaN and −0 fall; {@link DenseReference#denseRounded}
 *     against {@code z += x·w} in ascending k;
 * <li>dense training ({@code forward}, {@code gradWeights}, {@code gradInput}): the vector
 *     kernels keep partial sums in registers and add them in another order, so they agree with
 *     the exact sum within the bound of any summation order, (terms + 1) · 2^−24 · Σ|term|,
 *     and a NaN among the inputs reaches the same outputs;
 * <li>relu and its gradient: the bits of the expressions nnc emits, {@code z > 0f ? z : 0f} and
 *     {@code g * (z > 0f ? 1f : 0f)};
 * <li>max pooling with the positions of the maxima: the same outputs and positions (the first
 *     of tied values) for every output width of 1 to 18 windows;
 * <li>convolution: inference at stride 1 ({@link Conv2d#infer}) gives the bits of its reference,
 *     {@link ConvReference#conv}, itself checked against the plain loops (the bias, then fused
 *     multiply-adds in ascending c, ky, kx), and the training forward pass
 *     (matrix products over im2col columns, summed in another order) agrees within the bound of
 *     any summation order, for 1, 7, 8, 9 filters, output widths down to 1, strides and
 *     paddings, with ±0, NaN and ties among the inputs;
 * <li>the direct convolution kernels ({@code convWide}, {@code convLanes}, {@code convGradWide}):
 *     the bits of the plain loops of {@link DenseKernels}, their reference, for 1 to 24 filters,
 *     1 to 9 taps and spans across the vector width;
 * <li>the matrix product ({@code gemm}): within the bound of any summation order, every block
 *     shape and leftover row and column, accumulating or not, and nothing written past n;
 * <li>the recurrent cells' element-wise steps (rnn, lstm, gru forward; lstm backward): the same
 *     bits for 1 to 65 units; the recurrent layers' weight gradient ({@code
 *     SequenceKernels.gradWeights}, blocks of rows): plain and vector forms within the bound of
 *     any summation order, dB the same bits;
 * <li>a small dense layer's backward pass as the compiler's inline loops take it
 *     ({@code roundedGrad}, each product and sum rounded): the bits of the plain loops.
 * </ul>
 */
class KernelContractTest {
    private static final int[] EDGE = {1, 7, 8, 9, 15, 16, 17, 33};
    private static final float[] SPECIAL = {0f, -0f, Float.NaN, 1f, 1f, -1f};

    private static final DenseKernels VECTOR = Kernels.dense();
    private static final DenseKernels SCALAR = Kernels.scalar();

    @Test
    void theKernelsInUseAreTheVectorOnes() throws ReflectiveOperationException {
        assertEquals("vector-" + VectorWidthTest.expectedBits(), Kernels.name());
    }

    @Test
    void denseInferenceGivesTheBitsOfThePlainLoops() {
        // widths past 4 vectors of 8 or 16 lanes, and 4 rows or more: the blocks of four rows;
        // widths that leave 3, 5 to 7 vectors or part of one after the blocks of eight (20, 40,
        // 50, 100, 120 at 8 and 16 lanes): the last block's vectors overlapping
        for (int n : new int[] {1, 2, 3, 4, 9}) {
            for (int in : EDGE) {
                for (int out : new int[] {1, 7, 8, 9, 15, 16, 17, 20, 33, 40, 50, 65, 100, 120, 129}) {
                    Rng rng = new Rng(n * 10000L + in * 100L + out);
                    float[] x = values(n * in, rng, true);
                    float[] p = values(3 + in * out + out, rng, false);
                    for (int b : new int[] {3 + in * out, -1}) {
                        float[] want = new float[n * out];
                        for (int i = 0; i < n; i++) {
                            for (int j = 0; j < out; j++) {
                                float s = b < 0 ? 0f : p[b + j];
                                for (int k = 0; k < in; k++) {
                                    s = Math.fma(x[i * in + k], p[3 + k * out + j], s);
                                }
                                want[i * out + j] = s;
                            }
                        }
                        float[] ref = new float[n * out];
                        DenseReference.dense(x, 0, n, in, DenseReference.rows(p, 3, in, out),
                                DenseReference.bias(p, b, out), out, ref, new float[out]);
                        bits(want, ref, "DenseReference.dense n=" + n + " " + in + "→" + out
                                + " bias " + b);
                        for (DenseKernels kern : new DenseKernels[] {VECTOR, SCALAR}) {
                            float[] z = new float[n * out];
                            kern.infer(x, 0, n, in, p, 3, b, out, z);
                            bits(ref, z, name(kern) + " infer n=" + n + " " + in + "→" + out
                                    + " bias " + b);
                        }
                        float[] rounded = new float[n * out];
                        DenseReference.denseRounded(x, 0, n, in, DenseReference.rows(p, 3, in,
                                out), DenseReference.bias(p, b, out), out, rounded,
                                new float[out]);
                        for (int i = 0; i < n; i++) {
                            for (int j = 0; j < out; j++) {
                                float s = b < 0 ? 0f : p[b + j];
                                for (int k = 0; k < in; k++) {
                                    s += x[i * in + k] * p[3 + k * out + j];
                                }
                                want[i * out + j] = s;
                            }
                        }
                        bits(want, rounded, "DenseReference.denseRounded n=" + n + " " + in
                                + "→" + out + " bias " + b);
                    }
                }
            }
        }
    }

    @Test
    void denseTrainingKernelsAgreeWithinTheBoundOfAnySummationOrder() {
        for (int n : new int[] {1, 2, 3, 5}) {
            for (int in : EDGE) {
                for (int out : EDGE) {
                    checkTraining(n, in, out);
                }
            }
        }
    }

    private static void checkTraining(int n, int in, int out) {
        Rng rng = new Rng(n * 7919L + in * 31L + out);
        float[] x = values(n * in, rng, false);
        float[] g = values(n * out, rng, false);
        int w = 3;
        int b = w + in * out;
        float[] p = values(b + out, rng, false);
        String what = "n=" + n + " " + in + "→" + out;
        for (DenseKernels kern : new DenseKernels[] {VECTOR, SCALAR}) {
            float[] z = new float[n * out];
            kern.forward(x, n, in, p, w, b, out, z);
            float[] gp = new float[p.length];
            kern.gradWeights(x, n, in, g, out, gp, w, b);
            float[] gx = new float[n * in];
            kern.gradInput(g, n, out, p, w, in, gx);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < out; j++) {
                    double s = p[b + j];
                    double abs = Math.abs(p[b + j]);
                    for (int k = 0; k < in; k++) {
                        double t = (double) x[i * in + k] * p[w + k * out + j];
                        s += t;
                        abs += Math.abs(t);
                    }
                    within(s, abs, in + 1, z[i * out + j], name(kern) + " forward " + what);
                }
            }
            for (int k = 0; k < in; k++) {
                for (int j = 0; j < out; j++) {
                    double s = 0;
                    double abs = 0;
                    for (int i = 0; i < n; i++) {
                        double t = (double) x[i * in + k] * g[i * out + j];
                        s += t;
                        abs += Math.abs(t);
                    }
                    within(s, abs, n, gp[w + k * out + j], name(kern) + " dW " + what);
                }
            }
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < in; k++) {
                    double s = 0;
                    double abs = 0;
                    for (int j = 0; j < out; j++) {
                        double t = (double) g[i * out + j] * p[w + k * out + j];
                        s += t;
                        abs += Math.abs(t);
                    }
                    within(s, abs, out, gx[i * in + k], name(kern) + " dX " + what);
                }
            }
            // a NaN in one input row reaches that row's outputs, and only those
            float[] xn = x.clone();
            xn[(n - 1) * in + in / 2] = Float.NaN;
            kern.forward(xn, n, in, p, w, b, out, z);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < out; j++) {
                    assertEquals(i == n - 1, Float.isNaN(z[i * out + j]), kern
                            + " forward NaN " + what + " at " + i + "," + j);
                }
            }
        }
    }

    /** |got − exact| ≤ (terms + 1) · 2^−24 · Σ|term|: the bound of any order of sums. */
    private static void within(double exact, double abs, int terms, float got, String what) {
        double bound = (terms + 1) * 0x1p-24 * abs + Float.MIN_VALUE;
        assertTrue(Math.abs(got - exact) <= bound, what + ": " + got + ", exact " + exact
                + ", allowed ±" + bound);
    }

    @Test
    void reluAndItsGradientGiveTheBitsOfTheEmittedExpressions() {
        for (int size = 0; size <= 40; size++) {
            Rng rng = new Rng(size);
            float[] z = values(size, rng, true);
            float[] g = values(size, rng, true);
            float[] want = new float[size];
            float[] wantG = new float[size];
            for (int t = 0; t < size; t++) {
                want[t] = z[t] > 0f ? z[t] : 0f;
                wantG[t] = g[t] * (z[t] > 0f ? 1f : 0f);
            }
            for (DenseKernels kern : new DenseKernels[] {VECTOR, SCALAR}) {
                float[] y = new float[size + 1];
                kern.relu(z, y, size);
                bits(want, Arrays.copyOf(y, size), name(kern) + " relu size " + size);
                assertEquals(0f, y[size], "relu wrote past size " + size);
                float[] gx = new float[size];
                kern.reluBackward(z, g, gx, size);
                bits(wantG, gx, name(kern) + " relu gradient size " + size);
            }
        }
    }

    /**
     * relu on every kind of float, in the vector loop and its tail: NaNs of both signs and with
     * payloads, ±∞, ±0, subnormals of both signs, the largest and smallest normals.
     */
    @Test
    void reluGivesTheEmittedExpressionsBitsOnEveryKindOfFloat() {
        float[] kinds = {Float.NaN, Float.intBitsToFloat(0xffc00000),
                Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xff800001),
                Float.intBitsToFloat(0x7fffffff), Float.intBitsToFloat(0xffffffff),
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.intBitsToFloat(0x007fffff),
                Float.intBitsToFloat(0x807fffff), Float.MIN_NORMAL, -Float.MIN_NORMAL,
                Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};
        for (int size = 0; size <= 3 * kinds.length; size++) {
            float[] z = new float[size];
            for (int t = 0; t < size; t++) {
                z[t] = kinds[(7 * t + size) % kinds.length];
            }
            float[] want = new float[size];
            for (int t = 0; t < size; t++) {
                want[t] = z[t] > 0f ? z[t] : 0f;
            }
            float[] ref = new float[size];
            Activations.relu(z, ref, size);
            bits(want, ref, "Activations.relu size " + size);
            for (DenseKernels kern : new DenseKernels[] {VECTOR, SCALAR}) {
                float[] y = new float[size];
                kern.relu(z, y, size);
                bits(want, y, name(kern) + " relu size " + size);
                float[] same = z.clone();
                kern.relu(same, same, size);
                bits(want, same, name(kern) + " relu in place size " + size);
            }
        }
    }

    @Test
    void maxPoolingGivesTheSameMaximaAndPositionsForEveryWidth() {
        for (int ow = 1; ow <= 18; ow++) {
            for (int[] g : new int[][] {{1, 2}, {3, 4}}) {
                int c = g[0];
                int h = g[1];
                int w = 2 * ow + (ow % 3 == 0 ? 1 : 0);
                int oh = h / 2;
                int n = 2;
                Rng rng = new Rng(ow * 10L + c);
                float[] x = new float[n * c * h * w];
                for (int t = 0; t < x.length; t++) {
                    x[t] = SPECIAL[rng.nextInt(SPECIAL.length)];
                }
                String what = "c=" + c + " h=" + h + " w=" + w;
                float[] wantY = new float[n * c * oh * ow];
                int[] wantArg = new int[wantY.length];
                SCALAR.maxPoolArg(x, n, c, h, w, 2, 2, 2, 2, oh, ow, wantY, wantArg);
                for (int t = 0; t < wantY.length; t++) {
                    assertEquals(Float.floatToIntBits(x[wantArg[t]]),
                            Float.floatToIntBits(wantY[t]), "scalar position " + what);
                }
                float[] y = new float[wantY.length];
                int[] arg = new int[wantY.length];
                VECTOR.maxPoolArg(x, n, c, h, w, 2, 2, 2, 2, oh, ow, y, arg);
                bits(wantY, y, "maxPoolArg " + what);
                assertEquals(Arrays.toString(wantArg), Arrays.toString(arg), "positions "
                        + what);
                float[] inf = new float[wantY.length];
                VECTOR.maxPool(x, n, c, h, w, 2, 2, 2, 2, oh, ow, inf);
                bits(wantY, inf, "maxPool " + what);
            }
        }
    }

    @Test
    void convolutionInferenceIsThePlainLoopsAndTrainingIsWithinTheBound() {
        // c, h, w, f, kh, kw, stride, pad
        int[][] geometries = {{1, 3, 3, 1, 3, 3, 1, 0}, {2, 5, 4, 7, 2, 2, 1, 0},
            {3, 6, 9, 8, 3, 3, 1, 1}, {1, 7, 7, 9, 3, 3, 2, 1}, {2, 4, 17, 9, 1, 1, 1, 0},
            {1, 9, 10, 16, 5, 5, 1, 2}, {2, 8, 8, 17, 3, 3, 2, 0}};
        for (int[] g : geometries) {
            int c = g[0];
            int h = g[1];
            int w = g[2];
            int f = g[3];
            int kh = g[4];
            int kw = g[5];
            int st = g[6];
            int pad = g[7];
            int oh = (h + 2 * pad - kh) / st + 1;
            int ow = (w + 2 * pad - kw) / st + 1;
            int n = 2;
            Rng rng = new Rng(Arrays.hashCode(g));
            float[] x = values(n * c * h * w, rng, true);
            int wOff = 2;
            int bOff = wOff + f * c * kh * kw;
            float[] p = values(bOff + f, rng, false);
            float[] want = new float[n * f * oh * ow];
            double[] exact = new double[want.length];
            double[] abs = new double[want.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < f; j++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            int t = ((i * f + j) * oh + oy) * ow + ox;
                            float s = p[bOff + j];
                            exact[t] = s;
                            abs[t] = Math.abs(s);
                            for (int ci = 0; ci < c; ci++) {
                                for (int ky = 0; ky < kh; ky++) {
                                    for (int kx = 0; kx < kw; kx++) {
                                        int iy = oy * st - pad + ky;
                                        int ix = ox * st - pad + kx;
                                        float xv = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f
                                                : x[((i * c + ci) * h + iy) * w + ix];
                                        float wv = p[wOff + ((j * c + ci) * kh + ky) * kw + kx];
                                        s = Math.fma(wv, xv, s);
                                        exact[t] += (double) wv * xv;
                                        abs[t] += Math.abs((double) wv * xv);
                                    }
                                }
                            }
                            want[t] = s;
                        }
                    }
                }
            }
            String what = "conv " + Arrays.toString(g);
            Conv2d conv = new Conv2d(c, h, w, f, kh, kw, st, st, pad, pad, oh, ow);
            if (st == 1) { // strided inference is emitted loops (EmittedCodeContractTest)
                float[] ref = new float[want.length];
                float[] padded = new float[c * (h + 2 * pad) * (w + 2 * pad)];
                float[][] cols = ConvReference.cols(c, kh, kw, oh, ow);
                ConvReference.conv(x, n, c, h, w, DenseReference.rows(p, wOff, f, c * kh * kw),
                        DenseReference.bias(p, bOff, f), f, kh, kw, pad, pad, oh, ow, ref,
                        padded, cols, ConvReference.sums(f, kw, oh, ow));
                bits(want, ref, what + " ConvReference.conv");
                float[] z = new float[want.length];
                conv.infer(x, n, p, wOff, bOff, z);
                bits(ref, z, what + " infer");
            }
            float[] zt = new float[want.length];
            conv.forward(x, n, p, wOff, bOff, zt);
            for (int t = 0; t < want.length; t++) {
                if (Double.isNaN(exact[t])) {
                    assertTrue(Float.isNaN(zt[t]), what + " forward NaN at " + t);
                } else {
                    within(exact[t], abs[t], c * kh * kw + 1, zt[t], what + " forward at " + t);
                }
            }
        }
    }

    @Test
    void recurrentCellsGiveTheSameBitsForEveryWidth() {
        for (int h : new int[] {1, 7, 8, 9, 17, 65}) {
            for (int rows : new int[] {1, 2}) {
                for (SequenceKernels.Cell cell : SequenceKernels.Cell.values()) {
                    int gates = cell.gates();
                    Rng rng = new Rng(h * 100L + rows * 10L + cell.ordinal());
                    float[] zx = values(rows * gates * h, rng, true);
                    float[] hu = values(rows * gates * h, rng, false);
                    float[] st = values(2 * rows * h, rng, false);
                    float[] p = values(h, rng, false);
                    float[][] results = new float[2][];
                    int k = 0;
                    for (SequenceKernels sk : new SequenceKernels[] {SequenceKernels.get(),
                        SequenceKernels.scalar()}) {
                        float[] z = zx.clone();
                        float[] u = hu.clone();
                        float[] hT = st.clone();
                        float[] cT = st.clone();
                        switch (cell) {
                            case LSTM -> sk.lstmForward(z, u, 0, rows, h, cT, hT,
                                    0, rows * h);
                            case GRU -> sk.gruForward(z, u, 0, rows, h, p, 0, hT,
                                    0, rows * h);
                            default -> sk.rnnForward(z, u, 0, rows, h, hT, rows * h);
                        }
                        results[k++] = concat(z, u, hT, cT);
                    }
                    bits(results[1], results[0], "cell " + cell + " h=" + h + " rows=" + rows);
                }
                Rng rng = new Rng(h * 3L + rows);
                float[] zx = values(4 * h, rng, false);
                float[] cT = values(2 * h, rng, false);
                float[] dhp = values(h, rng, true);
                float[] gout = values(h, rng, false);
                float[] dc = values(h, rng, false);
                for (boolean first : new boolean[] {false, true}) {
                    float[][] results = new float[2][];
                    int k = 0;
                    for (SequenceKernels sk : new SequenceKernels[] {SequenceKernels.get(),
                        SequenceKernels.scalar()}) {
                        float[] dz = new float[4 * h];
                        float[] d = dc.clone();
                        sk.lstmBackwardRow(zx, 0, h, cT, 0, h, dhp, 0, first, gout, 0, true, d,
                                0, dz, 0);
                        results[k++] = concat(dz, d);
                    }
                    bits(results[1], results[0], "lstm backward h=" + h + " first " + first);
                }
            }
        }
    }

    private static String name(DenseKernels kern) {
        return kern.getClass().getSimpleName();
    }

    /** The arrays one after another. */
    static float[] concat(float[]... parts) {
        int size = 0;
        for (float[] a : parts) {
            size += a.length;
        }
        float[] all = new float[size];
        int at = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, all, at, a.length);
            at += a.length;
        }
        return all;
    }

    /** Values in [−2, 2), with the special ones (±0, NaN, ties) mixed in when asked. */
    private static float[] values(int size, Rng rng, boolean special) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = special && rng.nextInt(4) == 0 ? SPECIAL[rng.nextInt(SPECIAL.length)]
                    : (float) (4 * rng.nextDouble() - 2);
        }
        return a;
    }

    @Test
    void directConvolutionKernelsGiveTheBitsOfTheirReference() {
        for (int f : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 24, 32}) {
            for (int ck : new int[] {1, 3, 4, 9}) {
                for (int span : new int[] {1, 6, 7, 8, 9, 15, 16, 17, 33, 40}) {
                    checkDirect(f, ck, span);
                }
            }
        }
    }

    /**
     * convWide, convLanes, convGradWide and col2imWide of the kernels in use against the
     * interface's plain loops, their reference: the same bits (each output summed by fused
     * multiply-adds, or added, in the same order), NaN and ±0 among the inputs.
     */
    private static void checkDirect(int f, int ck, int span) {
        String at = f + " filters, " + ck + " taps, span " + span;
        Rng rng = new Rng(f * 10000L + ck * 100L + span);
        int[] taps = new int[ck];
        for (int q = 0; q < ck; q++) {
            taps[q] = q * 3 + q % 2;
        }
        int xo = 5;
        float[] x = values(xo + taps[ck - 1] + 2 * span + 24, rng, true);
        float[] p = values(2 + f * ck + f, rng, false);
        int w = 2;
        for (int b : new int[] {2 + f * ck, -1}) {
            float[] want = new float[f * span + 16];
            float[] got = new float[want.length];
            SCALAR.convWide(x, xo, taps, p, w, b, f, span, want);
            VECTOR.convWide(x, xo, taps, p, w, b, f, span, got);
            bits(want, got, "convWide, " + at);
        }
        float[] wT = new float[ck * f];
        for (int j = 0; j < f; j++) {
            for (int q = 0; q < ck; q++) {
                wT[q * f + j] = p[w + j * ck + q];
            }
        }
        int[] pos = new int[span];
        for (int t = 0; t < span; t++) {
            pos[t] = t + t / 3;
        }
        for (int b : new int[] {2 + f * ck, -1}) {
            float[] want = new float[span * f];
            float[] got = new float[want.length];
            SCALAR.convLanes(x, xo, taps, pos, wT, p, b, f, want);
            VECTOR.convLanes(x, xo, taps, pos, wT, p, b, f, got);
            bits(want, got, "convLanes, " + at);
        }
        // the partial sums Conv2d passes (the lanes), and the other width's
        for (int sums : new int[] {VECTOR.lanes(), 8, 16}) {
            int spanV = (span + sums - 1) / sums * sums;
            float[] g = values(f * spanV, rng, true);
            float[] want = values(f * ck * sums, rng, false);
            float[] got = want.clone();
            SCALAR.convGradWide(g, x, taps, f, spanV, sums, want);
            VECTOR.convGradWide(g, x, taps, f, spanV, sums, got);
            bits(want, got, "convGradWide in " + sums + " sums, " + at);
        }
        // col2im over wide rows: rows of ld ≥ span, into a destination with values before and
        // after the sample that must stay as they are
        int ld = span + 3;
        float[] src = values(ck * ld, rng, true);
        int off = 7;
        int size = taps[ck - 1] + span;
        float[] want = values(off + size + 9, rng, false);
        float[] got = want.clone();
        SCALAR.col2imWide(src, ld, taps, span, want, off, size);
        VECTOR.col2imWide(src, ld, taps, span, got, off, size);
        bits(want, got, "col2imWide, " + at);
    }

    @Test
    void matrixProductIsWithinTheBoundOfAnySummationOrder() {
        for (int m : new int[] {1, 2, 3, 4, 5, 6, 7, 9, 10, 13}) {
            for (int n : EDGE) {
                for (int k : new int[] {1, 5, 16, 33}) {
                    Rng rng = new Rng(m * 100000L + n * 100L + k);
                    int lda = k + 1;
                    int ldb = n + 2;
                    int ldc = n + 3;
                    float[] a = values(m * lda, rng, false);
                    float[] b = values(k * ldb, rng, false);
                    for (boolean accumulate : new boolean[] {false, true}) {
                        float[] c0 = values(m * ldc, rng, false);
                        float[] got = c0.clone();
                        VECTOR.gemm(a, 0, lda, b, 0, ldb, got, 0, ldc, m, n, k, accumulate);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double exact = accumulate ? c0[i * ldc + j] : 0;
                                double abs = Math.abs(exact);
                                for (int q = 0; q < k; q++) {
                                    double t = (double) a[i * lda + q] * b[q * ldb + j];
                                    exact += t;
                                    abs += Math.abs(t);
                                }
                                within(exact, abs, k + 1, got[i * ldc + j], "gemm " + m + "x" + n
                                        + "x" + k + " at " + i + "," + j);
                            }
                            for (int j = n; j < ldc; j++) {
                                assertEquals(c0[i * ldc + j], got[i * ldc + j],
                                        "gemm writes only its n columns");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void recurrentWeightGradientIsTheReferenceWithinTheBoundOfAnySummationOrder() {
        SequenceKernels vector = SequenceKernels.get();
        SequenceKernels plain = SequenceKernels.scalar();
        assertTrue(vector != plain, "the vector sequence kernels are in use");
        for (int rows : new int[] {1, 7, 64, 65, 130}) {
            for (int in : new int[] {1, 2, 3, 9}) {
                for (int out : new int[] {1, 8, 31, 32, 33, 97}) {
                    Rng rng = new Rng(rows * 100000L + in * 1000L + out);
                    float[] x = values(rows * in, rng, false);
                    float[] g = values(rows * out, rng, false);
                    int w = 3;
                    int b = w + in * out;
                    float[] want = new float[b + out + 2];
                    float[] got = new float[want.length];
                    plain.gradWeights(x, rows, in, g, out, want, w, b);
                    vector.gradWeights(x, rows, in, g, out, got, w, b);
                    for (int k = 0; k < in; k++) {
                        for (int j = 0; j < out; j++) {
                            double exact = 0;
                            double abs = 0;
                            for (int i = 0; i < rows; i++) {
                                double t = (double) x[i * in + k] * g[i * out + j];
                                exact += t;
                                abs += Math.abs(t);
                            }
                            String at = rows + "x" + in + "x" + out + " dW at " + k + "," + j;
                            within(exact, abs, rows, got[w + k * out + j], "vector " + at);
                            within(exact, abs, rows, want[w + k * out + j], "plain " + at);
                        }
                    }
                    bits(java.util.Arrays.copyOfRange(want, b, b + out),
                            java.util.Arrays.copyOfRange(got, b, b + out), "dB");
                }
            }
        }
    }

    /**
     * A small dense layer's backward pass ({@code roundedGrad}): the kernels in use give the bits
     * of the plain loops, the default of {@link DenseKernels}, for inputs around the vector
     * widths, 5 to 12 outputs, with and without dB and dX, with ±0 and NaN among the values,
     * writing nothing but dW, dB and dX.
     */
    @Test
    void smallDenseGradientGivesTheBitsOfThePlainLoops() {
        int[] outs = {5, 6, 7, 8, 10, 12};
        int[] rows = {1, 3, 64};
        for (int in : EDGE) {
            for (int out : outs) {
                for (int n : rows) {
                    Rng rng = new Rng(n * 7919L + in * 31L + out);
                    float[] x = values(n * in, rng, true);
                    float[] g = values(n * out, rng, true);
                    int w = 3;
                    int b = w + in * out + 2;
                    float[] p = values(b + out + 1, rng, true);
                    for (boolean bias : new boolean[] {true, false}) {
                        for (boolean input : new boolean[] {true, false}) {
                            String what = n + "×" + in + " → " + out + (bias ? " b" : "")
                                    + (input ? " dX" : "");
                            float[] gpWant = values(p.length, rng, true);
                            float[] gpGot = gpWant.clone();
                            float[] gxWant = input ? values(n * in + 1, rng, true) : null;
                            float[] gxGot = input ? gxWant.clone() : null;
                            SCALAR.roundedGrad(x, n, in, g, out, p, w, bias ? b : -1, gpWant,
                                    gxWant);
                            VECTOR.roundedGrad(x, n, in, g, out, p, w, bias ? b : -1, gpGot,
                                    gxGot);
                            bits(gpWant, gpGot, "gp of " + what);
                            if (input) {
                                bits(gxWant, gxGot, "dX of " + what);
                            }
                        }
                    }
                }
            }
        }
        // the plain loops' sums, one case by hand: 0f + products in order, −0 products give +0
        float[] gp = new float[4];
        float[] gx = new float[2];
        SCALAR.roundedGrad(new float[] {-0f, 2f}, 1, 2, new float[] {1f, 3f}, 1, new float[]
            {5f, 7f, 0f, 0f}, 0, 2, gp, gx);
        bits(new float[] {0f, 2f, 1f, 0f}, gp, "by hand");
        bits(new float[] {5f, 7f}, gx, "by hand");
    }

    /**
     * A small dense layer's forward pass in a training step ({@code roundedForward}): the kernels
     * in use give the bits of the plain loops, the default of {@link DenseKernels}, for inputs
     * around the vector widths, 5 to 12 outputs, rows around them (the rows past the last whole
     * vector), with and without the bias, with ±0 and NaN among the values, writing nothing but
     * Z's n rows.
     */
    @Test
    void smallDenseForwardGivesTheBitsOfThePlainLoops() {
        int[] outs = {5, 6, 7, 8, 10, 12};
        int[] rows = {1, 7, 8, 16, 17, 33, 64};
        for (int in : EDGE) {
            for (int out : outs) {
                for (int n : rows) {
                    Rng rng = new Rng(n * 104729L + in * 37L + out);
                    float[] x = values(n * in, rng, true);
                    int w = 3;
                    int b = w + in * out + 2;
                    float[] p = values(b + out + 1, rng, true);
                    for (boolean bias : new boolean[] {true, false}) {
                        String what = n + "×" + in + " → " + out + (bias ? " b" : "");
                        float[] want = values(n * out + 3, rng, true);
                        float[] got = want.clone();
                        SCALAR.roundedForward(x, n, in, p, w, bias ? b : -1, out, want);
                        VECTOR.roundedForward(x, n, in, p, w, bias ? b : -1, out, got);
                        bits(want, got, "Z of " + what);
                    }
                }
            }
        }
        // the plain loops' sums by hand: from 0f without a bias (a −0 product gives +0), and
        // each sum rounded (1 + 2^−24 rounds to 1, twice; one rounding would give 1 + 2^−23)
        float[] z = {5f, 5f};
        SCALAR.roundedForward(new float[] {-0f}, 1, 1, new float[] {1f}, 0, -1, 1, z);
        bits(new float[] {0f, 5f}, z, "by hand, no bias");
        SCALAR.roundedForward(new float[] {1f, 1f}, 1, 2, new float[] {0x1p-24f, 0x1p-24f, 1f},
                0, 2, 1, z);
        bits(new float[] {1f, 5f}, z, "by hand, bias");
    }

    /** The same bits, NaN's too (as {@link Float#floatToIntBits} sees them). */
    private static void bits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                throw new AssertionError(what + " at " + i + ": " + got[i] + ", want "
                        + want[i]);
            }
        }
    }
}
