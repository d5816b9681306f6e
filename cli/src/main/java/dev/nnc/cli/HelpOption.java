package dev.nnc.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help} of a subcommand (the version option lives on {@code nnc} alone). */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;
}
