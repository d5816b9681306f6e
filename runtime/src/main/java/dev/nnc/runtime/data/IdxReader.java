package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The reader of IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed.
 *
 * <p>Example: {@code IdxReader.read(Path.of("train-images-idx3-ubyte.gz"))} gives
 * {@code uint8 [60000,28,28]}; {@code IdxReader.header(...)} gives the same shape and reads only
 * the first 16 bytes.
 *
 * <p>The format: two zero bytes, a type byte ({@code 08} uint8, {@code 09} int8, {@code 0b}
 * int16, {@code 0c} int32, {@code 0d} float32, {@code 0e} float64), the number of dimensions,
 * then each dimension as a big-endian 32-bit integer, then the values, big-endian, row-major. So
 * {@code 00 00 08 03} is the magic number 0x00000803 of an image file and {@code 00 00 08 01}
 * that of a label file. Gzip is recognized by its magic bytes {@code 1f 8b}, whatever the file
 * is called. The data must be exactly as long as the dimensions say; this is checked before the
 * data is allocated (for a compressed file, the buffer grows only as data arrives).
 */
public final class IdxReader {
    private static final int MAX_RANK = 16;

    private IdxReader() {
    }

    /** Reads {@code file}; every problem is a {@link DataException} naming the file. */
    public static NdArray read(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            Opened o = open(file, raw);
            NdArray.Header h = header(file, o.in);
            long available = o.gzip ? -1 : Files.size(file) - headerBytes(h);
            return ArrayFiles.readData(o.in, h, available, ByteOrder.BIG_ENDIAN);
        } catch (EOFException e) {
            throw new DataException(file + ": truncated: the gzip stream ends early", e);
        } catch (IOException e) {
            throw ArrayFiles.ioError(file, e);
        }
    }

    /**
     * Reads only the header of {@code file}: element type and shape. For a plain file the size
     * is checked too (the data must be as long as the shape says); a compressed one is not
     * decompressed.
     */
    public static NdArray.Header header(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            Opened o = open(file, raw);
            NdArray.Header h = header(file, o.in);
            ArrayFiles.checkSize(h, o.gzip ? -1 : Files.size(file) - headerBytes(h));
            return h;
        } catch (EOFException e) {
            throw new DataException(file + ": truncated: the gzip stream ends early", e);
        } catch (IOException e) {
            throw ArrayFiles.ioError(file, e);
        }
    }

    private record Opened(InputStream in, boolean gzip) {
    }

    private static Opened open(Path file, InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new Opened(new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16),
                    true);
        }
        return new Opened(in, false);
    }

    private static long headerBytes(NdArray.Header h) {
        return 4 + 4L * h.rank();
    }

    private static NdArray.Header header(Path file, InputStream in) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length == 0) {
            throw new DataException(file + ": empty file (expected an IDX header)");
        }
        if (magic.length < 4 || magic[0] != 0 || magic[1] != 0) {
            throw new DataException(file + ": not an IDX file: it starts with "
                    + ArrayFiles.hex(magic, 4) + ", an IDX file with 00 00, a type and the number"
                    + " of dimensions (e.g. 00 00 08 03 for MNIST images)");
        }
        NdArray.Type type = type(file, magic[2] & 0xFF);
        int rank = magic[3] & 0xFF;
        if (rank == 0 || rank > MAX_RANK) {
            throw new DataException(file + ": IDX header gives " + rank + " dimensions (magic "
                    + ArrayFiles.hex(magic, 4) + "); expected 1 to " + MAX_RANK);
        }
        DataInputStream d = new DataInputStream(in);
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) {
            try {
                shape[i] = d.readInt();
            } catch (EOFException e) {
                throw new DataException(file + ": truncated: the IDX header promises " + rank
                        + " dimensions, the file ends after " + i, e);
            }
            if (shape[i] < 0) {
                throw new DataException(file + ": IDX dimension " + (i + 1) + " is "
                        + Integer.toUnsignedString(shape[i]) + ", more than nnc reads ("
                        + Integer.MAX_VALUE + ")");
            }
        }
        return new NdArray.Header(file.toString(), type, shape);
    }

    private static NdArray.Type type(Path file, int code) {
        return switch (code) {
            case 0x08 -> NdArray.Type.UINT8;
            case 0x09 -> NdArray.Type.INT8;
            case 0x0B -> NdArray.Type.INT16;
            case 0x0C -> NdArray.Type.INT32;
            case 0x0D -> NdArray.Type.FLOAT32;
            case 0x0E -> NdArray.Type.FLOAT64;
            default -> throw new DataException(file + ": unknown IDX element type "
                    + String.format("0x%02x", code) + "; known: 0x08 uint8, 0x09 int8, 0x0b "
                    + "int16, 0x0c int32, 0x0d float32, 0x0e float64");
        };
    }
}
