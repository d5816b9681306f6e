package dev.nnc.runtime;

/**
 * A problem with a data file, told the way a compiler tells one: file, line, column, what is
 * wrong.
 *
 * <p>Example: {@code data/xor.csv:5: column 'x2' (2): 'abc' is not a number}.
 */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
