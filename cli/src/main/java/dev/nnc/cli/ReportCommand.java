package dev.nnc.cli;

import dev.nnc.cli.report.History;
import dev.nnc.compiler.Compilation;
import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Missing;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.train.Training;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nnc report}: the report of trained weights, after the fact. */
@Command(name = "report",
        header = "Write the HTML report of trained weights: curves, fit, model diagram.",
        sortOptions = false,
        description = {
            "Writes DIR/index.html and its PNG images for trained weights, as 'nnc train "
                    + "--report DIR' does at the end of training: the loss, metric and learning "
                    + "rate per epoch (from the history file), the fitted curve (one input, one "
                    + "output) or the decision regions (two inputs, classes), predicted against "
                    + "actual and the residuals (regression), the series and its forecasts "
                    + "(windows), the confusion matrix with precision, recall and F1 "
                    + "(classifiers), the model diagram and summary, the final metrics and the "
                    + "run's settings with the preprocessing.",
            "The final metrics and settings are those nnc train saved in the weights; for "
                    + "weights saved otherwise, the metrics are measured now on the test data."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc report model.nn -o report            weights ./model.safetensors, history"
                    + " ./model.history.csv",
            "  nnc report model.nn -w runs/m7.safetensors --history runs/m7.history.csv -o r7"
        })
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec;

    @Mixin
    private TrainedModelArgs args;

    @Option(names = "--history", paramLabel = "H",
            description = "The per-epoch history nnc train saved (default: <weights-stem>"
                    + ".history.csv next to the weights; without it, no curves).")
    private Path history;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "The directory to write index.html and the images into (required).")
    private Path out;

    /** {@code --out}, the former name of {@code --output}, still taken. */
    @Option(names = "--out", paramLabel = "DIR", hidden = true)
    private void outAlias(Path p) {
        out = p;
    }

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() {
        Io io = output.io(main.io());
        if (out == null) {
            throw new ParameterException(spec.commandLine(),
                    "Missing required option: '--output=DIR'");
        }
        TrainedModelArgs.Loaded loaded = args.load(io);
        Compilation c = loaded.compilation();
        Path weights = args.weights != null ? args.weights : Models.defaultWeights(args.file);
        Path historyFile = history != null ? history : History.pathFor(weights);
        History h = null;
        if (Files.exists(historyFile)) {
            h = History.read(historyFile);
        } else if (history != null) {
            throw new CliException(history + ": no such history file");
        } else if (!io.quiet()) {
            io.err().println("nnc: note: no history " + Models.display(historyFile)
                    + "; the report has no training curves");
            historyFile = null;
        }
        ModelSpec mspec = loaded.model().spec();
        Map<String, Object> run = runRecord(weights);
        Map<String, Object> metrics = new LinkedHashMap<>();
        Integer threads = null;
        Integer maxEpochs = null;
        Long samples = null;
        if (run != null && run.get("metrics") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> metrics.put(String.valueOf(k), v));
            if (run.get("settings") instanceof Map<?, ?> s) {
                threads = integer(s.get("threads"));
                maxEpochs = integer(s.get("max_epochs"));
                samples = s.get("train_samples") instanceof Number n ? n.longValue() : null;
            }
            timing(h, samples, metrics);
        } else {
            measure(io, c, loaded, weights, metrics);
        }
        Path index = Reports.write(c, loaded.model(), loaded.preprocessing(), h,
                Reports.metrics(metrics), Reports.settings(mspec, metrics, threads, maxEpochs,
                        samples, weights, historyFile), out, spec.commandLine().getParseResult()
                        .originalArgs(), null);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", loaded.model().name());
        json.put("output", index.toString());
        json.put("history", historyFile == null ? null : historyFile.toString());
        json.put("metrics", metrics);
        output.print(io, () -> json, () -> "report written to " + index + "\n");
        return Main.OK;
    }

    /** The run record nnc train saved in the weights, or {@code null}. */
    private static Map<String, Object> runRecord(Path weights) {
        String rec = Weights.metadata(weights).get(Reports.RUN);
        if (rec == null) {
            return null;
        }
        try {
            if (Json.parse(rec) instanceof Map<?, ?> m) {
                Map<String, Object> r = new LinkedHashMap<>();
                m.forEach((k, v) -> r.put(String.valueOf(k), v));
                return r;
            }
        } catch (RuntimeException e) {
            // NOTE: a damaged record only costs the report its saved figures
        }
        return null;
    }

    /**
     * Puts {@code train_seconds} and {@code samples_per_s} back after {@code epochs_run}, from the
     * history's epoch times (the weights do not keep timings).
     */
    private static void timing(History h, Long samples, Map<String, Object> metrics) {
        if (h == null || !h.has("seconds")) {
            return;
        }
        double seconds = 0;
        for (double v : h.values("seconds")) {
            seconds += Double.isNaN(v) ? 0 : v;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            m.put(e.getKey(), e.getValue());
            if (e.getKey().equals("epochs_run")) {
                m.put("train_seconds", seconds);
                if (samples != null && seconds > 0) {
                    m.put("samples_per_s", samples * (double) h.rows().size() / seconds);
                }
            }
        }
        metrics.clear();
        metrics.putAll(m);
    }

    private static Integer integer(Object o) {
        return o instanceof Number n ? n.intValue() : null;
    }

    /** Weights without a run record: measure on the test data, else on the training data. */
    private static void measure(Io io, Compilation c, TrainedModelArgs.Loaded loaded,
            Path weights, Map<String, Object> metrics) {
        ModelSpec.DataSpec d = loaded.model().spec().data();
        DataSource src = d.test() != null ? d.test() : d.train();
        if (src == null) {
            return;
        }
        String prefix = d.test() != null ? "test_" : "train_";
        Map<String, Object> m = Training.evaluate(loaded.model(), loaded.preprocessing(),
                Models.resolve(c, src.path()), src);
        for (Map.Entry<String, Object> e : m.entrySet()) {
            metrics.put(prefix + e.getKey(), e.getValue());
        }
        if (!io.quiet()) {
            io.err().println("nnc: note: " + weights + " holds no record of its training run;"
                    + " the metrics are measured now on the "
                    + (d.test() != null ? "test" : "training") + " data");
        }
    }
}
