package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.runtime.model.Rng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The recurrent weights packed once per pass over a sequence (held by the bound
 * {@link KernelContext}, {@code Prepared}) give the bits of the products that read U and Uᵀ
 * themselves at every step (no context bound): forward and backward steps of the LSTM and the
 * GRU, on 1 and 3 threads, on shapes across the product's block edges (gate widths past KC = 256
 * steps of k and past NC columns of a packed block, rows that are not a whole micro-kernel block),
 * with the weights changed between two passes (each pass packs them anew).
 */
class PreparedWeightsTest {
    private static final int T = 4;

    @Test
    void stepsOnPreparedWeightsGiveTheBitsOfStepsThatPackAtEveryStep() {
        SequenceKernels k = SequenceKernels.get();
        int[][] shapes = {{64, 64}, {9, 13}, {13, 100}, {5, 130}};
        for (SequenceKernels.Cell cell : new SequenceKernels.Cell[] {
            SequenceKernels.Cell.LSTM, SequenceKernels.Cell.GRU}) {
            for (int[] s : shapes) {
                int n = s[0];
                int h = s[1];
                String at = cell + " n=" + n + " h=" + h;
                List<float[]> want = passes(k, cell, n, h);
                for (int threads : new int[] {1, 3}) {
                    List<float[]> got;
                    try (KernelContext c = KernelContext.open(threads)) {
                        KernelContext.Binding b = c.bind();
                        got = passes(k, cell, n, h);
                        b.close();
                    }
                    for (int i = 0; i < want.size(); i++) {
                        bits(want.get(i), got.get(i),
                                at + " on " + threads + " threads, array " + i);
                    }
                }
            }
        }
    }

    /** Two forward and backward passes, U changed between them; every buffer after each. */
    private static List<float[]> passes(SequenceKernels k, SequenceKernels.Cell cell, int n,
            int h) {
        int gh = cell.gates() * h;
        Rng rng = new Rng(n * 31L + h);
        int u = 3;
        int bhn = u + h * gh;
        float[] p = values(bhn + h, rng);
        float[] gout = values(n * T * h, rng);
        float[] zx0 = values(T * n * gh, rng);
        List<float[]> out = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            float[] zx = zx0.clone();
            float[] hu = new float[T * n * gh];
            float[] hT = new float[(T + 1) * n * h];
            float[] cT = new float[(T + 1) * n * h];
            for (int s = 0; s < T; s++) {
                k.forwardStep(cell, hT, s * n, n, h, p, u, bhn, hu, zx, cT, (s + 1) * n * h,
                        s == 0);
            }
            float[] ut = new float[h * gh];
            SequenceKernels.transpose(p, u, h, gh, ut);
            float[] dhp = new float[(T + 1) * n * h];
            float[] dc = new float[n * h];
            float[] dz = new float[T * n * gh];
            float[] dzh = new float[T * n * gh];
            float[] dhd = new float[n * h];
            boolean gru = cell == SequenceKernels.Cell.GRU;
            SequenceKernels.Backward b = SequenceKernels.Backward.of(cell, h, zx, gru ? hu : null,
                    hT, gru ? null : cT, dhp, gru ? null : dc, dz, gru ? dzh : null,
                    gru ? dhd : null, ut);
            for (int s = T - 1; s >= 0; s--) {
                k.backwardStep(b, s * n, n, (s + 1) * n * h, (s + 1) * n, s == T - 1, gout,
                        s * h, T * h, true, s == 0);
            }
            out.addAll(List.of(zx, hu, hT, cT, dhp, dc, dz, dzh, dhd));
            // the optimizer's step between two batches: the next pass must see the new U
            for (int i = u; i < bhn; i++) {
                p[i] *= 0.5f;
            }
        }
        return out;
    }

    private static float[] values(int size, Rng rng) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (rng.nextDouble() - 0.5);
        }
        return v;
    }

    private static void bits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    what + " at " + i);
        }
    }
}
