package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.Decimals;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reader of numeric CSV files with a header row, strict about the data and precise in its
 * errors.
 *
 * <p>Example: {@code CsvReader.read(Path.of("data/xor.csv"))} on
 * <pre>
 * x1,x2,"label"
 * 0,0,0
 * 0,abc,1
 * </pre>
 * fails with {@code data/xor.csv:3: column 'x2' (2): 'abc' is not a number}.
 *
 * <p>Accepted: a first line naming the columns; values separated by commas, optionally in double
 * quotes ({@code ""} inside quotes is one quote); spaces around values; CRLF or LF line ends; a
 * UTF-8 byte order mark; blank lines (skipped). The file must be UTF-8: other bytes are an error
 * at their line and column ({@code data.csv:7:12: bytes e9 2c are not UTF-8}). Every value of a
 * data row must be a decimal number within the range of a 32-bit float (|v| at most about
 * 3.4e38; no NaN, no infinity). Line numbers in messages are 1-based lines of the file; columns
 * are given by name and 1-based index.
 *
 * <p>The file is streamed: values go straight into growing float columns as they are parsed,
 * so memory is about four bytes per value whatever the file's size (a column of whole numbers
 * beyond 2^24, such as timestamps, is kept in doubles so that no digit is lost). When even
 * that does not fit, the error says how much memory the file needs.
 */
public final class CsvReader {
    private static final int INITIAL_ROWS = 256;
    /** Whole numbers up to this size are exact in a float. */
    private static final double FLOAT_EXACT = 1 << 24;

    private CsvReader() {
    }

    /** Reads {@code file}; every problem is a {@link DataException} naming file and line. */
    public static CsvTable read(Path file) {
        CsvTable t = read(file, false);
        t.requireNumbers();
        return t;
    }

    /**
     * Reads {@code file} keeping text and missing values: a column with a value that is not a
     * number is a text column ({@link CsvTable#isText}), a missing value ({@link #isMissing}) is
     * NaN in a number column and {@code null} in a text column. The caller asks for numbers
     * where it needs them ({@link CsvTable#requireNumbers(int)}), so that a column it does not
     * use may hold anything.
     */
    public static CsvTable readAny(Path file) {
        return read(file, false);
    }

    /**
     * The column names of {@code file}'s header, reading nothing after it.
     *
     * @throws DataException for every problem with the header, as {@link #read} reports it
     */
    public static List<String> header(Path file) {
        return read(file, true).names();
    }

    /** A table of {@code file}'s header and no rows. */
    static CsvTable headerTable(Path file) {
        return read(file, true);
    }

    /**
     * The distinct values of column {@code name} of {@code file} as class labels read them
     * ({@link ClassLabels#of(List)}: numbers in their short form, sorted by value, when every
     * value is a number, else the texts sorted), missing values left out, reading no more than
     * needed: every row is split and its number of values checked, but only this column's values
     * are kept, and reading stops once more than {@code max} distinct values were seen (then
     * {@code max + 1} are returned). For a check of one column of a large file, such as its class
     * labels, that keeps no more than the distinct values.
     *
     * @throws DataException for every problem {@link #read} reports in the header and in the rows
     *     of this file, for a number beyond the float range in this column, and when the file has
     *     no such column
     */
    public static List<String> distinct(Path file, String name, int max) {
        try (InputStream in = Files.newInputStream(file)) {
            return new Parser(file, in).distinct(name, max);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new DataException(file + ": permission denied");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static CsvTable read(Path file, boolean headerOnly) {
        long size = -1;
        Parser p = null;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            p = new Parser(file, in);
            return p.table(headerOnly);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new DataException(file + ": permission denied");
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                throw new DataException(file + ": is a directory, not a CSV file");
            }
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            long values = p == null ? 0 : p.values;
            long read = p == null ? 0 : p.lines.bytesRead;
            p = null; // NOTE: lets the columns go before the message is built
            long estimate = read > 0 && size > 0 ? (long) ((double) values * size / read)
                    : values;
            throw tooLarge(file, estimate, e);
        }
    }

