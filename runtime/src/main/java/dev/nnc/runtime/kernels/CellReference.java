package dev.nnc.runtime.kernels;

import static dev.nnc.runtime.kernels.Activations.BIAS;
import static dev.nnc.runtime.kernels.Activations.EXP_MAX;
import static dev.nnc.runtime.kernels.Activations.EXP_MIN;
import static dev.nnc.runtime.kernels.Activations.LOG2E;
import static dev.nnc.runtime.kernels.Activations.ROUND;
import static dev.nnc.runtime.kernels.Activations.poly;
import static dev.nnc.runtime.kernels.Activations.tanh;

/**
 * The reference of the recurrent cells' element-wise step, one sample's row at a time: the gate
 * inputs zx[z ...] (the input products, bias included; overwritten with the gate values), the
 * recurrent products hu[z ...], the previous states h and c at hT[hp ...] and cT[hp ...], the new
 * ones written at [hn ...]. {@code g} and {@code s} are scratch rows of at least 5·h floats,
 * {@code k} (lstm) one of 4·h, (gru) of h, {@code q} (lstm, gru) one of h.
 *
 * <p>Each value is computed with the operations of the cell's formula, one by one, but in passes
 * over the row: σ and tanh in the passes of their array forms in {@link Activations} (which the
 * JIT vectorizes and which give the bits of the scalar functions), the first pass fused with the
 * sum or product that makes its input and the last with the product that uses its output, where
 * one loop can hold both, then the state. Each loop is one of the row's scalar lead-ins and tails
 * (the JIT's pre- and post-loops, a short row's larger part), so the rows run as few as they
 * can. Every loop reads and writes its arrays from index 0 at the same index, the operands
 * copied there first ({@code System.arraycopy}), and loads what an iteration reads before it
 * stores: JDK 17's JIT does not vectorize a loop whose arrays are read at different offsets,
 * such as {@code zx[z + j]} beside {@code g[j]}, nor one whose iteration stores before a load
 * (the arrays may be one), and runs it one value at a time. {@code CellReferenceTest} holds the
 * rows to the formula computed value by value.
 *
 * <p>The code between the {@code standalone: begin} and {@code standalone: end} comments is the
 * one source of these steps: the runtime jar carries this file, and the compiler copies that part
 * verbatim into every standalone class with a recurrent layer (as private members; σ and tanh
 * are then the copies of {@link Activations}' there). {@link SequenceKernels}' plain steps call
 * it, the standalone class the lstm's and the gru's inference forms {@link #lstmStep} or
 * {@link #gruStep} (held to {@link #lstmRow} and {@link #gruRow} by {@code CellReferenceTest})
 * on the recurrent products, which it emits as loops over U's rows in one array with the sums
 * ({@link #rowsAndSums}; the compiler's {@code RecurrentStandalone}: literal offsets and bounds,
 * which JDK 17's JIT vectorizes and a method's parameters would not let it), summed as
 * {@link #recurrent} sums them (held to {@link DenseReference#dense}); the Vector API steps
 * are specializations held to it bit for bit by {@code KernelContractTest}.
 */
public final class CellReference {
    private CellReference() {
    }

    // standalone: begin
    /** rnn: h = tanh(zx + hu). */
    public static void rnnRow(float[] zx, float[] hu, int z, int h, float[] hT, int hn,
            float[] g, float[] s) {
        System.arraycopy(zx, z, g, 0, h);
        System.arraycopy(hu, z, s, 0, h);
        for (int j = 0; j < h; j++) {
            g[j] = g[j] + s[j];
        }
        tanh(g, g, s, 0, h);
        System.arraycopy(g, 0, hT, hn, h);
    }

