package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * The one vector width of the runtime's kernels ({@code VectorWidth}): the machine's preferred
 * width capped at 512 bits unless {@code -Dnnc.vector.bits} asks for 128, 256 or 512, and the
 * kernels in use report it. The build runs the kernels' contract tests once per width (the
 * surefire executions {@code vector-256} and {@code vector-512} of the runtime's pom).
 */
class VectorWidthTest {
    /** The width the kernels of this test JVM must have, found without asking them. */
    static int expectedBits() throws ReflectiveOperationException {
        String asked = System.getProperty("nnc.vector.bits");
        if (asked != null) {
            return Integer.parseInt(asked.trim());
        }
        Class<?> vector = Class.forName("jdk.incubator.vector.FloatVector");
        Object preferred = vector.getField("SPECIES_PREFERRED").get(null);
        int bits = (int) Class.forName("jdk.incubator.vector.VectorSpecies")
                .getMethod("vectorBitSize").invoke(preferred);
        return Math.min(bits, 512);
    }

    @Test
    void theKernelsInUseRunAtTheExpectedWidth() throws ReflectiveOperationException {
        int bits = expectedBits();
        assertEquals("vector-" + bits, Kernels.name());
        assertEquals(bits / 32, Kernels.dense().lanes());
        assertEquals(1, Kernels.scalar().lanes());
    }

    @Test
    void theWidthIsThePreferredOneCappedAt512UnlessAsked() throws ReflectiveOperationException {
        Method bits = Class.forName("dev.nnc.runtime.kernels.VectorWidth")
                .getDeclaredMethod("bits", String.class, int.class);
        bits.setAccessible(true);
        assertEquals(512, bits.invoke(null, null, 512));
        assertEquals(512, bits.invoke(null, null, 1024));
        assertEquals(256, bits.invoke(null, null, 256));
        assertEquals(128, bits.invoke(null, null, 128));
        assertEquals(256, bits.invoke(null, "256", 512));
        assertEquals(512, bits.invoke(null, " 512 ", 256));
        assertEquals(128, bits.invoke(null, "128", 512));
        assertEquals(256, bits.invoke(null, "", 256));
        // another value: reported and ignored
        assertEquals(512, bits.invoke(null, "300", 512));
        assertEquals(256, bits.invoke(null, "1024", 256));
    }
}
