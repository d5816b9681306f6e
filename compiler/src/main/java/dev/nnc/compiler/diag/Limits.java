package dev.nnc.compiler.diag;

/**
 * The bounds the compiler puts on any input, so that no file — however large or hostile — makes
 * it work without end, run out of stack or memory, or write code javac cannot take. Each limit has
 * its diagnostic (see {@link Code}); docs/language.md lists them, checked by
 * a test.
 */
public final class Limits {
    private Limits() {
    }

    /** Diagnostics kept per file; one more says how many were left out. */
    public static final int DIAGNOSTICS_PER_FILE = 100;
    /** Open brackets, braces and parentheses, plus unary minus signs, at any point. */
    public static final int NESTING = 64;
    /** Terms (numbers, names, strings, calls, lists and operators) of one expression. */
    public static final int EXPRESSION_TERMS = 500;
    /** Comparisons joined by {@code and}/{@code or} in a {@code stop:} condition. */
    public static final int STOP_TERMS = 64;
    /** Arguments of one call. */
    public static final int ARGUMENTS = 64;
    /** Files in one chain of imports (a file importing one importing one ...). */
    public static final int IMPORT_DEPTH = 32;
    /** Group calls nested inside each other. */
    public static final int GROUP_DEPTH = 32;
    /** Statements, group calls and repeat rounds the expansion of one model may visit. */
    public static final int EXPANSION_STEPS = 100_000;
    /** Layers of one model after expansion. */
    public static final int LAYERS = 10_000;
    /** Parameters (and saved buffers) of one model, counted in 64 bits. */
    public static final long PARAMETERS = 500_000_000L;
    /** Values per sample of the input and of any layer's output. */
    public static final int VALUES_PER_SAMPLE = 100_000_000;
    /** Characters of a source line a diagnostic shows around its caret. */
    public static final int LINE_ECHO = 120;
}
