package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
