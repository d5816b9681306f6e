package dev.nnc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A round's state and a partition's part cross Java serialization (Spark's broadcast and task
 * results) as packed bytes and come back with every bit: NaN payloads, negative zero,
 * subnormals, and empty arrays.
 */
class WireTest {
    @Test
    void aStateComesBackBitForBit() throws Exception {
        float[] params = values(1001, 1);
        float[] buffers = new float[0];
        List<float[]> opt = List.of(values(1001, 2), values(1001, 3));
        Steps.State back = (Steps.State) roundTrip(new Steps.State(params, buffers, opt, 12345L,
                0.001));
        assertBits(params, back.params());
        assertBits(buffers, back.buffers());
        assertEquals(2, back.optimizer().size());
        assertBits(opt.get(0), back.optimizer().get(0));
        assertBits(opt.get(1), back.optimizer().get(1));
        assertEquals(12345L, back.steps());
        assertEquals(Double.doubleToRawLongBits(0.001), Double.doubleToRawLongBits(back.rate()));
    }

    @Test
    void aPartComesBackBitForBit() throws Exception {
        float[] v = values(70_000, 4);
        DistributedTraining.Part back = (DistributedTraining.Part) roundTrip(
                new DistributedTraining.Part(v, -0.0, 640, 7));
        assertBits(v, back.v());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.loss()));
        assertEquals(640, back.rows());
        assertEquals(7, back.steps());
    }

    private static void assertBits(float[] want, float[] got) {
        int[] a = new int[want.length];
        int[] b = new int[got.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = Float.floatToRawIntBits(want[i]);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = Float.floatToRawIntBits(got[i]);
        }
        assertArrayEquals(a, b);
    }

    /** Random floats of every kind, among them NaNs with payloads, -0 and subnormals. */
    private static float[] values(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (i % 5) {
                case 0 -> Float.intBitsToFloat(0x7fc0_0000 | r.nextInt(1 << 22));
                case 1 -> -0.0f;
                case 2 -> Float.MIN_VALUE * (1 + r.nextInt(1000));
                default -> (float) r.nextGaussian();
            };
        }
        return v;
    }

    private static Object roundTrip(Object o) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(
                bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
