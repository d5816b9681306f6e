package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The gate products give the bits of {@link DenseReference#dense}, the sums made value by value.
 * The cells' reference rows, whose loops fuse the passes of σ and tanh with the sums and
 * products around them, give the bits of the cell's formula computed one value at a time with
 * the scalar {@link Activations#sigmoid(float)} and {@link Activations#tanh(float)}: the gate
 * values in zx, the GRU's recurrent product with its bias in hu, the new states. The lstm's
 * and the gru's inference forms (the standalone class's) give the bits of the dense product and
 * the rows.
 */
class CellReferenceTest {
    private static final int[] UNITS = {1, 7, 16, 17, 64};

    @Test
    void lstmRowIsTheFormulaValueByValue() {
        for (int h : UNITS) {
            Random r = new Random(h);
            int z = 3 * 4 * h;
            float[] zx = values(r, z + 4 * h + 5);
            float[] hu = values(r, zx.length);
            float[] cT = values(r, 3 * h);
            float[] hT = values(r, 3 * h);
            float[] wantZx = zx.clone();
            float[] wantC = cT.clone();
            float[] wantH = hT.clone();
            for (int j = 0; j < h; j++) {
                float i = Activations.sigmoid(zx[z + j] + hu[z + j]);
                float o = Activations.sigmoid(zx[z + h + j] + hu[z + h + j]);
                float f = Activations.sigmoid(zx[z + 2 * h + j] + hu[z + 2 * h + j]);
                float g = Activations.tanh(zx[z + 3 * h + j] + hu[z + 3 * h + j]);
                float c = f * cT[h + j] + i * g;
                wantZx[z + j] = i;
                wantZx[z + h + j] = o;
                wantZx[z + 2 * h + j] = f;
                wantZx[z + 3 * h + j] = g;
                wantC[2 * h + j] = c;
                wantH[2 * h + j] = o * Activations.tanh(c);
            }
            CellReference.lstmRow(zx, hu, z, h, cT, hT, h, 2 * h, new float[5 * h],
                    new float[5 * h], new float[4 * h], new float[h]);
            bits(wantZx, zx, "lstm zx, h=" + h);
            bits(wantC, cT, "lstm c, h=" + h);
            bits(wantH, hT, "lstm h, h=" + h);
        }
    }

    @Test
    void recurrentGivesDensesSumsWithoutBias() {
        for (int in : new int[] {1, 4, 5, 6, 7, 10, 11, 16, 64}) {
            for (int out : UNITS) {
                Random r = new Random(in * 131 + out);
                float[] x = values(r, 3 * in);
                float[][] u = DenseReference.rows(values(r, in * out + 2), 2, in, out);
                float[] want = new float[3 * out];
                DenseReference.dense(x, 1, 2, in, u, null, out, want, new float[out]);
                float[] got = values(r, out + 3);
                CellReference.recurrent(x, in, in, u, out, got);
                bits(Arrays.copyOfRange(want, out, 2 * out),
                        Arrays.copyOf(got, out), "recurrent, in=" + in + " out=" + out);
            }
        }
    }

    @Test
    void rowsAndSumsHoldsEachRowAtItsOffsetThenARowOfZeros() {
        for (int in : new int[] {1, 4, 11, 12, 13, 28, 64}) {
            Random rnd = new Random(in * 31);
            float[][] rows = DenseReference.rows(values(rnd, in * 7), 0, in, 7);
            float[] all = CellReference.rowsAndSums(rows);
            assertEquals((in + 1) * 7, all.length, "length, in=" + in);
            for (int k = 0; k < in; k++) {
                bits(rows[k], Arrays.copyOfRange(all, k * 7, k * 7 + 7),
                        "row " + k + ", in=" + in);
            }
            bits(new float[7], Arrays.copyOfRange(all, in * 7, in * 7 + 7), "sums, in=" + in);
        }
    }

    @Test
    void lstmStepGivesLstmRowsStatesAndLeavesZx() {
        for (int h : UNITS) {
            Random r = new Random(100 + h);
            int z = 2 * 4 * h;
            float[] zx = values(r, z + 4 * h + 3);
            float[] hu = values(r, zx.length);
            float[] cT = values(r, 3 * h);
            float[] hT = values(r, 3 * h);
            float[] rowZx = zx.clone();
            float[] rowC = cT.clone();
            float[] rowH = hT.clone();
            CellReference.lstmRow(rowZx, hu, z, h, rowC, rowH, 0, 2 * h, new float[5 * h],
                    new float[5 * h], new float[4 * h], new float[h]);
            float[] stepZx = zx.clone();
            float[] stepC = cT.clone();
            float[] stepH = hT.clone();
            // the products in s from 0; scratch left dirty by an earlier step (s past them too)
            float[] s = values(r, 5 * h);
            System.arraycopy(hu, z, s, 0, 4 * h);
            CellReference.lstmStep(stepZx, z, h, stepC, stepH, 0, 2 * h,
                    CellReference.lstmKinds(h), values(r, 5 * h), s, values(r, 4 * h),
                    values(r, h));
            bits(zx, stepZx, "lstmStep leaves zx, h=" + h);
            bits(rowC, stepC, "lstmStep c, h=" + h);
            bits(rowH, stepH, "lstmStep h, h=" + h);
        }
    }

    @Test
    void gruRowIsTheFormulaValueByValueWithAndWithoutBias() {
        for (int h : UNITS) {
            for (boolean bias : new boolean[] {true, false}) {
                Random r = new Random(h * 2 + (bias ? 1 : 0));
                int z = 2 * 3 * h;
                float[] zx = values(r, z + 3 * h + 5);
                float[] hu = values(r, zx.length);
                float[] hT = values(r, 3 * h);
                float[] p = values(r, h + 4);
                int bhn = bias ? 3 : -1;
                float[] wantZx = zx.clone();
                float[] wantHu = hu.clone();
                float[] wantH = hT.clone();
                for (int j = 0; j < h; j++) {
                    float zg = Activations.sigmoid(zx[z + j] + hu[z + j]);
                    float rg = Activations.sigmoid(zx[z + h + j] + hu[z + h + j]);
                    float u = bias ? hu[z + 2 * h + j] + p[bhn + j] : hu[z + 2 * h + j];
                    float n = Activations.tanh(zx[z + 2 * h + j] + rg * u);
                    wantZx[z + j] = zg;
                    wantZx[z + h + j] = rg;
                    wantZx[z + 2 * h + j] = n;
                    wantHu[z + 2 * h + j] = u;
                    wantH[2 * h + j] = (1f - zg) * n + zg * hT[h + j];
                }
                CellReference.gruRow(zx, hu, z, h, p, bhn, hT, h, 2 * h, new float[5 * h],
                        new float[5 * h], new float[h], new float[h]);
                String what = "gru, h=" + h + ", bias " + bias;
                bits(wantZx, zx, what + ": zx");
                bits(wantHu, hu, what + ": hu");
                bits(wantH, hT, what + ": h");
            }
        }
    }

    @Test
    void gruStepGivesGruRowsStateAndLeavesZxWithAndWithoutBias() {
        for (int h : UNITS) {
            for (boolean bias : new boolean[] {true, false}) {
                Random r = new Random(200 + h * 2 + (bias ? 1 : 0));
                int z = 2 * 3 * h;
                float[] zx = values(r, z + 3 * h + 3);
                float[] hu = values(r, zx.length);
                float[] hT = values(r, 3 * h);
                float[] p = values(r, h + 4);
                int bhn = bias ? 3 : -1;
                float[] rowH = hT.clone();
                CellReference.gruRow(zx.clone(), hu.clone(), z, h, p, bhn, rowH, 0, 2 * h,
                        new float[5 * h], new float[5 * h], new float[h], new float[h]);
                float[] stepZx = zx.clone();
                float[] stepH = hT.clone();
                // the products in s from 0; scratch left dirty by an earlier step (s past them)
                float[] s = values(r, 5 * h);
                System.arraycopy(hu, z, s, 0, 3 * h);
                CellReference.gruStep(stepZx, z, h, DenseReference.bias(p, bhn, h), stepH, 0,
                        2 * h, values(r, 5 * h), s, values(r, h), values(r, h));
                String what = "gruStep, h=" + h + ", bias " + bias;
                bits(zx, stepZx, what + ": leaves zx");
                bits(rowH, stepH, what + ": h");
            }
        }
    }

    /** Values over σ's and tanh's whole range: small, large, zeros of both signs, NaN (any NaN). */
    static float[] values(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (r.nextInt(12)) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2 -> (float) (r.nextGaussian() * 60);
                case 3 -> i % 5 == 0 ? Float.NaN : 1e-30f;
                default -> (float) (r.nextGaussian() * 3);
            };
        }
        return v;
    }

    static void bits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
                    what + " at " + i + ": " + want[i] + " vs " + got[i]);
        }
    }
}
