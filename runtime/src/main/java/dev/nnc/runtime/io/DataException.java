package dev.nnc.runtime.io;

/**
 * A problem with a data file, told the way a compiler tells one: file, line, column, what is
 * wrong.
 *
 * <p>Example: {@code data/xor.csv:5: column 'x2' (2): 'abc' is not a number}.
 *
 * <p>The message is safe to print on a terminal: control characters that came from a file (a
 * header naming a column with an ESC byte, a file name with a bell) are written as escapes
 * ({@code a\x1b[2Jb}, {@code \x07}), see {@link #printable}.
 */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(printable(message));
    }

    public DataException(String message, Throwable cause) {
        super(printable(message), cause);
    }

    /**
     * {@code text} with every control character written as an escape: {@code \n}, {@code \r},
     * {@code \t}, {@code \xNN} for the other C0 and C1 controls and DEL, {@code \}{@code uNNNN}
     * for the line and paragraph separators and the bidirectional overrides that can reorder
     * what a terminal shows.
     */
    public static String printable(String text) {
        int i = 0;
        while (i < text.length() && !isControl(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isControl(c)) {
                sb.append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x100) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || c >= 0x7f && c < 0xa0 || c == '\u2028' || c == '\u2029'
                || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069';
    }
}
