package dev.nnc.compiler.diag;

/**
 * A place in a source file: 1-based line and column of the first character and the length in
 * characters on that line (at least 1).
 */
public record Span(SourceFile file, int line, int column, int length) {

    public Span {
        if (line < 1) {
            throw new IllegalArgumentException("line < 1: " + line);
        }
        if (column < 1) {
            throw new IllegalArgumentException("column < 1: " + column);
        }
        length = Math.max(1, length);
    }

    /** {@code file:line:col}. */
    @Override
    public String toString() {
        return file.displayName() + ":" + line + ":" + column;
    }

    /** A span from the start of this one to the end of {@code other} when both share a line. */
    public Span to(Span other) {
        if (other.line != line || other.column < column) {
            return this;
        }
        return new Span(file, line, column, other.column + other.length - column);
    }
}
