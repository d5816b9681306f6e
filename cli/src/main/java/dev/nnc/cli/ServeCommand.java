package dev.nnc.cli;

import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.predict.Predictor;
import dev.nnc.runtime.train.TrainingLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nnc serve}: answer predictions over HTTP. */
@Command(name = "serve",
        header = "Serve a trained model over HTTP.",
        sortOptions = false,
        description = {
            "Starts an HTTP server that answers predictions of the trained model, with raw "
                    + "inputs as for 'nnc predict':",
            "  POST /predict  body {\"rows\": [[x1, x2, ...], ...]} (or the bare array of rows, "
                    + "or one row); answer {\"outputs\": [[...], ...]}, and for classifiers "
                    + "also \"classes\" and \"probabilities\"",
            "  GET  /health   {\"status\": \"ok\", ...}",
            "  GET  /model    the model's name, sizes, loss, classes and summary",
            "A row is flat or nested as the model's input shape (e.g. [C][H][W]). Bad JSON, "
                    + "a row of the wrong shape or a number that is not a finite float is "
                    + "answered with status 400 and {\"error\": MESSAGE}; a request over a limit "
                    + "with 413, a full queue with 503. Requests run in parallel on --threads "
                    + "workers, each with its own copy of the model. A client that stops "
                    + "sending is cut off after --header-timeout or --body-timeout. The server "
                    + "prints the address it listens on and runs until stopped (Ctrl-C or "
                    + "SIGTERM); then it accepts nothing new and lets the requests in progress "
                    + "finish (up to --drain-timeout)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc serve model.nn --port 8080",
            "  curl -s -d '{\"rows\": [[0, 1]]}' http://127.0.0.1:8080/predict"
        })
final class ServeCommand implements Callable<Integer> {
    // the defaults of the limits, as the options take them
    static final String MAX_CONNECTIONS = "256";
    static final String MAX_BODY = "16M";
    static final String MAX_ROWS = "10000";
    static final String HEADER_TIMEOUT = "10";
    static final String BODY_TIMEOUT = "30";
    static final String DRAIN_TIMEOUT = "10";

    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec;

    @Mixin
    private TrainedModelArgs args;

    @Option(names = {"-p", "--port"}, paramLabel = "P", defaultValue = "8080",
            description = "The port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    private int port;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine "
                    + "only; 0.0.0.0 for every interface).")
    private String host;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads, each with its own model (default: the number of "
                    + "processors, at least 2; at most four per processor, at least 8).")
    private Integer threads;

