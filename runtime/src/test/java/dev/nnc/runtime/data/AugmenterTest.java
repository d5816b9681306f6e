package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.Augmentation;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link Augmenter}: each transform against a small image computed by hand, the draws fixed by
 * seed, epoch and sample, and normalized batches transformed in the values as read.
 */
class AugmenterTest {
    /** 1 2 3 / 4 5 6 / 7 8 9. */
    private static final float[] IMAGE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    private static float[] warp(float[] src, double[] inverse) {
        float[] dst = new float[src.length];
        Augmenter.warp(src, dst, 1, 3, 3, inverse);
        return dst;
    }

    @Test
    void rotationBy90DegreesTurnsCounterClockwise() {
        assertArrayEquals(new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7},
                warp(IMAGE, Augmenter.rotation(90)));
        assertArrayEquals(new float[] {7, 4, 1, 8, 5, 2, 9, 6, 3},
                warp(IMAGE, Augmenter.rotation(-90)));
        assertArrayEquals(new float[] {9, 8, 7, 6, 5, 4, 3, 2, 1},
                warp(IMAGE, Augmenter.rotation(180)));
    }

    @Test
    void rotationBy45DegreesInterpolatesBilinearly() {
        // NOTE: the top-middle output pixel, (0, -1) from the centre, reads the input at
        // (sin 45°, -cos 45°) = (a, -a) from the centre, a = 0.7071: x = 1 + a, between columns
        // 1 and 2 (weight a on column 2); y = 1 - a, between rows 0 and 1 (weight 1 - a on row 1).
        float[] out = warp(IMAGE, Augmenter.rotation(45));
        double a = Math.sqrt(0.5);
        double expected = a * ((1 - a) * 2 + a * 3) + (1 - a) * ((1 - a) * 5 + a * 6);
        assertEquals(expected, out[1], 1e-5);
        assertEquals(5, out[4], 1e-6);
    }

    @Test
    void shiftMovesWholePixelsAndLeavesZero() {
        assertArrayEquals(new float[] {0, 1, 2, 0, 4, 5, 0, 7, 8},
                warp(IMAGE, Augmenter.shift(1, 0)));
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 0, 0, 0},
                warp(IMAGE, Augmenter.shift(0, -1)));
    }

    @Test
    void flipsMirror() {
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7},
                warp(IMAGE, Augmenter.flip(true, false)));
        assertArrayEquals(new float[] {7, 8, 9, 4, 5, 6, 1, 2, 3},
                warp(IMAGE, Augmenter.flip(false, true)));
    }

    @Test
    void zoomScalesAboutTheCentre() {
        // zoom 2: output (0,0) reads (0.5, 0.5), the mean of 1, 2, 4, 5; and so on.
        assertArrayEquals(new float[] {3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7},
                warp(IMAGE, Augmenter.zoom(2)), 1e-6f);
        // zoom 1/2: every pixel but the centre reads outside the image.
        assertArrayEquals(new float[] {0, 0, 0, 0, 5, 0, 0, 0, 0},
                warp(IMAGE, Augmenter.zoom(0.5)), 1e-6f);
    }

    @Test
    void transformsComposeInTheirOrder() {
        // flip left-right, then shift one pixel right: 3 2 1 -> 0 3 2.
        double[] inverse = Augmenter.then(Augmenter.shift(1, 0), Augmenter.flip(true, false));
        assertArrayEquals(new float[] {0, 3, 2, 0, 6, 5, 0, 9, 8}, warp(IMAGE, inverse));
    }

    @Test
    void everyChannelGetsTheSameTransform() {
        float[] two = new float[18];
        for (int i = 0; i < 9; i++) {
            two[i] = IMAGE[i];
            two[9 + i] = 10 * IMAGE[i];
        }
        float[] out = new float[18];
        Augmenter.warp(two, out, 2, 3, 3, Augmenter.rotation(90));
        assertArrayEquals(new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, Arrays.copyOf(out, 9));
        assertArrayEquals(new float[] {30, 60, 90, 20, 50, 80, 10, 40, 70},
                Arrays.copyOfRange(out, 9, 18));
    }

    @Test
    void noiseHasTheGivenStandardDeviation() {
        float[] x = new float[200_000];
        Augmenter.noise(x, 0.3, new Rng(5));
        double sum = 0;
        double sq = 0;
        for (float v : x) {
            sum += v;
            sq += v * v;
        }
        double mean = sum / x.length;
        double sd = Math.sqrt(sq / x.length - mean * mean);
        // NOTE: the standard error of the mean is 0.3/sqrt(200000) = 0.00067, of the sd 0.00047.
        assertEquals(0, mean, 0.004);
        assertEquals(0.3, sd, 0.003);
    }

    private static float[] batch(int n) {
        float[] x = new float[n * 9];
        Rng r = new Rng(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        return x;
    }

    @Test
    void drawsDependOnSeedEpochAndSampleOnly() {
        Augmentation a = new Augmentation(30, 0.8, 1.2, 1, true, true, 0.1);
        Normalizer id = Normalizer.identity(9);
        float[] x = batch(4);
        int[] order = {2, 0, 3, 1};
        float[] one = x.clone();
        new Augmenter(a, new int[] {1, 3, 3}, id, 7).apply(one, 4, order, 0, 1);
        float[] again = x.clone();
        new Augmenter(a, new int[] {1, 3, 3}, id, 7).apply(again, 4, order, 0, 1);
        assertArrayEquals(one, again);
        // The same sample at another place of another batch gets the same draws.
        float[] moved = new float[9];
        System.arraycopy(x, 9, moved, 0, 9);
        new Augmenter(a, new int[] {1, 3, 3}, id, 7).apply(moved, 1, new int[] {5, 0}, 1, 1);
        assertArrayEquals(Arrays.copyOfRange(one, 9, 18), moved);
        float[] epoch2 = x.clone();
        new Augmenter(a, new int[] {1, 3, 3}, id, 7).apply(epoch2, 4, order, 0, 2);
        assertFalse(Arrays.equals(one, epoch2));
        float[] seed8 = x.clone();
        new Augmenter(a, new int[] {1, 3, 3}, id, 8).apply(seed8, 4, order, 0, 1);
        assertFalse(Arrays.equals(one, seed8));
    }

    @Test
    void theSampleSeedIsSplitMixOfSeedEpochAndSample() {
        long s = new Rng(7 + 0x632BE59BD9B4E019L * 3).nextLong();
        assertEquals(new Rng(s + 0x9E3779B97F4A7C15L * 5).nextLong(),
                Augmenter.sampleSeed(7, 3, 5));
    }

    @Test
    void normalizedBatchesAreTransformedAsRead() {
        // A shift of one pixel right or left or none, drawn; zscore-normalized input. The result
        // must be the normalized shift of the raw image, with 0 (raw) moved in.
        float[] raw = batch(1);
        Normalizer z = Normalizer.fit(batch(5), 5, 9, ModelSpec.Normalization.ZSCORE);
        float[] x = raw.clone();
        z.apply(x, 1);
        Augmentation a = new Augmentation(0, 1, 1, 1, false, false, 0);
        new Augmenter(a, new int[] {1, 3, 3}, z, 11).apply(x, 1, new int[] {0}, 0, 1);
        boolean matched = false;
        for (int dx = -1; dx <= 1; dx++) {
            for (int dy = -1; dy <= 1; dy++) {
                float[] want = warp(raw, Augmenter.shift(dx, dy));
                z.apply(want, 1);
                boolean eq = true;
                for (int i = 0; i < 9; i++) {
                    eq &= Math.abs(want[i] - x[i]) < 1e-5;
                }
                matched |= eq;
            }
        }
        assertTrue(matched, Arrays.toString(x));
    }

    @Test
    void refusesInputsThatAreNotImages() {
        assertThrows(IllegalArgumentException.class, () -> new Augmenter(
                new Augmentation(10, 1, 1, 0, false, false, 0), new int[] {784},
                Normalizer.identity(784), 1));
        assertThrows(IllegalArgumentException.class,
                () -> new Augmentation(181, 1, 1, 0, false, false, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new Augmentation(0, 0, 1, 0, false, false, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new Augmentation(0, 1, 1, 0, false, false, -0.1));
    }

    @Test
    void describesItselfAsTheFileWritesIt() {
        assertEquals("[rotate(10), zoom(0.8, 1.2), shift(2), flip(horizontal), noise(0.3)]",
                new Augmentation(10, 0.8, 1.2, 2, true, false, 0.3).describe());
        assertTrue(Augmentation.NONE.isNone());
    }
}
