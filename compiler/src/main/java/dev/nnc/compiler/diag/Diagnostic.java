package dev.nnc.compiler.diag;

import java.util.Objects;

/**
 * One finding of the compiler about a {@code .nn} file: a catalog code, its severity, a message
 * saying what is wrong (and what would be right) and the span it points at.
 *
 * <p>Rendered by {@link DiagnosticPrinter} as:
 * <pre>
 * xor.nn:4:5: error[NN0201]: unknown layer 'desne'; did you mean 'dense'?
 *     desne(2) -&gt; sigmoid
 *     ^~~~~
 * </pre>
 */
public record Diagnostic(Code code, Severity severity, String message, Span span) {

    public Diagnostic {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(span, "span");
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /**
     * {@code file:line:col: error[NN0201]: message} on one line, with control characters in the
     * file name and message escaped (see {@link DiagnosticPrinter#printable}).
     */
    @Override
    public String toString() {
        return DiagnosticPrinter.printable(span + ": " + severity.label() + "[" + code.id()
                + "]: " + message);
    }
}
