package dev.nnc.cli;

import dev.nnc.runtime.io.Json;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code -q/--quiet} and {@code --json}, the same on every command that prints results
 * (docs/cli.md, "Conventions"): {@code -q} keeps stderr to errors; {@code --json} puts the
 * results on stdout as JSON instead of text, stderr unchanged.
 */
final class OutputOptions {
    @Option(names = {"-q", "--quiet"},
            description = "Nothing on stderr but errors: no progress, notes, warnings or "
                    + "counts.")
    boolean quiet;

    @Option(names = "--json",
            description = "Print the results on stdout as JSON instead of text.")
    boolean json;

    /** The streams of this run, with {@code -q} in force when it was given. */
    Io io(Io io) {
        return quiet ? io.quieted() : io;
    }

    /**
     * Prints the results: with {@code --json} the value (a map, list, string, number or
     * boolean) as JSON, else the text as it is.
     */
    void print(Io io, Supplier<Object> value, Supplier<String> text) {
        if (json) {
            io.out().println(Json.pretty(value.get()));
        } else {
            io.out().print(text.get());
        }
        io.out().flush();
    }
}