    /**
     * lstm, gates (i, o, f, c): c = f·c₋ + i·g, h = o·tanh(c); k a scratch row of at least 4·h
     * floats, q one of at least h (σ of the first three gates and tanh of the fourth are one
     * pass, as in {@code sigmoidTanh}, its first loops on the sum zx + hu).
     */
    public static void lstmRow(float[] zx, float[] hu, int z, int h, float[] cT, float[] hT,
            int hp, int hn, float[] g, float[] s, float[] k, float[] q) {
        System.arraycopy(zx, z, g, 0, 4 * h);
        System.arraycopy(hu, z, s, 0, 4 * h);
        for (int j = 0; j < 3 * h; j++) {
            final float x = Math.min(Math.max(-(g[j] + s[j]), EXP_MIN), EXP_MAX);
            g[j] = x;
            s[j] = x * LOG2E + ROUND;
            k[j] = 0f;
        }
        for (int j = 3 * h; j < 4 * h; j++) {
            final float x = Math.min(Math.max((g[j] + s[j]) * -2f, EXP_MIN), EXP_MAX);
            g[j] = x;
            s[j] = x * LOG2E + ROUND;
            k[j] = 1f;
        }
        for (int j = 0; j < 4 * h; j++) {
            s[j] = Float.intBitsToFloat((Float.floatToRawIntBits(s[j]) - BIAS) << 23);
        }
        for (int j = 0; j < 4 * h; j++) {
            final float x = g[j];
            g[j] = (1f + k[j]) / (poly(x, x * LOG2E + ROUND) * s[j] + 1f) - k[j];
        }
        System.arraycopy(g, 0, zx, z, 4 * h);
        // c = f·c₋ + i·g (i in g, f in s, c₋ in k, g in q) and tanh's first pass on c
        System.arraycopy(g, 2 * h, s, 0, h);
        System.arraycopy(cT, hp, k, 0, h);
        System.arraycopy(g, 3 * h, q, 0, h);
        for (int j = 0; j < h; j++) {
            final float c = s[j] * k[j] + g[j] * q[j];
            k[j] = c;
            final float x = Math.min(Math.max(c * -2f, EXP_MIN), EXP_MAX);
            s[j] = x;
            q[j] = x * LOG2E + ROUND;
        }
        System.arraycopy(k, 0, cT, hn, h);
        for (int j = 0; j < h; j++) {
            q[j] = Float.intBitsToFloat((Float.floatToRawIntBits(q[j]) - BIAS) << 23);
        }
        // tanh's last pass and h = o·tanh(c) (o in g), in one loop
        System.arraycopy(g, h, g, 0, h);
        for (int j = 0; j < h; j++) {
            final float x = s[j];
            g[j] = g[j] * (2f / (poly(x, x * LOG2E + ROUND) * q[j] + 1f) - 1f);
        }
        System.arraycopy(g, 0, hT, hn, h);
    }

    /**
     * The kinds of an lstm's gates (i, o, f, c) for {@link #lstmStep}: 0 for each value of the
     * three σ gates, 1 for each of the tanh gate; 4·h floats.
     */
    public static float[] lstmKinds(int h) {
        float[] kinds = new float[4 * h];
        for (int j = 3 * h; j < 4 * h; j++) {
            kinds[j] = 1f;
        }
        return kinds;
    }

