package dev.nnc.runtime.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * A confusion matrix of a single-label classifier and the measures read from it: precision,
 * recall and F1 per class, their macro and weighted means, and accuracy.
 *
 * <p>Example: true classes {@code 0, 0, 1, 2} predicted as {@code 0, 1, 1, 1} give the counts
 * (true class down, predicted across)
 * <pre>
 *      0  1  2
 *  0   1  1  0
 *  1   0  1  0
 *  2   0  1  0
 * </pre>
 * precision(0) = 1/1, recall(0) = 1/2, F1(0) = 2/3; precision(1) = 1/3, recall(1) = 1/1,
 * F1(1) = 1/2; class 2 is never predicted: precision(2) = recall(2) = F1(2) = 0; macro F1 =
 * (2/3 + 1/2 + 0) / 3; weighted F1 = (2 · 2/3 + 1 · 1/2 + 1 · 0) / 4.
 *
 * <p>The choices where a ratio has nothing to divide by, as scikit-learn makes them:
 * NOTE: precision of a class never predicted, recall of a class with no samples and F1 where
 * precision + recall = 0 are 0, not undefined, so that a model that ignores a class is marked
 * down for it. The macro means average over the classes that occur in the data or in the
 * predictions (a class in neither says nothing about the model); the weighted means weigh each
 * class by its samples.
 */
public final class Confusion {
    private final long[][] counts;

    /** An empty matrix of {@code classes} classes. */
    public Confusion(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes < 2: " + classes);
        }
        counts = new long[classes][classes];
    }

    /** Counts one sample of class {@code truth} answered as {@code predicted}. */
    public Confusion add(int truth, int predicted) {
        counts[truth][predicted]++;
        return this;
    }

    /** The number of classes. */
    public int classes() {
        return counts.length;
    }

    /** Samples of class {@code truth} answered as {@code predicted}. */
    public long count(int truth, int predicted) {
        return counts[truth][predicted];
    }

    /** The counts, true class by predicted class; a copy. */
    public long[][] matrix() {
        long[][] m = new long[counts.length][];
        for (int i = 0; i < m.length; i++) {
            m[i] = counts[i].clone();
        }
        return m;
    }

    /** All samples counted. */
    public long total() {
        long t = 0;
        for (long[] row : counts) {
            for (long c : row) {
                t += c;
            }
        }
        return t;
    }

    /** Samples whose true class is {@code c}. */
    public long support(int c) {
        long s = 0;
        for (long v : counts[c]) {
            s += v;
        }
        return s;
    }

    /** Samples the model put in class {@code c}. */
    public long predicted(int c) {
        long s = 0;
        for (long[] row : counts) {
            s += row[c];
        }
        return s;
    }

    /** The fraction answered right; NaN when nothing was counted. */
    public double accuracy() {
        long total = total();
        long right = 0;
        for (int c = 0; c < counts.length; c++) {
            right += counts[c][c];
        }
        return total == 0 ? Double.NaN : (double) right / total;
    }

    /** Of the samples put in class {@code c}, the fraction that are; 0 when none were. */
    public double precision(int c) {
        return ratio(counts[c][c], predicted(c));
    }

    /** Of the samples of class {@code c}, the fraction put there; 0 when there are none. */
    public double recall(int c) {
        return ratio(counts[c][c], support(c));
    }

    /** The harmonic mean of precision and recall of class {@code c}; 0 when both are 0. */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** The mean precision over the classes seen (see the class comment). */
    public double macroPrecision() {
        return macro(this::precision);
    }

    /** The mean recall over the classes seen. */
    public double macroRecall() {
        return macro(this::recall);
    }

    /** The mean F1 over the classes seen. */
    public double macroF1() {
        return macro(this::f1);
    }

    /** Precision averaged with each class weighed by its samples. */
    public double weightedPrecision() {
        return weighted(this::precision);
    }

    /** Recall averaged with each class weighed by its samples (equals accuracy). */
    public double weightedRecall() {
        return weighted(this::recall);
    }

    /** F1 averaged with each class weighed by its samples. */
    public double weightedF1() {
        return weighted(this::f1);
    }

    /**
     * The per-class measures as plain values for JSON: one map per class, {@code class} (its
     * name from {@code names}), {@code samples}, {@code predicted}, {@code precision},
     * {@code recall}, {@code f1}.
     */
    public List<Map<String, Object>> perClass(List<String> names) {
        List<Map<String, Object>> l = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", names.get(c));
            m.put("samples", support(c));
            m.put("predicted", predicted(c));
            m.put("precision", precision(c));
            m.put("recall", recall(c));
            m.put("f1", f1(c));
            l.add(m);
        }
        return l;
    }

    /** The matrix as plain values for JSON: {@code classes} (names), {@code counts} (rows). */
    public Map<String, Object> toJson(List<String> names) {
        List<List<Long>> rows = new ArrayList<>();
        for (long[] row : counts) {
            List<Long> r = new ArrayList<>();
            for (long v : row) {
                r.add(v);
            }
            rows.add(r);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classes", List.copyOf(names));
        m.put("counts", rows);
        return m;
    }

    private double macro(IntToDoubleFunction f) {
        double s = 0;
        int n = 0;
        for (int c = 0; c < counts.length; c++) {
            if (support(c) > 0 || predicted(c) > 0) {
                s += f.applyAsDouble(c);
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    private double weighted(IntToDoubleFunction f) {
        long total = total();
        if (total == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int c = 0; c < counts.length; c++) {
            s += support(c) * f.applyAsDouble(c);
        }
        return s / total;
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }
}
