package dev.nnc.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help} and {@code -V, --version} of a subcommand, as on {@code nnc} itself; the
 * version text is {@link Main.Version}'s (set on every subcommand by {@link Main#commandLine}).
 */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true,
            description = "Print version information and exit.")
    boolean version;
}
