package dev.nnc.lsp;

import dev.nnc.compiler.diag.Span;
import java.util.Set;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/**
 * Between the compiler's places (1-based line and column, a length on the line) and the
 * protocol's (0-based line and character). Out-of-range positions are clamped, never thrown on.
 */
final class Positions {
    /** The words of the grammar, which no constant or group can be called. */
    static final Set<String> KEYWORDS = Set.of("package", "import", "let", "group", "model",
            "input", "loss", "optimizer", "init", "seed", "repeat", "true", "false", "and", "or");

    private Positions() {
    }

    static Range range(Span s) {
        return new Range(new Position(s.line() - 1, s.column() - 1),
                new Position(s.line() - 1, s.column() - 1 + s.length()));
    }

    /** The offset in {@code text} of a position, clamped to the text. */
    static int offset(String text, Position p) {
        if (p == null) {
            return text.length();
        }
        int line = Math.max(0, p.getLine());
        int i = 0;
        for (int l = 0; l < line; l++) {
            int nl = text.indexOf('\n', i);
            if (nl < 0) {
                return text.length();
            }
            i = nl + 1;
        }
        int end = text.indexOf('\n', i);
        end = end < 0 ? text.length() : end;
        return Math.min(end, i + Math.max(0, p.getCharacter()));
    }

    /** The text after replacing {@code range} (the whole text when null) by {@code with}. */
    static String apply(String text, Range range, String with) {
        String w = with == null ? "" : with;
        if (range == null) {
            return w;
        }
        int from = offset(text, range.getStart());
        int to = Math.max(from, offset(text, range.getEnd()));
        return text.substring(0, from) + w + text.substring(to);
    }

    /** The range of the name at (or just after) a position, or {@code null}. */
    static Range wordAt(String text, Position p) {
        int at = offset(text, p);
        int from = at;
        while (from > 0 && Completions.isWordChar(text.charAt(from - 1))) {
            from--;
        }
        int to = at;
        while (to < text.length() && Completions.isWordChar(text.charAt(to))) {
            to++;
        }
        if (from == to) {
            return null;
        }
        return new Range(position(text, from), position(text, to));
    }

    static Position position(String text, int offset) {
        int line = 0;
        int start = 0;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                start = i + 1;
            }
        }
        return new Position(line, offset - start);
    }
}
