package dev.nnc.compiler.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the diagnostics of one compilation. Passed through every pass, never static; passes
 * report and go on, so one run reports every error it can find.
 */
public final class Diagnostics {
    private final List<Diagnostic> list = new ArrayList<>();

    /** Reports {@code code} at {@code span} with the formatted message. */
    public void report(Code code, Span span, String format, Object... args) {
        String message = args.length == 0 ? format : String.format(format, args);
        for (Diagnostic d : list) {
            if (d.code() == code && d.span().equals(span) && d.message().equals(message)) {
                return;
            }
        }
        list.add(new Diagnostic(code, code.severity(), message, span));
    }

    public boolean hasErrors() {
        return list.stream().anyMatch(Diagnostic::isError);
    }

    public int errorCount() {
        return (int) list.stream().filter(Diagnostic::isError).count();
    }

    /** All diagnostics, sorted by file, line and column. */
    public List<Diagnostic> all() {
        List<Diagnostic> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparing((Diagnostic d) -> d.span().file().displayName())
                .thenComparingInt(d -> d.span().line())
                .thenComparingInt(d -> d.span().column()));
        return List.copyOf(sorted);
    }
}
