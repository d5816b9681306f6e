package dev.nnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Histogram}: bins, ends, statistics, and the values it cannot place. */
class HistogramTest {
    @Test
    void binsTheValuesBetweenTheSmallestAndTheLargest() {
        Histogram h = Histogram.of(new float[] {0, 0, 1, 3}, 0, 4, 3);
        assertEquals(0, h.lo());
        assertEquals(3, h.hi());
        assertArrayEquals(new long[] {2, 1, 1}, h.counts(), "the last bin holds its upper end");
        assertEquals(4, h.total());
        assertEquals(0, h.nonFinite());
        assertEquals(1, h.mean());
        assertEquals(Math.sqrt((1 + 1 + 0 + 4) / 4.0), h.std(), 1e-12);
        assertEquals(2, h.peak());
        assertEquals(0.5, h.fractionWithin(-1, 0.9), 1e-12);
    }

    @Test
    void readsOnlyItsSlice() {
        float[] v = {100, -5, 5, 100};
        Histogram h = Histogram.of(v, 1, 3, 2);
        assertEquals(-5, h.lo());
        assertEquals(5, h.hi());
        assertArrayEquals(new long[] {1, 1}, h.counts());
        assertThrows(IndexOutOfBoundsException.class, () -> Histogram.of(v, 2, 5, 2));
        assertThrows(IllegalArgumentException.class, () -> Histogram.of(v, 0, 1, 0));
    }

    @Test
    void oneRepeatedValueLandsInTheMiddleBin() {
        Histogram h = Histogram.of(new float[] {0.5f, 0.5f, 0.5f}, 0, 3, 5);
        assertTrue(h.lo() < 0.5 && h.hi() > 0.5, h.toString());
        assertArrayEquals(new long[] {0, 0, 3, 0, 0}, h.counts());
        assertEquals(0, h.std());
        Histogram zeros = Histogram.of(new float[4], 0, 4, 4);
        assertEquals(4, zeros.counts()[2], zeros.toString());
    }

    @Test
    void nanAndInfinityAreCountedApart() {
        Histogram h = Histogram.of(new float[] {Float.NaN, 1, 2, Float.POSITIVE_INFINITY}, 0, 4,
                2);
        assertEquals(4, h.total());
        assertEquals(2, h.nonFinite());
        assertArrayEquals(new long[] {1, 1}, h.counts());
        assertEquals(1.5, h.mean());
        Histogram none = Histogram.of(new float[] {Float.NaN}, 0, 1, 3);
        assertEquals(1, none.nonFinite());
        assertTrue(Double.isNaN(none.mean()));
        assertArrayEquals(new long[3], none.counts());
    }
}
