package dev.nnc.cli;

import dev.nnc.runtime.Predictor;
import dev.nnc.runtime.TrainableModel;
import dev.nnc.runtime.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
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
            "Bad JSON or a row of the wrong length is answered with status 400 and "
                    + "{\"error\": MESSAGE}. Requests run in parallel on --threads workers, each "
                    + "with its own copy of the model. The server prints the address it listens "
                    + "on and runs until stopped (Ctrl-C or SIGTERM), letting requests in "
                    + "progress finish."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc serve model.nn --port 8080",
            "  curl -s -d '{\"rows\": [[0, 1]]}' http://127.0.0.1:8080/predict"
        })
final class ServeCommand implements Callable<Integer> {
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
        if (workers > Trainer.maxThreads()) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option "
                    + "'--threads': " + workers + " is more than this machine can use (at most "
                    + Trainer.maxThreads() + ": four per processor, at least 8)");
        }
        Io io = main.io();
        TrainedModelArgs.Loaded loaded = args.load(io);
        ModelServer server;
        try {
            server = server(loaded, host, port, workers);
        } catch (IOException e) {
            throw new CliException("cannot listen on " + host + ":" + port + ": "
                    + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.stop(5);
            io.err().println("nnc serve: stopped");
            io.err().flush();
            stopped.countDown();
        }, "nnc-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        server.start();
        io.out().println("serving model " + loaded.model().name() + " on http://"
                + hostForUrl(host) + ":" + server.port() + "  (POST /predict, GET /health, "
                + "GET /model; stop with Ctrl-C)");
        io.out().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
        return Main.OK;
    }

    /**
     * The (not yet started) server of a loaded model on {@code host:port}: each of its
     * {@code workers} threads predicts with its own instance of the model, weights copied.
     */
    static ModelServer server(TrainedModelArgs.Loaded loaded, String host, int port, int workers)
            throws IOException {
        float[] params = loaded.model().params().clone();
        float[] buffers = loaded.model().buffers().clone();
        String summary = SummaryCommand.render(loaded.compilation().model(),
                loaded.compilation().className());
        return new ModelServer(host, port, workers, () -> {
            TrainableModel m = Models.load(loaded.compilation());
            System.arraycopy(params, 0, m.params(), 0, params.length);
            System.arraycopy(buffers, 0, m.buffers(), 0, buffers.length);
            return new Predictor(m, loaded.preprocessing());
        }, summary);
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
