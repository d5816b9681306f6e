package dev.nnc.cli;

import dev.nnc.compiler.Compilation;
import dev.nnc.runtime.data.CsvReader;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.predict.Prediction;
import dev.nnc.runtime.predict.Predictor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import picocli.CommandLine.ParentCommand;

/** {@code nnc predict}: run trained weights on new inputs. */
@Command(name = "predict",
        header = "Predict with trained weights on new inputs.",
        sortOptions = false,
        description = {
            "Runs trained weights on the rows of a CSV file and writes one output row per input "
                    + "row, as CSV with a header.",
            "The input has a header naming its columns. When it names the feature columns of the "
                    + "training file (read from the .nn file's data block), the features are taken "
                    + "by name, in the training order, and a missing one is an error; otherwise "
                    + "by position, and when it has more columns than the model has inputs, the "
                    + "label columns named in the .nn file are dropped (so the training or test "
                    + "file itself can be the input). Values are raw: the preprocessing "
                    + "saved in the weights (scale, normalization) is applied to them.",
            "Regression: the outputs in the labels' own units, under the label names. "
                    + "Classifiers: the columns class,p_<label>... (the predicted class and the "
                    + "probability of each class)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  nnc predict model.nn --input new.csv                 to stdout",
            "  nnc predict model.nn -w m.safetensors --input new.csv --output predictions.csv"
        })
