package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.DataException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private String error(String name, byte[] bytes) {
        Path f = TestArrays.write(dir, name, bytes);
        return assertThrows(DataException.class, () -> IdxReader.read(f)).getMessage()
                .replace(f.toString(), "F");
    }

    /** Bytes are converted through a table: the bits of scaling each element as a double. */
    @Test
    void byteArraysConvertAsEachElementScaled() {
        byte[] all = new byte[300];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) (i * 7);
        }
        for (NdArray.Type type : new NdArray.Type[] {NdArray.Type.UINT8, NdArray.Type.INT8}) {
            NdArray a = new NdArray(new NdArray.Header("t", type, new int[] {300}),
                    ByteBuffer.wrap(all));
            for (double divisor : new double[] {1, 255, 3, 0.7, -2}) {
                float[] got = a.toFloats(divisor);
                for (int i = 0; i < all.length; i++) {
                    assertEquals(Float.floatToIntBits(Preprocessing.scale(a.get(i), divisor)),
                            Float.floatToIntBits(got[i]), type + " element " + i + " / "
                                    + divisor);
                }
            }
        }
    }

    @Test
    void readsPlainUnsignedBytes() {
        Path f = TestArrays.write(dir, "images-idx3-ubyte",
                TestArrays.idxU8(new int[] {2, 2, 3}, 0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254,
                        255));
        NdArray a = IdxReader.read(f);
        assertEquals(NdArray.Type.UINT8, a.type());
        assertArrayEquals(new int[] {2, 2, 3}, a.shape());
        assertEquals(6, a.header().sampleSize());
        assertEquals(255.0, a.get(11));
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255},
                a.toFloats(1));
        assertEquals(1f, a.toFloats(255)[11]);
    }

    @Test
    void gzipIsRecognizedByItsMagicBytesWhateverTheName() {
        byte[] plain = TestArrays.idxU8(new int[] {3}, 7, 8, 9);
        Path gz = TestArrays.write(dir, "labels.idx", TestArrays.gzip(plain));
        assertArrayEquals(new double[] {7, 8, 9}, IdxReader.read(gz).toDoubles());
        Path notGz = TestArrays.write(dir, "labels-idx1-ubyte.gz", plain);
        assertArrayEquals(new double[] {7, 8, 9}, IdxReader.read(notGz).toDoubles());
        assertEquals("labels.idx: uint8 [3]", IdxReader.header(gz).toString()
                .replace(dir + "/", ""));
    }

    @Test
    void readsEveryElementTypeBigEndian() {
        assertArrayEquals(new double[] {-1, 127}, read(0x09, new byte[] {-1, 127}));
        assertArrayEquals(new double[] {-2, 300}, read(0x0B,
                ByteBuffer.allocate(4).putShort((short) -2).putShort((short) 300).array()));
        assertArrayEquals(new double[] {-70000, 5}, read(0x0C,
                ByteBuffer.allocate(8).putInt(-70000).putInt(5).array()));
        assertArrayEquals(new double[] {0.5, -2.25}, read(0x0D,
                ByteBuffer.allocate(8).putFloat(0.5f).putFloat(-2.25f).array()));
        assertArrayEquals(new double[] {0.1, 1e30}, read(0x0E,
                ByteBuffer.allocate(16).putDouble(0.1).putDouble(1e30).array()));
    }

    private double[] read(int type, byte[] data) {
        Path f = TestArrays.write(dir, "t" + type, TestArrays.idx(type, new int[] {2}, data));
        return IdxReader.read(f).toDoubles();
    }

    @Test
    void truncatedDataIsReportedWithBothSizes() {
        byte[] file = TestArrays.idx(0x08, new int[] {2, 28, 28}, new byte[1200]);
        assertEquals("F: truncated: header promises 1568 bytes, file has 1200 (shape [2,28,28]"
                + " of uint8)", error("train-images", file));
        assertEquals("F: truncated: header promises 1568 bytes, file has 1200 (shape [2,28,28]"
                + " of uint8)", error("train-images.gz", TestArrays.gzip(file)));
    }

    @Test
    void theHeaderOfAPlainFileIsCheckedAgainstItsSize() {
        Path f = TestArrays.write(dir, "h", TestArrays.idx(0x08, new int[] {2, 28, 28},
                new byte[1200]));
        assertEquals(f + ": truncated: header promises 1568 bytes, file has 1200 (shape"
                + " [2,28,28] of uint8)", assertThrows(DataException.class,
                        () -> IdxReader.header(f)).getMessage());
    }

    @Test
    void extraBytesAfterTheDataAreAnError() {
        byte[] file = TestArrays.idx(0x08, new int[] {4}, new byte[6]);
        assertEquals("F: header promises 4 bytes, file has 6: the shape [4] of uint8 does not"
                + " account for the last 2 bytes", error("labels", file));
        assertEquals("F: header promises 4 bytes, file has 6: the shape [4] of uint8 does not"
                + " account for the last 2 bytes", error("labels.gz", TestArrays.gzip(file)));
    }

    @Test
    void aLyingHeaderFailsBeforeAnythingIsAllocated() {
        byte[] plain = TestArrays.idx(0x0E, new int[] {60_000_000, 28, 28}, new byte[3]);
        assertEquals("F: truncated: header promises 376320000000 bytes, file has 3 (shape"
                + " [60000000,28,28] of float64)", error("huge", plain));
        assertEquals("F: shape [60000000,28,28] of float64 is 376320000000 bytes, more than the"
                + " limit of 1073741824 bytes (1 GiB)", error("huge.gz", TestArrays.gzip(plain)));
        byte[] overflow = TestArrays.idx(0x0E, new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE,
            Integer.MAX_VALUE}, new byte[0]);
        assertTrue(error("overflow", overflow).contains("is more than 2^63 bytes"));
        // Under the limit, a compressed file is read in growing chunks: 10 bytes arrive, no more
        // than 64 KiB is ever allocated, and the error tells how much there was.
        byte[] big = TestArrays.idx(0x08, new int[] {1_000_000, 28, 28}, new byte[10]);
        assertEquals("F: truncated: header promises 784000000 bytes, file has 10 (shape"
                + " [1000000,28,28] of uint8)", error("big.gz", TestArrays.gzip(big)));
    }

    @Test
    void dimensionsAboveTheIntRangeAreRefused() {
        byte[] file = TestArrays.idx(0x08, new int[] {-1}, new byte[0]);
        assertEquals("F: IDX dimension 1 is 4294967295, more than nnc reads (2147483647)",
                error("neg", file));
    }

    @Test
    void wrongMagicSaysWhatAnIdxFileLooksLike() {
        assertEquals("F: not an IDX file: it starts with 50 4b 03 04, an IDX file with 00 00, a"
                + " type and the number of dimensions (e.g. 00 00 08 03 for MNIST images)",
                error("x.zip", new byte[] {'P', 'K', 3, 4, 0, 0}));
        assertEquals("F: unknown IDX element type 0x0a; known: 0x08 uint8, 0x09 int8, 0x0b"
                + " int16, 0x0c int32, 0x0d float32, 0x0e float64",
                error("t", new byte[] {0, 0, 0x0A, 1, 0, 0, 0, 0}));
        assertEquals("F: IDX header gives 0 dimensions (magic 00 00 08 00); expected 1 to 16",
                error("r", new byte[] {0, 0, 8, 0}));
        assertEquals("F: empty file (expected an IDX header)", error("e", new byte[0]));
    }

    @Test
    void truncatedHeader() {
        assertEquals("F: truncated: the IDX header promises 3 dimensions, the file ends after 1",
                error("h", new byte[] {0, 0, 8, 3, 0, 0, 0, 5, 0, 0}));
    }

    @Test
    void aCutGzipStreamIsTruncated() {
        byte[] gz = TestArrays.gzip(TestArrays.idxU8(new int[] {100}, new int[100]));
        String m = error("cut.gz", Arrays.copyOf(gz, gz.length - 12));
        assertTrue(m.startsWith("F: truncated"), m);
        assertTrue(m.contains("ends early"), m);
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.gz");
        assertEquals(f + ": no such file",
                assertThrows(DataException.class, () -> IdxReader.read(f)).getMessage());
    }
}
