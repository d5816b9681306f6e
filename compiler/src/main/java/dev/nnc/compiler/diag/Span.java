package dev.nnc.compiler.diag;

/**
 * A place in a source file: 1-based line and column of the first character and the length in
 * characters on that line (at least 1), both counted in code points as the lexer counts them. A span that is not {@code positioned} stands for the file
 * as a whole (one that does not exist or cannot be read): it is shown as the file's name alone,
 * with no line and column to point at.
 */
public record Span(SourceFile file, int line, int column, int length, boolean positioned) {

    /** A place in the file. */
    public Span(SourceFile file, int line, int column, int length) {
        this(file, line, column, length, true);
    }

    /** The file as a whole, shown without a position: {@code model.nn: error[NN0102]: ...}. */
    public static Span wholeFile(SourceFile file) {
        return new Span(file, 1, 1, 1, false);
    }

    public Span {
        if (line < 1) {
            throw new IllegalArgumentException("line < 1: " + line);
        }
        if (column < 1) {
            throw new IllegalArgumentException("column < 1: " + column);
        }
        length = Math.max(1, length);
    }

    /** {@code file:line:col}, or {@code file} for the file as a whole. */
    @Override
    public String toString() {
        if (!positioned) {
            return file.displayName();
        }
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
