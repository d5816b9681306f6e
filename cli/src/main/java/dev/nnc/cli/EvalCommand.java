package dev.nnc.cli;

import dev.nnc.compiler.Compilation;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.train.Training;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code nnc eval}: metrics of trained weights on a data file. */
@Command(name = "eval",
        header = "Measure trained weights on test data.",
        sortOptions = false,
        description = {
            "Measures trained weights on the test data the .nn file names (or on --data; when "
                    + "the file names no test data, on its training data). The data goes "
                    + "through the preprocessing saved in the weights (scale, normalization), "
                    + "and class labels map to the classes of training.",
            "Prints samples and loss, then for classifiers accuracy, precision, recall and F1 "
                    + "(macro and weighted means), ROC AUC for two classes, the per-class "
                    + "measures and the confusion matrix; for regression mse, rmse, r2, mae and "
                    + "mape (in percent, zero labels left out), in the labels' own units."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc eval model.nn                              weights ./model.safetensors",
            "  nnc eval model.nn --weights runs/m7.safetensors --data more-test.csv",
            "  nnc eval model.nn --json"
        })
final class EvalCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Mixin
    private TrainedModelArgs args;

    @Option(names = "--data", paramLabel = "CSV",
            description = "A CSV file to measure on, labelled like the training data.")
    private Path data;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() {
        Io io = output.io(main.io());
        TrainedModelArgs.Loaded loaded = args.load(io);
        Compilation c = loaded.compilation();
        Model model = loaded.model();
        Preprocessing prep = loaded.preprocessing();
        ModelSpec.DataSpec d = model.spec().data();
        Path csv;
        DataSource src;
        if (data != null) {
            csv = data;
            src = null;
        } else if (d.test() != null) {
            csv = Models.resolve(c, d.test().path());
            src = d.test();
        } else if (d.train() != null) {
            csv = Models.resolve(c, d.train().path());
            src = d.train();
            if (!io.quiet()) {
                io.err().println("nnc: note: " + args.file + " names no test data; measuring on "
                        + "the training data " + Models.display(csv));
            }
        } else {
            throw new CliException(args.file + " names no data; pass --data CSV");
        }
        Map<String, Object> m = Training.evaluate(model, prep, csv, src);
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("model", model.name());
        all.put("data", Models.display(csv));
        all.putAll(m);
        output.print(io, () -> all, () -> MetricsText.of(all, List.of()));
        return Main.OK;
    }
}
