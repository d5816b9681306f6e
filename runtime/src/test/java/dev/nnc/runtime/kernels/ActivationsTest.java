package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ActivationsTest {

    /** Random values spread over exp's whole range, and the edges. */
    private static float[] inputs(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        float[] edges = {0f, -0f, 1e-30f, -1e-30f, 87.3f, -87.3f, 88.3f, 88.4f, -88f, 100f,
            -100f, 1e30f, -1e30f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, 0.5f * (float) Math.log(2), -0.5f * (float) Math.log(2)};
        int k = Math.min(n, edges.length);
        System.arraycopy(edges, 0, v, 0, k);
        for (int i = k; i < n; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * (i % 3 == 0 ? 90 : i % 3 == 1 ? 10 : 1));
        }
        return v;
    }

    @Test
    void expIsWithinTwoUlpOfTheJdksInItsRange() {
        float[] v = inputs(200_000, 1);
        for (float x : v) {
            if (x < Activations.EXP_MIN || x > Activations.EXP_MAX) {
                continue;
            }
            float want = (float) Math.exp(x);
            float got = Activations.exp(x);
            assertTrue(Math.abs(got - want) <= 2 * Math.ulp(want),
                    () -> "exp(" + x + ") = " + got + ", Math.exp: " + want);
        }
    }

    @Test
    void sigmoidAndTanhStayInTheirRangesAndKeepNaN() {
        for (float x : inputs(10_000, 2)) {
            float s = Activations.sigmoid(x);
            float t = Activations.tanh(x);
            assertTrue(s >= 0f && s <= 1f, "sigmoid(" + x + ") = " + s);
            assertTrue(t >= -1f && t <= 1f, "tanh(" + x + ") = " + t);
            assertEquals(1 / (1 + Math.exp(-x)), s, 2e-7, "sigmoid(" + x + ")");
            assertEquals(Math.tanh(x), t, 3e-7, "tanh(" + x + ")");
        }
        assertEquals(0.5f, Activations.sigmoid(0f));
        assertEquals(0f, Activations.tanh(0f));
        assertTrue(Float.isNaN(Activations.sigmoid(Float.NaN)));
        assertTrue(Float.isNaN(Activations.tanh(Float.NaN)));
    }

    @Test
    void theArrayKernelGivesTheBitsOfTheScalarSigmoid() {
        for (int len : new int[] {1, 7, 16, 160, 1001}) {
            float[] in = inputs(len + 3, len);
            in[len / 2] = Float.NaN;
            float[] out = new float[len + 3];
            Activations.sigmoid(in, out, new float[len], len);
            for (int i = 0; i < len; i++) {
                assertEquals(Float.floatToRawIntBits(Activations.sigmoid(in[i])),
                        Float.floatToRawIntBits(out[i]), "sigmoid(" + in[i] + ") at " + i);
            }
            assertEquals(0f, out[len], "wrote past len");
            // in place, after the JIT has had the loops for a while
            float[] again = in.clone();
            for (int rep = 0; rep < 2000; rep++) {
                again = in.clone();
                Activations.sigmoid(again, again, new float[len], len);
            }
            for (int i = 0; i < len; i++) {
                assertEquals(Float.floatToRawIntBits(out[i]), Float.floatToRawIntBits(again[i]));
            }
        }
    }

    @Test
    void theMixedArrayKernelGivesTheBitsOfTheScalarSigmoidAndTanh() {
        for (int[] r : new int[][] {{0, 0, 1}, {0, 3, 4}, {0, 192, 256}, {5, 101, 300}}) {
            int from = r[0];
            int split = r[1];
            int to = r[2];
            float[] in = inputs(to + 3, to);
            // the edge cases at the start of each part
            System.arraycopy(in, 0, in, split, Math.min(18, to - split));
            in[(from + split) / 2] = Float.NaN;
            in[(split + to) / 2] = Float.NaN;
            float[] out = new float[to + 3];
            Activations.sigmoidTanh(in, out, new float[to], new float[to], from, split, to);
            for (int i = from; i < to; i++) {
                float want = i < split ? Activations.sigmoid(in[i]) : Activations.tanh(in[i]);
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(out[i]),
                        (i < split ? "sigmoid(" : "tanh(") + in[i] + ") at " + i);
            }
            assertEquals(0f, out[to], "wrote past to");
            // in place, after the JIT has had the loops for a while
            float[] again = in.clone();
            for (int rep = 0; rep < 2000; rep++) {
                again = in.clone();
                Activations.sigmoidTanh(again, again, new float[to], new float[to], from, split,
                        to);
            }
            for (int i = from; i < to; i++) {
                assertEquals(Float.floatToRawIntBits(out[i]), Float.floatToRawIntBits(again[i]));
            }
        }
    }

    /**
     * The recurrent cells' element-wise steps give the same bits in the kernels in use (the
     * Vector API ones when the JVM has the module, as under these tests) and in the plain ones.
     */
    @Test
    void vectorAndPlainCellsComputeTheSameBits() {
        int h = 21;
        int rows = 3;
        Random r = new Random(5);
        for (SequenceKernels.Cell cell : List.of(SequenceKernels.Cell.LSTM,
                SequenceKernels.Cell.GRU, SequenceKernels.Cell.RNN)) {
            int g = cell.gates();
            float[] zx = new float[rows * g * h];
            float[] hu = new float[rows * g * h];
            float[] st = new float[2 * rows * h];
            float[] p = new float[h];
            for (float[] a : new float[][] {zx, hu, st, p}) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (r.nextGaussian() * 3);
                }
            }
            float[][] results = new float[2][];
            int k = 0;
            for (SequenceKernels sk : new SequenceKernels[] {SequenceKernels.get(),
                SequenceKernels.scalar()}) {
                float[] z = zx.clone();
                float[] u = hu.clone();
                float[] hT = st.clone();
                float[] cT = st.clone();
                switch (cell) {
                    case LSTM -> sk.lstmForward(z, u, 0, rows, h, cT, hT, 0,
                            rows * h);
                    case GRU -> sk.gruForward(z, u, 0, rows, h, p, 0, hT, 0,
                            rows * h);
                    default -> sk.rnnForward(z, u, 0, rows, h, hT, rows * h);
                }
                float[] all = new float[z.length + u.length + hT.length + cT.length];
                System.arraycopy(z, 0, all, 0, z.length);
                System.arraycopy(u, 0, all, z.length, u.length);
                System.arraycopy(hT, 0, all, z.length + u.length, hT.length);
                System.arraycopy(cT, 0, all, z.length + u.length + hT.length, cT.length);
                results[k++] = all;
            }
            assertArrayEquals(results[1], results[0], "cell " + cell);
        }
    }

    /** The LSTM's backward step too (it recomputes tanh(c)). */
    @Test
    void vectorAndPlainLstmBackwardComputeTheSameBits() {
        int h = 19;
        Random r = new Random(9);
        float[] zx = new float[4 * h];
        float[] cT = new float[2 * h];
        float[] dhp = new float[h];
        float[] gout = new float[h];
        float[] dc = new float[h];
        for (float[] a : new float[][] {zx, cT, dhp, gout, dc}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (r.nextGaussian() * 2);
            }
        }
        for (boolean first : new boolean[] {false, true}) {
            float[][] results = new float[2][];
            int k = 0;
            for (SequenceKernels sk : new SequenceKernels[] {SequenceKernels.get(),
                SequenceKernels.scalar()}) {
                float[] dz = new float[4 * h];
                float[] d = dc.clone();
                sk.lstmBackwardRow(zx, 0, h, cT, 0, h, dhp, 0, first, gout, 0, true, d, 0, dz,
                        0);
                float[] all = new float[dz.length + d.length];
                System.arraycopy(dz, 0, all, 0, dz.length);
                System.arraycopy(d, 0, all, dz.length, d.length);
                results[k++] = all;
            }
            assertArrayEquals(results[1], results[0], "first " + first);
        }
    }
}