    /**
     * The error for a file of about {@code values} numbers that does not fit in the heap: how
     * much memory it needs and how to give the JVM more.
     */
    static DataException tooLarge(Path file, long values, OutOfMemoryError cause) {
        // NOTE: the values as floats, held about twice while a dataset is built from them.
        long needMb = Math.max(1, values * 4 * 2 / 1_000_000 + 64);
        long maxMb = Runtime.getRuntime().maxMemory() / 1_000_000;
        return new DataException(file + ": does not fit in memory: its about " + values
                + " values need about " + needMb + " MB, and the Java heap is limited to " + maxMb
                + " MB; raise the limit with NNC_JAVA_OPTS=-Xmx" + roundUp(2 * needMb)
                + "m (the nnc launcher passes it to java) or java -Xmx" + roundUp(2 * needMb)
                + "m -jar ...", cause);
    }

    private static long roundUp(long mb) {
        long step = mb < 1000 ? 100 : 1000;
        return (mb + step - 1) / step * step;
    }

    /** One pass over a file: the header, then each row straight into the columns. */
    private static final class Parser {
        private final Path file;
        private final Utf8Lines lines;
        private final StringBuilder line = new StringBuilder();
        private final List<String> fields = new ArrayList<>();
        private List<String> names;
        private float[][] floats;
        private double[][] doubles;
        private int[] lineOf;
        /** Per column: its words when it is a text column (floats then hold codes), else null. */
        private CsvTable.Words[] words;
        /** Per column: the first row holding text, or -1; and that text. */
        private int[] firstText;
        private String[] firstTextValue;
        /** Per column: the first row with a missing value, or -1; and how it was written. */
        private int[] firstMissing;
        private String[] firstMissingValue;
        private int rows;
        long values;

        Parser(Path file, InputStream in) {
            this.file = file;
            this.lines = new Utf8Lines(file, in);
        }

        private void readHeader() throws IOException {
            if (nextRecord()) {
                split(file, recordLine, line, fields);
                names = header(file, recordLine, new ArrayList<>(fields));
            }
            if (names == null) {
                throw new DataException(file
                        + ": empty file (expected a header row naming the columns)");
            }
        }

        List<String> distinct(String name, int max) throws IOException {
            readHeader();
            int c = names.indexOf(name);
            if (c < 0) {
                throw new DataException("no column '" + name + "' in " + file + "; columns: "
                        + String.join(", ", names));
            }
            int cols = names.size();
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (seen.size() <= max && nextRecord()) {
                int lineNo = recordLine;
                fields.clear();
                split(file, lineNo, line, fields);
                checkWidth(lineNo, cols);
                String f = fields.get(c);
                if (!isMissing(f)) {
                    double v = parse(f);
                    if (!Double.isNaN(v)) {
                        v = number(file, lineNo, name, c, f, v);
                        boolean exactOnlyAsDouble = Math.abs(v) >= FLOAT_EXACT
                                && (float) v != v && v == Math.rint(v);
                        f = ClassLabels.format(exactOnlyAsDouble ? v
                                : CsvTable.decimal((float) v));
                    }
                    seen.add(f);
                }
                rows++;
            }
            if (rows == 0) {
                throw new DataException(file + ": no data rows after the header");
            }
            return ClassLabels.sorted(seen);
        }

        /** The 1-based line the last record read by {@link #nextRecord} starts on. */
        private int recordLine;

        /**
         * Reads the next record that is not blank into {@code line}: one line, or more when a
         * quoted value holds line breaks (RFC 4180); false at the end of the file.
         */
        private boolean nextRecord() throws IOException {
            while (lines.next(line)) {
                if (isBlank(line)) {
                    continue;
                }
                recordLine = lines.lineNo;
                StringBuilder more = new StringBuilder();
                while (openQuote(line) && lines.next(more)) {
                    line.append('\n').append(more);
                }
                return true;
            }
            return false;
        }

        private void checkWidth(int lineNo, int cols) {
            if (fields.size() != cols) {
                throw new DataException(file + ":" + lineNo + ": " + fields.size()
                        + (fields.size() == 1 ? " value" : " values") + ", but the header has "
                        + cols + " columns (" + String.join(", ", names) + ")");
            }
        }

