package dev.nnc.cli;

import dev.nnc.cli.report.History;
import dev.nnc.compiler.Compilation;
import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.io.OutputFiles;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.model.Ensemble;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.Checkpoint;
import dev.nnc.runtime.train.ClassWeights;
import dev.nnc.runtime.train.LayerHistograms;
import dev.nnc.runtime.train.Progress;
import dev.nnc.runtime.train.Training;
import dev.nnc.runtime.train.TrainingListener;
import dev.nnc.runtime.train.TrainingLoop;
import dev.nnc.runtime.train.Warmup;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nnc train}: compile in memory, train on the file's data, save the weights. */
@Command(name = "train",
        header = "Train a model on its data and save the weights.",
        sortOptions = false,
        description = {
            "Compiles the model in memory, trains it on the data its file names (paths relative "
                    + "to the .nn file), prints the final metrics and saves the weights with the "
                    + "normalization and class labels, so that eval and predict reuse them.",
            "The final metrics measure the test data (else the training data) in full: for "
                    + "classifiers precision, recall and F1 (macro and weighted), ROC AUC for two "
                    + "classes, per class and the confusion matrix; for regression mse, rmse, "
                    + "r2, mae and mape (in percent).",
            "Progress goes to stderr: a live line on a terminal, plain lines otherwise.",
            "The per-epoch history is saved next to the weights as <weights-stem>.history.csv.",
            "With --checkpoint-every N a checkpoint (parameters, optimizer state, epoch, random "
                    + "generators, schedule) is saved every N epochs and after the last; "
                    + "--resume continues from one, to the same weights as a run never stopped.",
            "The same seed gives the same weights, bit for bit, on the same machine.",
            "Every output is checked before training; weights, history, metrics, the last "
                    + "checkpoint and the report are replaced together, or (on an error, a full "
                    + "disk, a diverged run) not at all.",
            "Ctrl-C ends training after the current batch and saves the last complete epoch "
                    + "(weights, history, a checkpoint to --resume from), exit 130; a second "
                    + "Ctrl-C quits at once and keeps the previous files."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc train model.nn                       saves ./model.safetensors",
            "  nnc train model.nn --epochs 50 --seed 7 --out runs/m7.safetensors",
            "  nnc train model.nn --quiet --metrics-json metrics.json",
            "  nnc train model.nn --report report       also writes report/index.html",
            "  nnc train model.nn --checkpoint-every 10 saves ./model.ckpt.safetensors",
            "  nnc train model.nn --resume model.ckpt.safetensors"
        })
