package dev.nnc.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The one definition of differencing and its inversion. */
class DifferenceTest {
    @Test
    void differencesAtALagAndBack() {
        double[] v = {10, 12, 15, 19, 24};
        double[] d = Difference.apply(v, 1);
        assertEquals(Double.NaN, d[0]);
        assertArrayEquals(new double[] {2, 3, 4, 5}, java.util.Arrays.copyOfRange(d, 1, 5));
        double[] s = Difference.apply(v, 2);
        assertArrayEquals(new double[] {5, 7, 9}, java.util.Arrays.copyOfRange(s, 2, 5));
        for (int t = 2; t < v.length; t++) {
            assertEquals(v[t], Difference.invert(v[t - 2], s[t]));
        }
        float[] out = {1, 2};
        Difference.invert(new float[] {0, 100, 200}, 1, out, 2);
        assertArrayEquals(new float[] {101, 202}, out);
        assertThrows(IllegalArgumentException.class, () -> Difference.apply(v, 0));
    }
}
