package dev.nnc.runtime.kernels;

import static dev.nnc.runtime.kernels.Activations.sigmoid;
import static dev.nnc.runtime.kernels.Activations.tanh;

/**
 * The reference of the recurrent cells' element-wise step in inference, one sample's row at a
 * time: the gate inputs zx[z ...] (the input products, bias included; overwritten with the gate
 * values), the recurrent products hu[z ...], the previous states h and c at hT[hp ...] and
 * cT[hp ...], the new ones written at [hn ...], for the units [from, h).
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
    public static void rnnRow(float[] zx, float[] hu, int z, int h, float[] hT, int hn) {
        for (int j = 0; j < h; j++) {
            hT[hn + j] = tanh(zx[z + j] + hu[z + j]);
        }
    }

    /** lstm, gates (i, o, f, c): c = f·c₋ + i·g, h = o·tanh(c). */
    public static void lstmRow(float[] zx, float[] hu, int z, int h, float[] cT, float[] hT,
            int hp, int hn, int from) {
        for (int j = from; j < h; j++) {
            final float gi = sigmoid(zx[z + j] + hu[z + j]);
            final float go = sigmoid(zx[z + h + j] + hu[z + h + j]);
            final float gf = sigmoid(zx[z + 2 * h + j] + hu[z + 2 * h + j]);
            final float gc = tanh(zx[z + 3 * h + j] + hu[z + 3 * h + j]);
            zx[z + j] = gi;
            zx[z + h + j] = go;
            zx[z + 2 * h + j] = gf;
            zx[z + 3 * h + j] = gc;
            final float cv = gf * cT[hp + j] + gi * gc;
            cT[hn + j] = cv;
            hT[hn + j] = go * (tanh(cv));
        }
    }

    /** gru, gates (z, r, h), reset after the recurrent product; bhn &lt; 0: no bias. */
    public static void gruRow(float[] zx, float[] hu, int z, int h, float[] p, int bhn,
            float[] hT, int hp, int hn, int from) {
        for (int j = from; j < h; j++) {
            final float gz = sigmoid(zx[z + j] + hu[z + j]);
            final float gr = sigmoid(zx[z + h + j] + hu[z + h + j]);
            final float hv = bhn >= 0 ? hu[z + 2 * h + j] + p[bhn + j] : hu[z + 2 * h + j];
            hu[z + 2 * h + j] = hv;
            final float gh = tanh(zx[z + 2 * h + j] + gr * hv);
            zx[z + j] = gz;
            zx[z + h + j] = gr;
            zx[z + 2 * h + j] = gh;
            hT[hn + j] = (1f - gz) * gh + gz * hT[hp + j];
        }
    }
    // standalone: end
}
