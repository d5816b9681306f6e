package dev.nnc.runtime.model;

import java.util.List;

/**
 * Differencing of a series ({@code difference: lag} in a {@code windows(...)} data block), the
 * one definition every form uses: the model reads and forecasts {@code d[t] = v[t] - v[t - lag]},
 * and a forecast on the series' own scale is {@code v[t - lag] + d[t]}, the last real value
 * {@code lag} steps back plus the predicted difference. Both are float32 operations on the
 * values as float32 (the input type of every form), so the standalone class (which carries the
 * part between the {@code standalone} markers verbatim) and the ONNX graph ({@code Slice},
 * {@code Sub}, {@code Add} on float tensors) compute the same bits.
 *
 * <p>Example: {@code v = [10, 12, 15, 19]} with {@code lag = 1} gives
 * {@code [NaN, 2, 3, 4]}; a predicted difference {@code 5} after {@code 19} is the forecast
 * {@code invert(19, 5) = 24}. With {@code lag = 52} on weekly data a step's difference is the
 * change from the same week a year before.
 *
 * <p>Every deployed form of a differenced model takes a <em>raw window</em>: the last
 * {@code window + lag} steps of the series' feature columns, step-major ({@link #rawSize}). It
 * differences them ({@link #window}) into the model's {@code window} steps, runs the stage and
 * the network, and adds to each forecast its target's value {@code lag} steps before the target,
 * which lies in the raw window ({@link #baseOffsets}; {@link #invertRow}).
 */
public final class Difference {
    private Difference() {
    }

    // standalone: begin
    /** The difference {@code v - back} of two float32 values, in float32. */
    public static float difference(float v, float back) {
        return v - back;
    }

    /**
     * The differences of one raw window: {@code steps + lag} steps of {@code features} values
     * at {@code raw[from..]}, step-major, give {@code steps} steps of differences at
     * {@code dst[at..]}: step s, feature j is {@code difference(raw step s + lag, raw step s)}.
     */
    public static void window(float[] raw, int from, int steps, int features, int lag,
            float[] dst, int at) {
        int width = steps * features;
        int back = lag * features;
        for (int i = 0; i < width; i++) {
            dst[at + i] = difference(raw[from + back + i], raw[from + i]);
        }
    }

    /** A forecast on the series' own scale: {@code base + diff}, in float32. */
    public static float invert(float base, float diff) {
        return base + diff;
    }

    /**
     * The forecasts of one raw window on the series' own scale, in place: output j,
     * {@code out[at + j]}, becomes {@code invert(raw[from + base[j]], out[at + j])}.
     */
    public static void invertRow(float[] raw, int from, int[] base, float[] out, int at) {
        for (int j = 0; j < base.length; j++) {
            out[at + j] = invert(raw[from + base[j]], out[at + j]);
        }
    }
    // standalone: end

    /**
     * The differences of {@code v} at {@code lag} steps: {@code d[t] = difference(v[t],
     * v[t - lag])} of the values as float32, and {@code NaN} for the first {@code lag} steps,
     * which have no value {@code lag} steps back.
     */
    public static double[] apply(double[] v, int lag) {
        if (lag < 1) {
            throw new IllegalArgumentException("lag " + lag + " < 1");
        }
        double[] d = new double[v.length];
        for (int t = 0; t < v.length; t++) {
            d[t] = t < lag ? Double.NaN : difference((float) v[t], (float) v[t - lag]);
        }
        return d;
    }

    /**
     * {@link #invert(float, float)} in place over {@code n} floats:
     * {@code values[i] = invert(base[from + i], values[i])}.
     */
    public static void invert(float[] base, int from, float[] values, int n) {
        for (int i = 0; i < n; i++) {
            values[i] = invert(base[from + i], values[i]);
        }
    }

    /** The values a raw window of {@code w} holds: {@code (length + lag) · features}. */
    public static int rawSize(ModelSpec.Window w) {
        return (w.length() + w.difference()) * w.features().size();
    }

    /**
     * The shape of a raw window of {@code w} for a model of input shape {@code input}: the step
     * axis, when the input has one ({@code [length, F]}), longer by {@code lag}; a flat input
     * ({@code [length · F]}) longer by {@code lag · F}.
     */
    public static int[] rawShape(int[] input, ModelSpec.Window w) {
        int[] s = input.clone();
        s[0] = s.length > 1 && s[0] == w.length() ? w.length() + w.difference()
                : rawSize(w) / product(input, 1);
        return s;
    }

    private static int product(int[] s, int from) {
        int p = 1;
        for (int i = from; i < s.length; i++) {
            p *= s[i];
        }
        return p;
    }

    /**
     * Where in a raw window of {@code w} each target's value {@code lag} steps before the
     * target lies: the target is {@code horizon} steps after the raw window's last step, so the
     * value is at step {@code length - 1 + horizon} (the checker keeps {@code horizon ≤ lag}),
     * in the target's feature column.
     *
     * @throws IllegalArgumentException when a target is not a feature column: the raw window
     *     then lacks the value its forecast adds back
     */
    public static int[] baseOffsets(ModelSpec.Window w) {
        List<String> f = w.features();
        int[] at = new int[w.targets().size()];
        for (int j = 0; j < at.length; j++) {
            String t = w.targets().get(j);
            int c = f.indexOf(t);
            if (c < 0) {
                throw new IllegalArgumentException("the target '" + t + "' of a differenced "
                        + "series is not one of its features " + f + ": a raw window holds "
                        + "the features only, so it lacks the value a forecast of '" + t
                        + "' adds back; list '" + t + "' among the windows' features");
            }
            at[j] = (w.length() - 1 + w.horizon()) * f.size() + c;
        }
        return at;
    }

    /**
     * The windows of a model's training source when its series is differenced, else
     * {@code null}.
     */
    public static ModelSpec.Window of(ModelSpec spec) {
        return spec.data().train() instanceof DataSource.Windows w
                && w.window().difference() > 0 ? w.window() : null;
    }
}
