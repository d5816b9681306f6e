package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Column choices as a {@code .nn} file writes them: names, or ranges {@code "a..d"} of every
 * column from {@code a} to {@code d} in the header's order.
 *
 * <p>Example: over the header {@code id, x1, x2, x3, city, y}, {@code ["x1..x3", "city"]}
 * selects columns 1, 2, 3 and 4.
 */
public final class Columns {
    /** What separates the first and the last column of a range. */
    public static final String RANGE = "..";

    private Columns() {
    }

    /**
     * The indices in {@code header} of the columns {@code choices} names, in the order named,
     * ranges expanded, each once.
     *
     * @param what the setting, for messages: {@code features}
     * @throws DataException naming the first column the header lacks
     */
    public static List<Integer> select(List<String> header, List<String> choices, String what,
            Path file) {
        List<Integer> out = new ArrayList<>();
        for (String choice : choices) {
            String missing = missing(header, choice);
            if (missing != null) {
                throw new DataException(file + " has no column '" + missing + "' (named in "
                        + what + "); its columns: " + String.join(", ", header));
            }
            for (int c : expand(header, choice)) {
                if (!out.contains(c)) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /**
     * The column of {@code choice} that {@code header} lacks (the whole name, or an end of a
     * range), or {@code null} when it has them.
     */
    public static String missing(List<String> header, String choice) {
        if (header.contains(choice)) {
            return null;
        }
        int dots = choice.indexOf(RANGE);
        if (dots < 0) {
            return choice;
        }
        String first = choice.substring(0, dots).strip();
        String last = choice.substring(dots + RANGE.length()).strip();
        return !header.contains(first) ? first : !header.contains(last) ? last : null;
    }

    /** Whether {@code choice} is a range whose last column comes before its first. */
    public static boolean backwards(List<String> header, String choice) {
        List<Integer> c = expand(header, choice);
        return c.isEmpty() && missing(header, choice) == null;
    }

    private static List<Integer> expand(List<String> header, String choice) {
        List<Integer> out = new ArrayList<>();
        if (header.contains(choice)) {
            out.add(header.indexOf(choice));
            return out;
        }
        int dots = choice.indexOf(RANGE);
        int a = header.indexOf(choice.substring(0, dots).strip());
        int b = header.indexOf(choice.substring(dots + RANGE.length()).strip());
        for (int c = a; c <= b; c++) {
            out.add(c);
        }
        return out;
    }
}
