package dev.nnc.compiler.diag;

import java.util.List;

/**
 * Renders diagnostics GNU-style with the source line and a caret under the offending text:
 * <pre>
 * model.nn:4:7: error[NN0102]: message
 *     dense(0)
 *           ^
 * </pre>
 * Control characters (ESC, BEL, ...) and bidirectional overrides in file names, messages and
 * source lines are shown escaped ({@code \x1b}), never sent to the terminal; a long line is
 * clipped to {@link Limits#LINE_ECHO} characters around the caret. Columns are code points, as
 * the compiler counts them (an emoji or {@code 𝑥} is one; a tab is one, and stays a tab in the
 * echoed line and the caret line below it).
 */
public final class DiagnosticPrinter {
    private DiagnosticPrinter() {
    }

    /** One diagnostic, with its source line and caret, ending in a newline. */
    public static String render(Diagnostic d) {
        StringBuilder sb = new StringBuilder();
        sb.append(d).append('\n');
        Span s = d.span();
        String line = s.positioned() ? s.file().line(s.line()) : "";
        if (line.isBlank()) {
            return sb.toString();
        }
        // NOTE: the span counts code points, as the lexer does, and so does the caret line: one
        // column a code point (a character outside the Basic Multilingual Plane is two chars)
        int[] cps = line.codePoints().toArray();
        int from = Math.min(s.column() - 1, cps.length);
        int to = Math.max(from + 1, Math.min(cps.length, s.column() - 1 + s.length()));
        int start = 0;
        int end = cps.length;
        if (end - start > Limits.LINE_ECHO) {
            start = Math.max(0, Math.min(from - Limits.LINE_ECHO / 3, end - Limits.LINE_ECHO));
            end = Math.min(end, start + Limits.LINE_ECHO);
            to = Math.min(to, end);
        }
        StringBuilder echo = new StringBuilder(start > 0 ? "..." : "");
        // what goes before the caret: a tab where the echo has one, so a terminal lines them up
        StringBuilder pad = new StringBuilder(" ".repeat(echo.length()));
        int columns = echo.length();
        int caretAt = -1;
        int caretEnd = -1;
        for (int i = start; i <= end; i++) {
            if (i == from) {
                caretAt = columns;
            }
            if (i == to) {
                caretEnd = columns;
            }
            if (i < end) {
                String shown = cps[i] == '\t' ? "\t" : printable(Character.toString(cps[i]));
                int width = shown.codePointCount(0, shown.length());
                echo.append(shown);
                if (i < from) {
                    pad.append(cps[i] == '\t' ? "\t" : " ".repeat(width));
                }
                columns += width;
            }
        }
        if (end < cps.length) {
            echo.append("...");
            columns += 3;
        }
        if (caretAt < 0) {
            caretAt = columns;
            pad.append(" ".repeat(caretAt - pad.length()));
        }
        int len = Math.max(1, (caretEnd < 0 ? columns : caretEnd) - caretAt);
        sb.append("    ").append(echo).append('\n');
        sb.append("    ").append(pad).append('^').append("~".repeat(len - 1)).append('\n');
        return sb.toString();
    }

    /** All diagnostics and a closing count line such as {@code 2 errors, 1 warning}. */
    public static String renderAll(List<Diagnostic> ds) {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : ds) {
            sb.append(render(d));
        }
        long errors = ds.stream().filter(Diagnostic::isError).count();
        long warnings = ds.size() - errors;
        if (!ds.isEmpty()) {
            sb.append(plural(errors, "error"));
            if (warnings > 0) {
                sb.append(", ").append(plural(warnings, "warning"));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * {@code s} safe to print on a terminal: control characters, line separators and
     * bidirectional controls become {@code \xHH} or {@code \}{@code uHHHH}; the rest is kept.
     */
    public static String printable(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029
                    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                    || c == 0x200e || c == 0x200f || c == 0x061c;
            if (bad && sb == null) {
                sb = new StringBuilder(s.substring(0, i));
            }
            if (sb != null) {
                if (!bad) {
                    sb.append(c);
                } else if (c < 0x100) {
                    sb.append(String.format("\\x%02x", (int) c));
                } else {
                    sb.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
