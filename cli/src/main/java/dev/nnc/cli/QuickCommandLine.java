package dev.nnc.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.PicocliException;
import picocli.CommandLine.ScopeType;

/**
 * The command lines of the short commands run most often ({@code nnc predict}, {@code nnc check}),
 * built with picocli's programmatic API instead of from the annotations of {@link Main} and of
 * the command: reading the annotations (each annotation type a proxy class generated at run time)
 * and building the model from them by reflection is most of the time picocli takes, a tenth of
 * a short {@code nnc predict}.
 *
 * <p>Such a command line holds what parsing needs (the options' and parameters' names, arity,
 * types and where their values go) and no help texts; it serves only a command line it parses
 * without error that asks for no help or version. Anything else ({@code --help}, a usage error
 * and its message, another command) is left to the annotated command line of
 * {@link Main#commandLine(Main, String[])}, which has parsed nothing yet. QuickCommandLineTest
 * holds the two to the same options and values.
 */
final class QuickCommandLine {
    private QuickCommandLine() {
    }

    /**
     * The quick command line that runs {@code args}, parsed once to know that it serves them
     * (and parsed again by {@code execute}); null when none does.
     */
    static CommandLine of(Main main, String[] args) {
        CommandSpec command = args.length == 0 ? null : switch (args[0]) {
            case "predict" -> PredictCommand.quickSpec(main);
            case "check" -> CheckCommand.quickSpec(main);
            default -> null;
        };
        if (command == null) {
            return null;
        }
        CommandSpec nnc = CommandSpec.wrapWithoutInspection(main).name("nnc");
        nnc.addOption(flag(v -> main.debug = v, "--debug").scopeType(ScopeType.INHERIT).build());
        nnc.addOption(flag(v -> { }, "-h", "--help").usageHelp(true).build());
        nnc.addOption(flag(v -> { }, "-V", "--version").versionHelp(true).build());
        nnc.addSubcommand(command.name(), command);
        CommandLine cmd = new CommandLine(nnc);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        try {
            for (ParseResult p = cmd.parseArgs(args); p != null; p = p.subcommand()) {
                if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                    return null;
                }
            }
        } catch (PicocliException e) {
            return null;
        }
        return cmd;
    }

    /** {@code -h, --help} and {@code -V, --version}, as {@link HelpOption} declares them. */
    static void addHelp(CommandSpec spec, HelpOption help) {
        spec.addOption(flag(v -> help.help = v, "-h", "--help").usageHelp(true).build());
        spec.addOption(flag(v -> help.version = v, "-V", "--version").versionHelp(true)
                .build());
    }

    /** {@code -q, --quiet} and {@code --json}, as {@link OutputOptions} declares them. */
    static void addOutput(CommandSpec spec, OutputOptions options) {
        spec.addOption(flag(v -> options.quiet = v, "-q", "--quiet").build());
        spec.addOption(flag(v -> options.json = v, "--json").build());
    }

    /** {@code FILE} and {@code -w, --weights W}, as {@link TrainedModelArgs} declares them. */
    static void addTrainedModel(CommandSpec spec, TrainedModelArgs args) {
        spec.addPositional(PositionalParamSpec.builder().paramLabel("FILE").type(Path.class)
                .required(true).getter(getter(() -> args.file)).setter(setter(v -> args.file = (Path) v))
                .build());
        spec.addOption(path(v -> args.weights = v, () -> args.weights, "-w", "--weights")
                .paramLabel("W").build());
    }

    /** A boolean option without a value, false until given. */
    static OptionSpec.Builder flag(Consumer<Boolean> set, String... names) {
        boolean[] value = {false};
        return OptionSpec.builder(names).type(boolean.class).initialValue(false)
                .getter(getter(() -> value[0]))
                .setter(setter(v -> {
                    value[0] = (Boolean) v;
                    set.accept(value[0]);
                }));
    }

    /** An option with a path for its value, null until given. */
    static OptionSpec.Builder path(Consumer<Path> set, Supplier<Path> get, String... names) {
        return OptionSpec.builder(names).type(Path.class).getter(getter(get))
                .setter(setter(v -> set.accept((Path) v)));
    }

    /** A required positional parameter of one or more paths. */
    static PositionalParamSpec.Builder paths(Consumer<List<Path>> set, Supplier<List<Path>> get) {
        return PositionalParamSpec.builder().type(List.class).auxiliaryTypes(Path.class)
                .arity("1..*").required(true)
                .getter(getter(get)).setter(setter(v -> {
                    @SuppressWarnings("unchecked")
                    List<Path> list = (List<Path>) v;
                    set.accept(list);
                }));
    }

    private static IGetter getter(Supplier<?> get) {
        return new IGetter() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T get() {
                return (T) get.get();
            }
        };
    }

    private static ISetter setter(Consumer<Object> set) {
        return new ISetter() {
            @Override
            public <T> T set(T value) {
                set.accept(value);
                return null;
            }
        };
    }
}