final class PredictCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Mixin
    private HelpOption help;

    @Mixin
    private TrainedModelArgs args;

    @Option(names = {"-i", "--input"}, paramLabel = "CSV", required = true,
            description = "The inputs: a CSV file with a header row.")
    private Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "CSV",
            description = "Write the predictions to this file (default: stdout).")
    private Path output;

    @Mixin
    private OutputOptions options;

    /**
     * This command, parsed into a new instance, as {@link QuickCommandLine} runs it: the options
     * and parameters declared above, without their help texts.
     */
    static CommandSpec quickSpec(Main main) {
        PredictCommand c = new PredictCommand();
        c.main = main;
        c.help = new HelpOption();
        c.args = new TrainedModelArgs();
        c.options = new OutputOptions();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(c).name("predict");
        QuickCommandLine.addHelp(spec, c.help);
        QuickCommandLine.addTrainedModel(spec, c.args);
        spec.addOption(QuickCommandLine.path(v -> c.input = v, () -> c.input, "-i", "--input")
                .paramLabel("CSV").required(true).build());
        spec.addOption(QuickCommandLine.path(v -> c.output = v, () -> c.output, "-o",
                "--output").paramLabel("CSV").build());
        QuickCommandLine.addOutput(spec, c.options);
        return spec;
    }

    @Override
    public Integer call() {
        Io io = options.io(main.io());
        TrainedModelArgs.Loaded loaded = args.load(io);
        Compilation c = loaded.compilation();
        Model model = loaded.model();
        Preprocessing prep = loaded.preprocessing();
        DataSource src = Models.trainSource(model);
        Predictor p = new Predictor(model, prep);
        double[][] rows = src instanceof DataSource.Csv csv && csv.symbols() != null
                && prep.symbols() != null
                ? DataLoader.readSymbols(input, csv, prep.symbols(), model.inputSize())
                : DataLoader.readFeatures(input, src, p.inputSize(),
                        trainingFeatures(c, src), prep.oneHot(), p::missingRefusal);
        List<String> lines = new ArrayList<>(rows.length + 1);
        ModelSpec.Loss loss = model.spec().loss();
        boolean classify = loss == ModelSpec.Loss.CROSS_ENTROPY && model.outputSize() > 1
                || loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && model.outputSize() == 1;
        if (classify) {
            List<Prediction> preds = p.classify(rows);
            int k = model.outputSize() == 1 ? 2 : model.outputSize();
            StringBuilder h = new StringBuilder("class");
            ClassLabels classes = prep.classes();
            boolean named = classes != null && classes.size() == k;
            for (int j = 0; j < k; j++) {
                h.append(",").append(csvField("p_" + (named ? classes.name(j)
                        : ClassLabels.format(j))));
            }
            lines.add(h.toString());
            for (Prediction pr : preds) {
                StringBuilder sb = new StringBuilder(named ? csvField(classes.name(pr.index()))
                        : ClassLabels.format(pr.label()));
                for (double v : pr.probabilities()) {
                    sb.append(',').append(value(v));
                }
                lines.add(sb.toString());
            }
        } else {
            // a differenced series: the predictor answers on the series' own scale
            double[][] outs = p.predict(rows);
            lines.add(String.join(",", outputNames(c, model, src)));
            for (double[] o : outs) {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < o.length; j++) {
                    if (j > 0) {
                        sb.append(',');
                    }
                    sb.append(value(o[j]));
                }
                lines.add(sb.toString());
            }
        }
        List<String> times = DataLoader.forecastTimes(input, src, p.inputSize());
        if (times != null && times.size() == lines.size() - 1) {
            String name = ((DataSource.Windows) src).window().time();
            lines.set(0, csvField(name) + "," + lines.get(0));
            for (int i = 1; i < lines.size(); i++) {
                lines.set(i, csvField(times.get(i - 1)) + "," + lines.get(i));
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model.name());
        json.put("count", rows.length);
        if (output == null) {
            json.put("columns", cells(lines.get(0)).stream().map(String::valueOf).toList());
            json.put("predictions", lines.subList(1, lines.size()).stream()
                    .map(PredictCommand::cells).toList());
            options.print(io, () -> json, () -> String.join("\n", lines) + "\n");
        } else {
            write(output, lines);
            json.put("output", output.toString());
            if (options.json) {
                options.print(io, () -> json, () -> "");
            }
            if (!io.quiet()) {
                io.err().println("wrote " + rows.length + (rows.length == 1 ? " prediction"
                        : " predictions") + " to " + output);
            }
        }
        return Main.OK;
    }

    /**
     * A row of the CSV output as JSON values: integers (class labels) as such, other numbers as
     * numbers, a class name as a string (quoted as {@link #csvField} writes it).
     */
    static List<Object> cells(String line) {
        List<Object> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i <= line.length(); i++) {
            char ch = i < line.length() ? line.charAt(i) : ',';
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
                wasQuoted = true;
            } else if (ch == ',') {
                String c = cell.toString();
                cells.add(wasQuoted ? c : c.matches("-?\\d{1,15}") ? (Object) Long.parseLong(c)
                        : c.matches("-?[0-9.]+([eE][-+]?[0-9]+)?|NaN|-?Infinity")
                        ? (Object) Double.parseDouble(c) : c);
                cell.setLength(0);
                wasQuoted = false;
            } else {
                cell.append(ch);
            }
        }
        return cells;
    }

    /** A float output in the shortest form that reads back to the same float. */
    private static String value(double v) {
        float f = (float) v;
        if (f == Math.rint(f) && Math.abs(f) < 1e7) {
            return Long.toString((long) f);
        }
        return Float.toString(f);
    }

    /**
     * The column names of regression outputs: the label names of the training data when the file
     * names them, or the header of its last column, else {@code y} / {@code y1..yk}.
     */
    private static List<String> outputNames(Compilation c, Model model,
            DataSource src) {
        int k = model.outputSize();
        List<String> named = src instanceof DataSource.Csv csv && !csv.labelLast() ? csv.labels()
                : src instanceof DataSource.Windows w ? w.targets() : List.of();
        if (named.size() == k) {
            return named;
        }
        if (src instanceof DataSource.Csv csv && csv.labelLast() && k == 1) {
            try {
                List<String> names = CsvReader.header(Models.resolve(c, src.path()));
                return List.of(names.get(names.size() - 1));
            } catch (DataException | IndexOutOfBoundsException e) {
                // the training file is not at hand: fall back to y
            }
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            names.add(k == 1 ? "y" : "y" + (j + 1));
        }
        return names;
    }

    /**
     * The feature columns of the training CSV file, from its header, so that an input file's
     * columns can be matched by name; empty when the training data is not a CSV file at hand.
     */
    private static List<String> trainingFeatures(Compilation c, DataSource src) {
        if (!(src instanceof DataSource.Csv)) {
            return List.of();
        }
        try {
            return DataLoader.featureNames(Models.resolve(c, src.path()), src);
        } catch (DataException e) {
            return List.of(); // the training file is not at hand: columns go by position
        }
    }

    /** {@code s} as one CSV value: in quotes (a quote doubled) when it holds , " or a line end. */
    static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0
                && s.indexOf('\r') < 0) {
            return s;
        }
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static void write(Path file, List<String> lines) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (Writer w = new BufferedWriter(Files.newBufferedWriter(file,
                    StandardCharsets.UTF_8))) {
                for (String l : lines) {
                    w.write(l);
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
