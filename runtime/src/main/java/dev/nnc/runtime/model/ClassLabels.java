package dev.nnc.runtime.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * The class labels of a classifier, sorted: output {@code i} of the model stands for
 * {@code name(i)}. Labels are numbers (sorted by value) or, when a label column holds text, names
 * (sorted as strings).
 *
 * <p>Example: a training file whose label column holds 1, 2 and 3 gives
 * {@code ClassLabels.of(1, 2, 3)}; label 2 is one-hot {@code [0, 1, 0]} and {@code index(2) = 1}.
 * It is kept in the weights file as {@code "1,2,3"} ({@link #toString()}, {@link #parse}). A column
 * of {@code setosa}, {@code versicolor}, {@code virginica} gives {@code ClassLabels.ofNames(...)}
 * with {@code name(2) = "virginica"}, kept as {@code "setosa","versicolor","virginica"}.
 */
public final class ClassLabels {
    private final double[] values;
    /** The names of text classes, sorted; null for numeric classes. */
    private final String[] names;

    private ClassLabels(double[] sortedDistinct, String[] names) {
        this.values = sortedDistinct;
        this.names = names;
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
        return new ClassLabels(set.stream().mapToDouble(Double::doubleValue).toArray(), null);
    }

    /**
     * The distinct labels {@code labels} as written: numeric classes when every one is a number,
     * else text classes sorted as strings.
     */
    public static ClassLabels ofNames(Collection<String> labels) {
        List<String> sorted = sorted(labels);
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("no class labels");
        }
        double[] v = numbers(sorted);
        if (v != null) {
            return of(v);
        }
        return new ClassLabels(null, sorted.toArray(new String[0]));
    }

    /**
     * The distinct strings of {@code labels} in class order: by value in their short form when
     * all are numbers ({@code 2} before {@code 10}), else sorted as strings.
     */
    public static List<String> sorted(Collection<String> labels) {
        TreeSet<String> set = new TreeSet<>(labels);
        double[] v = numbers(set);
        if (v == null) {
            return new ArrayList<>(set);
        }
        TreeSet<Double> nums = new TreeSet<>();
        for (double d : v) {
            nums.add(d == 0 ? 0.0 : d);
        }
        List<String> out = new ArrayList<>();
        for (double d : nums) {
            out.add(format(d));
        }
        return out;
    }

    /** The numbers of {@code labels}, or null when one is not a finite number. */
    private static double[] numbers(Collection<String> labels) {
        double[] v = new double[labels.size()];
        int i = 0;
        for (String s : labels) {
            Double d = number(s.strip());
            if (d == null || !Double.isFinite(d)) {
                return null;
            }
            v[i++] = d;
        }
        return v;
    }

    /**
     * Reads the form of {@link #toString()}: {@code "1,2,3"}, or quoted names
     * {@code "a","b,c"} (a quote inside a name doubled).
     */
    public static ClassLabels parse(String text) {
        if (text.strip().startsWith("\"")) {
            List<String> parts = new ArrayList<>();
            String t = text.strip();
            int i = 0;
            while (i < t.length()) {
                if (t.charAt(i) != '"') {
                    throw new IllegalArgumentException("bad class labels '" + text + "'");
                }
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= t.length()) {
                        throw new IllegalArgumentException("bad class labels '" + text + "'");
                    }
                    char ch = t.charAt(i++);
                    if (ch == '"' && i < t.length() && t.charAt(i) == '"') {
                        sb.append('"');
                        i++;
                    } else if (ch == '"') {
                        break;
                    } else {
                        sb.append(ch);
                    }
                }
                parts.add(sb.toString());
                if (i < t.length() && t.charAt(i++) != ',') {
                    throw new IllegalArgumentException("bad class labels '" + text + "'");
                }
            }
            ClassLabels c = new ClassLabels(null, parts.toArray(new String[0]));
            if (new TreeSet<>(parts).size() != parts.size() || !sorted(parts).equals(parts)
                    || parts.isEmpty()) {
                throw new IllegalArgumentException("bad class labels '" + text + "'");
            }
            return c;
        }
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

    /** Whether the classes are names rather than numbers. */
    public boolean isText() {
        return names != null;
    }

    /** The labels, sorted; for text classes the output indices 0, 1, .... A copy. */
    public double[] values() {
        if (names != null) {
            double[] v = new double[names.length];
            Arrays.setAll(v, i -> i);
            return v;
        }
        return values.clone();
    }

    /** Number of classes. */
    public int size() {
        return names != null ? names.length : values.length;
    }

    /**
     * The output index of class {@code label}, or -1 when it is not one of the classes. Text
     * classes have no numbers: -1.
     */
    public int index(double label) {
        if (names != null) {
            return -1;
        }
        int i = Arrays.binarySearch(values, label == 0 ? 0.0 : label);
        return i >= 0 ? i : -1;
    }

    /**
     * The output index of the class written {@code label} (a name, or a number in any form),
     * or -1 when it is not one of the classes.
     */
    public int index(String label) {
        if (names == null) {
            Double d = number(label.strip());
            return d == null ? -1 : index(d);
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(label)) {
                return i;
            }
        }
        return -1;
    }

    /** The label of output {@code i}; for text classes, {@code i}. */
    public double label(int i) {
        return names != null ? i : values[i];
    }

    /** The label of output {@code i} as it is shown: a name, or a number's short form. */
    public String name(int i) {
        return names != null ? names[i] : format(values[i]);
    }

    /** The names of every output, in order. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            out.add(name(i));
        }
        return out;
    }

    /** The labels as {@code "1, 2, 3"}, for messages. */
    public String display() {
        return String.join(", ", names());
    }

    /**
     * The decimal number {@code text}, or null: digits with an optional sign, point and
     * exponent; no NaN, no hex, no type suffixes. The one definition of a number in a data
     * file ({@link Decimals#parse}, which gives NaN where this gives null; the CSV reader adds
     * thousands separators in quoted values).
     */
    public static Double number(String text) {
        double v = Decimals.parse(text);
        return Double.isNaN(v) ? null : v;
    }

    /** Formats one label the short way: {@code 2} rather than {@code 2.0}. */
    public static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** The labels as {@code "1,2,3"} or {@code "a","b"}: exact, read back by {@link #parse}. */
    @Override
    public String toString() {
        if (names == null) {
            return String.join(",", names());
        }
        StringJoiner j = new StringJoiner(",");
        for (String n : names) {
            j.add("\"" + n.replace("\"", "\"\"") + "\"");
        }
        return j.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassLabels c && Arrays.equals(c.values, values)
                && Arrays.equals(c.names, names);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values) * 31 + Arrays.hashCode(names);
    }
}
