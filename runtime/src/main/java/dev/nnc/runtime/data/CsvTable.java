package dev.nnc.runtime.data;

import java.nio.file.Path;
import java.util.List;

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
 */
public final class CsvTable {
    private static final double FLOAT_EXACT = 1 << 24;

    private final Path file;
    private final List<String> names;
    private final float[][] floats;
    private final double[][] doubles;
    private final int[] lines;
    private final int rows;

    /**
     * A table over the columns as the reader filled them: column {@code c} is
     * {@code doubles[c]} when that is not null, else {@code floats[c]}; not copied.
     */
    CsvTable(Path file, List<String> names, float[][] floats, double[][] doubles, int[] lines,
            int rows) {
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

    /** The values of column {@code c}, one per row, as {@link #value} gives them; a copy. */
    public double[] column(int c) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = doubles[c] != null ? doubles[c][r] : decimal(floats[c][r]);
        }
        return out;
    }

    /** The value at data row {@code r}, column {@code c}, as written in the file. */
    public double value(int r, int c) {
        checkRow(r);
        return doubles[c] != null ? doubles[c][r] : decimal(floats[c][r]);
    }

    /** The value at data row {@code r}, column {@code c}, as a float. */
    public float floatValue(int r, int c) {
        checkRow(r);
        return doubles[c] != null ? (float) doubles[c][r] : floats[c][r];
    }

    /**
     * Copies column {@code c} divided by {@code divisor} into {@code dst} at {@code offset},
     * {@code offset + stride}, ...: one row per step.
     */
    public void copyFloats(int c, double divisor, float[] dst, int offset, int stride) {
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
        return Double.parseDouble(Float.toString(f));
    }

    @Override
    public String toString() {
        return file + " [" + rows + " rows: " + String.join(", ", names) + "]";
    }
}
