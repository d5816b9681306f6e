package dev.nnc.runtime.data;

import dev.nnc.runtime.model.ModelSpec;
import java.util.Arrays;
import java.util.Locale;

/**
 * A per-column affine map fitted on training data: {@code v' = (v - shift) / scale}, undone by
 * {@code v = v' * scale + shift}.
 *
 * <p>Kinds: {@code NONE} (identity), {@code MINMAX} ({@code shift = min}, {@code scale = max -
 * min}: the training data lands in [0, 1]) and {@code ZSCORE} ({@code shift = mean},
 * {@code scale =} population standard deviation). NOTE: a constant column gets scale 1, so it maps
 * to 0 instead of dividing by zero.
 *
 * <p>Example: {@code fit({1, 10, 3, 30}, 2, 2, MINMAX)} gives {@code minmax;min=1.0,10.0;range=
 * 2.0,20.0}, and {@code apply} turns the row {@code {2, 20}} into {@code {0.5, 0.5}}. The text of
 * {@link #encode()} is exact: {@link #decode} gives back the same numbers, bit for bit.
 *
 * <p>Immutable; the arithmetic is in double, the data in float.
 */
public final class Normalizer {
    /** Column count {@link #decode(String)} accepts without a model to check against. */
    public static final int MAX_UNCHECKED_COLS = 1 << 22;

    private final ModelSpec.Normalization kind;
    private final double[] shift;
    private final double[] scale;

    private Normalizer(ModelSpec.Normalization kind, double[] shift, double[] scale) {
        this.kind = kind;
        this.shift = shift;
        this.scale = scale;
    }

    /** The identity over {@code cols} columns. */
    public static Normalizer identity(int cols) {
        if (cols <= 0) {
            throw new IllegalArgumentException("cols <= 0: " + cols);
        }
        double[] zero = new double[cols];
        double[] one = new double[cols];
        Arrays.fill(one, 1.0);
        return new Normalizer(ModelSpec.Normalization.NONE, zero, one);
    }

