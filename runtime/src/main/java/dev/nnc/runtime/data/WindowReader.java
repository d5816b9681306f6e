package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts sliding windows from a time series held in a CSV table, one row per time step, as a
 * {@code windows(...)} data source describes them (see {@link ModelSpec.Window}).
 *
 * <p>Example: a file {@code t,v} with the rows {@code 1,10 / 2,11 / 3,12 / 4,13 / 5,14} and
 * {@code window: 3, horizon: 1, features: "v", target: "v"} gives two samples: inputs
 * {@code [10, 11, 12]} with target {@code 13}, and {@code [11, 12, 13]} with target {@code 14}.
 * With {@code time: "t", to: 4} only the first is kept (its target row has t = 4); with
 * {@code from: 5} only the second. A sample's inputs are step-major: step 0's features, then step
 * 1's, so that it fits an input {@code [window, features]} read row-major.
 *
 * <p>The compiler asks {@link #check} before training, with the same messages.
 */
public final class WindowReader {
    private WindowReader() {
    }

    /** The kinds of problems {@link #check} finds. */
    public enum Problem {
        /** A named column is not in the file. */
        NO_COLUMN,
        /** The series has fewer rows than one window and its horizon need. */
        TOO_SHORT,
        /** No window's target lies in the range {@code from..to}. */
        NO_WINDOWS
    }

    /** A problem and its message (which names the file as {@code name} was given). */
    public record Failure(Problem problem, String column, String message) {
    }

    /**
     * The windows of a file.
     *
     * @param x {@code n} samples of {@code width = window * features} values, step-major
     * @param y {@code n} rows of {@code targets} values
     * @param targetRows the row index (0-based, after the header) of each sample's target
     * @param base for a differenced series, {@code n} rows of the targets' real values
     *     {@code difference} steps before each target ({@link Difference#invert}); else
     *     {@code null}
     */
    public record Windows(float[] x, double[] y, int n, int width, int targets,
            int[] targetRows, double[] base) {
    }

    /**
     * What is wrong with cutting {@code w} from {@code t}, or {@code null} when nothing is.
     *
     * @param name how messages name the file, e.g. {@code "sunspots.csv"} with its quotes
     */
    public static Failure check(CsvTable t, ModelSpec.Window w, String name) {
        List<String> named = new ArrayList<>(w.features());
        named.addAll(w.targets());
        if (w.time() != null) {
            named.add(w.time());
        }
        for (String c : named) {
            if (t.indexOf(c) < 0) {
                return new Failure(Problem.NO_COLUMN, c, name + " has no column '" + c
                        + "'; its columns: " + String.join(", ", t.names()));
            }
        }
        int need = w.length() + w.horizon() + w.difference();
        int rows = t.rowCount();
        if (rows < need) {
            return new Failure(Problem.TOO_SHORT, null, "a window of " + steps(w.length())
                    + (w.horizon() > 0 ? " and a horizon of " + steps(w.horizon()) : "")
                    + " needs a series of at least " + need + " rows, but " + name + " has "
                    + rows + " (the window is longer than the series)");
        }
        if (w.time() != null && count(t, w) == 0) {
            int tc = t.indexOf(w.time());
            double[] time = t.column(tc);
            double first = time[w.length() - 1 + w.horizon()];
            double last = time[rows - 1];
            return new Failure(Problem.NO_WINDOWS, null, "no window of " + name + " has its "
                    + "target's " + w.time() + " in " + range(t, w) + "; the targets' "
                    + w.time() + " runs from " + t.format(tc, first) + " to "
                    + t.format(tc, last));
        }
        return null;
    }

    /**
     * Cuts the windows of {@code w} from {@code t}, features divided by {@code scale}.
     *
     * @throws DataException with {@link #check}'s message when there is a problem
     */
    public static Windows read(CsvTable t, ModelSpec.Window w, double scale) {
        Failure f = check(t, w, t.file().toString());
        if (f != null) {
            throw new DataException(f.message());
        }
        int[] fc = columns(t, w.features());
        int[] tc = columns(t, w.targets());
        double[] time = w.time() == null ? null : t.column(t.indexOf(w.time()));
        int total = t.rowCount() - w.length() - w.horizon() + 1;
        int lag = w.difference();
        int n = count(t, w);
        int width = w.length() * fc.length;
        float[] x = new float[n * width];
        double[] y = new double[n * tc.length];
        int[] targetRows = new int[n];
        double[] base = lag > 0 ? new double[n * tc.length] : null;
        double[][] fd = lag > 0 ? differenced(t, fc, lag) : null;
        double[][] td = lag > 0 ? differenced(t, tc, lag) : null;
        int k = 0;
        for (int s = lag; s < total; s++) {
            int target = s + w.length() - 1 + w.horizon();
            if (time != null && !inRange(time[target], w)) {
                continue;
            }
            for (int step = 0; step < w.length(); step++) {
                for (int j = 0; j < fc.length; j++) {
                    x[k * width + step * fc.length + j] = lag > 0
                            ? (float) (fd[j][s + step] / scale)
                            : Preprocessing.scale(t.floatValue(s + step, fc[j]), scale);
                }
            }
            for (int j = 0; j < tc.length; j++) {
                y[k * tc.length + j] = lag > 0 ? td[j][target] : t.value(target, tc[j]);
                if (lag > 0) {
                    base[k * tc.length + j] = t.value(target - lag, tc[j]);
                }
            }
            targetRows[k] = target;
            k++;
        }
        return new Windows(x, y, n, width, tc.length, targetRows, base);
    }

    /** The columns {@code cols} of {@code t} differenced at {@code lag} ({@link Difference}). */
    private static double[][] differenced(CsvTable t, int[] cols, int lag) {
        double[][] d = new double[cols.length][];
        for (int j = 0; j < cols.length; j++) {
            d[j] = Difference.apply(t.column(cols[j]), lag);
        }
        return d;
    }

    /**
     * Every complete window of the feature columns of {@code t}, for prediction: row {@code i}
     * holds the rows {@code i .. i + window - 1}, so the last row is the window that ends at the
     * file's last row. Targets, horizon and the time range play no part. For a differenced
     * series ({@code difference: lag}) each row is a raw window ({@link Difference#rawSize}):
     * the {@code window + lag} rows ending at the same row, whose differences the model reads
     * and whose values its forecasts add back (the predictor applies both).
     */
    public static double[][] featureRows(CsvTable t, ModelSpec.Window w, double scale) {
        int[] fc = columns(t, w.features());
        int lag = w.difference();
        int steps = w.length() + lag;
        int n = t.rowCount() - steps + 1;
        if (n < 1) {
            throw new DataException("a window of " + steps(w.length())
                    + (lag > 0 ? " of differences at lag " + lag : "") + " needs a series of at "
                    + "least " + steps + " rows, but " + t.file() + " has "
                    + t.rowCount() + " (the window is longer than the series)");
        }
        double[][] rows = new double[n][steps * fc.length];
        for (int i = 0; i < n; i++) {
            for (int step = 0; step < steps; step++) {
                for (int j = 0; j < fc.length; j++) {
                    rows[i][step * fc.length + j] = t.value(i + step, fc[j]) / scale;
                }
            }
        }
        return rows;
    }

    /**
     * The time each row of {@link #featureRows} forecasts: the time column's value at the row
     * {@code horizon} steps after the window's last, as written (an ISO date for a date column);
     * past the file's last row the last interval is carried on (a weekly series goes on weekly;
     * a wide table's series by its calendar sub-periods, {@link WideSeries#after}).
     * {@code null} when the windows name no time column or {@code t} lacks it, or the series has
     * fewer than two rows.
     */
    public static List<String> forecastTimes(CsvTable t, ModelSpec.Window w) {
        int c = w.time() == null ? -1 : t.indexOf(w.time());
        int rows = t.rowCount();
        int n = rows - w.length() + 1;
        if (c < 0 || rows < 2 || n < 1) {
            return null;
        }
        double[] time = t.column(c);
        double step = time[rows - 1] - time[rows - 2];
        List<String> out = new ArrayList<>(n);
        for (int s = w.difference(); s < n; s++) {
            int r = s + w.length() - 1 + w.horizon();
            double v = r < rows ? time[r] : w.wide() != null
                    ? WideSeries.after(time[rows - 2], time[rows - 1], r - rows + 1)
                    : time[rows - 1] + (r - rows + 1) * step;
            out.add(t.format(c, v));
        }
        return out;
    }

    /** The number of windows of {@code t} whose target is in range. */
    private static int count(CsvTable t, ModelSpec.Window w) {
        int total = t.rowCount() - w.length() - w.horizon() + 1;
        if (w.time() == null) {
            return Math.max(0, total - w.difference());
        }
        double[] time = t.column(t.indexOf(w.time()));
        int n = 0;
        for (int s = w.difference(); s < total; s++) {
            if (inRange(time[s + w.length() - 1 + w.horizon()], w)) {
                n++;
            }
        }
        return n;
    }

    private static boolean inRange(double v, ModelSpec.Window w) {
        return (w.from() == null || v >= w.from()) && (w.to() == null || v <= w.to());
    }

    private static String range(CsvTable t, ModelSpec.Window w) {
        int c = t.indexOf(w.time());
        if (w.from() != null && w.to() != null) {
            return "[" + t.format(c, w.from()) + ", " + t.format(c, w.to()) + "]";
        }
        if (w.from() != null) {
            return "[" + t.format(c, w.from()) + ", ...)";
        }
        if (w.to() != null) {
            return "(..., " + t.format(c, w.to()) + "]";
        }
        return "(..., ...)";
    }

    private static int[] columns(CsvTable t, List<String> names) {
        int[] c = new int[names.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = t.indexOf(names.get(i));
            if (c[i] < 0) {
                throw new DataException("no column '" + names.get(i) + "' in " + t.file()
                        + "; columns: " + String.join(", ", t.names()));
            }
        }
        return c;
    }

    private static String steps(int n) {
        return n + (n == 1 ? " step" : " steps");
    }
}
