package dev.nnc.compiler.diag;

import java.util.List;

/**
 * Renders diagnostics GNU-style with the source line and a caret under the offending text:
 * <pre>
 * model.nn:4:7: error[NN0102]: message
 *     dense(0)
 *           ^
 * </pre>
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
        if (!line.isBlank()) {
            sb.append("    ").append(line.replace('\t', ' ')).append('\n');
            sb.append("    ").append(" ".repeat(Math.min(s.column() - 1, line.length())));
            int len = Math.max(1, Math.min(s.length(), line.length() - s.column() + 1));
            sb.append('^').append("~".repeat(len - 1)).append('\n');
        }
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

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
