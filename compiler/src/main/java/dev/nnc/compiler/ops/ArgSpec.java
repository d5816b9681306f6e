package dev.nnc.compiler.ops;

import dev.nnc.runtime.model.ClassLabels;

/**
 * One argument a layer, activation, optimizer or initializer takes: its name, type, default and
 * allowed range. Positional arguments bind in declaration order.
 *
 * <p>Example: {@code ArgSpec.positiveInt("units")} for {@code dense(16)}.
 */
public record ArgSpec(String name, Type type, Object defaultValue, double min, boolean minInclusive,
        double max, boolean maxInclusive) {

    /** Argument types. */
    public enum Type {
        INT("an integer"), NUMBER("a number"), BOOL("true or false"), INIT("an initializer"),
        WORD("a name"),
        /** A whole number &gt;= 1, or a list of two: {@code 3} or {@code [3, 5]} (height, width). */
        PAIR("a whole number or a list of two ([height, width])"),
        /** {@code valid}, {@code same}, a whole number &gt;= 0 or a list of two. */
        PADDING("valid, same, a whole number or a list of two ([height, width])");

        private final String description;

        Type(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** A required argument has no default. */
    public boolean required() {
        return defaultValue == null;
    }

    /** A required integer &gt; 0. */
    public static ArgSpec positiveInt(String name) {
        return new ArgSpec(name, Type.INT, null, 0, false, Double.POSITIVE_INFINITY, true);
    }

    /** A number &gt; 0 with an optional default. */
    public static ArgSpec positive(String name, Double defaultValue) {
        return new ArgSpec(name, Type.NUMBER, defaultValue, 0, false, Double.POSITIVE_INFINITY,
                true);
    }

    /** A number in [min, max) with an optional default. */
    public static ArgSpec range(String name, Double defaultValue, double min, double max) {
        return new ArgSpec(name, Type.NUMBER, defaultValue, min, true, max, false);
    }

    /**
     * A size or stride of height and width, bound as a {@code List<Integer>} of two; {@code
     * defaultValue} {@code null} makes it required, an empty list means "as another argument".
     */
    public static ArgSpec pair(String name, java.util.List<Integer> defaultValue) {
        return new ArgSpec(name, Type.PAIR, defaultValue, 1, true, Double.POSITIVE_INFINITY,
                true);
    }

    /** Padding: the word {@code valid} or {@code same}, or a {@code List<Integer>} of two. */
    public static ArgSpec padding(String name, String defaultValue) {
        return new ArgSpec(name, Type.PADDING, defaultValue, 0, true,
                Double.POSITIVE_INFINITY, true);
    }

    /** A boolean with a default. */
    public static ArgSpec bool(String name, boolean defaultValue) {
        return new ArgSpec(name, Type.BOOL, defaultValue, 0, true, 0, true);
    }

    /** An optional initializer; {@code null} default means "the model's init setting". */
    public static ArgSpec init(String name) {
        return new ArgSpec(name, Type.INIT, "model", 0, true, 0, true);
    }

    /** The allowed range in words, e.g. "> 0" or "in [0, 1)". */
    public String rangeText() {
        boolean lowOpen = Double.isInfinite(min);
        boolean highOpen = Double.isInfinite(max);
        if (highOpen && !lowOpen) {
            return (minInclusive ? ">= " : "> ") + fmt(min);
        }
        if (lowOpen && !highOpen) {
            return (maxInclusive ? "<= " : "< ") + fmt(max);
        }
        return "in " + (minInclusive ? "[" : "(") + fmt(min) + ", " + fmt(max)
                + (maxInclusive ? "]" : ")");
    }

    /** True when {@code v} lies in the allowed range. */
    public boolean inRange(double v) {
        boolean lowOk = minInclusive ? v >= min : v > min;
        boolean highOk = maxInclusive ? v <= max : v < max;
        return lowOk && highOk;
    }

    private static String fmt(double v) {
        return ClassLabels.format(v);
    }
}
