package dev.nnc.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * A numeric CSV file as read by {@link CsvReader}: the header's column names and the values,
 * column by column.
 *
 * <p>Example: the file {@code "x1,x2,y\n0,1,1\n1,1,0\n"} gives {@code names = [x1, x2, y]},
 * {@code column(2) = {1, 0}} and {@code line(1) = 3} (data row 1 is on line 3 of the file).
 */
public final class CsvTable {
    private final Path file;
    private final List<String> names;
    private final double[][] columns;
    private final int[] lines;
    private final int rows;

    CsvTable(Path file, List<String> names, double[][] columns, int[] lines, int rows) {
        this.file = file;
        this.names = List.copyOf(names);
        this.columns = columns;
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

    /** The values of column {@code c}, one per row. Live, not a copy; length may exceed rows. */
    public double[] column(int c) {
        return java.util.Arrays.copyOf(columns[c], rows);
    }

    /** The value at data row {@code r}, column {@code c}. */
    public double value(int r, int c) {
        if (r < 0 || r >= rows) {
            throw new IndexOutOfBoundsException("row " + r + " of " + rows);
        }
        return columns[c][r];
    }

    /** The 1-based line of the file that holds data row {@code r} (for messages). */
    public int line(int r) {
        if (r < 0 || r >= rows) {
            throw new IndexOutOfBoundsException("row " + r + " of " + rows);
        }
        return lines[r];
    }

    /** Data row {@code r} as a new array. */
    public double[] row(int r) {
        double[] out = new double[columns.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = value(r, c);
        }
        return out;
    }

    @Override
    public String toString() {
        return file + " [" + rows + " rows: " + String.join(", ", names) + "]";
    }
}
