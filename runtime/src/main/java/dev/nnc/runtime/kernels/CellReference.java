package dev.nnc.runtime.kernels;

import static dev.nnc.runtime.kernels.Activations.sigmoid;
import static dev.nnc.runtime.kernels.Activations.tanh;

/**
 * The reference of the recurrent cells' element-wise step, one sample's row at a time: the gate
 * inputs zx[z ...] (the input products, bias included; overwritten with the gate values), the
 * recurrent products hu[z ...], the previous states h and c at hT[hp ...] and cT[hp ...], the new
 * ones written at [hn ...]. {@code g} and {@code s} are scratch rows of at least 5·h floats.
 *
 * <p>Each value is computed with the operations of the cell's formula, one by one, but in passes
 * over the row: the gates' pre-activations into {@code g}, σ and tanh over ranges of {@code g}
 * (the array forms of {@link Activations}, which the JIT vectorizes and which give the bits of
 * the scalar functions), then the state.
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
        for (int j = 0; j < h; j++) {
            g[j] = zx[z + j] + hu[z + j];
        }
        tanh(g, g, s, 0, h);
        System.arraycopy(g, 0, hT, hn, h);
    }

    /** lstm, gates (i, o, f, c): c = f·c₋ + i·g, h = o·tanh(c). */
    public static void lstmRow(float[] zx, float[] hu, int z, int h, float[] cT, float[] hT,
            int hp, int hn, float[] g, float[] s) {
        for (int j = 0; j < 4 * h; j++) {
            g[j] = zx[z + j] + hu[z + j];
        }
        sigmoid(g, g, s, 0, 3 * h);
        tanh(g, g, s, 3 * h, 4 * h);
        System.arraycopy(g, 0, zx, z, 4 * h);
        for (int j = 0; j < h; j++) {
            final float cv = g[2 * h + j] * cT[hp + j] + g[j] * g[3 * h + j];
            cT[hn + j] = cv;
            g[4 * h + j] = cv;
        }
        tanh(g, g, s, 4 * h, 5 * h);
        for (int j = 0; j < h; j++) {
            hT[hn + j] = g[h + j] * (g[4 * h + j]);
        }
    }

    /** gru, gates (z, r, h), reset after the recurrent product; bhn &lt; 0: no bias. */
    public static void gruRow(float[] zx, float[] hu, int z, int h, float[] p, int bhn,
            float[] hT, int hp, int hn, float[] g, float[] s) {
        for (int j = 0; j < 2 * h; j++) {
            g[j] = zx[z + j] + hu[z + j];
        }
        sigmoid(g, g, s, 0, 2 * h);
        for (int j = 0; j < h; j++) {
            final float hv = bhn >= 0 ? hu[z + 2 * h + j] + p[bhn + j] : hu[z + 2 * h + j];
            hu[z + 2 * h + j] = hv;
            g[2 * h + j] = zx[z + 2 * h + j] + g[h + j] * hv;
        }
        tanh(g, g, s, 2 * h, 3 * h);
        System.arraycopy(g, 0, zx, z, 3 * h);
        for (int j = 0; j < h; j++) {
            final float gz = g[j];
            hT[hn + j] = (1f - gz) * g[2 * h + j] + gz * hT[hp + j];
        }
    }
    // standalone: end
}
