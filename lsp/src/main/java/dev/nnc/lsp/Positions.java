package dev.nnc.lsp;

import dev.nnc.compiler.diag.Span;
import java.util.Set;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/**
 * Between the compiler's places (1-based line and column, a length on the line, counted in code
 * points as ANTLR counts them) and the protocol's (0-based line and character, counted in UTF-16
 * code units: the position encoding the server announces, LSP's default). The two differ on a
 * line holding a character outside the Basic Multilingual Plane, e.g. an emoji in a comment:
 * one code point, two code units. Every conversion between them goes through here. Out-of-range
 * positions are clamped, never thrown on.
 */
final class Positions {
    /** The words of the grammar, which no constant or group can be called. */
    static final Set<String> KEYWORDS = Set.of("package", "import", "let", "group", "model",
            "input", "loss", "optimizer", "init", "seed", "repeat", "true", "false", "and", "or");

    private Positions() {
    }

    /** The encoding of {@link Position#getCharacter()} the server announces. */
    static final String ENCODING = "utf-16";

    /** The protocol's range of a compiler's span. */
    static Range range(Span s) {
        String line = s.file().line(s.line());
        int from = s.column() - 1;
        return new Range(new Position(s.line() - 1, units(line, from)),
                new Position(s.line() - 1, units(line, from + s.length())));
    }

    /** The source text a span covers (within its line). */
    static String text(Span s) {
        String line = s.file().line(s.line());
        int from = Math.min(line.length(), units(line, s.column() - 1));
        int to = Math.min(line.length(), units(line, s.column() - 1 + s.length()));
        return line.substring(from, to);
    }

    /** The compiler's 1-based column (code points) of a position on its line of {@code text}. */
    static int column(String text, Position p) {
        int start = 0;
        for (int l = 0; l < p.getLine(); l++) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) {
                return 1 + Math.max(0, p.getCharacter());
            }
            start = nl + 1;
        }
        int end = text.indexOf('\n', start);
        String line = text.substring(start, end < 0 ? text.length() : end);
        return 1 + codePoints(line, Math.max(0, p.getCharacter()));
    }

    /** UTF-16 code units before code point {@code cps} of {@code line}; one each past its end. */
    static int units(String line, int cps) {
        int n = line.codePointCount(0, line.length());
        return cps >= n ? line.length() + (cps - n) : line.offsetByCodePoints(0, Math.max(0, cps));
    }

    /** Code points before UTF-16 index {@code units} of {@code line}; one each past its end. */
    static int codePoints(String line, int units) {
        return units >= line.length()
                ? line.codePointCount(0, line.length()) + (units - line.length())
                : line.codePointCount(0, units);
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
