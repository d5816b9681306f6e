package dev.nnc.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader and writer of safetensors files holding float32 tensors, the format other tools read too.
 *
 * <p>Layout: 8 bytes, the header's length as a little-endian unsigned integer; the header, UTF-8
 * JSON padded with spaces to a multiple of 8 bytes, e.g.
 * <pre>
 * {"__metadata__":{"nnc.model":"Xor"},"dense1.W":{"dtype":"F32","shape":[2,2],
 *  "data_offsets":[0,16]},"dense1.B":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}
 * </pre>
 * then the tensors' bytes, little-endian, at the offsets given (relative to the end of the header).
 *
 * <p>Writing is atomic ({@link OutputFiles}): the file is written beside the target under a
 * temporary name, flushed to the disk and then moved over it, so a crash never leaves a
 * half-written weights file or checkpoint (a killed writer may leave its temporary file behind,
 * never a broken target, and {@link OutputFiles#cleanStale} removes it later).
 * Reading checks every length and offset: a truncated or corrupt file is a
 * {@link WeightsException} naming the file.
 */
public final class Safetensors {
    private static final String METADATA = "__metadata__";
    private static final String F32 = "F32";
    private static final long MAX_HEADER = 100L << 20;
    private static final int CHUNK_FLOATS = 16384;

    private Safetensors() {
    }

    /**
     * The contents of a file.
     *
     * @param tensors the tensors in header order
     * @param metadata the {@code __metadata__} entries (empty when the file has none)
     */
    public record Contents(List<Tensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = List.copyOf(tensors);
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        /** The tensor named {@code name}, or {@code null}. */
        public Tensor tensor(String name) {
            for (Tensor t : tensors) {
                if (t.name().equals(name)) {
                    return t;
                }
            }
            return null;
        }
    }

    /**
     * Writes {@code tensors} with {@code metadata} to {@code file}, atomically (see
     * {@link OutputFiles}).
     *
     * @throws WeightsException naming the file when it cannot be written
     */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) {
        OutputFiles.write(file, content(tensors, metadata));
    }

    /** The bytes of a file of {@code tensors} with {@code metadata}, for {@link OutputFiles}. */
    public static OutputFiles.Content content(List<Tensor> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(METADATA, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Tensor t : tensors) {
            if (t.name().equals(METADATA) || header.containsKey(t.name())) {
                throw new IllegalArgumentException("tensor name used twice or reserved: "
                        + t.name());
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", F32);
            entry.put("shape", t.shape());
            long end = offset + 4L * t.size();
            entry.put("data_offsets", List.of(offset, end));
            header.put(t.name(), entry);
            offset = end;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        List<Tensor> data = List.copyOf(tensors);
        return out -> {
            ByteBuffer buf = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(padded);
            out.write(buf.array(), 0, 8);
            out.write(json);
            for (int i = json.length; i < padded; i++) {
                out.write(' ');
            }
            for (Tensor t : data) {
                float[] d = t.data();
                for (int from = 0; from < d.length; from += CHUNK_FLOATS) {
                    int n = Math.min(CHUNK_FLOATS, d.length - from);
                    buf.clear();
                    buf.asFloatBuffer().put(d, from, n);
                    out.write(buf.array(), 0, 4 * n);
                }
            }
        };
    }

    /**
     * What a file's header says, read before any tensor's data is allocated.
     *
     * @param metadata the {@code __metadata__} entries
     * @param shapes each tensor's shape, in header order
     */
    public record Layout(Map<String, String> metadata, Map<String, int[]> shapes) {
    }

    /** A tensor's entry in the header, checked: its data lies at {@code [begin, end)}. */
    private record Entry(String name, int[] shape, long count, long begin, long end) {
    }

    /** Reads {@code file}; only F32 tensors are supported. */
    public static Contents read(Path file) {
        return read(file, layout -> { });
    }

    /**
     * Reads {@code file}, first handing its header to {@code check}, which may throw to stop
     * before any tensor is allocated (a weights file of the wrong model or shapes, say).
     *
     * <p>Checked before that: every tensor's {@code data_offsets} lie inside the file and no two
     * overlap, so that the tensors together never need more memory than the file's size; every
     * shape matches its byte count. Checked while reading: every value is a finite number.
     *
     * @throws WeightsException naming the file (and the tensor) for every problem
     */
    public static Contents read(Path file, java.util.function.Consumer<Layout> check) {
        return read(file, check, true);
    }

    /**
     * The header of {@code file}, checked as {@link #read} checks it; no tensor is read.
     *
     * @throws WeightsException naming the file for every problem
     */
    public static Layout layout(Path file) {
        Layout[] out = new Layout[1];
        read(file, layout -> out[0] = layout, false);
        return out[0];
    }

    private static Contents read(Path file, java.util.function.Consumer<Layout> check,
            boolean withData) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw corrupt(file, "the file has " + size + " bytes, too short for a header");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen < 2 || headerLen > size - 8 || headerLen > MAX_HEADER) {
                throw corrupt(file, "header length " + Long.toUnsignedString(headerLen)
                        + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8, file);
            String json = new String(hb.array(), StandardCharsets.UTF_8);
            Object parsed;
            try {
                parsed = Json.parse(json);
            } catch (IllegalArgumentException e) {
                throw corrupt(file, "the header is not valid JSON (" + e.getMessage() + ")");
            }
            if (!(parsed instanceof Map<?, ?> header)) {
                throw corrupt(file, "the header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : header.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals(METADATA)) {
                    metadata(file, e.getValue(), metadata);
                } else {
                    entries.add(entry(file, name, e.getValue(), dataLen));
                }
            }
            checkOverlaps(file, entries);
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (Entry e : entries) {
                shapes.put(e.name(), e.shape().clone());
            }
            check.accept(new Layout(Collections.unmodifiableMap(metadata),
                    Collections.unmodifiableMap(shapes)));
            List<Tensor> tensors = new ArrayList<>();
            for (Entry e : withData ? entries : List.<Entry>of()) {
                tensors.add(new Tensor(e.name(), e.shape(), data(file, ch, e, dataStart)));
            }
            return new Contents(tensors, metadata);
        } catch (NoSuchFileException e) {
            throw new WeightsException(file + ": no such file");
        } catch (IOException e) {
            throw new WeightsException("cannot read " + file + ": " + e, e);
        }
    }

    private static void metadata(Path file, Object v, Map<String, String> out) {
        if (!(v instanceof Map<?, ?> m)) {
            throw corrupt(file, "__metadata__ is not a JSON object");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw corrupt(file, "metadata value of \"" + e.getKey() + "\" is not a string");
            }
            out.put((String) e.getKey(), s);
        }
    }

    private static Entry entry(Path file, String name, Object v, long dataLen) {
        if (!(v instanceof Map<?, ?> m)) {
            throw corrupt(file, "entry of tensor '" + name + "' is not a JSON object");
        }
        if (!(m.get("dtype") instanceof String dtype)) {
            throw corrupt(file, "tensor '" + name + "' has no dtype");
        }
        if (!dtype.equals(F32)) {
            throw new WeightsException(file + ": tensor '" + name + "' has dtype " + dtype
                    + "; only F32 is supported");
        }
        List<Long> shapeList = longs(file, name, "shape", m.get("shape"), -1);
        List<Long> offsets = longs(file, name, "data_offsets", m.get("data_offsets"), 2);
        int[] shape = new int[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = shapeList.get(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw corrupt(file, "tensor '" + name + "' has a bad shape " + shapeList);
            }
            shape[i] = (int) d;
            count *= d;
            if (count > Integer.MAX_VALUE) {
                throw corrupt(file, "tensor '" + name + "' is too large: " + shapeList);
            }
        }
        long begin = offsets.get(0);
        long end = offsets.get(1);
        if (begin < 0 || end < begin || end > dataLen) {
            throw corrupt(file, "tensor '" + name + "' has data_offsets [" + begin + ", " + end
                    + "] outside the " + dataLen + " data bytes (truncated file?)");
        }
        if (end - begin != 4 * count) {
            throw corrupt(file, "tensor '" + name + "' of shape " + shapeList + " needs "
                    + 4 * count + " bytes, data_offsets give " + (end - begin));
        }
        return new Entry(name, shape, count, begin, end);
    }

    /** No two tensors may share bytes: then the tensors together fit in the file. */
    private static void checkOverlaps(Path file, List<Entry> entries) {
        List<Entry> byBegin = new ArrayList<>();
        for (Entry e : entries) {
            if (e.end() > e.begin()) {
                byBegin.add(e);
            }
        }
        byBegin.sort(java.util.Comparator.comparingLong(Entry::begin)
                .thenComparingLong(Entry::end));
        for (int i = 1; i < byBegin.size(); i++) {
            Entry a = byBegin.get(i - 1);
            Entry b = byBegin.get(i);
            if (b.begin() < a.end()) {
                throw corrupt(file, "tensors '" + a.name() + "' [" + a.begin() + ", " + a.end()
                        + "] and '" + b.name() + "' [" + b.begin() + ", " + b.end()
                        + "] overlap in data_offsets");
            }
        }
    }

    private static float[] data(Path file, FileChannel ch, Entry e, long dataStart)
            throws IOException {
        float[] data = new float[(int) e.count()];
        ByteBuffer buf = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < data.length; from += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, data.length - from);
            buf.clear().limit(4 * n);
            readFully(ch, buf, dataStart + e.begin() + 4L * from, file);
            buf.flip();
            buf.asFloatBuffer().get(data, from, n);
            for (int i = from; i < from + n; i++) {
                if (!Float.isFinite(data[i])) {
                    throw new WeightsException(file + ": tensor '" + e.name() + "' holds "
                            + (Float.isNaN(data[i]) ? "NaN" : data[i] > 0 ? "+Infinity"
                                    : "-Infinity")
                            + " at element " + i + " of shape " + Arrays.toString(e.shape())
                            + "; weights must be finite numbers (was training diverging?)");
                }
            }
        }
        return data;
    }

    private static List<Long> longs(Path file, String name, String key, Object v, int length) {
        if (!(v instanceof List<?> list) || (length >= 0 && list.size() != length)) {
            throw corrupt(file, "tensor '" + name + "' has a bad " + key);
        }
        List<Long> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Long l)) {
                throw corrupt(file, "tensor '" + name + "' has a bad " + key + ": " + list);
            }
            out.add(l);
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file)
            throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw corrupt(file, "the file ends early (truncated?)");
            }
            pos += n;
        }
    }

    private static WeightsException corrupt(Path file, String what) {
        return new WeightsException(file + ": not a valid safetensors file: " + what);
    }
}
