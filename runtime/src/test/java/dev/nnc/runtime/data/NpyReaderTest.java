package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.DataException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyReaderTest {
    /** Files written by NumPy 2.4 (np.save, np.lib.format.write_array). */
    static final Path NUMPY = Path.of("src/test/resources/arrays");

    @TempDir
    Path dir;

    private Path file(byte[] bytes) {
        return TestArrays.write(dir, "a.npy", bytes);
    }

    private String error(byte[] bytes) {
        Path f = file(bytes);
        return assertThrows(DataException.class, () -> NpyReader.read(f)).getMessage()
                .replace(f.toString(), "F");
    }

    @Test
    void readsFilesNumpyWrote() {
        NdArray a = NpyReader.read(NUMPY.resolve("f4.npy"));
        assertEquals(NdArray.Type.FLOAT32, a.type());
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, a.toDoubles());
        for (String v : new String[] {"v2.npy", "v3.npy"}) {
            NdArray b = NpyReader.read(NUMPY.resolve(v));
            assertEquals(NdArray.Type.INT16, b.type(), v);
            assertArrayEquals(new double[] {1, -2, 3, 4}, b.toDoubles(), v);
        }
        assertArrayEquals(new double[] {1, 0, 1}, NpyReader.read(NUMPY.resolve("bool.npy"))
                .toDoubles());
    }

    @Test
    void everyDtype() {
        check("<f4", TestArrays.f32(1.5f, -2f), 1.5, -2);
        check("<f8", TestArrays.f64(0.1, -1e30), 0.1, -1e30);
        check("<i1", new byte[] {-128, 127}, -128, 127);
        check("|i1", new byte[] {-1, 1}, -1, 1);
        check("<u1", new byte[] {(byte) 255, 0}, 255, 0);
        check("|u1", new byte[] {(byte) 200, 7}, 200, 7);
        check("|b1", new byte[] {1, 0}, 1, 0);
        check("<i2", le(4).putShort((short) -300).putShort((short) 2).array(), -300, 2);
        check("<i4", le(8).putInt(-70000).putInt(9).array(), -70000, 9);
        check("<i8", TestArrays.i64(-5_000_000_000L, 3), -5e9, 3);
        check(">i4", ByteBuffer.allocate(8).putInt(-70000).putInt(9).array(), -70000, 9);
        check(">f8", ByteBuffer.allocate(16).putDouble(2.5).putDouble(-1).array(), 2.5, -1);
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void check(String descr, byte[] data, double... expected) {
        NdArray a = NpyReader.read(file(TestArrays.npy(descr, "(2,)", data)));
        assertArrayEquals(expected, a.toDoubles(), descr);
        assertArrayEquals(new int[] {2}, a.shape(), descr);
    }

    @Test
    void headerVersionsAndShapes() {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }";
        for (int v = 1; v <= 3; v++) {
            NdArray a = NpyReader.read(file(TestArrays.npy(v, dict, TestArrays.f32(3, 4))));
            assertArrayEquals(new double[] {3, 4}, a.toDoubles(), "version " + v);
        }
        NdArray scalar = NpyReader.read(file(TestArrays.npy("<f8", "()", TestArrays.f64(7))));
        assertEquals(0, scalar.header().rank());
        assertEquals(7.0, scalar.get(0));
        NdArray empty = NpyReader.read(file(TestArrays.npy("<f8", "(0, 3)", new byte[0])));
        assertEquals(0, empty.count());
        NdArray py2 = NpyReader.read(file(TestArrays.npy(1,
                "{\"descr\":\"<u1\",\"fortran_order\":False,\"shape\":(2L,)}", new byte[2])));
        assertArrayEquals(new int[] {2}, py2.shape());
        assertEquals("F: uint8 [4,2]", NpyReader.header(file(TestArrays.npy("<u1", "(4, 2)",
                new byte[8]))).toString().replace(dir.resolve("a.npy").toString(), "F"));
        Path lying = file(TestArrays.npy("<u1", "(4, 2)", new byte[3]));
        assertEquals("F: truncated: header promises 8 bytes, file has 3 (shape [4,2] of uint8)",
                assertThrows(DataException.class, () -> NpyReader.header(lying)).getMessage()
                        .replace(lying.toString(), "F"));
    }

    @Test
    void fortranOrderIsRefusedClearly() {
        Path f = NUMPY.resolve("fortran.npy");
        assertEquals(f + ": the array is stored in Fortran order (fortran_order: True); nnc reads"
                + " C-order arrays only (save it with np.save(f, np.ascontiguousarray(a)))",
                assertThrows(DataException.class, () -> NpyReader.read(f)).getMessage());
    }

    @Test
    void unsupportedDtype() {
        assertEquals("F: unsupported dtype '<U5'; known: <f4 <f8 <i1 <u1 <i2 <i4 <i8 |b1 |u1"
                + " |i1 (and '>' for big-endian); convert with a.astype(np.float32)",
                error(TestArrays.npy("<U5", "(1,)", new byte[20])));
        assertTrue(error(TestArrays.npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False,"
                + " 'shape': (1,)}", new byte[4])).startsWith("F: cannot read the NPY header at"
                + " character 11: expected a string, True, False or a tuple"));
    }

    @Test
    void wrongMagicAndBadHeaders() {
        assertEquals("F: not an NPY file: it starts with 50 4b 03 04 14 00, an NPY file with 93"
                + " 4e 55 4d 50 59 (\\x93NUMPY)", error(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}));
        assertEquals("F: empty file (expected an NPY header)", error(new byte[0]));
        byte[] v9 = TestArrays.npy(1, "{}", new byte[0]);
        v9[6] = 9;
        assertEquals("F: NPY format version 9.0 is not supported (known: 1.0, 2.0, 3.0)",
                error(v9));
        assertEquals("F: the NPY header needs 'descr' (a string), 'fortran_order' (True or"
                + " False) and 'shape' (a tuple): {'descr': '<f4'}",
                error(TestArrays.npy(1, "{'descr': '<f4'}", new byte[0])));
    }

    @Test
    void truncatedFiles() {
        byte[] whole = TestArrays.npy("<f8", "(100, 3)", TestArrays.f64(new double[300]));
        assertEquals("F: truncated: header promises 2400 bytes, file has 1000 (shape [100,3] of"
                + " float64)", error(Arrays.copyOf(whole, whole.length - 1400)));
        assertEquals("F: truncated: the NPY header promises 62 bytes, the file ends after 20",
                error(Arrays.copyOf(whole, 30)));
        assertEquals("F: truncated: the file ends inside the NPY header",
                error(Arrays.copyOf(whole, 9)));
        assertEquals("F: header promises 2400 bytes, file has 2408: the shape [100,3] of float64"
                + " does not account for the last 8 bytes",
                error(Arrays.copyOf(whole, whole.length + 8)));
    }

    @Test
    void aLyingHeaderFailsBeforeAnythingIsAllocated() {
        assertEquals("F: truncated: header promises 8000000000000 bytes, file has 8 (shape"
                + " [1000000000,1000] of float64)",
                error(TestArrays.npy("<f8", "(1000000000, 1000)", TestArrays.f64(1))));
        assertEquals("F: NPY dimension 99999999999 is more than nnc reads (2147483647)",
                error(TestArrays.npy("<f8", "(99999999999,)", new byte[0])));
        byte[] longHeader = TestArrays.npy(2, "{}", new byte[0]);
        ByteBuffer.wrap(longHeader).order(ByteOrder.LITTLE_ENDIAN).putInt(8, Integer.MAX_VALUE);
        assertEquals("F: NPY header length 2147483647 is more than 65536 bytes; the file is"
                + " damaged or not an array", error(longHeader));
    }
}
