package dev.nnc.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code nnc} command. Exit codes: 0 success, 1 an error in the user's files or data (or a bug
 * in nnc, said as such), 2 a usage error (bad or missing options).
 *
 * <p>Tests call {@link #run(String[], PrintStream, PrintStream, Map)} in process; it never calls
 * {@link System#exit}.
 */
@Command(name = "nnc",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Compiles declarative .nn neural-network model files into specialized Java, and "
                    + "trains, evaluates and runs them.",
            ""
        },
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc check model.nn                        check a file, report every problem",
            "  nnc fmt model.nn                          rewrite it in the canonical layout",
            "  nnc summary model.nn                      layers, shapes, parameters, FLOPs",
            "  nnc train model.nn                        train; saves model.safetensors",
            "  nnc predict model.nn --input new.csv      predict with the trained weights",
            "  nnc export model.nn -o model.onnx         the trained model as ONNX",
            "  nnc serve model.nn --port 8080            predictions over HTTP",
            "  nnc train model.nn --report out           also write out/index.html with plots",
            "",
            "Run 'nnc COMMAND --help' or 'nnc help COMMAND' for the options of a command.",
            "Exit status: 0 ok, 1 error (diagnostics, data, weights), 2 bad command line.",
            "Set NNC_DEBUG=1 (or pass --debug) to see stack traces of unexpected errors."
        })
public final class Main implements Callable<Integer> {
    /** Exit status of a successful run. */
    public static final int OK = 0;
    /** Exit status of an error in the user's files, data or weights. */
    public static final int ERROR = 1;
    /** Exit status of a bad command line. */
    public static final int USAGE = 2;

    /** The commands of {@code nnc}, in the order its help lists them. */
    static final List<Class<?>> COMMANDS = List.of(
            CheckCommand.class,
            FmtCommand.class,
            SummaryCommand.class,
            CompileCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            KfoldCommand.class,
            PredictCommand.class,
            ExportCommand.class,
            ServeCommand.class,
            ParamsCommand.class,
            ReportCommand.class,
            GraphCommand.class,
            LspCommand.class,
            CommandLine.HelpCommand.class);

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print stack traces of errors (also: environment NNC_DEBUG=1).")
    boolean debug;

    private final Io io;

    Main(Io io) {
        this.io = io;
    }

    /** The streams and environment of this run. */
    Io io() {
        return io;
    }

    @Override
    public Integer call() {
        io.err().println("nnc: error: no command given (commands: "
                + String.join(", ", spec.subcommands().keySet()) + ")");
        io.err().println("Try 'nnc --help' for more information.");
        return USAGE;
    }

    public static void main(String[] args) {
        if (stderrFilter() != null) {
            System.setErr(noteWrites(System.err, () -> stderrWritten = true));
        }
        int status = run(args, System.out, System.err, System.getenv(), true);
        drainStderr();
        System.exit(status);
    }

    /** Whether anything was written to stderr (set by the stream of {@link #noteWrites}). */
    private static volatile boolean stderrWritten;

    /**
     * The process id of the {@code nnc} launcher's stderr filter (it drops the JVM's incubator
     * warning; {@code -Dnnc.stderr.filter=PID} names it), or null when there is none.
     */
    private static String stderrFilter() {
        String pid = System.getProperty("nnc.stderr.filter");
        return pid == null || !pid.matches("\\d{1,10}") ? null : pid;
    }

    /**
     * {@code err} as a stream that runs {@code written} whenever bytes are written to it, with
     * the encoding that the JVM gave {@code System.err} (the same bytes go out).
     */
    static PrintStream noteWrites(PrintStream err, Runnable written) {
        OutputStream noting = new FilterOutputStream(err) {
            @Override
            public void write(int b) {
                written.run();
                err.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (len > 0) {
                    written.run();
                }
                err.write(b, off, len);
            }
        };
        // NOTE: as System.initPhase1 makes System.err (PrintStream.charset() is Java 18+)
        String enc = System.getProperty("sun.stderr.encoding");
        if (enc != null) {
            try {
                return new PrintStream(noting, true, enc);
            } catch (UnsupportedEncodingException e) {
                // the default, as the JVM's own stream then has
            }
        }
        return new PrintStream(noting, true);
    }

