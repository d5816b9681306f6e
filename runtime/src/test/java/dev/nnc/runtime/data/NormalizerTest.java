package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.ModelSpec.Normalization;
import dev.nnc.runtime.model.Rng;
import org.junit.jupiter.api.Test;

class NormalizerTest {

    @Test
    void minMaxMapsTrainingRangeToUnitInterval() {
        float[] data = {1, 10, 3, 30, 2, 20};
        Normalizer n = Normalizer.fit(data, 3, 2, Normalization.MINMAX);
        assertEquals("minmax;min=1.0,10.0;range=2.0,20.0", n.encode());
        n.apply(data, 3);
        assertArrayEquals(new float[] {0, 0, 1, 1, 0.5f, 0.5f}, data);
        n.invert(data, 3);
        assertArrayEquals(new float[] {1, 10, 3, 30, 2, 20}, data);
    }

    @Test
    void zScoreUsesPopulationStd() {
        float[] data = {2, 4, 4, 4, 5, 5, 7, 9};
        Normalizer n = Normalizer.fit(data, 8, 1, Normalization.ZSCORE);
        assertArrayEquals(new double[] {5}, n.shift());
        assertArrayEquals(new double[] {2}, n.scale());
        n.apply(data, 8);
        assertEquals(-1.5f, data[0]);
        assertEquals(2f, data[7]);
    }

    @Test
    void constantColumnGetsScaleOne() {
        float[] data = {3, 3, 3};
        Normalizer mm = Normalizer.fit(data, 3, 1, Normalization.MINMAX);
        Normalizer zs = Normalizer.fit(data, 3, 1, Normalization.ZSCORE);
        assertArrayEquals(new double[] {1}, mm.scale());
        assertArrayEquals(new double[] {1}, zs.scale());
        mm.apply(data, 3);
        assertArrayEquals(new float[] {0, 0, 0}, data);
    }

    @Test
    void encodeDecodeIsExact() {
        Rng rng = new Rng(42);
        float[] data = new float[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (rng.nextGaussian() * 1e3 + 0.1);
        }
        for (Normalization kind : Normalization.values()) {
            Normalizer n = Normalizer.fit(data, 100, 3, kind);
            Normalizer back = Normalizer.decode(n.encode());
            assertEquals(n, back);
            assertEquals(n.encode(), back.encode());
            float[] a = data.clone();
            float[] b = data.clone();
            n.apply(a, 100);
            back.apply(b, 100);
            assertArrayEquals(a, b);
        }
        assertEquals("none;cols=3", Normalizer.identity(3).encode());
    }

    @Test
    void decodeRejectsJunk() {
        for (String bad : new String[] {"", "minmax", "minmax;min=1;range=0", "foo;cols=1",
                "minmax;min=1,2;range=1", "zscore;min=1;range=1", "none;cols=x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Normalizer.decode(bad));
            assertTrue(e.getMessage().startsWith("bad normalizer '" + bad + "'"), e.getMessage());
        }
    }
}
