package dev.nnc.cli;

import dev.nnc.compiler.Compilation;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.CrossValidation;
import dev.nnc.runtime.train.Training;
import dev.nnc.runtime.train.TrainingLoop;
import java.nio.file.Path;
import java.util.ArrayList;
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

/** {@code nnc kfold}: k-fold cross-validation on the file's training data. */
@Command(name = "kfold",
        header = "Cross-validate a model: train on k-1 folds, measure on the one left out.",
        sortOptions = false,
        description = {
            "Cuts the training data the .nn file names into k folds and trains the model k "
                    + "times as nnc train does, each time on k-1 folds (normalization, "
                    + "validation split and balanced class weights fitted on them alone), "
                    + "measuring the fold left out. Prints each fold's measures, then their "
                    + "mean ± sample standard deviation. The file's test data is not used; "
                    + "nothing is saved.",
            "Folds are stratified for a classifier with one class per sample (each class "
                    + "spread evenly), contiguous stretches of the series for windows(...), and "
                    + "random otherwise. The measures: loss, accuracy, macro precision, recall "
                    + "and F1, ROC AUC for two classes; for regression loss, rmse, r2 and mae."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc kfold model.nn                       5 folds",
            "  nnc kfold model.nn --folds 10 --epochs 50 --seed 7",
            "  nnc kfold model.nn --json"
        })
final class KfoldCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The .nn file.")
    private Path file;

    @Option(names = "--folds", paramLabel = "K", defaultValue = "5",
            description = "The number of folds, at least 2 (default: ${DEFAULT-VALUE}).")
    private int folds;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Train each fold at most N epochs (N >= 1) instead of the file's.")
    private Integer epochs;

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of the folds, initialization, shuffling and validation split "
                    + "instead of the file's.")
    private Long seed;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Threads each training may use (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() {
        Io io = output.io(main.io());
        if (folds < 2) {
            throw usage("--folds", folds + " is less than 2");
        }
        if (epochs != null && epochs < 1) {
            throw usage("--epochs", epochs + " is less than 1");
        }
        if (threads < 1 || threads > TrainingLoop.maxThreads()) {
            throw usage("--threads", threads + " is not in 1.." + TrainingLoop.maxThreads());
        }
        Compilation c = Models.compileModel(io, file);
        TrainableModel model = Models.load(c);
        Training.Options opts = Training.Options.defaults().withEpochs(epochs).withSeed(seed)
                .withThreads(threads);
        CrossValidation.Result r = CrossValidation.run(model, Models.baseDir(c), folds, opts,
                line -> {
                    if (!io.quiet()) {
                        io.err().println(line);
                        io.err().flush();
                    }
                });
        int samples = r.runs().get(0).trainSamples() + r.runs().get(0).testSamples();
        output.print(io, () -> json(model, samples, r), () -> text(model, samples, r));
        List<Integer> diverged = r.runs().stream().filter(CrossValidation.Fold::diverged)
                .map(CrossValidation.Fold::fold).toList();
        if (!diverged.isEmpty()) {
            throw new CliException("training diverged in fold " + diverged.toString()
                    .replaceAll("[\\[\\]]", "") + "; its measures are those of diverged weights. "
                    + "Try a smaller learning rate or normalized data.");
        }
        return Main.OK;
    }

    private Map<String, Object> json(TrainableModel model, int samples,
            CrossValidation.Result r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model.name());
        o.put("folds", r.runs().size());
        o.put("split", r.folds().id());
        o.put("samples", samples);
        o.put("measures", r.measures());
        List<Object> runs = new ArrayList<>();
        for (CrossValidation.Fold f : r.runs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fold", f.fold());
            m.put("train_samples", f.trainSamples());
            m.put("test_samples", f.testSamples());
            m.put("diverged", f.diverged());
            m.putAll(f.measures());
            runs.add(m);
        }
        o.put("runs", runs);
        o.put("mean", r.mean());
        o.put("sd", r.sd());
        return o;
    }

    /**
     * <pre>
     * LinearMulti: 5 stratified folds of 133 samples
     * fold  train  test     loss  accuracy  precision_macro  recall_macro  f1_macro
     * 1       106    27   0.2854         1                1             1         1
     * ...
     * -------------------------------------------------------------------------------
     * mean                0.2787    0.9926           0.9933        0.9905    0.9914
     * sd                 0.03233   0.01656          0.01491        0.0213   0.01931
     *
     * accuracy 0.9926 ± 0.01656 (mean ± sample sd over 5 folds)
     * </pre>
     */
    private static String text(TrainableModel model, int samples, CrossValidation.Result r) {
        List<String> header = new ArrayList<>(List.of("fold", "train", "test"));
        header.addAll(r.measures());
        int[] right = new int[header.size() - 1];
        for (int i = 0; i < right.length; i++) {
            right[i] = i + 1;
        }
        Table t = new Table(header, right);
        for (CrossValidation.Fold f : r.runs()) {
            List<Object> row = new ArrayList<>(List.of(f.fold() + (f.diverged() ? " diverged"
                    : ""), f.trainSamples(), f.testSamples()));
            for (String m : r.measures()) {
                row.add(Fmt.metric(f.measures().get(m)));
            }
            t.row(row.toArray());
        }
        t.rule();
        for (String what : List.of("mean", "sd")) {
            List<Object> row = new ArrayList<>(List.of(what, "", ""));
            for (String m : r.measures()) {
                row.add(Fmt.metric((what.equals("mean") ? r.mean() : r.sd()).get(m)));
            }
            t.row(row.toArray());
        }
        String key = r.measures().contains("accuracy") ? "accuracy"
                : r.measures().contains("r2") ? "r2" : "loss";
        return model.name() + ": " + r.runs().size() + " " + r.folds().id() + " folds of "
                + samples + " samples\n" + t + "\n" + key + " " + Fmt.metric(r.mean().get(key))
                + " ± " + Fmt.metric(r.sd().get(key)) + " (mean ± sample sd over "
                + r.runs().size() + " folds)\n";
    }

    private ParameterException usage(String option, String why) {
        return new ParameterException(spec.commandLine(), "Invalid value for option '" + option
                + "': " + why);
    }
}
