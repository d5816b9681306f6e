package dev.nnc.runtime.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What to do with missing values (an empty value, {@code NA}, {@code N/A}, {@code NaN},
 * {@code null} or {@code ?}, the CSV reader's {@code MISSING}) of the feature columns of a CSV or
 * windows source: the {@code missing:} setting of the {@code data { }} block.
 *
 * <p>Each rule names columns or, without names, applies to every feature column no other rule
 * names. {@code drop} leaves out the rows with a missing value in its columns (training and test
 * data); {@code mean}, {@code median}, {@code mode} and a constant fill them with a value fitted
 * on the training data ({@link #fit}) and saved with the model, so that every form of the model
 * fills a missing input the same way; {@code interpolate} (windows only) draws a straight line
 * between the values around a gap of the series. A row whose label is missing is always left
 * out.
 *
 * <p>Example: {@code missing: [median("age"), mode("city"), drop]} fills age with its median and
 * city with its most frequent value, and drops a row with any other feature missing.
 *
 * @param rules the rules; empty: missing values are errors, as without the setting
 */
public record Missing(List<Rule> rules) {
    /** No setting: a missing value is an error. */
    public static final Missing NONE = new Missing(List.of());

    /** What a rule does. */
    public enum Strategy {
        DROP, MEAN, MEDIAN, MODE, CONSTANT, INTERPOLATE;

        /** The word a {@code .nn} file writes. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One rule.
     *
     * @param value the fill value of {@link Strategy#CONSTANT}; else 0
     * @param columns the columns it applies to; empty: every feature column no rule names
     */
    public record Rule(Strategy strategy, double value, List<String> columns) {
        public Rule {
            Objects.requireNonNull(strategy, "strategy");
            columns = List.copyOf(columns);
            if (strategy == Strategy.CONSTANT && !Double.isFinite(value)) {
                throw new IllegalArgumentException("fill value not finite: " + value);
            }
        }

        /** The rule as a {@code .nn} file writes it: {@code median("age")}, {@code 0}. */
        public String describe() {
            String head = strategy == Strategy.CONSTANT ? ClassLabels.format(value)
                    : strategy.word();
            if (columns.isEmpty()) {
                return head;
            }
            String cols = DataSource.quoteAll(columns).replaceAll("^\\[|\\]$", "");
            return strategy == Strategy.CONSTANT ? "fill(" + head + ", " + cols + ")"
                    : head + "(" + cols + ")";
        }
    }

    public Missing {
        rules = List.copyOf(rules);
    }

    /** Whether missing values are allowed at all. */
    public boolean any() {
        return !rules.isEmpty();
    }

    /** The rule for feature column {@code column}: the one naming it, else the general one. */
    public Rule ruleFor(String column) {
        Rule general = null;
        for (Rule r : rules) {
            if (r.columns().contains(column)) {
                return r;
            }
            if (r.columns().isEmpty()) {
                general = r;
            }
        }
        return general;
    }

    /** Whether a missing value in {@code column} leaves its row out. */
    public boolean drops(String column) {
        Rule r = ruleFor(column);
        return r != null && r.strategy() == Strategy.DROP;
    }

    /** Whether {@code column} is interpolated. */
    public boolean interpolates(String column) {
        Rule r = ruleFor(column);
        return r != null && r.strategy() == Strategy.INTERPOLATE;
    }

    /** The setting as a {@code .nn} file writes it. */
    public String describe() {
        if (rules.size() == 1) {
            return rules.get(0).describe();
        }
        List<String> parts = new ArrayList<>();
        for (Rule r : rules) {
            parts.add(r.describe());
        }
        return "[" + String.join(", ", parts) + "]";
    }

    /**
     * The fill value of each input of {@code n} samples of {@code x} (row-major,
     * {@code columnOf.size()} values a sample, NaN where missing): the statistic its column's
     * rule asks for over the values present, NaN where no rule fills. Median: the middle value
     * (the mean of the two middle ones, rounded to float); mode: the most frequent value, the
     * smallest of equally frequent ones. A column with no value present fills with 0.
     *
     * @param columnOf the column name of each input (a windows input repeats its features)
     */
    public float[] fit(float[] x, int n, List<String> columnOf) {
        int w = columnOf.size();
        float[] fill = new float[w];
        Arrays.fill(fill, Float.NaN);
        for (int j = 0; j < w; j++) {
            Rule r = ruleFor(columnOf.get(j));
            if (r == null || r.strategy() == Strategy.DROP
                    || r.strategy() == Strategy.INTERPOLATE) {
                continue;
            }
            if (r.strategy() == Strategy.CONSTANT) {
                fill[j] = (float) r.value();
                continue;
            }
            // NOTE: every input of the same column gets the statistic of the whole column.
            List<Integer> same = new ArrayList<>();
            for (int k = 0; k < w; k++) {
                if (columnOf.get(k).equals(columnOf.get(j))) {
                    same.add(k);
                }
            }
            float[] v = new float[n * same.size()];
            int m = 0;
            for (int i = 0; i < n; i++) {
                for (int k : same) {
                    float f = x[i * w + k];
                    if (!Float.isNaN(f)) {
                        v[m++] = f;
                    }
                }
            }
            fill[j] = m == 0 ? 0f : statistic(r.strategy(), Arrays.copyOf(v, m));
        }
        return fill;
    }

    private static float statistic(Strategy s, float[] v) {
        switch (s) {
            case MEAN -> {
                double sum = 0;
                for (float f : v) {
                    sum += f;
                }
                return (float) (sum / v.length);
            }
            case MEDIAN -> {
                Arrays.sort(v);
                int h = v.length / 2;
                return v.length % 2 == 1 ? v[h] : (float) (((double) v[h - 1] + v[h]) / 2);
            }
            case MODE -> {
                Arrays.sort(v);
                float best = v[0];
                int bestRun = 0;
                for (int i = 0; i < v.length; ) {
                    int j = i;
                    while (j < v.length && v[j] == v[i]) {
                        j++;
                    }
                    if (j - i > bestRun) {
                        bestRun = j - i;
                        best = v[i];
                    }
                    i = j;
                }
                return best;
            }
            default -> throw new IllegalArgumentException(s.toString());
        }
    }

    /**
     * Fills the missing values of {@code values} (one column of a series, in time order) on a
     * straight line between the values around each gap; a gap at the start or the end takes the
     * nearest value. All missing: left as it is.
     */
    public static void interpolate(double[] values) {
        int prev = -1;
        for (int i = 0; i <= values.length; i++) {
            if (i < values.length && Double.isNaN(values[i])) {
                continue;
            }
            int gap = prev + 1;
            if (i > gap) {
                for (int k = gap; k < i; k++) {
                    if (prev < 0 && i < values.length) {
                        values[k] = values[i];
                    } else if (i >= values.length && prev >= 0) {
                        values[k] = values[prev];
                    } else if (prev >= 0) {
                        double t = (double) (k - prev) / (i - prev);
                        values[k] = values[prev] + t * (values[i] - values[prev]);
                    }
                }
            }
            prev = i;
        }
    }
}
