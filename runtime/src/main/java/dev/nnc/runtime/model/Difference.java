package dev.nnc.runtime.model;

/**
 * Differencing of a series ({@code difference: lag} in a {@code windows(...)} data block), the
 * one definition every form uses: the model reads and forecasts {@code d[t] = v[t] - v[t - lag]},
 * and a forecast on the series' own scale is {@code v[t - lag] + d[t]}, the last real value
 * {@code lag} steps back plus the predicted difference.
 *
 * <p>Example: {@code v = [10, 12, 15, 19]} with {@code lag = 1} gives
 * {@code [NaN, 2, 3, 4]}; a predicted difference {@code 5} after {@code 19} is the forecast
 * {@code invert(19, 5) = 24}. With {@code lag = 52} on weekly data a step's difference is the
 * change from the same week a year before.
 */
public final class Difference {
    private Difference() {
    }

    /**
     * The differences of {@code v} at {@code lag} steps: {@code d[t] = v[t] - v[t - lag]}, and
     * {@code NaN} for the first {@code lag} steps, which have no value {@code lag} steps back.
     */
    public static double[] apply(double[] v, int lag) {
        if (lag < 1) {
            throw new IllegalArgumentException("lag " + lag + " < 1");
        }
        double[] d = new double[v.length];
        for (int t = 0; t < v.length; t++) {
            d[t] = t < lag ? Double.NaN : v[t] - v[t - lag];
        }
        return d;
    }

    /** A forecast on the series' own scale: {@code base + diff}. */
    public static double invert(double base, double diff) {
        return base + diff;
    }

    /**
     * {@link #invert(double, double)} in place over {@code n} floats:
     * {@code values[i] = invert(base[from + i], values[i])}.
     */
    public static void invert(float[] base, int from, float[] values, int n) {
        for (int i = 0; i < n; i++) {
            values[i] = (float) invert(base[from + i], values[i]);
        }
    }
}