    /**
     * W's rows ({@link DenseReference#rows}) one after another in one array, row k at
     * [k·out, k·out + out), then a row of out zeros where the standalone class's products sum
     * (an instance's own copy): its passes read the rows and write the sums at literal offsets
     * of this one array, which so lie alike against the cache's 64-byte lines wherever the
     * array lies.
     */
    public static float[] rowsAndSums(float[][] rows) {
        int out = rows.length == 0 ? 0 : rows[0].length;
        float[] all = new float[(rows.length + 1) * out];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(rows[k], 0, all, k * out, out);
        }
        return all;
    }

    /**
     * One sample's recurrent products h₋·U into s[0, out): h₋ at x[xo ...] (in values), U as
     * rows ({@link DenseReference#rows}). Each output is summed from 0 by fused multiply-adds in
     * ascending k, as {@link DenseReference#dense} sums it without a bias (its bits), but in s
     * itself, and the first pass of six k adds onto 0 rather than onto a row of zeros.
     */
    public static void recurrent(float[] x, int xo, int in, float[][] u, int out, float[] s) {
        int k = 0;
        if (in >= 6) {
            final float x0 = x[xo];
            final float x1 = x[xo + 1];
            final float x2 = x[xo + 2];
            final float x3 = x[xo + 3];
            final float x4 = x[xo + 4];
            final float x5 = x[xo + 5];
            final float[] w0 = u[0];
            final float[] w1 = u[1];
            final float[] w2 = u[2];
            final float[] w3 = u[3];
            final float[] w4 = u[4];
            final float[] w5 = u[5];
            for (int j = 0; j < out; j++) {
                s[j] = Math.fma(x5, w5[j], Math.fma(x4, w4[j], Math.fma(x3, w3[j],
                        Math.fma(x2, w2[j], Math.fma(x1, w1[j], Math.fma(x0, w0[j], 0f))))));
            }
            k = 6;
        } else {
            for (int j = 0; j < out; j++) {
                s[j] = 0f;
            }
        }
        for (; k + 6 <= in; k += 6) {
            final float x0 = x[xo + k];
            final float x1 = x[xo + k + 1];
            final float x2 = x[xo + k + 2];
            final float x3 = x[xo + k + 3];
            final float x4 = x[xo + k + 4];
            final float x5 = x[xo + k + 5];
            final float[] w0 = u[k];
            final float[] w1 = u[k + 1];
            final float[] w2 = u[k + 2];
            final float[] w3 = u[k + 3];
            final float[] w4 = u[k + 4];
            final float[] w5 = u[k + 5];
            for (int j = 0; j < out; j++) {
                s[j] = Math.fma(x5, w5[j], Math.fma(x4, w4[j], Math.fma(x3, w3[j],
                        Math.fma(x2, w2[j], Math.fma(x1, w1[j], Math.fma(x0, w0[j], s[j]))))));
            }
        }
        if (k + 4 <= in) {
            final float x0 = x[xo + k];
            final float x1 = x[xo + k + 1];
            final float x2 = x[xo + k + 2];
            final float x3 = x[xo + k + 3];
            final float[] w0 = u[k];
            final float[] w1 = u[k + 1];
            final float[] w2 = u[k + 2];
            final float[] w3 = u[k + 3];
            for (int j = 0; j < out; j++) {
                s[j] = Math.fma(x3, w3[j], Math.fma(x2, w2[j],
                        Math.fma(x1, w1[j], Math.fma(x0, w0[j], s[j]))));
            }
            k += 4;
        }
        for (; k < in; k++) {
            final float xv = x[xo + k];
            final float[] wk = u[k];
            for (int j = 0; j < out; j++) {
                s[j] = Math.fma(xv, wk[j], s[j]);
            }
        }
    }

    /**
     * {@link #lstmRow} for inference, the recurrent products already in s (4·h floats from 0,
     * as {@link #recurrent} makes them): the same new states, bit for bit, with the gate values
     * left out of zx (nothing reads them after the step), hu not copied, and the first pass
     * of σ and tanh one loop over the four gates, whose kinds (0 σ, 1 tanh;
     * {@link #lstmKinds}) give each value's multiplier: σ's input −(zx + hu) as −(zx + hu)·1,
     * tanh's (zx + hu)·−2 as −(zx + hu)·2, the same value (NaN aside, whose sign may differ).
     * g a scratch row of at least 4·h floats, k one of at least 4·h, q one of at least h.
     */
    public static void lstmStep(float[] zx, int z, int h, float[] cT, float[] hT, int hp,
            int hn, float[] kinds, float[] g, float[] s, float[] k, float[] q) {
        System.arraycopy(zx, z, g, 0, 4 * h);
        for (int j = 0; j < 4 * h; j++) {
            final float x = Math.min(Math.max(-(g[j] + s[j]) * (1f + kinds[j]), EXP_MIN),
                    EXP_MAX);
            g[j] = x;
            s[j] = x * LOG2E + ROUND;
        }
        for (int j = 0; j < 4 * h; j++) {
            s[j] = Float.intBitsToFloat((Float.floatToRawIntBits(s[j]) - BIAS) << 23);
        }
        for (int j = 0; j < 4 * h; j++) {
            final float x = g[j];
            g[j] = (1f + kinds[j]) / (poly(x, x * LOG2E + ROUND) * s[j] + 1f) - kinds[j];
        }
        // c = f·c₋ + i·g (i in g, f in s, c₋ in k, g in q) and tanh's first pass on c
        System.arraycopy(g, 2 * h, s, 0, h);
        System.arraycopy(cT, hp, k, 0, h);
        System.arraycopy(g, 3 * h, q, 0, h);
        for (int j = 0; j < h; j++) {
            final float c = s[j] * k[j] + g[j] * q[j];
            k[j] = c;
            final float x = Math.min(Math.max(c * -2f, EXP_MIN), EXP_MAX);
            s[j] = x;
            q[j] = x * LOG2E + ROUND;
        }
        System.arraycopy(k, 0, cT, hn, h);
        for (int j = 0; j < h; j++) {
            q[j] = Float.intBitsToFloat((Float.floatToRawIntBits(q[j]) - BIAS) << 23);
        }
        // tanh's last pass and h = o·tanh(c) (o in g), in one loop
        System.arraycopy(g, h, g, 0, h);
        for (int j = 0; j < h; j++) {
            final float x = s[j];
            g[j] = g[j] * (2f / (poly(x, x * LOG2E + ROUND) * q[j] + 1f) - 1f);
        }
        System.arraycopy(g, 0, hT, hn, h);
    }

    /**
     * gru, gates (z, r, h), reset after the recurrent product; bhn &lt; 0: no bias; k and q
     * scratch rows of at least h floats.
     */
    public static void gruRow(float[] zx, float[] hu, int z, int h, float[] p, int bhn,
            float[] hT, int hp, int hn, float[] g, float[] s, float[] k, float[] q) {
        // σ of the gates z and r, its first pass on the sum zx + hu
        System.arraycopy(zx, z, g, 0, 2 * h);
        System.arraycopy(hu, z, s, 0, 2 * h);
        for (int j = 0; j < 2 * h; j++) {
            final float x = Math.min(Math.max(-(g[j] + s[j]), EXP_MIN), EXP_MAX);
            g[j] = x;
            s[j] = x * LOG2E + ROUND;
        }
        for (int j = 0; j < 2 * h; j++) {
            s[j] = Float.intBitsToFloat((Float.floatToRawIntBits(s[j]) - BIAS) << 23);
        }
        for (int j = 0; j < 2 * h; j++) {
            final float x = g[j];
            g[j] = 1f / (poly(x, x * LOG2E + ROUND) * s[j] + 1f);
        }
        System.arraycopy(g, 0, zx, z, 2 * h);
        // the new gate's input zx + r·u, u the recurrent product with its bias (zx in s, r in
        // k, the product in g, the bias in q; u back to hu), and tanh's first pass on it
        System.arraycopy(g, h, k, 0, h);
        System.arraycopy(hu, z + 2 * h, g, 0, h);
        System.arraycopy(zx, z + 2 * h, s, 0, h);
        if (bhn >= 0) {
            System.arraycopy(p, bhn, q, 0, h);
            for (int j = 0; j < h; j++) {
                final float u = g[j] + q[j];
                final float x = Math.min(Math.max((s[j] + k[j] * u) * -2f, EXP_MIN), EXP_MAX);
                g[j] = u;
                s[j] = x;
                k[j] = x * LOG2E + ROUND;
            }
            System.arraycopy(g, 0, hu, z + 2 * h, h);
        } else {
            for (int j = 0; j < h; j++) {
                final float x = Math.min(Math.max((s[j] + k[j] * g[j]) * -2f, EXP_MIN),
                        EXP_MAX);
                s[j] = x;
                k[j] = x * LOG2E + ROUND;
            }
        }
        for (int j = 0; j < h; j++) {
            k[j] = Float.intBitsToFloat((Float.floatToRawIntBits(k[j]) - BIAS) << 23);
        }
        for (int j = 0; j < h; j++) {
            final float x = s[j];
            s[j] = 2f / (poly(x, x * LOG2E + ROUND) * k[j] + 1f) - 1f;
        }
        System.arraycopy(s, 0, zx, z + 2 * h, h);
        // h = (1 − z)·n + z·h₋ (z in g, n in s, h₋ in q)
        System.arraycopy(zx, z, g, 0, h);
        System.arraycopy(hT, hp, q, 0, h);
        for (int j = 0; j < h; j++) {
            final float gz = g[j];
            q[j] = (1f - gz) * s[j] + gz * q[j];
        }
        System.arraycopy(q, 0, hT, hn, h);
    }

    /**
     * {@link #gruRow} for inference, the recurrent products already in s (3·h floats from 0, as
     * {@link #recurrent} makes them): the same new state, bit for bit, with the gate values left
     * out of zx and u out of hu (nothing reads them after the step) and hu not copied. (tanh's
     * last pass on the new gate and the state's loop stay two: as one, the loop's body is too
     * large for JDK 17's JIT to unroll and so to vectorize, and fmnist_gru's standalone class
     * took 1.16 times as long.) b the Bhn row (h floats from 0,
     * {@link DenseReference#bias}) or null (no bias); g a scratch row of at least 2·h floats,
     * k and q ones of at least h.
     */
    public static void gruStep(float[] zx, int z, int h, float[] b, float[] hT, int hp, int hn,
            float[] g, float[] s, float[] k, float[] q) {
        // σ of the gates z and r, its first pass on the sum zx + hu
        System.arraycopy(zx, z, g, 0, 2 * h);
        for (int j = 0; j < 2 * h; j++) {
            final float x = Math.min(Math.max(-(g[j] + s[j]), EXP_MIN), EXP_MAX);
            g[j] = x;
            s[j] = x * LOG2E + ROUND;
        }
        for (int j = 0; j < 2 * h; j++) {
            s[j] = Float.intBitsToFloat((Float.floatToRawIntBits(s[j]) - BIAS) << 23);
        }
        for (int j = 0; j < 2 * h; j++) {
            final float x = g[j];
            g[j] = 1f / (poly(x, x * LOG2E + ROUND) * s[j] + 1f);
        }
        // the new gate's input zx + r·u, u the recurrent product with its bias (zx in s, r in
        // k, the product in q), and tanh's first pass on it
        System.arraycopy(g, h, k, 0, h);
        System.arraycopy(s, 2 * h, q, 0, h);
        System.arraycopy(zx, z + 2 * h, s, 0, h);
        if (b != null) {
            for (int j = 0; j < h; j++) {
                final float u = q[j] + b[j];
                final float x = Math.min(Math.max((s[j] + k[j] * u) * -2f, EXP_MIN), EXP_MAX);
                s[j] = x;
                k[j] = x * LOG2E + ROUND;
            }
        } else {
            for (int j = 0; j < h; j++) {
                final float x = Math.min(Math.max((s[j] + k[j] * q[j]) * -2f, EXP_MIN),
                        EXP_MAX);
                s[j] = x;
                k[j] = x * LOG2E + ROUND;
            }
        }
        for (int j = 0; j < h; j++) {
            k[j] = Float.intBitsToFloat((Float.floatToRawIntBits(k[j]) - BIAS) << 23);
        }
        for (int j = 0; j < h; j++) {
            final float x = s[j];
            s[j] = 2f / (poly(x, x * LOG2E + ROUND) * k[j] + 1f) - 1f;
        }
        // h = (1 − z)·n + z·h₋ (z in g, n in s, h₋ in q)
        System.arraycopy(hT, hp, q, 0, h);
        for (int j = 0; j < h; j++) {
            final float gz = g[j];
            q[j] = (1f - gz) * s[j] + gz * q[j];
        }
        System.arraycopy(q, 0, hT, hn, h);
    }
    // standalone: end
}
