package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DatasetTest {
    private final Dataset d = Dataset.of(
            new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}},
            new double[][] {{0}, {1}, {1}, {0}});

    @Test
    void ofCopiesRowsSampleMajor() {
        assertEquals(4, d.size());
        assertEquals(2, d.inputSize());
        assertEquals(1, d.outputSize());
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, d.x());
    }

    @Test
    void subsetCopiesSelectedRowsInOrder() {
        Dataset s = d.subset(new int[] {3, 1, 2, 0}, 1, 3);
        assertEquals(2, s.size());
        assertArrayEquals(new float[] {0, 1, 1, 0}, s.x());
        assertArrayEquals(new float[] {1, 1}, s.y());
        s.x()[0] = 9;
        assertEquals(0f, d.x()[2]);
    }

    @Test
    void gatherFillsBatchBuffersFromIndexZero() {
        float[] xb = new float[6];
        float[] yb = new float[3];
        d.gather(new int[] {0, 3, 2, 1}, 1, 3, xb, yb);
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 1}, xb);
        assertArrayEquals(new float[] {0, 1, 1}, yb);
    }

    /** Every input and target of each gathered sample, whatever the width (gather's two passes). */
    @Test
    void gatherCopiesWholeRowsOfEveryWidth() {
        for (int in : new int[] {1, 2, 3, 17, 784}) {
            for (int out : new int[] {1, 10, 20}) {
                int size = 7;
                float[] x = new float[size * in];
                float[] y = new float[size * out];
                for (int i = 0; i < x.length; i++) {
                    x[i] = i + 0.5f;
                }
                for (int i = 0; i < y.length; i++) {
                    y[i] = -i - 0.25f;
                }
                Dataset data = new Dataset(x, y, size, in, out);
                int[] idx = {6, 0, 3, 3, 5, 1};
                float[] xb = new float[4 * in + 1];
                float[] yb = new float[4 * out + 1];
                xb[4 * in] = 42f;
                yb[4 * out] = 42f;
                data.gather(idx, 1, 4, xb, yb);
                for (int j = 0; j < 4; j++) {
                    int s = idx[1 + j];
                    for (int k = 0; k < in; k++) {
                        assertEquals(x[s * in + k], xb[j * in + k], "input " + k + " of " + j);
                    }
                    for (int k = 0; k < out; k++) {
                        assertEquals(y[s * out + k], yb[j * out + k], "target " + k + " of " + j);
                    }
                }
                assertEquals(42f, xb[4 * in]);
                assertEquals(42f, yb[4 * out]);
            }
        }
    }

    /**
     * A batch gathered in parts, each into its own rows (as a worker and the caller gather one
     * ahead), is the batch gathered whole; nothing outside a part's rows is written.
     */
    @Test
    void gatherInPartsAtTheirRowsIsTheWholeGather() {
        int in = 784;
        int out = 10;
        int size = 50;
        float[] x = new float[size * in];
        float[] y = new float[size * out];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.001f;
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = -i;
        }
        Dataset data = new Dataset(x, y, size, in, out);
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            idx[i] = (i * 17 + 3) % size;
        }
        float[] xw = new float[9 * in];
        float[] yw = new float[9 * out];
        data.gather(idx, 5, 9, xw, yw);
        float[] xp = new float[9 * in];
        float[] yp = new float[9 * out];
        java.util.Arrays.fill(xp, Float.NaN);
        java.util.Arrays.fill(yp, Float.NaN);
        int[] cuts = {0, 2, 3, 7, 9};
        for (int p = cuts.length - 2; p >= 0; p--) {
            int lo = cuts[p];
            int hi = cuts[p + 1];
            data.gather(idx, 5 + lo, hi - lo, xp, yp, lo);
            // rows before this part: not written yet
            for (int i = 0; i < lo * in; i++) {
                assertTrue(Float.isNaN(xp[i]), "input " + i + " written by part " + p);
            }
        }
        assertArrayEquals(xw, xp);
        assertArrayEquals(yw, yp);
    }

    @Test
    void rejectsRaggedRowsAndShortArrays() {
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new double[][] {{1, 2}, {3}}, new double[][] {{1}, {2}}));
        assertThrows(IllegalArgumentException.class,
                () -> new Dataset(new float[3], new float[2], 2, 2, 1));
        assertThrows(IndexOutOfBoundsException.class,
                () -> d.gather(new int[] {7}, 0, 1, new float[2], new float[1]));
    }
}