final class TrainCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The .nn file.")
    private Path file;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Train at most N epochs (N >= 1) instead of the file's.")
    private Integer epochs;

    @Option(names = "--batch", paramLabel = "N",
            description = "Mini-batch size (N >= 1) instead of the file's train { batch }.")
    private Integer batch;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate (> 0) instead of the optimizer's lr in the file.")
    private Double lr;

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of initialization, shuffling and validation split instead of "
                    + "the file's.")
    private Long seed;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Threads training may use (default: ${DEFAULT-VALUE}; at most four "
                    + "per processor, at least 8).")
    private int threads;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to save the weights (default: <file-stem>.safetensors in the "
                    + "current directory).")
    private Path out;

    /** {@code --out}, the former name of {@code --output}, still taken. */
    @Option(names = "--out", paramLabel = "FILE", hidden = true)
    private void outAlias(Path p) {
        out = p;
    }

    @Option(names = "--metrics-json", paramLabel = "FILE",
            description = "Also write the final metrics as a JSON object to FILE.")
    private Path metricsJson;

    @Mixin
    private OutputOptions output;

    @Option(names = "--log-every", paramLabel = "N",
            description = "Print a progress line every N epochs instead of the file's "
                    + "log_every.")
    private Integer logEvery;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Also write a report: DIR/index.html with the training curves, the "
                    + "fit or decision regions, predicted against actual, the series, the "
                    + "confusion matrix, histograms of each layer's outputs, weights and "
                    + "gradients at a few epochs, the model diagram and the run's figures, as PNG "
                    + "images.")
    private Path report;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Save a checkpoint every N epochs and after the last one.")
    private Integer checkpointEvery;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Where to save checkpoints (default: <weights-stem>.ckpt.safetensors "
                    + "next to the weights; with --resume: the checkpoint resumed). Without "
                    + "--checkpoint-every: one checkpoint, after the last epoch.")
    private Path checkpoint;

    @Option(names = "--resume", paramLabel = "CKPT",
            description = "Continue the run saved in the checkpoint CKPT, with its seed, up to "
                    + "the file's epochs or --epochs; checkpoints go on at its interval.")
    private Path resume;

    @Override
    public Integer call() {
        Io io = output.io(main.io());
        checkOptions();
        Path weights = out != null ? out : Models.defaultWeights(file);
        Path historyFile = History.pathFor(weights);
        Path checkpointFile = checkpoint != null ? checkpoint : resume != null ? resume
                : checkpointPathFor(weights);
        // NOTE: every output is checked before the model is compiled, so that a path that cannot
        // be written fails at once, not after the training; and the temporary files of a run
        // killed while writing them are removed.
        OutputFiles.checkWritable(weights, false);
        OutputFiles.checkWritable(historyFile, false);
        OutputFiles.checkWritable(checkpointFile, false);
        if (metricsJson != null) {
            OutputFiles.checkWritable(metricsJson, false);
        }
        if (report != null) {
            OutputFiles.checkWritable(report, true);
        }
        Progress progress = null;
        if (!io.quiet()) {
            Progress.Mode mode = io.console() ? Progress.Mode.LIVE : Progress.Mode.LINES;
            progress = new Progress(io.err(), mode, Terminal.env(io));
        }
        boolean live = progress != null && progress.mode() == Progress.Mode.LIVE;
        // NOTE: a copy of the model warms the JIT up (see Warmup) while the file is compiled
        // when the class cache guesses its class (the one it loaded for the file last time):
        // a small model's step is then compiled by the JIT when the run starts, instead of
        // during most of it, and a larger model's copy gets that much further before the first
        // step (fmnist_mlp: see Warmup's NOTE). The run trains the guessed class only if
        // compiling gives its source (see ClassCache.guess); else the copy stops and one of the
        // run's class starts.
        boolean warm = !"off".equals(io.env().get("NNC_WARMUP"));
        Class<? extends TrainableModel> guessed = warm ? Models.guess(file).orElse(null) : null;
        Warmup early = guessed == null ? Warmup.none() : Warmup.start(
                () -> network(Models.instantiate(guessed)), Warmup.COMPILE_NANOS, threads);
        try (Interrupts stop = io.console() ? Interrupts.install(io.err(), live)
                : Interrupts.none();
                OutputFiles outputs = new OutputFiles()) {
            stop.guard(outputs);
            return train(io, progress, stop, outputs, weights, historyFile, checkpointFile,
                    warm, guessed, early);
        } finally {
            early.close();
        }
    }

    private int train(Io io, Progress progress, Interrupts stop, OutputFiles outputs,
            Path weights, Path historyFile, Path checkpointFile, boolean warm,
            Class<? extends TrainableModel> guessed, Warmup early) {
        TrainingListener listener = TrainingListener.NONE;
        if (progress != null) {
            listener = new TrainHeader(io.err(), file, progress, batch, lr);
            listener.onStatus("compiling " + file);
        }
        Compilation c = Models.compileModel(io, file);
        TrainableModel loaded = Models.load(c);
        TrainableModel model = network(loaded);
        if (loaded.getClass() != guessed || model.spec().ensemble() != null) {
            early.close();
        }
        if (model.spec().ensemble() != null) {
            return trainEnsemble(io, progress, stop, outputs, weights, historyFile,
                    Models.ensemble(model, () -> network(c)), listener, c);
        }
        Checkpoint from = resume == null ? null : Checkpoint.read(resume);
        Training.Checkpoints checkpoints = checkpoints(from, checkpointFile);
        if (from != null) {
            from.check(model, model.spec().train());
        }
        if (from != null && !io.quiet()) {
            io.err().println("resuming " + from.modelName() + " from " + resume + " after epoch "
                    + from.epoch());
        }
        // NOTE: what the layers see is watched only for a report, and not on a resumed run
        // (its first epochs are not in this process).
        LayerHistograms layers = report != null && from == null ? new LayerHistograms(model)
                : null;
        Training.Options opts = Training.Options.defaults()
                .withEpochs(epochs)
                .withSeed(seed)
                .withThreads(threads)
                .withListener(layers == null ? listener : TrainingListener.both(listener,
                        layers))
                .withCheckpoints(checkpoints)
                .withInterrupt(stop)
                .withStage(outputs);
        // NOTE: a copy of the model warms the JIT up while the data loads (see Warmup), the
        // one started before compiling if it has the run's class; the trainer's first call
        // ends it, before the first step.
        Warmup warmup = !warm ? Warmup.none() : loaded.getClass() == guessed ? early
                : Warmup.start(() -> network(c), 0, threads);
        Training.RunResult r;
        try {
            r = Training.run(model, Models.baseDir(c),
                    opts.withListener(TrainingListener.both(warmup, opts.listener())));
        } finally {
            warmup.close();
        }
        if (progress != null) {
            progress.finish();
        }

        boolean diverged = Boolean.TRUE.equals(r.metrics().get("diverged"));
        boolean interrupted = r.report().interrupted();
        int newEpochs = r.report().epochs() - (from == null ? 0 : from.epoch());
        if (interrupted && newEpochs == 0) {
            io.err().println("nnc: interrupted before an epoch was complete; nothing saved, the "
                    + "previous files are as they were");
            return stop.exitCode();
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model.name());
        json.putAll(r.metrics());
        float[] classWeights = model.classWeights();
        if (classWeights != null) {
            List<Double> cw = new java.util.ArrayList<>();
            for (float w : classWeights) {
                cw.add((double) w);
            }
            json.put("class_weights", cw);
        }
        json.put("threads", threads);
        json.put("weights", diverged ? null : weights.toString());
        output.print(io, () -> json, () -> table(r.metrics()));
        if (diverged) {
            // NOTE: the weights, history and checkpoint of the previous run stay; the metrics
            // say that this run diverged.
            if (metricsJson != null) {
                OutputFiles.write(metricsJson, out -> out.write(
                        (Json.pretty(json) + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            throw new CliException("training diverged (" + r.report().stopReason() + "); no "
                    + "weights saved, " + weights + " and " + historyFile + " are as they were. "
                    + "Try a smaller learning rate or normalized data.");
        }
        Map<String, String> meta = new LinkedHashMap<>(r.preprocessing().toMetadata());
        ModelSpec.TrainSpec ts = epochs != null ? model.spec().train().withEpochs(epochs)
                : model.spec().train();
        meta.put(Reports.RUN, Reports.runRecord(r, threads, ts));
        if (classWeights != null) {
            meta.put(ClassWeights.METADATA, ClassWeights.format(classWeights));
        }
        outputs.stage(weights, Weights.content(model, meta));
        History history = History.of(r.report().history(), model.spec());
        byte[] csv = history.toCsv().getBytes(StandardCharsets.UTF_8);
        outputs.stage(historyFile, o -> o.write(csv));
        if (metricsJson != null) {
            byte[] text = (Json.pretty(json) + "\n").getBytes(StandardCharsets.UTF_8);
            outputs.stage(metricsJson, o -> o.write(text));
        }
        if (report != null) {
            List<String> command = spec.commandLine().getParseResult().originalArgs();
            outputs.stageDirectory(report, dir -> Reports.write(c, model, r.preprocessing(),
                    history, Reports.metrics(r.metrics()), Reports.settings(model.spec(),
                            r.metrics(), threads, ts.epochs(), Reports.trainSamples(r.report()),
                            weights, historyFile), dir, command, layers));
        }
        outputs.commit();
        // NOTE: with --json, stdout holds the JSON object alone; the files saved are said on
        // stderr.
        // NOTE: with --json and -q, nowhere: the JSON object names the weights
        PrintStream said = !output.json ? io.out() : io.quiet()
                ? new PrintStream(OutputStream.nullOutputStream()) : io.err();
        said.println("weights saved to " + weights);
        said.println("history saved to " + historyFile);
        boolean checkpointSaved = checkpoints.file() != null && Files.exists(checkpoints.file())
                && (!checkpoints.onlyIfInterrupted() || interrupted);
        if (checkpointSaved) {
            said.println("checkpoint saved to " + checkpoints.file());
        }
        if (report != null) {
            said.println("report written to " + report.resolve("index.html"));
        }
        if (interrupted) {
            io.err().println("nnc: interrupted; saved epoch " + r.report().epochs()
                    + (r.report().restoredEpoch() > 0 ? " (the weights of epoch "
                            + r.report().restoredEpoch() + ", the best)" : "")
                    + ". To go on: nnc train " + file + resumeOptions(weights)
                    + " --resume " + checkpoints.file());
            return stop.exitCode();
        }
        return Main.OK;
    }

    /** One network of the file, with --log-every, --batch and --lr applied. */
    private TrainableModel network(Compilation c) {
        return network(Models.load(c));
    }

    /** {@code loaded}, a new instance of the file's class, with the options applied. */
    private TrainableModel network(TrainableModel loaded) {
        TrainableModel m = logEvery != null ? WithSpec.logEvery(loaded, logEvery) : loaded;
        return batch != null || lr != null ? WithSpec.overrides(m, batch, lr) : m;
    }

    /**
     * Trains the members of an ensemble one after the other and saves them in one weights file.
     * Ensembles take no checkpoints and no report; an interrupted run saves nothing.
     */
    private int trainEnsemble(Io io, Progress progress, Interrupts stop, OutputFiles outputs,
            Path weights, Path historyFile, Ensemble model, TrainingListener listener,
            Compilation c) {
        for (String option : List.of("--checkpoint-every", "--checkpoint", "--resume",
                "--report")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new CliException(option + " is not available for an ensemble (model "
                        + model.name() + " has an ensemble block): its members are trained one "
                        + "after the other, and an interrupted run saves nothing");
            }
        }
        Training.Options opts = Training.Options.defaults().withEpochs(epochs).withSeed(seed)
                .withThreads(threads).withListener(listener).withInterrupt(stop);
        Training.RunResult r = Training.run(model, Models.baseDir(c), opts);
        if (progress != null) {
            progress.finish();
        }
        if (r.report().interrupted()) {
            io.err().println("nnc: interrupted while training " + r.report().stopReason()
                    .replaceFirst(":.*", "") + "; nothing saved, the previous files are as "
                    + "they were");
            return stop.exitCode();
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model.name());
        json.put("members", model.size());
        json.putAll(r.metrics());
        json.put("threads", threads);
        boolean diverged = Boolean.TRUE.equals(r.metrics().get("diverged"));
        json.put("weights", diverged ? null : weights.toString());
        output.print(io, () -> json, () -> table(r.metrics()));
        if (diverged) {
            throw new CliException("training diverged (" + r.report().stopReason() + "); no "
                    + "weights saved, " + weights + " is as it was. Try a smaller learning "
                    + "rate or normalized data.");
        }
        Map<String, String> meta = new LinkedHashMap<>(r.preprocessing().toMetadata());
        ModelSpec.TrainSpec ts = epochs != null ? model.spec().train().withEpochs(epochs)
                : model.spec().train();
        meta.put(Reports.RUN, Reports.runRecord(r, threads, ts));
        outputs.stage(weights, Weights.content(model, meta));
        byte[] csv = History.of(r.report().history(), model.spec()).toCsv()
                .getBytes(StandardCharsets.UTF_8);
        outputs.stage(historyFile, o -> o.write(csv));
        if (metricsJson != null) {
            byte[] text = (Json.pretty(json) + "\n").getBytes(StandardCharsets.UTF_8);
            outputs.stage(metricsJson, o -> o.write(text));
        }
        outputs.commit();
        PrintStream said = !output.json ? io.out() : io.quiet()
                ? new PrintStream(OutputStream.nullOutputStream()) : io.err();
        said.println("weights of " + model.size() + " members saved to " + weights);
        said.println("history saved to " + historyFile);
        return Main.OK;
    }

    /** The options a resumed run needs to go as far as this one and save where it did. */
    private String resumeOptions(Path weights) {
        return (epochs != null ? " --epochs " + epochs : "") + (out != null ? " -o " + weights
                : "");
    }

    private void checkOptions() {
        if (epochs != null && epochs < 1) {
            throw usage("--epochs", epochs + " is less than 1 (a run of no epochs would save "
                    + "untrained weights over the trained ones)");
        }
        if (batch != null && batch < 1) {
            throw usage("--batch", batch + " is less than 1");
        }
        if (lr != null && !(lr > 0 && Double.isFinite(lr))) {
            throw usage("--lr", lr + " is not a positive finite number");
        }
        if (threads < 1) {
            throw usage("--threads", threads + " is less than 1");
        }
        if (threads > TrainingLoop.maxThreads()) {
            throw usage("--threads", threads + " is more than this machine can use (at most "
                    + TrainingLoop.maxThreads() + ": four per processor, at least 8)");
        }
        if (logEvery != null && logEvery < 1) {
            throw usage("--log-every", logEvery + " is less than 1");
        }
        if (checkpointEvery != null && checkpointEvery < 1) {
            throw usage("--checkpoint-every", checkpointEvery + " is less than 1");
        }
    }

    /**
     * Where checkpoints go and how often: the options, else for a resumed run the checkpoint
     * itself at its own interval; without any of the options, one only when interrupted.
     */
    private Training.Checkpoints checkpoints(Checkpoint from, Path to) {
        int every = checkpointEvery != null ? checkpointEvery : from != null ? from.every() : 0;
        boolean asked = checkpoint != null || from != null || checkpointEvery != null;
        return new Training.Checkpoints(every, to, from, !asked);
    }

    /** {@code runs/m.safetensors} → {@code runs/m.ckpt.safetensors}. */
    static Path checkpointPathFor(Path weights) {
        String name = weights.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return weights.resolveSibling(stem + ".ckpt.safetensors");
    }

    private ParameterException usage(String option, String why) {
        return new ParameterException(spec.commandLine(), "Invalid value for option '" + option
                + "': " + why);
    }

    /**
     * The final metrics, one per line, in the run's order; then the per-class measures and the
     * confusion matrix of a classifier.
     */
    static String table(Map<String, Object> metrics) {
        return MetricsText.of(metrics, List.of("metric", "value"));
    }
}