    @Option(names = "--queue", paramLabel = "N",
            description = "Requests that may wait for a worker; more are answered 503 "
                    + "(default: 4 per worker).")
    private Integer queue;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = MAX_CONNECTIONS,
            description = "Open connections at most; more are answered 503 (default: "
                    + "${DEFAULT-VALUE}).")
    private int maxConnections;

    @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = MAX_BODY,
            description = "The largest request body, in bytes (suffix K, M or G for KiB, MiB, "
                    + "GiB); larger: 413 (default: ${DEFAULT-VALUE}).")
    private String maxBody;

    @Option(names = "--max-rows", paramLabel = "N", defaultValue = MAX_ROWS,
            description = "Rows per request at most; more: 413 (default: ${DEFAULT-VALUE}).")
    private int maxRows;

    @Option(names = "--max-inflight", paramLabel = "SIZE",
            description = "The memory the requests in progress may hold together, in bytes "
                    + "(suffix K, M or G): a body while it is read, then its numbers and its "
                    + "answer; beyond, 503, and 413 for a request that alone needs more "
                    + "(default: an eighth of the JVM's heap, at least --max-body).")
    private String maxInflight;

    @Option(names = "--header-timeout", paramLabel = "SECONDS", defaultValue = HEADER_TIMEOUT,
            description = "A request's header must arrive within this time of the connection "
                    + "opening or of the previous answer, else 408 and the connection is closed "
                    + "(default: ${DEFAULT-VALUE}).")
    private String headerTimeout;

    @Option(names = "--body-timeout", paramLabel = "SECONDS", defaultValue = BODY_TIMEOUT,
            description = "A request's body must arrive within this time of its header, and an "
                    + "answer must be taken by the client within it, else the connection is "
                    + "closed (default: ${DEFAULT-VALUE}).")
    private String bodyTimeout;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = DRAIN_TIMEOUT,
            description = "On SIGTERM or Ctrl-C, how long requests in progress may take to "
                    + "finish (default: ${DEFAULT-VALUE}).")
    private String drainTimeout;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option "
                    + "'--port': " + port + " is not a port number (0-65535)");
        }
        int workers = threads != null ? threads
                : Math.max(2, Runtime.getRuntime().availableProcessors());
        if (workers < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option "
                    + "'--threads': " + workers + " (need at least 1)");
        }
        if (workers > TrainingLoop.maxThreads()) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option "
                    + "'--threads': " + workers + " is more than this machine can use (at most "
                    + TrainingLoop.maxThreads() + ": four per processor, at least 8)");
        }
        ModelServer.Limits limits = limits(workers);
        Io io = output.io(main.io());
        TrainedModelArgs.Loaded loaded = args.load(io);
        ModelServer server;
        try {
            server = server(loaded, host, port, limits);
        } catch (IOException e) {
            throw new CliException("cannot listen on " + host + ":" + port + ": "
                    + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                say(io, event("stopping", "drain_timeout_s", limits.drainTimeoutMs() / 1000.0),
                        "nnc serve: stopping: no new connections, finishing the requests in "
                                + "progress (up to " + HttpWire.seconds(limits.drainTimeoutMs())
                                + ")");
                int cut = server.stop();
                say(io, event("stopped", "cut_off", cut), "nnc serve: stopped" + (cut == 0 ? ""
                        : " (" + cut + (cut == 1 ? " request" : " requests")
                        + " cut off by --drain-timeout)"));
                if (io.console()) {
                    // NOTE: the JVM ends when this hook does, not when the main thread returns:
                    // the launcher's stderr filter must have written the lines above by then.
                    io.out().flush();
                    Main.drainStderr();
                }
            } finally {
                stopped.countDown();
            }
        }, "nnc-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        server.start();
        String url = "http://" + hostForUrl(host) + ":" + server.port();
        Map<String, Object> listening = event("listening", "model", loaded.model().name());
        listening.put("url", url);
        listening.put("port", server.port());
        if (output.json) {
            io.out().println(Json.write(listening));
        } else {
            io.out().println("serving model " + loaded.model().name() + " on " + url
                    + "  (POST /predict, GET /health, GET /model; stop with Ctrl-C)");
        }
        io.out().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
        return Main.OK;
    }

    /** A line of {@code --json}: {@code {"event": NAME, KEY: VALUE}}. */
    private static Map<String, Object> event(String name, String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", name);
        m.put(key, value);
        return m;
    }

    /**
     * Says how the server stops: a JSON line on stdout with {@code --json}, else the text on
     * stderr unless {@code -q}.
     */
    private void say(Io io, Map<String, Object> json, String text) {
        if (output.json) {
            io.out().println(Json.write(json));
            io.out().flush();
        } else if (!io.quiet()) {
            io.err().println(text);
            io.err().flush();
        }
    }

    /**
     * The (not yet started) server of a loaded model on {@code host:port} with the default
     * limits: each of its {@code workers} threads predicts with its own instance of the model.
     */
    static ModelServer server(TrainedModelArgs.Loaded loaded, String host, int port, int workers)
            throws IOException {
        long body = parseSize(MAX_BODY);
        ModelServer.Limits limits = new ModelServer.Limits(workers,
                ModelServer.Limits.defaultQueue(workers), Integer.parseInt(MAX_CONNECTIONS), body,
                Integer.parseInt(MAX_ROWS), ModelServer.Limits.defaultMaxInflight(body),
                parseMillis(HEADER_TIMEOUT), parseMillis(BODY_TIMEOUT),
                parseMillis(DRAIN_TIMEOUT));
        return server(loaded, host, port, limits);
    }

    /** The (not yet started) server of a loaded model with {@code limits}, weights copied. */
    static ModelServer server(TrainedModelArgs.Loaded loaded, String host, int port,
            ModelServer.Limits limits) throws IOException {
        float[] params = loaded.model().params().clone();
        float[] buffers = loaded.model().buffers().clone();
        String summary = SummaryCommand.render(loaded.compilation().model(),
                loaded.compilation().className());
        return new ModelServer(host, port, limits, () -> {
            Model m = Models.loadModel(loaded.compilation());
            System.arraycopy(params, 0, m.params(), 0, params.length);
            System.arraycopy(buffers, 0, m.buffers(), 0, buffers.length);
            return new Predictor(m, loaded.preprocessing());
        }, summary);
    }

    private ModelServer.Limits limits(int workers) {
        int q = queue != null ? queue : ModelServer.Limits.defaultQueue(workers);
        if (q < 0) {
            throw bad("--queue", queue + " (need 0 or more)");
        }
        if (maxConnections < 1) {
            throw bad("--max-connections", maxConnections + " (need at least 1)");
        }
        if (maxRows < 1) {
            throw bad("--max-rows", maxRows + " (need at least 1)");
        }
        long body = size("--max-body", maxBody);
        long inflight = maxInflight != null ? size("--max-inflight", maxInflight)
                : ModelServer.Limits.defaultMaxInflight(body);
        return new ModelServer.Limits(workers, q, maxConnections, body, maxRows, inflight,
                millis("--header-timeout", headerTimeout), millis("--body-timeout", bodyTimeout),
                millis("--drain-timeout", drainTimeout));
    }

    private ParameterException bad(String option, String what) {
        return new ParameterException(spec.commandLine(), "Invalid value for option '" + option
                + "': " + what);
    }

    private long size(String option, String text) {
        try {
            return parseSize(text);
        } catch (IllegalArgumentException e) {
            throw bad(option, e.getMessage());
        }
    }

    private long millis(String option, String text) {
        try {
            return parseMillis(text);
        } catch (IllegalArgumentException e) {
            throw bad(option, e.getMessage());
        }
    }

    /** A byte count: digits with an optional K, M or G (binary) suffix. */
    static long parseSize(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT);
        int shift = 0;
        if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
            shift = switch (t.charAt(t.length() - 1)) {
                case 'K' -> 10;
                case 'M' -> 20;
                default -> 30;
            };
            t = t.substring(0, t.length() - 1);
        }
        long v;
        try {
            v = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 1048576, "
                    + "512K, 16M, 1G)");
        }
        if (v < 1 || v > (Integer.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' (need 1 byte to 2 GiB)");
        }
        return v << shift;
    }

    /** Seconds (a decimal number) as milliseconds. */
    static long parseMillis(String text) {
        double s;
        try {
            s = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number of seconds");
        }
        if (!(s >= 0.001 && s <= 86_400)) {
            throw new IllegalArgumentException("'" + text + "' (need 0.001 to 86400 seconds)");
        }
        return Math.round(s * 1000);
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
