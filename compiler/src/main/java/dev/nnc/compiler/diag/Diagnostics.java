package dev.nnc.compiler.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects the diagnostics of one compilation. Passed through every pass, never static; passes
 * report and go on, so one run reports every error it can find — up to {@link #MAX_PER_FILE} per
 * file, after which one more diagnostic says how many were left out.
 */
public final class Diagnostics {
    /** Diagnostics kept per file; a file with more gets a {@link Code#TOO_MANY_DIAGNOSTICS}. */
    public static final int MAX_PER_FILE = Limits.DIAGNOSTICS_PER_FILE;

    /** Characters of a message; a longer one (a huge name in it) is cut. */
    static final int MAX_MESSAGE = 500;

    private record Key(Code code, Span span, String message) {
    }

    private final List<Diagnostic> list = new ArrayList<>();
    private final Set<Key> seen = new HashSet<>();
    private final Map<SourceFile, Integer> perFile = new HashMap<>();
    private final Map<SourceFile, Span> firstDropped = new LinkedHashMap<>();
    private final Map<SourceFile, Integer> dropped = new HashMap<>();
    private int errors;

    /** Reports {@code code} at {@code span} with the formatted message. */
    public void report(Code code, Span span, String format, Object... args) {
        SourceFile file = span.file();
        if (perFile.getOrDefault(file, 0) >= MAX_PER_FILE) {
            // Not shown: counted only (a repeat of one already dropped counts again).
            if (code.severity() == Severity.ERROR) {
                errors++;
            }
            perFile.merge(file, 1, Integer::sum);
            firstDropped.putIfAbsent(file, span);
            dropped.merge(file, 1, Integer::sum);
            return;
        }
        String message = args.length == 0 ? format : String.format(format, args);
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE - 3) + "...";
        }
        if (!seen.add(new Key(code, span, message))) {
            return;
        }
        if (code.severity() == Severity.ERROR) {
            errors++;
        }
        perFile.merge(file, 1, Integer::sum);
        list.add(new Diagnostic(code, code.severity(), message, span));
    }

    public boolean hasErrors() {
        return errors > 0;
    }

    public int errorCount() {
        return errors;
    }

    /** How many diagnostics were reported so far, those left out of {@link #all} included. */
    public int count() {
        return list.size() + dropped.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** All diagnostics, sorted by file, line and column. */
    public List<Diagnostic> all() {
        List<Diagnostic> sorted = new ArrayList<>(list);
        for (Map.Entry<SourceFile, Span> e : firstDropped.entrySet()) {
            int more = dropped.get(e.getKey());
            sorted.add(new Diagnostic(Code.TOO_MANY_DIAGNOSTICS, Code.TOO_MANY_DIAGNOSTICS
                    .severity(), String.format("more diagnostics in this file not shown: %d "
                    + "(only the first %d are); fix these and compile again", more,
                    MAX_PER_FILE), e.getValue()));
        }
        sorted.sort(Comparator.comparing((Diagnostic d) -> d.span().file().displayName())
                .thenComparingInt(d -> d.span().line())
                .thenComparingInt(d -> d.span().column()));
        return List.copyOf(sorted);
    }
}