        CsvTable table(boolean headerOnly) throws IOException {
            readHeader();
            int cols = names.size();
            floats = new float[cols][headerOnly ? 0 : INITIAL_ROWS];
            doubles = new double[cols][];
            lineOf = new int[headerOnly ? 0 : INITIAL_ROWS];
            words = new CsvTable.Words[cols];
            firstText = new int[cols];
            firstMissing = new int[cols];
            Arrays.fill(firstText, -1);
            Arrays.fill(firstMissing, -1);
            firstTextValue = new String[cols];
            firstMissingValue = new String[cols];
            if (headerOnly) {
                return table(0);
            }
            while (nextRecord()) {
                row(cols);
            }
            if (rows == 0) {
                throw new DataException(file + ": no data rows after the header");
            }
            return table(rows);
        }

        private CsvTable table(int n) {
            return new CsvTable(file, names, floats, doubles, lineOf, n,
                    new CsvTable.Problems(words, firstText, firstTextValue, firstMissing,
                            firstMissingValue));
        }

        private void row(int cols) {
            int lineNo = recordLine;
            fields.clear();
            split(file, lineNo, line, fields);
            checkWidth(lineNo, cols);
            if (rows == lineOf.length) {
                grow();
            }
            for (int c = 0; c < cols; c++) {
                String f = fields.get(c);
                if (isMissing(f)) {
                    if (firstMissing[c] < 0) {
                        firstMissing[c] = rows;
                        firstMissingValue[c] = f;
                    }
                    if (doubles[c] != null) {
                        doubles[c][rows] = Double.NaN;
                    } else {
                        floats[c][rows] = Float.NaN;
                    }
                    continue;
                }
                double v = Double.NaN;
                if (words[c] == null) {
                    v = parse(f);
                    if (Double.isNaN(v)) {
                        toWords(c);
                        firstText[c] = rows;
                        firstTextValue[c] = f;
                    }
                }
                if (words[c] != null) {
                    floats[c][rows] = words[c].code(f);
                    continue;
                }
                v = number(file, lineNo, names.get(c), c, f, v);
                if (doubles[c] != null) {
                    doubles[c][rows] = v;
                } else if (Math.abs(v) >= FLOAT_EXACT && (float) v != v && v == Math.rint(v)) {
                    toDoubles(c)[rows] = v;
                } else {
                    floats[c][rows] = (float) v;
                }
            }
            values += cols;
            lineOf[rows] = lineNo;
            rows++;
        }

        /** Grows every column by half. */
        private void grow() {
            int cap = (int) Math.min(Integer.MAX_VALUE - 8L,
                    lineOf.length + (long) (lineOf.length >> 1));
            if (cap == lineOf.length) {
                throw new DataException(file + ": more than " + cap + " rows");
            }
            lineOf = Arrays.copyOf(lineOf, cap);
            for (int c = 0; c < floats.length; c++) {
                if (doubles[c] != null) {
                    doubles[c] = Arrays.copyOf(doubles[c], cap);
                } else {
                    floats[c] = Arrays.copyOf(floats[c], cap);
                }
            }
        }

        /**
         * Column {@code c} turned into a text column: the numbers of the rows so far become the
         * words of their short form ({@code 2}, {@code 0.5}); codes in the floats.
         */
        private void toWords(int c) {
            CsvTable.Words w = new CsvTable.Words();
            float[] codes = new float[lineOf.length];
            for (int r = 0; r < rows; r++) {
                double v = doubles[c] != null ? doubles[c][r] : CsvTable.decimal(floats[c][r]);
                codes[r] = Double.isNaN(v) ? Float.NaN : w.code(ClassLabels.format(v));
            }
            words[c] = w;
            floats[c] = codes;
            doubles[c] = null;
        }

        /**
         * Column {@code c} moved to doubles, for a value a float would round: the rows so far
         * were exact as floats.
         */
        private double[] toDoubles(int c) {
            double[] d = new double[lineOf.length];
            for (int r = 0; r < rows; r++) {
                d[r] = Float.isNaN(floats[c][r]) ? Double.NaN : CsvTable.decimal(floats[c][r]);
            }
            doubles[c] = d;
            floats[c] = null;
            return d;
        }
    }

