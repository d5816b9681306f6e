package dev.nnc.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClassLabelsTest {

    @Test
    void sortedDistinctValues() {
        ClassLabels c = ClassLabels.of(3, 1, 2, 1, 3);
        assertArrayEquals(new double[] {1, 2, 3}, c.values());
        assertEquals(1, c.index(2));
        assertEquals(-1, c.index(4));
        assertEquals(3.0, c.label(2));
        assertEquals("1,2,3", c.toString());
        assertEquals("1, 2, 3", c.display());
    }

    @Test
    void textRoundTripIsExact() {
        ClassLabels c = ClassLabels.of(-0.5, 0.1, 7, 1e20);
        assertEquals(c, ClassLabels.parse(c.toString()));
        assertEquals(0, ClassLabels.of(0.0).index(-0.0));
    }

    @Test
    void parseRejectsJunkAndRepeats() {
        assertThrows(IllegalArgumentException.class, () -> ClassLabels.parse("1,x"));
        assertThrows(IllegalArgumentException.class, () -> ClassLabels.parse("1,1"));
    }
}