    /** Fits {@code kind} on {@code rows} rows of {@code cols} columns, row-major in data. */
    public static Normalizer fit(float[] data, int rows, int cols, ModelSpec.Normalization kind) {
        if (kind == ModelSpec.Normalization.NONE) {
            return identity(cols);
        }
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("rows " + rows + ", cols " + cols);
        }
        double[] shift = new double[cols];
        double[] scale = new double[cols];
        for (int c = 0; c < cols; c++) {
            switch (kind) {
                case MINMAX -> {
                    double min = Double.POSITIVE_INFINITY;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int r = 0; r < rows; r++) {
                        double v = data[r * cols + c];
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                    shift[c] = min;
                    scale[c] = max > min ? max - min : 1.0;
                }
                case ZSCORE -> {
                    double sum = 0;
                    for (int r = 0; r < rows; r++) {
                        sum += data[r * cols + c];
                    }
                    double mean = sum / rows;
                    double ss = 0;
                    for (int r = 0; r < rows; r++) {
                        double d = data[r * cols + c] - mean;
                        ss += d * d;
                    }
                    double std = Math.sqrt(ss / rows);
                    shift[c] = mean;
                    scale[c] = std > 0 ? std : 1.0;
                }
                default -> throw new AssertionError(kind);
            }
        }
        return new Normalizer(kind, shift, scale);
    }

    /**
     * Fits {@code kind} on {@code rows} samples of {@code steps} steps of {@code features} values
     * each (a sequence {@code [steps, features]}, step-major): each feature's statistics are taken
     * over all its steps, and every step of it gets the same shift and scale. The normalizer has
     * {@code steps * features} columns.
     *
     * <p>Example: two samples of [2,1], {@code {1, 3, 2, 5}}, with MINMAX: min 1, range 4 for
     * both columns.
     */
    public static Normalizer fitSteps(float[] data, int rows, int steps, int features,
            ModelSpec.Normalization kind) {
        Normalizer per = fit(data, rows * steps, features, kind);
        double[] shift = new double[steps * features];
        double[] scale = new double[steps * features];
        for (int t = 0; t < steps; t++) {
            System.arraycopy(per.shift, 0, shift, t * features, features);
            System.arraycopy(per.scale, 0, scale, t * features, features);
        }
        return new Normalizer(kind, shift, scale);
    }

    /** The kind of map. */
    public ModelSpec.Normalization kind() {
        return kind;
    }

    /** Number of columns. */
    public int cols() {
        return shift.length;
    }

    /** True for the identity. */
    public boolean isIdentity() {
        return kind == ModelSpec.Normalization.NONE;
    }

    /** The per-column shift (min or mean). A copy. */
    public double[] shift() {
        return shift.clone();
    }

    /** The per-column scale (range or standard deviation). A copy. */
    public double[] scale() {
        return scale.clone();
    }

    /** Normalizes {@code rows} rows of {@code data} in place. */
    public void apply(float[] data, int rows) {
        if (isIdentity()) {
            return;
        }
        int cols = shift.length;
        check(data, rows);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                data[base + c] = (float) ((data[base + c] - shift[c]) / scale[c]);
            }
        }
    }

    /** Undoes {@link #apply} on {@code rows} rows of {@code data}, in place. */
    public void invert(float[] data, int rows) {
        if (isIdentity()) {
            return;
        }
        int cols = shift.length;
        check(data, rows);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                data[base + c] = (float) (data[base + c] * scale[c] + shift[c]);
            }
        }
    }

    /** Normalizes one value of column {@code c}. */
    public double apply(double v, int c) {
        return isIdentity() ? v : (v - shift[c]) / scale[c];
    }

    /** Undoes {@link #apply(double, int)}. */
    public double invert(double v, int c) {
        return isIdentity() ? v : v * scale[c] + shift[c];
    }

    private void check(float[] data, int rows) {
        if ((long) rows * shift.length > data.length) {
            throw new IllegalArgumentException(rows + " rows of " + shift.length
                    + " columns, but the array holds " + data.length + " floats");
        }
    }

    /**
     * The normalizer as compact, exact text: {@code none;cols=3},
     * {@code minmax;min=1.0,2.0;range=3.0,4.0} or {@code zscore;mean=0.5;std=2.0}.
     */
    public String encode() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case NONE -> name + ";cols=" + shift.length;
            case MINMAX -> name + ";min=" + join(shift) + ";range=" + join(scale);
            case ZSCORE -> name + ";mean=" + join(shift) + ";std=" + join(scale);
        };
    }

    /** Reads the text of {@link #encode()}; anything else: {@link IllegalArgumentException}. */
    public static Normalizer decode(String text) {
        return decode(text, -1);
    }

    /**
     * Reads the text of {@link #encode()} for a model with {@code cols} columns, checking the
     * column count before anything is allocated ({@code -1}: any count up to
     * {@value #MAX_UNCHECKED_COLS}). Every shift must be finite and every scale positive and
     * finite.
     *
     * @throws IllegalArgumentException when the text is malformed, holds a non-finite number or
     *     has another number of columns
     */
    public static Normalizer decode(String text, int cols) {
        String[] parts = text.strip().split(";", -1);
        try {
            ModelSpec.Normalization kind =
                    ModelSpec.Normalization.valueOf(parts[0].toUpperCase(Locale.ROOT));
            switch (kind) {
                case NONE -> {
                    expect(parts, 2, text);
                    long n = Long.parseLong(value(parts[1], "cols", text));
                    checkCols(n, cols);
                    return identity((int) n);
                }
                case MINMAX, ZSCORE -> {
                    expect(parts, 3, text);
                    boolean mm = kind == ModelSpec.Normalization.MINMAX;
                    double[] shift = numbers(value(parts[1], mm ? "min" : "mean", text));
                    double[] scale = numbers(value(parts[2], mm ? "range" : "std", text));
                    if (shift.length != scale.length) {
                        throw new IllegalArgumentException("column counts differ");
                    }
                    checkCols(shift.length, cols);
                    for (double s : shift) {
                        if (!Double.isFinite(s)) {
                            throw new IllegalArgumentException((mm ? "min " : "mean ") + s
                                    + " is not a finite number");
                        }
                    }
                    for (double s : scale) {
                        if (!(s > 0) || Double.isInfinite(s)) {
                            throw new IllegalArgumentException((mm ? "range " : "std ") + s
                                    + " is not a positive finite number");
                        }
                    }
                    return new Normalizer(kind, shift, scale);
                }
                default -> throw new AssertionError(kind);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad normalizer '" + shorten(text) + "': "
                    + e.getMessage(), e);
        }
    }

    private static void checkCols(long n, int cols) {
        if (n <= 0) {
            throw new IllegalArgumentException("cols " + n + " is not a positive count");
        }
        if (cols >= 0 ? n != cols : n > MAX_UNCHECKED_COLS) {
            throw new IllegalArgumentException(n + " columns" + (cols >= 0 ? ", expected " + cols
                    : ", more than " + MAX_UNCHECKED_COLS));
        }
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    private static void expect(String[] parts, int n, String text) {
        if (parts.length != n) {
            throw new IllegalArgumentException("expected " + n + " parts separated by ';'");
        }
    }

    private static String value(String part, String key, String text) {
        if (!part.startsWith(key + "=")) {
            throw new IllegalArgumentException("expected '" + key + "='");
        }
        return part.substring(key.length() + 1);
    }

    private static double[] numbers(String list) {
        String[] s = list.split(",", -1);
        double[] v = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            v[i] = Double.parseDouble(s[i]);
        }
        return v;
    }

    private static String join(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(v[i]);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalizer n && n.kind == kind && Arrays.equals(n.shift, shift)
                && Arrays.equals(n.scale, scale);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(shift) * 7 + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return encode();
    }
}
