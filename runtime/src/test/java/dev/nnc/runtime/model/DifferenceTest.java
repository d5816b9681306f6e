package dev.nnc.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
            assertEquals(v[t], Difference.invert((float) v[t - 2], (float) s[t]));
        }
        float[] out = {1, 2};
        Difference.invert(new float[] {0, 100, 200}, 1, out, 2);
        assertArrayEquals(new float[] {101, 202}, out);
        assertThrows(IllegalArgumentException.class, () -> Difference.apply(v, 0));
    }

    @Test
    void theDifferenceIsOfTheValuesAsFloat32() {
        // 315.71 and 315.42 are not float32 numbers: the difference is that of their float32
        // values, in float32 (what the standalone class and the ONNX graph compute), not 0.29
        double[] d = Difference.apply(new double[] {315.42, 315.71}, 1);
        assertEquals(315.71f - 315.42f, (float) d[1]);
        assertTrue(d[1] != 315.71 - 315.42);
    }

    @Test
    void aRawWindowIsDifferencedAndItsLastValueAddedBack() {
        // two features a, b over 4 steps; window 2, lag 2: a raw window holds 4 steps
        ModelSpec.Window w = new ModelSpec.Window(2, 1, List.of("a", "b"), List.of("b"),
                null, null, null).withDifference(2);
        assertEquals(8, Difference.rawSize(w));
        assertArrayEquals(new int[] {4, 2}, Difference.rawShape(new int[] {2, 2}, w));
        assertArrayEquals(new int[] {8}, Difference.rawShape(new int[] {4}, w));
        float[] raw = {0, 0, /* a, b at step 0 */ 1, 10, 3, 13, 6, 17, 10, 22};
        float[] dst = new float[4];
        // the raw window at offset 2: steps (1,10) (3,13) (6,17) (10,22)
        Difference.window(raw, 2, 2, 2, 2, dst, 0);
        assertArrayEquals(new float[] {6 - 1, 17 - 10, 10 - 3, 22 - 13}, dst);
        // the target b one step after the last: its value 2 steps before is b at raw step 2
        int[] at = Difference.baseOffsets(w);
        assertArrayEquals(new int[] {(2 - 1 + 1) * 2 + 1}, at);
        float[] out = {4};
        Difference.invertRow(raw, 2, at, out, 0);
        assertArrayEquals(new float[] {17 + 4}, out);
        // a target that is not a feature: the raw window lacks its value
        ModelSpec.Window other = new ModelSpec.Window(2, 1, List.of("a"), List.of("b"),
                null, null, null).withDifference(1);
        assertThrows(IllegalArgumentException.class, () -> Difference.baseOffsets(other));
    }
}
