package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.diag.Code;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.OneHot;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.predict.Predictor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Every example model of the repository ({@code examples/**}/*.nn but the shared library
 * {@code examples/common} and the Maven project {@code examples/maven-consumer}), trained briefly
 * with {@code nnc train --epochs 5} once per test JVM (one epoch for array data such as
 * Fashion-MNIST, 60,000 samples an epoch), with the inputs to check deployments on: the raw rows
 * of its training data (the first {@value #MAX_ROWS}; pixels 0..255 where the model has
 * {@code scale: 255}) and 200 random rows around them. An example
 * whose data is not installed (Fashion-MNIST lives outside the repository) is left out, with a
 * message on stderr.
 */
final class DeployExamples {
    /** One trained example: its file, weights, the predictor {@code nnc predict} uses. */
    record Trained(String name, Path file, Path weights, Compilation compilation,
            Predictor predictor, double[][] inputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** At most this many training rows are used as inputs. */
    static final int MAX_ROWS = 1000;

    private static List<Trained> all;

    private DeployExamples() {
    }

    static Path examplesDir() {
        return Path.of("..", "examples").toAbsolutePath().normalize();
    }

    /** The example files, sorted. */
    static List<Path> files() {
        Path root = examplesDir();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".nn"))
                    .filter(p -> {
                        Path rel = root.relativize(p);
                        String first = rel.getName(0).toString();
                        return !first.equals("common") && !first.equals("maven-consumer")
                                && !rel.toString().contains("target");
                    })
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every example, trained (once per JVM). */
    static synchronized List<Trained> trained() {
        if (all == null) {
            try {
                Path dir = Files.createTempDirectory("nnc-deploy");
                List<Trained> list = new ArrayList<>();
                for (Path f : files()) {
                    Trained t = train(f, dir);
                    if (t != null) {
                        list.add(t);
                    }
                }
                all = List.copyOf(list);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    /** {@code file} trained, or {@code null} when its data is not installed. */
    private static Trained train(Path file, Path dir) {
        String name = examplesDir().relativize(file).toString();
        Compilation c = NnCompiler.compile(file, NnCompiler.Options.defaults());
        if (c.diagnostics().stream().anyMatch(d -> d.code() == Code.DATA_FILE_NOT_FOUND)) {
            System.err.println("deployment tests leave out " + name + ": its data is not "
                    + "installed\n" + c.renderDiagnostics());
            return null;
        }
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        boolean arrays = !c.model().spec().data().train().format().equals("csv");
        Path w = dir.resolve(name.replace('/', '_').replace(".nn", ".safetensors"));
        Run r = nnc("train", file.toString(), "--epochs", arrays ? "1" : "5", "--quiet",
                "--out", w.toString());
        assertEquals(0, r.code(), name + "\n" + r.all());
        // one network, or the ensemble of an example with an ensemble block
        Model m = Models.loadModel(c);
        Map<String, String> meta = Weights.load(m, w);
        Predictor p = new Predictor(m, Preprocessing.fromMetadata(meta, m));
        return new Trained(name, file, w, c, p, inputs(c, m, p.preprocessing().oneHot(),
                p.preprocessing().symbols()));
    }

    /**
     * The first {@link #MAX_ROWS} training rows and 200 random rows spread over 1.5 times their
     * range; with a one-hot stage the rows are encoded, and a random row has one random
     * category of each categorical column. For a model that reads texts as symbols, the codes of
     * the training texts and 200 random rows of codes (unknown symbols among them) of every
     * length from 0 to T.
     */
    private static double[][] inputs(Compilation c, Model m, OneHot oneHot,
            dev.nnc.runtime.data.Symbols symbols) {
        var src = m.spec().data().train();
        double[][] data;
        if (src instanceof dev.nnc.runtime.model.DataSource.Csv csv && csv.symbols() != null) {
            data = DataLoader.readSymbols(Models.resolve(c, src.path()), csv, symbols,
                    m.inputSize());
            data = java.util.Arrays.copyOf(data, Math.min(MAX_ROWS, data.length));
            Random rnd = new Random(7);
            List<double[]> rows = new ArrayList<>(List.of(data));
            for (int i = 0; i < 200; i++) {
                double[] row = new double[m.inputSize()];
                for (int t = 0, len = rnd.nextInt(m.inputSize() + 1); t < len; t++) {
                    row[t] = 1 + rnd.nextInt(symbols.codes() - 1);
                }
                rows.add(row);
            }
            return rows.toArray(new double[0][]);
        }
        if (dev.nnc.runtime.model.Difference.of(m.spec()) != null) {
            // a differenced series: its raw windows, as nnc predict cuts them from the file
            data = DataLoader.readFeatures(Models.resolve(c, src.path()), src,
                    dev.nnc.runtime.model.Difference.rawSize(
                            dev.nnc.runtime.model.Difference.of(m.spec())));
        } else if (src.format().equals("csv")) {
            data = DataLoader.readFeatures(Models.resolve(c, src.path()), src, m.inputSize(),
                    List.of(), oneHot);
        } else {
            Path base = c.model().source().path().toAbsolutePath().getParent();
            // Raw values, as a user has them (pixels 0..255): every form applies the scale.
            Dataset d = DataLoader.load(Models.resolve(c, src.path()),
                    src.resolve(base).withScale(1), m.inputSize(), m.outputSize(),
                    m.spec().loss(), null).dataset();
            data = new double[Math.min(MAX_ROWS, d.size())][m.inputSize()];
            for (int i = 0; i < data.length; i++) {
                for (int j = 0; j < m.inputSize(); j++) {
                    data[i][j] = d.x()[i * m.inputSize() + j];
                }
            }
        }
        data = java.util.Arrays.copyOf(data, Math.min(MAX_ROWS, data.length));
        int in = data[0].length;
        double[] min = new double[in];
        double[] max = new double[in];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (double[] row : data) {
            for (int j = 0; j < in; j++) {
                min[j] = Math.min(min[j], row[j]);
                max[j] = Math.max(max[j], row[j]);
            }
        }
        Random rnd = new Random(7);
        List<double[]> rows = new ArrayList<>(List.of(data));
        for (int i = 0; i < 200; i++) {
            double[] row = new double[in];
            for (int j = 0; j < in; j++) {
                double range = Math.max(max[j] - min[j], 1.0);
                row[j] = min[j] - 0.25 * range + 1.5 * range * rnd.nextDouble();
            }
            for (int k = 0; oneHot != null && k < oneHot.columns().size(); k++) {
                if (oneHot.isCategorical(k)) {
                    java.util.Arrays.fill(row, oneHot.offset(k), oneHot.offset(k)
                            + oneHot.slots(k), 0);
                    row[oneHot.offset(k) + rnd.nextInt(oneHot.categories(k).size())] = 1;
                }
            }
            rows.add(row);
        }
        return rows.toArray(new double[0][]);
    }

    /** A run of {@code nnc} in process. */
    record Run(int code, String out, String err) {
        String all() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Run nnc(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e, Map.of());
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }
}
