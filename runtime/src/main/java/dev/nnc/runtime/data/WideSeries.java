package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.IsoTime;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A series written in wide form, one row a year and one column a sub-period ({@code windows(...,
 * time: "year", wide: "jan..dec")}), read as one series in long form: each row's columns in
 * order are consecutive values, and each value's time is derived from the row's year and the
 * column's place.
 *
 * <p>The sub-periods follow from the number of columns: 12 are months (the value of column
 * {@code k} of year {@code y} is at {@code y-(k+1)-01}), 4 are quarters (at {@code y-01-01},
 * {@code y-04-01}, {@code y-07-01}, {@code y-10-01}), 52 are weeks ({@code 7k} days after
 * {@code y-01-01}). Other counts are an error.
 *
 * <p>Example: the file {@code year,jan,...,dec} with the rows {@code 1958,1,...,12 /
 * 1959,13,...,24} gives a series of 24 values {@code 1, 2, ..., 24} at the ISO dates
 * {@code 1958-01-01, 1958-02-01, ..., 1959-12-01}; an empty cell is a missing value
 * ({@code missing: interpolate} fills it like a gap of a long series).
 */
public final class WideSeries {
    /** The column counts a wide row may have: months, quarters, weeks. */
    public static final List<Integer> PERIODS = List.of(12, 4, 52);

    private WideSeries() {
    }

    /**
     * The long form of {@code t}: a table of two columns, {@code time} (ISO dates, see the class
     * comment) and {@code series} (the values of the columns {@code wide} names, a range
     * {@code "jan..dec"} or names in order), one row per cell, each on the line of its row.
     *
     * @throws DataException naming the file (and line) for a missing column, a count of columns
     *     other than 12, 4 or 52, or a time that is not a whole year
     */
    public static CsvTable melt(CsvTable t, String time, List<String> wide, String series) {
        List<Integer> cols = Columns.select(t.names(), wide, "wide", t.file());
        int k = cols.size();
        if (!PERIODS.contains(k)) {
            throw new DataException(t.file() + ": wide: names " + k + " column"
                    + (k == 1 ? "" : "s") + " but a wide row holds 12 months, 4 quarters or 52 "
                    + "weeks of a year");
        }
        int tc = t.indexOf(time);
        if (tc < 0) {
            throw new DataException(t.file() + " has no column '" + time + "' (named in time); "
                    + "its columns: " + String.join(", ", t.names()));
        }
        t.requireNumbers(tc);
        int rows = t.rowCount();
        double[] times = new double[rows * k];
        double[] values = new double[rows * k];
        int[] lines = new int[rows * k];
        int firstMissing = -1;
        for (int r = 0; r < rows; r++) {
            double year = t.value(r, tc);
            if (year != Math.rint(year) || Math.abs(year) > 9999) {
                throw new DataException(t.file() + ":" + t.line(r) + ": column '" + time + "': "
                        + "a wide row's time is a year, not " + t.text(r, tc));
            }
            for (int j = 0; j < k; j++) {
                int i = r * k + j;
                t.requireNumbers(cols.get(j), true);
                times[i] = seconds((int) year, j, k);
                values[i] = t.value(r, cols.get(j));
                lines[i] = t.line(r);
                if (firstMissing < 0 && Double.isNaN(values[i])) {
                    firstMissing = i;
                }
            }
        }
        int n = rows * k;
        CsvTable.Problems p = new CsvTable.Problems(new CsvTable.Words[2], new int[] {-1, -1},
                new String[2], new int[] {-1, firstMissing}, new String[] {null, ""});
        CsvTable out = new CsvTable(t.file(), List.of(time, series), new float[2][],
                new double[][] {times, values}, lines, n, p);
        out.markTime(0);
        return out;
    }

    /**
     * The time {@code steps} sub-periods after {@code last}, the series' last time, whose time
     * before was {@code prev} (both {@link IsoTime} seconds): a month or a quarter later on
     * the calendar, or for weeks the next week of the year's 52, the first of a year at its
     * 1st of January.
     */
    static double after(double prev, double last, int steps) {
        LocalDate p = date(prev);
        LocalDate d = date(last);
        if (p.plusMonths(1).equals(d) || p.plusMonths(3).equals(d)) {
            int months = p.plusMonths(1).equals(d) ? 1 : 3;
            d = d.plusMonths((long) months * steps);
        } else {
            for (int i = 0; i < steps; i++) {
                d = d.getDayOfYear() > 7 * 51 ? LocalDate.of(d.getYear() + 1, 1, 1)
                        : d.plusDays(7);
            }
        }
        return d.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    }

    private static LocalDate date(double seconds) {
        return java.time.LocalDateTime.ofEpochSecond((long) Math.floor(seconds), 0,
                ZoneOffset.UTC).toLocalDate();
    }

    /** The {@link IsoTime} seconds of sub-period {@code j} of {@code k} in {@code year}. */
    static double seconds(int year, int j, int k) {
        LocalDate d = switch (k) {
            case 12 -> LocalDate.of(year, j + 1, 1);
            case 4 -> LocalDate.of(year, 3 * j + 1, 1);
            default -> LocalDate.of(year, 1, 1).plusDays(7L * j);
        };
        return d.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    }
}