    private static boolean isBlank(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> header(Path file, int lineNo, List<String> fields) {
        Map<String, Integer> seen = new HashMap<>();
        boolean allNumbers = true;
        for (int c = 0; c < fields.size(); c++) {
            String name = fields.get(c);
            if (name.isEmpty()) {
                throw new DataException(file + ":" + lineNo + ": column " + (c + 1)
                        + " of the header has no name");
            }
            Integer before = seen.putIfAbsent(name, c);
            if (before != null) {
                throw new DataException(file + ":" + lineNo + ": duplicate column name '" + name
                        + "' (columns " + (before + 1) + " and " + (c + 1) + ")");
            }
            allNumbers &= !Double.isNaN(parse(name));
        }
        if (allNumbers) {
            throw new DataException(file + ":" + lineNo + ": the first row must name the columns,"
                    + " but it holds only numbers (" + String.join(", ", fields) + ")");
        }
        return fields;
    }

    /** Splits one line into trimmed, unquoted fields. */
    private static void split(Path file, int lineNo, CharSequence line, List<String> out) {
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new DataException(file + ":" + lineNo + ": column " + (out.size() + 1)
                                + ": quote opened but not closed");
                    }
                    char ch = line.charAt(i++);
                    if (ch == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            sb.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(ch);
                    }
                }
                while (i < n && isSpace(line.charAt(i))) {
                    i++;
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new DataException(file + ":" + lineNo + ": column " + (out.size() + 1)
                            + ": text after the closing quote");
                }
                out.add(sb.toString().strip());
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ',') {
                    i++;
                }
                out.add(line.subSequence(start, i).toString().strip());
            }
            if (i >= n) {
                return;
            }
            i++; // the comma
        }
    }

    /**
     * Whether {@code line} ends inside a quoted value: a quote that opens a value (after the
     * comma and spaces) and is not closed, so that the record goes on on the next line.
     */
    private static boolean openQuote(CharSequence line) {
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        return true;
                    }
                    if (line.charAt(i++) == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            i++;
                        } else {
                            break;
                        }
                    }
                }
            }
            while (i < n && line.charAt(i) != ',') {
                i++;
            }
            if (i >= n) {
                return false;
            }
            i++;
        }
    }

    /** The ways a missing value is written: nothing, NA, N/A, NaN, null, ?, in any case. */
    public static final List<String> MISSING = List.of("", "NA", "N/A", "NaN", "null", "?");

    /** Whether the value {@code text} (trimmed, unquoted) is missing; see {@link #MISSING}. */
    public static boolean isMissing(String text) {
        if (text.isEmpty()) {
            return true;
        }
        for (String m : MISSING) {
            if (m.equalsIgnoreCase(text)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * {@code v}, the value {@code text} was parsed to ({@link #parse}), when it is a number whose
     * float is finite (as {@code nnc serve} takes a request's numbers: {@code 3.4028235E38}, which
     * {@code Float.toString} writes for the largest float, is that float); else the error naming
     * where and why.
     */
    private static double number(Path file, int lineNo, String name, int c, String text,
            double v) {
        if (Float.isFinite((float) v)) {
            return v;
        }
        String where = file + ":" + lineNo + ": column '" + name + "' (" + (c + 1) + "): ";
        if (text.isEmpty()) {
            throw new DataException(where + "empty value, expected a number");
        }
        if (!Double.isNaN(v)) {
            throw new DataException(where + "'" + text + "' is out of the range of a 32-bit "
                    + "float (at most about 3.4e38)");
        }
        throw new DataException(where + "'" + text + "' is not a number");
    }

    /** A number with commas between groups of three digits: {@code "1,234,567.5"}. */
    private static final java.util.regex.Pattern THOUSANDS = java.util.regex.Pattern.compile(
            "[+-]?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]*)?([eE][+-]?[0-9]+)?");

    /**
     * The decimal number {@code text} as {@link ClassLabels#number} reads it, or NaN when it is
     * not one ({@link Decimals#parse}). No NaN, no hex, no type suffixes; commas between groups of
     * three digits (in a quoted value, {@code "1,234.5"}) are thousands separators.
     */
    static double parse(String text) {
        if (text.indexOf(',') >= 0 && THOUSANDS.matcher(text).matches()) {
            text = text.replace(",", "");
        }
        return Decimals.parse(text);
    }
}
