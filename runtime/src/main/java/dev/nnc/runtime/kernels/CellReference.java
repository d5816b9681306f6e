package dev.nnc.runtime.kernels;

import static dev.nnc.runtime.kernels.Activations.sigmoid;
import static dev.nnc.runtime.kernels.Activations.sigmoidTanh;
import static dev.nnc.runtime.kernels.Activations.tanh;

/**
 * The reference of the recurrent cells' element-wise step, one sample's row at a time: the gate
 * inputs zx[z ...] (the input products, bias included; overwritten with the gate values), the
 * recurrent products hu[z ...], the previous states h and c at hT[hp ...] and cT[hp ...], the new
 * ones written at [hn ...]. {@code g} and {@code s} are scratch rows of at least 5·h floats,
 * {@code k} (lstm, gru) one of 4·h.
 *
 * <p>Each value is computed with the operations of the cell's formula, one by one, but in passes
 * over the row: the gates' pre-activations into {@code g}, σ and tanh over ranges of {@code g}
 * (the array forms of {@link Activations}, which the JIT vectorizes and which give the bits of
 * the scalar functions), then the state. Every loop reads and writes its arrays from index 0 at
 * the same index, the operands copied there first ({@code System.arraycopy}): JDK 17's JIT does
 * not vectorize a loop whose arrays are read at different offsets, such as {@code zx[z + j]}
 * beside {@code g[j]}, and runs it one value at a time.
 *
 * <p>The code between the {@code standalone: begin} and {@code standalone: end} comments is the
 * one source of these steps: the runtime jar carries this file, and the compiler copies that part
 * verbatim into every standalone class with a recurrent layer (as private members; σ and tanh
 * are then the copies of {@link Activations}' there). {@link SequenceKernels}' plain steps call
 * it; the Vector API steps are specializations held to it bit for bit by
 * {@code KernelContractTest}.
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
     * floats (σ of the first three gates and tanh of the fourth are one call).
     */
    public static void lstmRow(float[] zx, float[] hu, int z, int h, float[] cT, float[] hT,
            int hp, int hn, float[] g, float[] s, float[] k) {
        System.arraycopy(zx, z, g, 0, 4 * h);
        System.arraycopy(hu, z, s, 0, 4 * h);
        for (int j = 0; j < 4 * h; j++) {
            g[j] = g[j] + s[j];
        }
        sigmoidTanh(g, g, s, k, 0, 3 * h, 4 * h);
        System.arraycopy(g, 0, zx, z, 4 * h);
        // c = f·c₋ (f in s, c₋ in k), then + i·g (i in g, g in s), into k
        System.arraycopy(g, 2 * h, s, 0, h);
        System.arraycopy(cT, hp, k, 0, h);
        for (int j = 0; j < h; j++) {
            k[j] = s[j] * k[j];
        }
        System.arraycopy(g, 3 * h, s, 0, h);
        for (int j = 0; j < h; j++) {
            k[j] = k[j] + g[j] * s[j];
        }
        System.arraycopy(k, 0, cT, hn, h);
        // h = o·tanh(c) (o in s, tanh(c) in k)
        tanh(k, k, s, 0, h);
        System.arraycopy(g, h, s, 0, h);
        for (int j = 0; j < h; j++) {
            s[j] = s[j] * k[j];
        }
        System.arraycopy(s, 0, hT, hn, h);
    }

    /**
     * gru, gates (z, r, h), reset after the recurrent product; bhn &lt; 0: no bias; k a scratch
     * row of at least h floats.
     */
    public static void gruRow(float[] zx, float[] hu, int z, int h, float[] p, int bhn,
            float[] hT, int hp, int hn, float[] g, float[] s, float[] k) {
        System.arraycopy(zx, z, g, 0, 2 * h);
        System.arraycopy(hu, z, s, 0, 2 * h);
        for (int j = 0; j < 2 * h; j++) {
            g[j] = g[j] + s[j];
        }
        sigmoid(g, g, s, 0, 2 * h);
        // the recurrent product of the new gate, bias included, in s and back in hu
        System.arraycopy(hu, z + 2 * h, s, 0, h);
        if (bhn >= 0) {
            System.arraycopy(p, bhn, k, 0, h);
            for (int j = 0; j < h; j++) {
                s[j] = s[j] + k[j];
            }
        }
        System.arraycopy(s, 0, hu, z + 2 * h, h);
        // the gates z and r to zx; the new gate's input, zx + r·hu (zx in g, r in k), into s,
        // in one loop, and its tanh
        System.arraycopy(g, 0, zx, z, 2 * h);
        System.arraycopy(g, h, k, 0, h);
        System.arraycopy(zx, z + 2 * h, g, 0, h);
        for (int j = 0; j < h; j++) {
            s[j] = g[j] + k[j] * s[j];
        }
        tanh(s, s, k, 0, h);
        System.arraycopy(s, 0, zx, z + 2 * h, h);
        // h = (1 − z)·n + z·h₋ (z in g, n in s, h₋ in k)
        System.arraycopy(zx, z, g, 0, h);
        System.arraycopy(hT, hp, k, 0, h);
        for (int j = 0; j < h; j++) {
            final float gz = g[j];
            k[j] = (1f - gz) * s[j] + gz * k[j];
        }
        System.arraycopy(k, 0, hT, hn, h);
    }
    // standalone: end
}