    /**
     * When the {@code nnc} launcher filters this JVM's stderr and something was written to it
     * (past the JVM's own warning): closes stderr and waits, at most two seconds, for the
     * filter to write out what it still holds, so that nothing of stderr comes after nnc has
     * exited. With nothing written (a quiet command that went well) the filter has nothing of
     * nnc's to write, and it ends by itself when this JVM does: nnc exits without waiting for it.
     */
    static void drainStderr() {
        String pid = stderrFilter();
        if (pid == null || !stderrWritten) {
            return;
        }
        System.err.flush();
        System.err.close();
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(filter -> {
            try {
                filter.onExit().get(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                // NOTE: nothing more to wait for; the filter ends with the pipe anyway.
            }
        });
    }

    /** Runs {@code nnc args} with the given streams and environment; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, out, err, env, false);
    }

    /** Runs {@code nnc args} on the given streams with this process's environment. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv(), false);
    }

    private static int run(String[] args, PrintStream out, PrintStream err,
            Map<String, String> env, boolean terminal) {
        Io io = new Io(out, err, env, terminal);
        // predict and check, when they parse and ask for no help: without picocli's annotations
        CommandLine cmd = QuickCommandLine.of(new Main(io), args);
        if (cmd == null) {
            cmd = commandLine(new Main(io), args);
        }
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, charsetOf(out)), true);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, charsetOf(err)), true);
        cmd.setOut(outWriter);
        cmd.setErr(errWriter);
        cmd.setParameterExceptionHandler(Main::usageError);
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
                failure(ex, io, debugRequested(parseResult, env)));
        try {
            return cmd.execute(args);
        } catch (RuntimeException | Error e) {
            // NOTE: picocli passes exceptions of the commands to the handler above; this catches
            // what escapes it (an error inside a handler, a StackOverflowError, ...).
            return failure(e, io, debugRequested(null, env) || hasDebugFlag(args));
        } finally {
            outWriter.flush();
            errWriter.flush();
            out.flush();
            err.flush();
        }
    }

    /**
     * The command line of {@code nnc} on {@code main} with all its commands, as docs/cli-help.md
     * shows it: every subcommand answers {@code --version} with nnc's version, as
     * {@code nnc --version} does.
     */
    static CommandLine commandLine(Main main) {
        return commandLine(main, COMMANDS);
    }

    /**
     * The command line that runs {@code args}: when they start with the name of a command (help
     * aside), {@code nnc} with that command alone, which parses and runs them as the whole command
     * line does, without first building the options of every other command (most of the time a
     * short command takes to start); else the whole command line ({@code nnc --help}, a misspelt
     * command and its suggestions, {@code nnc help COMMAND}).
     */
    static CommandLine commandLine(Main main, String[] args) {
        if (args.length > 0) {
            for (Class<?> c : COMMANDS) {
                Command command = c.getAnnotation(Command.class);
                if (c != CommandLine.HelpCommand.class && (command.name().equals(args[0])
                        || List.of(command.aliases()).contains(args[0]))) {
                    return commandLine(main, List.of(c));
                }
            }
        }
        return commandLine(main);
    }

    private static CommandLine commandLine(Main main, List<Class<?>> commands) {
        CommandLine cmd = new CommandLine(main);
        for (Class<?> c : commands) {
            cmd.addSubcommand(c);
        }
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setUsageHelpLongOptionsMaxWidth(28);
        for (CommandLine sub : cmd.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(new Version());
        }
        return cmd;
    }

    private static Charset charsetOf(PrintStream s) {
        // NOTE: PrintStream.charset() is Java 18+; the streams nnc writes to use the default.
        return Charset.defaultCharset();
    }

    /** A bad command line: picocli's message, suggestions, and where to find help. */
    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("nnc: error: " + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more "
                + "information.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Reports an exception of a command: the user's mistakes as one {@code nnc: error:} message,
     * anything else as an internal error; stack traces only when debugging.
     */
    static int failure(Throwable ex, Io io, boolean debug) {
        PrintStream err = io.err();
        if (ex instanceof CliException c) {
            if (!c.getMessage().isEmpty()) {
                err.println("nnc: error: " + c.getMessage());
            }
        } else if (Errors.isUserError(ex)) {
            err.println("nnc: error: " + Errors.message(ex));
        } else {
            err.println("nnc: internal error: " + ex
                    + (debug ? "" : " (this is a bug in nnc; rerun with --debug for details)"));
        }
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ERROR;
    }

    private static boolean debugRequested(ParseResult pr, Map<String, String> env) {
        String v = env.get("NNC_DEBUG");
        if (v != null && !v.isEmpty() && !v.equals("0") && !v.equalsIgnoreCase("false")) {
            return true;
        }
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasDebugFlag(String[] args) {
        for (String a : args) {
            if (a.equals("--debug")) {
                return true;
            }
        }
        return false;
    }

    /** {@code nnc --version}: the version of nnc and of the Java it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "nnc " + version(),
                "Java " + System.getProperty("java.version") + " ("
                        + System.getProperty("java.vm.name") + ")"
            };
        }

        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    return "unknown";
                }
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
