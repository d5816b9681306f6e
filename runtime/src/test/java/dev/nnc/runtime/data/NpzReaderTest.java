package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.DataException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzReaderTest {
    @TempDir
    Path dir;

    private static Map<String, byte[]> arrays() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("data", TestArrays.npy("<f4", "(2, 2)", TestArrays.f32(1, 2, 3, 4)));
        m.put("label", TestArrays.npy("<i8", "(2,)", TestArrays.i64(0, 1)));
        return m;
    }

    @Test
    void readsStoredAndCompressedArchives() {
        for (boolean compress : new boolean[] {false, true}) {
            Path f = TestArrays.write(dir, "d.npz", TestArrays.npz(arrays(), compress));
            try (NpzReader z = NpzReader.open(f)) {
                assertEquals(List.of("data", "label"), z.names());
                assertTrue(z.has("data"));
                assertFalse(z.has("x"));
                assertArrayEquals(new int[] {2, 2}, z.header("data").shape());
                assertEquals(f + ":data: float32 [2,2]", z.header("data").toString());
                assertArrayEquals(new double[] {1, 2, 3, 4}, z.read("data").toDoubles());
                assertArrayEquals(new double[] {0, 1}, z.read("label").toDoubles());
            }
        }
    }

    @Test
    void readsArchivesNumpyWrote() {
        NdArray data = NpzReader.read(NpyReaderTest.NUMPY.resolve("textbook.npz"), "data");
        assertArrayEquals(new int[] {3, 2}, data.shape());
        assertArrayEquals(new double[] {0.5, 1, 2, 3.5, 4, 0}, data.toDoubles());
        NdArray y = NpzReader.read(NpyReaderTest.NUMPY.resolve("stored.npz"), "y");
        assertEquals(NdArray.Type.INT64, y.type());
    }

    @Test
    void aMissingArrayListsTheOthers() {
        Path f = TestArrays.write(dir, "d.npz", TestArrays.npz(arrays(), true));
        assertEquals(f + " has no array 'x'; its arrays: data, label",
                assertThrows(DataException.class, () -> NpzReader.read(f, "x")).getMessage());
    }

    @Test
    void notAZipFile() {
        Path f = TestArrays.write(dir, "d.npz", TestArrays.npy("<f4", "(1,)",
                TestArrays.f32(1)));
        String m = assertThrows(DataException.class, () -> NpzReader.open(f)).getMessage();
        assertTrue(m.startsWith(f + ": not an NPZ file (an .npz file is a zip archive of .npy"
                + " files)"), m);
        Path none = dir.resolve("none.npz");
        assertEquals(none + ": no such file",
                assertThrows(DataException.class, () -> NpzReader.open(none)).getMessage());
    }

    @Test
    void anEntryWithALyingHeaderFailsBeforeAnythingIsAllocated() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("data", TestArrays.npy("<f8", "(100000, 100000)", TestArrays.f64(1, 2)));
        for (boolean compress : new boolean[] {false, true}) {
            Path f = TestArrays.write(dir, "d.npz", TestArrays.npz(m, compress));
            assertEquals(f + ":data: truncated: header promises 80000000000 bytes, file has 16"
                    + " (shape [100000,100000] of float64)", assertThrows(DataException.class,
                            () -> NpzReader.read(f, "data")).getMessage());
        }
    }

    @Test
    void aTruncatedArchive() {
        byte[] zip = TestArrays.npz(arrays(), true);
        Path f = TestArrays.write(dir, "d.npz", Arrays.copyOf(zip, zip.length / 2));
        assertThrows(DataException.class, () -> NpzReader.read(f, "data"));
    }
}
