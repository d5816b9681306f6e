package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.Decimals;
import dev.nnc.runtime.model.IsoTime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A numeric CSV file as read by {@link CsvReader}: the header's column names and the values,
 * column by column.
 *
 * <p>Example: the file {@code "x1,x2,y\n0,1,1\n1,1,0\n"} gives {@code names = [x1, x2, y]},
 * {@code column(2) = {1, 0}} and {@code line(1) = 3} (data row 1 is on line 3 of the file).
 *
 * <p>Values are held as floats, four bytes each; {@link #value} gives back the shortest decimal
 * that reads as that float, so a label written {@code 0.1} is {@code 0.1}. A column with whole
 * numbers a float would round (beyond 2^24, such as timestamps) is held in doubles.
 *
 * <p>A table read by {@link CsvReader#readAny} may hold text columns (a value that is not a
 * number makes the column text: {@link #isText}, {@link #text}) and missing values (NaN in a
 * number column, {@code null} text); the numeric accessors of a text column, and
 * {@link #requireNumbers(int)}, fail with the message a strict reader gives at the first value
 * that is not a number.
 */
public final class CsvTable {
    private static final double FLOAT_EXACT = 1 << 24;

    private final Path file;
    private final List<String> names;
    private final float[][] floats;
    private final double[][] doubles;
    private final int[] lines;
    private final int rows;
    private final Problems problems;
    private final java.util.BitSet times = new java.util.BitSet();

    /** The words of a text column, in order of first appearance; a value's code is its index. */
    static final class Words {
        private final Map<String, Integer> codes = new HashMap<>();
        private final List<String> list = new ArrayList<>();

        /** The code of {@code w}, a new one for a word not seen before. */
        int code(String w) {
            Integer c = codes.get(w);
            if (c == null) {
                c = list.size();
                codes.put(w, c);
                list.add(w);
            }
            return c;
        }
    }

    /**
     * Where the values that are not numbers are, per column.
     *
     * @param words a text column's words, else null
     * @param firstText the first row holding text, or -1
     * @param firstTextValue that text
     * @param firstMissing the first row with a missing value, or -1
     * @param firstMissingValue how it was written
     */
    record Problems(Words[] words, int[] firstText, String[] firstTextValue, int[] firstMissing,
            String[] firstMissingValue) {
    }

    /**
     * A table over the columns as the reader filled them: column {@code c} is
     * {@code doubles[c]} when that is not null, else {@code floats[c]}; not copied.
     */
    CsvTable(Path file, List<String> names, float[][] floats, double[][] doubles, int[] lines,
            int rows, Problems problems) {
        this.problems = problems;
        this.file = file;
        this.names = List.copyOf(names);
        this.floats = floats;
        this.doubles = doubles;
        this.lines = lines;
        this.rows = rows;
    }

    /** The file the table was read from, as given to the reader. */
    public Path file() {
        return file;
    }

    /** The column names of the header, in file order. */
    public List<String> names() {
        return names;
    }

    /** Number of columns. */
    public int columnCount() {
        return names.size();
    }

    /** Number of data rows (not counting the header). */
    public int rowCount() {
        return rows;
    }

    /** The index of the column named {@code name}, or -1. */
    public int indexOf(String name) {
        return names.indexOf(name);
    }

    /** Whether column {@code c} holds a value that is neither a number nor missing. */
    public boolean isText(int c) {
        return problems.words()[c] != null;
    }

    /** Whether column {@code c} has a missing value. */
    public boolean hasMissing(int c) {
        return problems.firstMissing()[c] >= 0;
    }

    /**
     * The value at data row {@code r}, column {@code c} as text: a text column's value as
     * written, a number in its short form ({@code 2}, {@code 0.5}); {@code null} when missing.
     */
    public String text(int r, int c) {
        checkRow(r);
        List<String> w = problems.words()[c] == null ? null : problems.words()[c].list;
        float f = floats[c] == null ? 0 : floats[c][r];
        if (w != null) {
            return Float.isNaN(f) ? null : w.get((int) f);
        }
        double v = doubles[c] != null ? doubles[c][r] : decimal(f);
        return Double.isNaN(v) ? null : ClassLabels.format(v);
    }

    /**
     * Fails as a strict reader would at the first value of column {@code c} that is not a
     * number: text, or (unless {@code missingAllowed}) a missing value.
     *
     * @throws DataException naming file, line and column
     */
    public void requireNumbers(int c, boolean missingAllowed) {
        int t = problems.firstText()[c];
        int m = missingAllowed ? -1 : problems.firstMissing()[c];
        if (t < 0 && m < 0) {
            return;
        }
        boolean text = t >= 0 && (m < 0 || t < m);
        int r = text ? t : m;
        String v = text ? problems.firstTextValue()[c] : problems.firstMissingValue()[c];
        String where = file + ":" + lines[r] + ": column '" + names.get(c) + "' (" + (c + 1)
                + "): ";
        String hint = text ? "" : " (missing: in the data block drops or fills missing values)";
        throw new DataException(where + (v.isEmpty() ? "empty value, expected a number"
                : "'" + v + "' is not a number") + hint);
    }

    /**
     * As {@link #requireNumbers(int, boolean)} for values read to predict on: a missing value in
     * column {@code c} is refused, for the reason {@code missingRefusal} gives, unless that is
     * {@code null} (the model fills it).
     */
    public void requireNumbers(int c, String missingRefusal) {
        int t = problems.firstText()[c];
        int m = missingRefusal == null ? -1 : problems.firstMissing()[c];
        if (m >= 0 && (t < 0 || m < t)) {
            String v = problems.firstMissingValue()[c];
            throw new DataException(file + ":" + lines[m] + ": column '" + names.get(c) + "' ("
                    + (c + 1) + "): " + (v.isEmpty() ? "empty value" : "'" + v + "'")
                    + " (a missing value), but " + missingRefusal);
        }
        requireNumbers(c, true);
    }

    /** {@link #requireNumbers(int, boolean)} with missing values not allowed. */
    public void requireNumbers(int c) {
        requireNumbers(c, false);
    }

    /** {@link #requireNumbers(int)} for every column, failing at the first bad value in the file. */
    public void requireNumbers() {
        int best = -1;
        long bestAt = Long.MAX_VALUE;
        for (int c = 0; c < names.size(); c++) {
            for (int r : new int[] {problems.firstText()[c], problems.firstMissing()[c]}) {
                long at = r < 0 ? Long.MAX_VALUE : (long) r * names.size() + c;
                if (at < bestAt) {
                    bestAt = at;
                    best = c;
                }
            }
        }
        if (best >= 0) {
            requireNumbers(best);
        }
    }

    /**
     * Turns text column {@code c} whose values are ISO dates or date-times into a number column
     * of {@link IsoTime} seconds; nothing for a column that is not text or whose first value is
     * not a date.
     *
     * @return whether the column now holds times
     * @throws DataException naming file, line, column and value at a value that is not a date
     *     in a column of dates
     */
    public boolean parseTimes(int c) {
        if (!isText(c)) {
            return false;
        }
        double[] v = new double[rows];
        for (int r = 0; r < rows; r++) {
            String s = text(r, c);
            Double t = s == null ? null : IsoTime.parse(s);
            if (t == null && s != null && r == 0) {
                return false;
            }
            if (t == null) {
                if (s == null) {
                    v[r] = Double.NaN;
                    continue;
                }
                throw new DataException(file + ":" + lines[r] + ": column '" + names.get(c)
                        + "' (" + (c + 1) + "): '" + s + "' is not an ISO date (yyyy-mm-dd) or "
                        + "date-time (yyyy-mm-ddThh:mm[:ss]) like the rows before it");
            }
            v[r] = t;
        }
        problems.words()[c] = null;
        problems.firstText()[c] = -1;
        problems.firstTextValue()[c] = null;
        replaceColumn(c, v);
        times.set(c);
        return true;
    }

    /** Marks number column {@code c} as holding {@link IsoTime} seconds (a derived time). */
    void markTime(int c) {
        times.set(c);
    }

    /** Whether column {@code c} holds ISO dates read by {@link #parseTimes} as seconds. */
    public boolean isTime(int c) {
        return c >= 0 && times.get(c);
    }

    /** Value {@code v} of column {@code c} as written: an ISO date for a time column. */
    public String format(int c, double v) {
        return isTime(c) ? IsoTime.format(v) : ClassLabels.format(v);
    }

    /**
     * Replaces the values of number column {@code c} by {@code values}, one per row (a
     * series' gaps filled); a value that is not NaN is no longer missing.
     */
    void replaceColumn(int c, double[] values) {
        if (values.length < rows || isText(c)) {
            throw new IllegalArgumentException("column " + c);
        }
        doubles[c] = values;
        floats[c] = null;
        int first = -1;
        for (int r = 0; r < rows && first < 0; r++) {
            first = Double.isNaN(values[r]) ? r : -1;
        }
        problems.firstMissing()[c] = first;
    }

    /** The values of column {@code c}, one per row, as {@link #value} gives them; a copy. */
    public double[] column(int c) {
        requireNumbers(c, true);
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = doubles[c] != null ? doubles[c][r] : decimal(floats[c][r]);
        }
        return out;
    }

    /** The value at data row {@code r}, column {@code c}, as written in the file. */
    public double value(int r, int c) {
        checkRow(r);
        requireNumbers(c, true);
        return doubles[c] != null ? doubles[c][r] : decimal(floats[c][r]);
    }

    /** The value at data row {@code r}, column {@code c}, as a float. */
    public float floatValue(int r, int c) {
        checkRow(r);
        requireNumbers(c, true);
        return doubles[c] != null ? (float) doubles[c][r] : floats[c][r];
    }

    /**
     * Copies column {@code c} divided by {@code divisor} into {@code dst} at {@code offset},
     * {@code offset + stride}, ...: one row per step.
     */
    public void copyFloats(int c, double divisor, float[] dst, int offset, int stride) {
        requireNumbers(c, true);
        float[] f = floats[c];
        double[] d = doubles[c];
        for (int r = 0, i = offset; r < rows; r++, i += stride) {
            double v = d != null ? d[r] : f[r];
            dst[i] = Preprocessing.scale(v, divisor);
        }
    }

    /** The 1-based line of the file that holds data row {@code r} (for messages). */
    public int line(int r) {
        checkRow(r);
        return lines[r];
    }

    /** Data row {@code r} as a new array. */
    public double[] row(int r) {
        double[] out = new double[names.size()];
        for (int c = 0; c < out.length; c++) {
            out[c] = value(r, c);
        }
        return out;
    }

    private void checkRow(int r) {
        if (r < 0 || r >= rows) {
            throw new IndexOutOfBoundsException("row " + r + " of " + rows);
        }
    }

    /** The shortest decimal that reads back as {@code f}, as a double: 0.1f gives 0.1. */
    static double decimal(float f) {
        if (f == Math.rint(f) && Math.abs(f) <= FLOAT_EXACT) {
            return f;
        }
        // NOTE: Decimals.parse reads every finite float's Float.toString as Double.parseDouble does
        return Float.isFinite(f) ? Decimals.parse(Float.toString(f)) : f;
    }

    @Override
    public String toString() {
        return file + " [" + rows + " rows: " + String.join(", ", names) + "]";
    }
}
