package dev.nnc.cli;

/**
 * A mistake of the user that a command has found: printed as {@code nnc: error: MESSAGE}, exit
 * status 1, never with a stack trace (unless debugging). An empty message means the command has
 * already reported the problem (e.g. compiler diagnostics) and only the exit status is left.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    /** The problem has been printed already. */
    static CliException reported() {
        return new CliException("");
    }
}
