package dev.nnc.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * Where a run of {@code nnc} writes and what it knows of its surroundings.
 *
 * @param out results (tables, predictions, generated paths)
 * @param err diagnostics, progress and errors
 * @param env the environment variables
 * @param console true when {@code err} is the process's own standard error, so that a live
 *     progress line may be drawn when it is a terminal
 * @param quiet {@code -q}: nothing on {@code err} but errors (no warnings, notes or progress)
 */
record Io(PrintStream out, PrintStream err, Map<String, String> env, boolean console,
        boolean quiet) {
    Io(PrintStream out, PrintStream err, Map<String, String> env, boolean console) {
        this(out, err, env, console, false);
    }

    /** These streams with {@code -q} in force. */
    Io quieted() {
        return new Io(out, err, env, console, true);
    }
}
