package dev.nnc.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Number formats of the command's output. */
final class Fmt {
    private Fmt() {
    }

    /**
     * {@code v} rounded to {@code digits} significant digits, plain between 1e-4 and 1e7, else in
     * scientific notation: {@code 2.2099}, {@code -0.0013}, {@code 1.234e-07}.
     */
    static String sig(double v, int digits) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e7) {
            String s = new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros()
                    .toPlainString();
            return s.equals("-0") ? "0" : s;
        }
        return String.format(Locale.ROOT, "%." + (digits - 1) + "e", v);
    }

    /** A metric value: integers as they are, other numbers with 4 significant digits. */
    static String metric(Object v) {
        if (v instanceof Double d) {
            return sig(d, 4);
        }
        if (v instanceof Float f) {
            return sig(f, 4);
        }
        return String.valueOf(v);
    }

    /** A rate with a unit prefix: {@code 4.2M}, {@code 850.0k}, {@code 12}. */
    static String rate(double r) {
        if (r >= 1e9) {
            return String.format(Locale.ROOT, "%.1fG", r / 1e9);
        }
        if (r >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", r / 1e6);
        }
        if (r >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", r / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", r);
    }

    /** A number as written in a {@code .nn} file: {@code 0.1}, {@code 100}. */
    static String literal(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** An optimizer with its arguments, sorted by name: {@code sgd(lr: 0.1)}. */
    static String call(String name, Map<String, Double> args) {
        if (args.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('(');
        boolean first = true;
        for (Map.Entry<String, Double> e : new TreeMap<>(args).entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey()).append(": ").append(literal(e.getValue()));
        }
        return sb.append(')').toString();
    }

    /** A count with thousands separators: {@code 1,234,567}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
