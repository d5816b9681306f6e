package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional array of numbers as read from an IDX, NPY or NPZ file: its element type, its
 * shape and its values in row-major (C) order.
 *
 * <p>Example: {@code IdxReader.read(Path.of("train-labels-idx1-ubyte.gz"))} of Fashion-MNIST is
 * {@code train-labels-idx1-ubyte.gz: uint8 [60000]} with {@code get(0) = 9.0} (the first sample is
 * an ankle boot); {@code NpzReader.read(Path.of("ch10.npz"), "data")} is {@code ch10.npz:data:
 * float64 [200,2]}.
 */
public final class NdArray {
    /**
     * The largest data part a reader accepts, 1 GiB. NOTE: a header is checked against this
     * before anything is allocated, so that a corrupt or hostile header cannot ask for more.
     */
    public static final long MAX_BYTES = 1L << 30;

    /** Element types, with their size in bytes. */
    public enum Type {
        UINT8(1), INT8(1), INT16(2), INT32(4), INT64(8), FLOAT32(4), FLOAT64(8), BOOL(1);

        private final int bytes;

        Type(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }

        /** True for the types whose values are whole numbers. */
        public boolean isInteger() {
            return this != FLOAT32 && this != FLOAT64;
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * What a file's header says about its array, read without the data.
     *
     * @param source the file, and for an NPZ entry its name: {@code "ch10.npz:data"}
     * @param type the element type
     * @param shape the dimensions, outermost first; samples are along the first
     */
    public record Header(String source, Type type, int[] shape) {
        public Header {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(type, "type");
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** Number of dimensions. */
        public int rank() {
            return shape.length;
        }

        /** Number of elements: the product of the dimensions (1 for a scalar). */
        public long count() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        /**
         * Elements per sample: the product of all dimensions but the first, so {@code [N,28,28]}
         * and {@code [N,784]} both give 784 and {@code [N]} gives 1.
         */
        public long sampleSize() {
            long n = 1;
            for (int i = 1; i < shape.length; i++) {
                n *= shape[i];
            }
            return n;
        }

        /** The shape as {@code [60000,28,28]}. */
        public String shapeText() {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < shape.length; i++) {
                sb.append(i == 0 ? "" : ",").append(shape[i]);
            }
            return sb.append(']').toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && h.source.equals(source) && h.type == type
                    && Arrays.equals(h.shape, shape);
        }

        @Override
        public int hashCode() {
            return Objects.hash(source, type, Arrays.hashCode(shape));
        }

        @Override
        public String toString() {
            return source + ": " + type + " " + shapeText();
        }
    }

    private final Header header;
    private final ByteBuffer data;

    /** An array over {@code data}, whose byte order must already be set; not copied. */
    NdArray(Header header, ByteBuffer data) {
        if (data.capacity() != header.count() * header.type().bytes()) {
            throw new IllegalArgumentException(data.capacity() + " bytes for " + header);
        }
        this.header = header;
        this.data = data;
    }

    /** The header: source, element type and shape. */
    public Header header() {
        return header;
    }

    /** The element type. */
    public Type type() {
        return header.type();
    }

    /** The dimensions, outermost first. A copy. */
    public int[] shape() {
        return header.shape();
    }

    /** Number of elements. */
    public long count() {
        return header.count();
    }

    /** Element {@code i} in row-major order, as a double (exact for every type but large int64). */
    public double get(long i) {
        if (i < 0 || i >= count()) {
            throw new IndexOutOfBoundsException("element " + i + " of " + count());
        }
        int k = (int) i;
        return switch (header.type()) {
            case UINT8 -> data.get(k) & 0xFF;
            case INT8 -> data.get(k);
            case BOOL -> data.get(k) != 0 ? 1 : 0;
            case INT16 -> data.getShort(k * 2);
            case INT32 -> data.getInt(k * 4);
            case INT64 -> data.getLong(k * 8);
            case FLOAT32 -> data.getFloat(k * 4);
            case FLOAT64 -> data.getDouble(k * 8);
        };
    }

    /**
     * All elements as floats, each divided by {@code divisor} (1 keeps them as they are).
     *
     * @throws DataException naming the sample and value of the first element that is NaN,
     *     infinite or beyond the range of a float
     */
    public float[] toFloats(double divisor) {
        float[] out = new float[(int) count()];
        Type type = header.type();
        if (type == Type.UINT8 || type == Type.INT8) {
            // NOTE: a byte has 256 values: each is scaled once, with the same function, and the
            // elements are looked up (an image set is tens of millions of bytes)
            float[] scaled = new float[256];
            for (int b = 0; b < 256; b++) {
                scaled[b] = Preprocessing.scale(type == Type.UINT8 ? b : (byte) b, divisor);
            }
            for (int i = 0; i < out.length; i++) {
                out[i] = scaled[data.get(i) & 0xFF];
            }
            return out;
        }
        boolean check = !type.isInteger();
        for (int i = 0; i < out.length; i++) {
            double v = get(i);
            if (check && !(Math.abs(v) <= Float.MAX_VALUE)) {
                throw notFinite(i, v);
            }
            out[i] = Preprocessing.scale(v, divisor);
        }
        return out;
    }

    /**
     * All elements as doubles.
     *
     * @throws DataException as {@link #toFloats} does
     */
    public double[] toDoubles() {
        double[] out = new double[(int) count()];
        boolean check = !header.type().isInteger();
        for (int i = 0; i < out.length; i++) {
            double v = get(i);
            if (check && !(Math.abs(v) <= Float.MAX_VALUE)) {
                throw notFinite(i, v);
            }
            out[i] = v;
        }
        return out;
    }

    /** The error for element {@code i}, of value {@code v}: where it is and what is wrong. */
    private DataException notFinite(long i, double v) {
        String what = Double.isNaN(v) || Double.isInfinite(v)
                ? (Double.isNaN(v) ? "NaN" : v > 0 ? "+Infinity" : "-Infinity")
                        + " is not a finite number"
                : v + " is out of the range of a 32-bit float (at most about 3.4e38)";
        String where;
        if (header.rank() <= 1) {
            where = "sample " + i;
        } else {
            long per = header.sampleSize();
            where = "sample " + i / per + ", value " + i % per;
        }
        return new DataException(header.source() + ": " + where + " (element " + i + " of "
                + header.type() + " " + header.shapeText() + "): " + what
                + "; data must be finite numbers");
    }

    @Override
    public String toString() {
        return header.toString();
    }
}
