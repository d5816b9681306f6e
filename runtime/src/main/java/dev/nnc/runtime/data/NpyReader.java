package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reader of NumPy {@code .npy} files, format versions 1, 2 and 3.
 *
 * <p>Example: a file written by {@code np.save("x.npy", np.zeros((200, 2), np.float32))} starts
 * with {@code \x93NUMPY}, the version {@code 01 00}, a header length and the header
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (200, 2), }}; {@code
 * NpyReader.read(Path.of("x.npy"))} gives {@code float32 [200,2]}.
 *
 * <p>Element types ({@code descr}): {@code f4 f8 i1 u1 i2 i4 i8 b1} in either byte order
 * ({@code <}, {@code >}, {@code |} for one-byte types). Arrays must be in C order
 * ({@code fortran_order: False}). The data must be exactly as long as the shape says; this is
 * checked before the data is allocated.
 */
public final class NpyReader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy itself refuses longer headers by default ({@code max_header_size=10000}). */
    private static final int MAX_HEADER = 1 << 16;
    private static final List<String> DTYPES = List.of("<f4", "<f8", "<i1", "<u1", "<i2", "<i4",
            "<i8", "|b1", "|u1", "|i1");

    private NpyReader() {
    }

    /** Reads {@code file}; every problem is a {@link DataException} naming the file. */
    public static NdArray read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString(), Files.size(file));
        } catch (IOException e) {
            throw ArrayFiles.ioError(file, e);
        }
    }

    /**
     * Reads only the header of {@code file}: element type and shape; the file's size is checked
     * against the shape, the data is not read.
     */
    public static NdArray.Header header(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 12)) {
            Parsed p = parse(in, file.toString());
            ArrayFiles.checkSize(p.header, Files.size(file) - p.headerBytes);
            return p.header;
        } catch (IOException e) {
            throw ArrayFiles.ioError(file, e);
        }
    }

    /**
     * Reads an array from {@code in}.
     *
     * @param source the name for messages
     * @param totalBytes the length of the whole stream, header included, or -1 when not known
     */
    static NdArray read(InputStream in, String source, long totalBytes) throws IOException {
        Parsed p = parse(in, source);
        long available = totalBytes < 0 ? -1 : totalBytes - p.headerBytes;
        return ArrayFiles.readData(in, p.header, available, p.order);
    }

    /**
     * Reads the header from {@code in}, leaving it at the first data byte, and checks it against
     * the stream's length {@code totalBytes} when that is known (not -1).
     */
    static NdArray.Header header(InputStream in, String source, long totalBytes)
            throws IOException {
        Parsed p = parse(in, source);
        ArrayFiles.checkSize(p.header, totalBytes < 0 ? -1 : totalBytes - p.headerBytes);
        return p.header;
    }

    private record Parsed(NdArray.Header header, ByteOrder order, long headerBytes) {
    }

    private static Parsed parse(InputStream in, String source) throws IOException {
        byte[] pre = in.readNBytes(MAGIC.length + 2);
        if (pre.length == 0) {
            throw new DataException(source + ": empty file (expected an NPY header)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= pre.length || pre[i] != MAGIC[i]) {
                throw new DataException(source + ": not an NPY file: it starts with "
                        + ArrayFiles.hex(pre, 6) + ", an NPY file with 93 4e 55 4d 50 59"
                        + " (\\x93NUMPY)");
            }
        }
        if (pre.length < MAGIC.length + 2) {
            throw new DataException(source + ": truncated: the file ends inside the NPY header");
        }
        int major = pre[6] & 0xFF;
        if (major < 1 || major > 3) {
            throw new DataException(source + ": NPY format version " + major + "." + (pre[7] & 0xFF)
                    + " is not supported (known: 1.0, 2.0, 3.0)");
        }
        int lenBytes = major == 1 ? 2 : 4;
        byte[] lb = in.readNBytes(lenBytes);
        if (lb.length < lenBytes) {
            throw new DataException(source + ": truncated: the file ends inside the NPY header");
        }
        long len = 0;
        for (int i = lenBytes - 1; i >= 0; i--) {
            len = len << 8 | (lb[i] & 0xFF);
        }
        if (len > MAX_HEADER) {
            throw new DataException(source + ": NPY header length " + len + " is more than "
                    + MAX_HEADER + " bytes; the file is damaged or not an array");
        }
        byte[] text = in.readNBytes((int) len);
        if (text.length < len) {
            throw new DataException(source + ": truncated: the NPY header promises " + len
                    + " bytes, the file ends after " + text.length);
        }
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8
                : StandardCharsets.ISO_8859_1);
        Map<String, Object> fields = new DictParser(source, dict).dict();
        Object descr = fields.get("descr");
        Object fortran = fields.get("fortran_order");
        Object shape = fields.get("shape");
        if (!(descr instanceof String) || !(fortran instanceof Boolean)
                || !(shape instanceof int[])) {
            throw new DataException(source + ": the NPY header needs 'descr' (a string), "
                    + "'fortran_order' (True or False) and 'shape' (a tuple): " + dict.strip());
        }
        if ((Boolean) fortran) {
            throw new DataException(source + ": the array is stored in Fortran order "
                    + "(fortran_order: True); nnc reads C-order arrays only (save it with "
                    + "np.save(f, np.ascontiguousarray(a)))");
        }
        String d = (String) descr;
        NdArray.Type type = type(source, d);
        ByteOrder order = d.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : d.charAt(0) == '='
                ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
        NdArray.Header h = new NdArray.Header(source, type, (int[]) shape);
        return new Parsed(h, order, MAGIC.length + 2 + lenBytes + len);
    }

    private static NdArray.Type type(String source, String descr) {
        NdArray.Type t = null;
        if (descr.length() == 3 && "<>|=".indexOf(descr.charAt(0)) >= 0) {
            t = switch (descr.substring(1)) {
                case "f4" -> NdArray.Type.FLOAT32;
                case "f8" -> NdArray.Type.FLOAT64;
                case "i1" -> NdArray.Type.INT8;
                case "u1" -> NdArray.Type.UINT8;
                case "i2" -> NdArray.Type.INT16;
                case "i4" -> NdArray.Type.INT32;
                case "i8" -> NdArray.Type.INT64;
                case "b1" -> NdArray.Type.BOOL;
                default -> null;
            };
        }
        if (t == null) {
            throw new DataException(source + ": unsupported dtype '" + descr + "'; known: "
                    + String.join(" ", DTYPES) + " (and '>' for big-endian); convert with "
                    + "a.astype(np.float32)");
        }
        return t;
    }

    /**
     * The Python literal of an NPY header: a dict of string keys to strings, booleans and
     * tuples of integers, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3,), }}.
     */
    private static final class DictParser {
        private final String source;
        private final String s;
        private int i;

        DictParser(String source, String s) {
            this.source = source;
            this.s = s;
        }

        Map<String, Object> dict() {
            Map<String, Object> out = new LinkedHashMap<>();
            expect('{');
            while (!peek('}')) {
                String key = string();
                expect(':');
                out.put(key, value());
                if (!peek('}')) {
                    expect(',');
                }
            }
            expect('}');
            return out;
        }

        private Object value() {
            skipSpaces();
            if (i < s.length() && (s.charAt(i) == '\'' || s.charAt(i) == '"')) {
                return string();
            }
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (peek('(')) {
                return tuple();
            }
            throw bad("a string, True, False or a tuple");
        }

        private int[] tuple() {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            while (!peek(')')) {
                dims.add(integer());
                if (!peek(')')) {
                    expect(',');
                }
            }
            expect(')');
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }

        private int integer() {
            skipSpaces();
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (start == i) {
                throw bad("a dimension (a whole number)");
            }
            String digits = s.substring(start, i);
            if (i < s.length() && s.charAt(i) == 'L') {
                i++; // NOTE: Python 2 wrote longs as 3L
            }
            try {
                return Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw new DataException(source + ": NPY dimension " + digits + " is more than "
                        + "nnc reads (" + Integer.MAX_VALUE + ")");
            }
        }

        private String string() {
            skipSpaces();
            if (i >= s.length() || s.charAt(i) != '\'' && s.charAt(i) != '"') {
                throw bad("a quoted string");
            }
            char q = s.charAt(i++);
            int end = s.indexOf(q, i);
            if (end < 0) {
                throw bad("the end of the string");
            }
            String v = s.substring(i, end);
            i = end + 1;
            return v;
        }

        private boolean peek(char c) {
            skipSpaces();
            return i < s.length() && s.charAt(i) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw bad("'" + c + "'");
            }
            i++;
        }

        private void skipSpaces() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private DataException bad(String expected) {
            return new DataException(source + ": cannot read the NPY header at character "
                    + (i + 1) + ": expected " + expected + " in " + s.strip());
        }
    }
}
