package dev.nnc.runtime.model;

import java.util.Arrays;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * The class labels of a classifier, sorted: output {@code i} of the model stands for
 * {@code label(i)}.
 *
 * <p>Example: a training file whose label column holds 1, 2 and 3 gives
 * {@code ClassLabels.of(1, 2, 3)}; label 2 is one-hot {@code [0, 1, 0]} and {@code index(2) = 1}.
 * It is kept in the weights file as {@code "1,2,3"} ({@link #toString()}, {@link #parse}).
 */
public final class ClassLabels {
    private final double[] values;

    private ClassLabels(double[] sortedDistinct) {
        this.values = sortedDistinct;
    }

    /** The distinct values of {@code labels}, sorted. */
    public static ClassLabels of(double... labels) {
        TreeSet<Double> set = new TreeSet<>();
        for (double v : labels) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("class label not finite: " + v);
            }
            set.add(v == 0 ? 0.0 : v); // NOTE: -0.0 and 0.0 are one class
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("no class labels");
        }
        return new ClassLabels(set.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Reads the form of {@link #toString()}, e.g. {@code "1,2,3"}. */
    public static ClassLabels parse(String text) {
        String[] parts = text.split(",", -1);
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad class labels '" + text + "'", e);
            }
        }
        ClassLabels c = of(v);
        if (c.size() != v.length) {
            throw new IllegalArgumentException("repeated class label in '" + text + "'");
        }
        return c;
    }

    /** The labels, sorted. A copy. */
    public double[] values() {
        return values.clone();
    }

    /** Number of classes. */
    public int size() {
        return values.length;
    }

    /** The output index of class {@code label}, or -1 when it is not one of the classes. */
    public int index(double label) {
        int i = Arrays.binarySearch(values, label == 0 ? 0.0 : label);
        return i >= 0 ? i : -1;
    }

    /** The label of output {@code i}. */
    public double label(int i) {
        return values[i];
    }

    /** The labels as {@code "1, 2, 3"}, for messages. */
    public String display() {
        return join(", ");
    }

    /** Formats one label the short way: {@code 2} rather than {@code 2.0}. */
    public static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private String join(String sep) {
        StringJoiner j = new StringJoiner(sep);
        for (double v : values) {
            j.add(format(v));
        }
        return j.toString();
    }

    /** The labels as {@code "1,2,3"}: exact, read back by {@link #parse}. */
    @Override
    public String toString() {
        return join(",");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassLabels c && Arrays.equals(c.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
