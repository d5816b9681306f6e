package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the IDX, NPY and NPZ readers share: checking a header's size against the data before
 * allocating, reading the data part, and telling I/O problems the way {@link CsvReader} does.
 *
 * <p>Example: a header of shape {@code [60000,28,28]} of {@code uint8} followed by 1200 bytes fails
 * with {@code train-images.gz: truncated: header promises 47040000 bytes, file has 1200}, and
 * only 1200 bytes were ever held.
 */
final class ArrayFiles {
    /** First allocation when the data size is not known in advance; grows as bytes arrive. */
    private static final int FIRST_CHUNK = 1 << 16;

    private ArrayFiles() {
    }

    /**
     * The number of data bytes a header promises, checked: no negative dimension, no overflow,
     * not more than {@link NdArray#MAX_BYTES}.
     */
    static long promisedBytes(NdArray.Header h) {
        long n = h.type().bytes();
        try {
            for (int d : h.shape()) {
                if (d < 0) {
                    throw new DataException(h.source() + ": negative dimension in shape "
                            + h.shapeText());
                }
                n = Math.multiplyExact(n, d);
            }
        } catch (ArithmeticException e) {
            throw tooLarge(h, "more than 2^63");
        }
        return n;
    }

    private static DataException tooLarge(NdArray.Header h, String bytes) {
        return new DataException(h.source() + ": shape " + h.shapeText() + " of " + h.type()
                + " is " + bytes + " bytes, more than the limit of " + NdArray.MAX_BYTES
                + " bytes (1 GiB)");
    }

    /**
     * Reads the data part of {@code h} from {@code in}, positioned just after the header.
     *
     * @param available the bytes left in the file after the header, or -1 when not known (a
     *     compressed stream); when known it must equal the promised size, checked before
     *     allocating; when not known the buffer grows only as bytes arrive
     */
    static NdArray readData(InputStream in, NdArray.Header h, long available, ByteOrder order)
            throws IOException {
        int size = checkSize(h, available);
        long promised = size;
        byte[] buf = new byte[available >= 0 ? size : Math.min(size, FIRST_CHUNK)];
        int filled = 0;
        while (filled < size) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(size, 2L * buf.length));
            }
            int n;
            try {
                n = in.read(buf, filled, buf.length - filled);
            } catch (EOFException e) {
                throw new DataException(mismatch(h, promised, filled).getMessage()
                        + "; the compressed stream ends early", e);
            }
            if (n < 0) {
                throw mismatch(h, promised, filled);
            }
            filled += n;
        }
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0) {
            throw mismatch(h, promised, promised + extra);
        }
        return new NdArray(h, ByteBuffer.wrap(buf).order(order));
    }

    /**
     * Checks that {@code h} promises exactly {@code available} bytes (when that is known, not -1)
     * and no more than the limit; returns the promised size.
     */
    static int checkSize(NdArray.Header h, long available) {
        long promised = promisedBytes(h);
        if (available >= 0 && available != promised) {
            throw mismatch(h, promised, available);
        }
        if (promised > NdArray.MAX_BYTES) {
            throw tooLarge(h, Long.toString(promised));
        }
        return (int) promised;
    }

    private static DataException mismatch(NdArray.Header h, long promised, long has) {
        String what = "header promises " + promised + " bytes, file has " + has;
        if (has < promised) {
            return new DataException(h.source() + ": truncated: " + what + " (shape "
                    + h.shapeText() + " of " + h.type() + ")");
        }
        return new DataException(h.source() + ": " + what + ": the shape " + h.shapeText()
                + " of " + h.type() + " does not account for the last " + (has - promised)
                + " bytes");
    }

    /** The first {@code n} bytes as {@code "50 4b 03 04"}. */
    static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xFF));
        }
        return sb.toString();
    }

    /** An I/O problem with {@code file} as a {@link DataException}, in CsvReader's words. */
    static DataException ioError(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataException(file + ": no such file");
        }
        if (e instanceof AccessDeniedException) {
            return new DataException(file + ": permission denied");
        }
        if (Files.isDirectory(file)) {
            return new DataException(file + ": is a directory, not a data file");
        }
        return new DataException(file + ": cannot read: " + e.getMessage(), e);
    }
}
