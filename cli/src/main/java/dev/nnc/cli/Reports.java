package dev.nnc.cli;

import dev.nnc.cli.report.History;
import dev.nnc.cli.report.Report;
import dev.nnc.compiler.Compilation;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.train.LayerHistograms;
import dev.nnc.runtime.train.TrainReport;
import dev.nnc.runtime.train.Training;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code nnc train --report} and {@code nnc report} share: the run record saved in the
 * weights' metadata, and the figures and settings of the report page.
 */
final class Reports {
    /**
     * Metadata key of the run record in a weights file saved by {@code nnc train}: a JSON object
     * with {@code metrics} (the final metrics as printed, less the timings) and {@code settings}
     * (threads, epochs, batch, training samples). NOTE: nothing that varies from run to run goes
     * in, so that one seed still gives the same weights file bit for bit; the report after the
     * fact takes the time from the history.
     */
    static final String RUN = "nnc.run";

    private Reports() {
    }

    /** The run record of a training run, for the weights' metadata. */
    static String runRecord(Training.RunResult r, int threads, ModelSpec.TrainSpec ts) {
        Map<String, Object> metrics = new LinkedHashMap<>(r.metrics());
        metrics.remove("train_seconds");
        metrics.remove("samples_per_s");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("threads", threads);
        settings.put("max_epochs", ts.epochs());
        settings.put("batch", ts.batch());
        settings.put("train_samples", trainSamples(r.report()));
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("metrics", metrics);
        rec.put("settings", settings);
        return Json.write(rec);
    }

    /** The training samples of one epoch of a run. */
    static long trainSamples(TrainReport r) {
        return r.trainSize();
    }

    /** The final metrics as the table of {@code nnc train} shows them. */
    static Map<String, String> metrics(Map<String, ?> m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : m.entrySet()) {
            Object v = e.getValue();
            if (!MetricsText.scalar(v)) {
                continue;
            }
            out.put(e.getKey(), e.getKey().equals("samples_per_s") && v instanceof Number n
                    ? Fmt.rate(n.doubleValue()) : Fmt.metric(v));
        }
        return out;
    }

    /**
     * The settings of a run: seed, threads, epochs, time and speed from the metrics (when known),
     * then the model's training settings.
     */
    static Map<String, String> settings(ModelSpec spec, Map<String, ?> metrics, Integer threads,
            Integer maxEpochs, Long trainSamples, Path weights, Path history) {
        Map<String, String> s = new LinkedHashMap<>();
        put(s, "seed", metrics.get("seed"));
        put(s, "threads", threads);
        Object run = metrics.get("epochs_run");
        int max = maxEpochs != null ? maxEpochs : spec.train().epochs();
        if (run != null) {
            s.put("epochs", run + " of " + max + (Boolean.TRUE.equals(metrics.get("stopped_early"))
                    ? " (stopped early)" : ""));
        } else {
            s.put("epochs", "up to " + max);
        }
        if (metrics.get("train_seconds") instanceof Number n) {
            s.put("time", String.format(Locale.ROOT, "%.2f s", n.doubleValue()));
        }
        if (metrics.get("samples_per_s") instanceof Number n) {
            s.put("samples/s", Fmt.rate(n.doubleValue()));
        }
        if (trainSamples != null && trainSamples > 0) {
            s.put("training samples", Fmt.count(trainSamples));
        }
        ModelSpec.TrainSpec t = spec.train();
        s.put("batch", t.batch() == 0 ? "full batch" : Integer.toString(t.batch()));
        s.put("optimizer", Fmt.call(spec.optimizer().name(), spec.optimizer().args()));
        s.put("learning rate", Fmt.sig(History.learningRate(spec.optimizer()), 4));
        s.put("loss", spec.loss().id());
        if (t.classWeights() != null) {
            s.put("class weights", t.classWeights().isBalanced() ? "balanced (on the training "
                    + "split)" : t.classWeights().weights().stream().map(Fmt::literal).toList()
                    .toString());
        }
        if (t.validation() > 0) {
            s.put("validation", Fmt.literal(t.validation()));
        }
        if (t.stop() != null) {
            s.put("stop", t.stop().toString());
        }
        if (weights != null) {
            s.put("weights", Models.display(weights));
        }
        if (history != null) {
            s.put("history", Models.display(history));
        }
        return s;
    }

    private static void put(Map<String, String> s, String k, Object v) {
        if (v != null) {
            s.put(k, String.valueOf(v));
        }
    }

    /**
     * Writes the report and returns its page; {@code layers} holds the layers' histograms taken
     * during training, or is {@code null}.
     */
    static Path write(Compilation c, Model model, Preprocessing prep, History history,
            Map<String, String> metrics, Map<String, String> settings, Path dir,
            List<String> command, LayerHistograms layers) {
        Report.Output o = Report.write(new Report.Input(c.model(), model, prep, history, metrics,
                settings, Models.baseDir(c), "nnc " + String.join(" ", command), layers), dir);
        return o.index();
    }
}
