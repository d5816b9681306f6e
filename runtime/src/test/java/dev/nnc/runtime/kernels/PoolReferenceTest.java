package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.Rng;
import org.junit.jupiter.api.Test;

/**
 * Pooling's contract: the runtime's max pooling kernels (the Vector API's in this test JVM, with
 * its 2×2 stride-2 form, and the plain ones), with and without the positions of the maxima, give
 * the bits of {@link PoolReference#maxPool} for windows 1×1 to 3×3, strides 1 to 3 and output
 * widths across the vector width, with ±0, NaN and ties among the values; the reference's
 * maximum is the value at the position the training kernel records (the first of ties).
 * {@link PoolReference#maxPoolRelu} gives the bits of {@link PoolReference#maxPool} of
 * {@link Activations#relu}'s output, with ±0, ±∞, NaNs of either sign, subnormals and ties.
 * {@link PoolReference#avgPool} is the exact mean within the bound of a float sum.
 */
class PoolReferenceTest {
    private static final float[] SPECIAL = {0f, -0f, Float.NaN, 1f, 1f, -1f, 2.5f};
    /** Values relu treats apart: NaNs of both signs, ±∞, ±0, subnormals, ties. */
    private static final float[] RELU_SPECIAL = {0f, -0f, Float.NaN,
        Float.intBitsToFloat(0xffc00001), Float.intBitsToFloat(0x7f800001),
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE,
        Float.MAX_VALUE, 1f, 1f, -1f, 2.5f, -2.5f};

    @Test
    void theKernelsGiveTheBitsOfTheReference() {
        int cases = 0;
        for (int kh = 1; kh <= 3; kh++) {
            for (int kw = 1; kw <= 3; kw++) {
                for (int s = 1; s <= 3; s++) {
                    for (int ow : new int[] {1, 7, 8, 9, 15, 16, 17, 33}) {
                        check(kh, kw, s, s, 3, ow, kh * 31 + kw * 7 + s * 3 + ow);
                        cases++;
                    }
                }
            }
        }
        check(2, 2, 2, 2, 5, 12, 99);
        check(2, 3, 1, 2, 4, 6, 98);
        assertEquals(9 * 3 * 8, cases);
    }

    private static void check(int kh, int kw, int sh, int sw, int oh, int ow, long seed) {
        int n = 2;
        int c = 3;
        int h = (oh - 1) * sh + kh + (int) (seed % 2);
        int w = (ow - 1) * sw + kw + (seed % 3 == 0 ? 1 : 0);
        Rng rng = new Rng(seed);
        float[] x = new float[n * c * h * w];
        for (int t = 0; t < x.length; t++) {
            x[t] = SPECIAL[rng.nextInt(SPECIAL.length)];
        }
        String what = kh + "x" + kw + " stride " + sh + "," + sw + " ow " + ow;
        float[] want = new float[n * c * oh * ow];
        PoolReference.maxPool(x, n, c, h, w, kh, kw, sh, sw, oh, ow, want);
        for (DenseKernels k : new DenseKernels[] {Kernels.dense(), Kernels.scalar()}) {
            float[] y = new float[want.length];
            k.maxPool(x, n, c, h, w, kh, kw, sh, sw, oh, ow, y);
            bits(want, y, "maxPool " + what);
            float[] ya = new float[want.length];
            int[] arg = new int[want.length];
            k.maxPoolArg(x, n, c, h, w, kh, kw, sh, sw, oh, ow, ya, arg);
            bits(want, ya, "maxPoolArg " + what);
            for (int t = 0; t < want.length; t++) {
                assertEquals(Float.floatToRawIntBits(want[t]), Float.floatToRawIntBits(x[arg[t]]),
                        "position of the maximum " + what);
            }
        }
        float[] xr = new float[x.length];
        for (int t = 0; t < xr.length; t++) {
            xr[t] = rng.nextInt(4) == 0 ? RELU_SPECIAL[rng.nextInt(RELU_SPECIAL.length)]
                    : (float) rng.nextGaussian();
        }
        float[] relu = new float[xr.length];
        Activations.relu(xr, relu, xr.length);
        float[] pooled = new float[want.length];
        PoolReference.maxPool(relu, n, c, h, w, kh, kw, sh, sw, oh, ow, pooled);
        float[] fused = new float[want.length];
        PoolReference.maxPoolRelu(xr, n, c, h, w, kh, kw, sh, sw, oh, ow, fused);
        bits(pooled, fused, "maxPoolRelu " + what);
        float[] avg = new float[want.length];
        float[] v = new float[x.length];
        for (int t = 0; t < v.length; t++) {
            v[t] = (float) rng.nextGaussian();
        }
        PoolReference.avgPool(v, n, c, h, w, kh, kw, sh, sw, oh, ow, avg);
        int t = 0;
        for (int i = 0; i < n * c; i++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++, t++) {
                    double sum = 0;
                    double abs = 0;
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            float e = v[(i * h + oy * sh + ky) * w + ox * sw + kx];
                            sum += e;
                            abs += Math.abs(e);
                        }
                    }
                    double bound = (kh * kw + 2) * 0x1p-24 * abs / (kh * kw) + Float.MIN_VALUE;
                    assertTrue(Math.abs(avg[t] - sum / (kh * kw)) <= bound, "avgPool " + what);
                }
            }
        }
    }

    @Test
    void tiesKeepTheFirstAndNaNOnlyAtTheCorner() {
        float[] y = new float[1];
        PoolReference.maxPool(new float[] {-0f, 0f, 0f, -1f}, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1, y);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[0]), "first of ±0");
        PoolReference.maxPool(new float[] {1f, Float.NaN, 3f, 2f}, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1,
                y);
        assertEquals(3f, y[0], "a NaN after the corner is passed over");
        PoolReference.maxPool(new float[] {Float.NaN, 1f, 3f, 2f}, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1,
                y);
        assertTrue(Float.isNaN(y[0]), "a NaN at the corner stays");
        PoolReference.maxPoolRelu(new float[] {Float.NaN, 1f, 3f, 2f}, 1, 1, 2, 2, 2, 2, 2, 2,
                1, 1, y);
        assertEquals(3f, y[0], "relu makes a NaN at the corner +0, passed over");
        PoolReference.maxPoolRelu(new float[] {Float.NaN, -0f, -1f, Float.NEGATIVE_INFINITY}, 1,
                1, 2, 2, 2, 2, 2, 2, 1, 1, y);
        assertEquals(0, Float.floatToRawIntBits(y[0]), "+0 where relu leaves no positive value");
        PoolReference.maxPoolRelu(new float[] {-0f, -3f, -0f, -1f}, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1,
                y);
        assertEquals(0, Float.floatToRawIntBits(y[0]), "+0, not −0, from a window without a NaN");
        PoolReference.maxPoolRelu(new float[] {2f, Float.POSITIVE_INFINITY, Float.NaN, 5f}, 1, 1,
                2, 2, 2, 2, 2, 2, 1, 1, y);
        assertEquals(Float.POSITIVE_INFINITY, y[0], "+∞ kept beside a NaN");
        PoolReference.avgPool(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 1, 1, 2, 3, 2, 1, 1, 1, 1, 3,
                y = new float[3]);
        assertEquals(2.5f, y[0]);
        assertEquals(3.5f, y[1]);
        assertEquals(4.5f, y[2]);
    }

    private static void bits(float[] want, float[] got, String what) {
        for (int t = 0; t < want.length; t++) {
            assertEquals(Float.floatToRawIntBits(want[t]), Float.floatToRawIntBits(got[t]),
                    what + " at " + t);
        }
    }
}
