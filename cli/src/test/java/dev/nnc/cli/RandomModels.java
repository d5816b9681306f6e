package dev.nnc.cli;

import dev.nnc.compiler.ops.Activation;
import dev.nnc.compiler.ops.ArgSpec;
import dev.nnc.compiler.ops.Args;
import dev.nnc.compiler.ops.LayerKind;
import dev.nnc.compiler.ops.Registry;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.model.Rng;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Draws valid {@code .nn} models from a seed, with the data they train on and raw inputs to
 * predict: every layer kind, activation, loss and preprocessing option ({@code scale},
 * {@code normalize} and {@code normalize_labels} none / minmax / zscore, CSV vectors, images
 * [C,H,W] and sequences [T,F] read from CSV, sliding windows over a time series). The same seed
 * always gives the same case, so a failing case is replayed from its seed alone.
 *
 * <p>Example: seed 17 might give
 * <pre>
 * model Eq17 {
 *     input [3]
 *     dense(4) -> tanh
 *     dropout(0.25)
 *     dense(2) -> softmax
 *     loss cross_entropy
 *     ...
 *     data { train: csv("Eq17-train.csv", label: "class") normalize: zscore }
 * }
 * </pre>
 * with {@code Eq17-train.csv} (24 rows) and {@code Eq17-input.csv} (raw rows to predict).
 * Fixtures — cases kept after a failure — are read back from the same three files.
 */
final class RandomModels {
    /**
     * Every element-wise activation of the registry (the kinds extending {@link Activation}): a
     * new one is drawn, and so checked in every deployment form, with no change here.
     */
    private static final List<LayerKind> ACTIVATIONS = Registry.standard().layerNames().stream()
            .map(Registry.standard()::layer).filter(k -> k instanceof Activation).toList();
    /** The layer kinds this class writes by name, where their input shapes are made. */
    private static final Set<String> WRITTEN = Set.of("dense", "dropout", "batchnorm", "conv2d",
            "maxpool", "avgpool", "flatten", "globalavgpool", "rnn", "lstm", "gru", "softmax");
    /**
     * Every other layer kind of the registry that takes a vector and gives one: drawn among the
     * hidden layers of vector models, so a new small kind is checked in every deployment form
     * with no change here (none today).
     */
    static final List<LayerKind> OTHER_VECTOR_KINDS = otherVectorKinds(Registry.standard()
            .layerNames().stream().map(Registry.standard()::layer).toList());
    private static final String[] NORMALIZE = {"none", "minmax", "zscore"};
    private static final double[] SCALES = {1, 1, 1, 16, 255, 0.5};
    /** Every optimizer of the registry, with a small learning rate. */
    private static final String[] OPTIMIZERS = Registry.standard()
            .optimizerNames().stream().sorted().map(o -> o + "(lr: 0.005)")
            .toArray(String[]::new);
    /** Rows of training data per case. */
    private static final int TRAIN_ROWS = 24;
    /** Raw rows each form predicts. */
    static final int INPUT_ROWS = 12;

    /**
     * One case: its seed (−1 for a fixture), model name, files and loss.
     *
     * @param rows the raw input rows, as written in {@code input}
     */
    record Case(long seed, String name, String text, Path file, Path input, double[][] rows,
            String loss) {
        @Override
        public String toString() {
            return seed < 0 ? "fixture " + name : "seed " + seed + " (" + name + ")";
        }

        /** This case with the model text {@code other} (written over its file). */
        Case withText(String other) {
            try {
                Files.writeString(file, other);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Case(seed, name, other, file, input, rows, loss);
        }
    }

    /**
     * A case kept as a fixture: a directory holding {@code NAME.nn}, its data
     * ({@code NAME-train.csv}) and its raw input rows ({@code NAME-input.csv}), copied into
     * {@code dir}.
     */
    static Case fixture(Path fixtureDir, Path dir) {
        try {
            String name = fixtureDir.getFileName().toString();
            try (var files = Files.list(fixtureDir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, dir.resolve(f.getFileName()),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path file = dir.resolve(name + ".nn");
            Path input = dir.resolve(name + "-input.csv");
            String text = Files.readString(file);
            List<String> lines = Files.readAllLines(input);
            double[][] rows = new double[lines.size() - 1][];
            for (int i = 1; i < lines.size(); i++) {
                String[] v = lines.get(i).split(",");
                rows[i - 1] = new double[v.length];
                for (int j = 0; j < v.length; j++) {
                    rows[i - 1][j] = Double.parseDouble(v[j]);
                }
            }
            var m = java.util.regex.Pattern.compile("\\bloss (\\w+)").matcher(text);
            String loss = m.find() ? m.group(1) : "mse";
            loss = loss.equals("bce") ? "binary_cross_entropy" : loss;
            return new Case(-1, name, text, file, input, rows, loss);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code c}'s model, data and input rows as a fixture directory under {@code root}. */
    static Path keep(Case c, Path root) {
        try {
            Path d = Files.createDirectories(root.resolve(c.name()));
            Files.copy(c.file(), d.resolve(c.name() + ".nn"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Path train = c.file().resolveSibling(c.name() + "-train.csv");
            Files.copy(train, d.resolve(train.getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(c.input(), d.resolve(c.input().getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RandomModels() {
    }

    /**
     * The kinds of {@code kinds} that are neither activations nor written by name and give a
     * vector for a vector of any size from 1 to 9, with their arguments at their defaults (and a
     * required one at its smallest value).
     */
    static List<LayerKind> otherVectorKinds(List<LayerKind> kinds) {
        List<LayerKind> other = new ArrayList<>();
        for (LayerKind k : kinds) {
            if (k instanceof Activation || WRITTEN.contains(k.name())) {
                continue;
            }
            Map<String, Object> args = new LinkedHashMap<>();
            boolean drawable = true;
            for (ArgSpec a : k.args()) {
                Object v = a.defaultValue();
                if (v == null) {
                    v = switch (a.type()) {
                        case INT -> (int) Math.max(1, Math.ceil(a.min()));
                        case NUMBER -> Double.isFinite(a.min()) && Double.isFinite(a.max())
                                ? (a.min() + a.max()) / 2 : null;
                        case BOOL -> false;
                        default -> null;
                    };
                }
                if (v == null) {
                    drawable = false;
                    break;
                }
                args.put(a.name(), v instanceof Double d && a.type() == ArgSpec.Type.INT
                        ? (Integer) d.intValue() : v);
            }
            boolean vectors = drawable;
            for (int n = 1; n <= 9 && vectors; n++) {
                Shape out = k.outputShape(Shape.vector(n), new Args(args), (f, x) -> { });
                vectors = out != null && out.kind() == Shape.Kind.VECTOR;
            }
            if (vectors) {
                other.add(k);
            }
        }
        return other;
    }

    /** The case of {@code seed}, written into {@code dir}. */
    static Case draw(long seed, Path dir) {
        return new Builder(seed, dir).build();
    }

    static final class Builder {
        /**
         * An {@code ensemble { }} block for about one model in eight, else nothing: 2 or 3
         * members, seeds or bootstrap, a plurality vote for classifiers half of the time, else
         * the mean. Drawn from its own stream of the seed, so the other draws of a case stay
         * those of the seed.
         */
        String ensemble() {
            Rng own = new Rng(seed ^ 0xE45E_4B1EL);
            if (own.nextDouble() >= 0.125) {
                return "";
            }
            String vote = !loss.equals("mse") && own.nextDouble() < 0.5 ? "plurality" : "mean";
            return "    ensemble {\n        members: " + (2 + own.nextInt(2)) + "\n"
                    + "        vary: " + (own.nextDouble() < 0.5 ? "seeds" : "bootstrap") + "\n"
                    + "        vote: " + vote + "\n    }\n";
        }

        final long seed;
        final Path dir;
        final Rng rng;
        final String name;
        final StringBuilder layers = new StringBuilder();
        String input;
        int inputSize;
        String loss;
        int outputs;
        double scale;
        String normalize;
        String normalizeLabels = "none";
        /** Where the cycle of class labels starts. */
        int classShift;
        /** Sequence models read windows over a series instead of CSV rows. */
        boolean windows;
        int steps;
        int features;

        Builder(long seed, Path dir) {
            this.seed = seed;
            this.dir = dir;
            // NOTE: the seed is mixed first: Rng(s) and Rng(s + step) would walk one stream, one
            // draw apart, and neighbouring seeds would draw nearly the same models.
            this.rng = new Rng(new Rng(seed).nextLong());
            this.name = "Eq" + Long.toUnsignedString(seed);
        }

        int between(int lo, int hi) {
            return lo + rng.nextInt(hi - lo + 1);
        }

        <T> T pick(T[] a) {
            return a[rng.nextInt(a.length)];
        }

        boolean chance(double p) {
            return rng.nextDouble() < p;
        }

        void line(String s) {
            layers.append("    ").append(s).append('\n');
        }

        String act() {
            return chance(0.25) ? "" : " -> " + activation();
        }

        /**
         * An activation of the registry, each numeric argument either left to its default or
         * drawn inside its range: {@code leaky_relu(alpha: 0.37)}.
         */
        String activation() {
            return call(ACTIVATIONS.get(rng.nextInt(ACTIVATIONS.size())));
        }

        /**
         * A call of {@code k}: each numeric argument in a finite range either left to its
         * default or drawn inside the range, a required whole number drawn from its smallest
         * value to 4 above.
         */
        String call(LayerKind k) {
            List<String> args = new ArrayList<>();
            for (ArgSpec a : k.args()) {
                if (a.type() == ArgSpec.Type.NUMBER && Double.isFinite(a.min())
                        && Double.isFinite(a.max()) && (a.required() || chance(0.5))) {
                    // two decimals strictly inside the range
                    double v = Math.round((a.min() + (0.05 + 0.9 * rng.nextDouble())
                            * (a.max() - a.min())) * 100) / 100.0;
                    args.add(a.name() + ": " + num(Math.min(Math.max(v, a.min() + 0.01),
                            a.max() - 0.01)));
                } else if (a.type() == ArgSpec.Type.INT && a.required()) {
                    int lo = (int) Math.max(1, Math.ceil(a.min()));
                    args.add(a.name() + ": " + between(lo, lo + 4));
                }
            }
            return k.name() + (args.isEmpty() ? "" : "(" + String.join(", ", args) + ")");
        }

        Case build() {
            scale = SCALES[rng.nextInt(SCALES.length)];
            normalize = pick(NORMALIZE);
            loss = pick(new String[] {"mse", "cross_entropy", "binary_cross_entropy"});
            outputs = switch (loss) {
                case "mse" -> between(1, 3);
                case "cross_entropy" -> between(2, 4);
                default -> 1;
            };
            if (loss.equals("mse")) {
                normalizeLabels = pick(NORMALIZE);
            }
            classShift = rng.nextInt(outputs);
            switch (rng.nextInt(4)) {
                case 0 -> vectorLayers();
                case 1 -> imageLayers();
                case 2 -> sequenceLayers(false);
                default -> sequenceLayers(true);
            }
            outputLayer();
            return write();
        }

        /** A vector [F]: dense, activations as layers, dropout, batch norm. */
        void vectorLayers() {
            features = between(1, 6);
            inputSize = features;
            input = "[" + features + "]";
            hidden(between(0, 3));
        }

        void hidden(int count) {
            for (int k = 0; k < count; k++) {
                switch (rng.nextInt(OTHER_VECTOR_KINDS.isEmpty() ? 5 : 6)) {
                    case 0, 1 -> line("dense(" + between(1, 9) + (chance(0.2) ? ", bias: false"
                            : "") + ")" + act());
                    case 2 -> line(activation());
                    case 3 -> line("dropout(" + pick(new String[] {"0.1", "0.25", "0.5"}) + ")");
                    case 5 -> line(call(OTHER_VECTOR_KINDS.get(rng.nextInt(
                            OTHER_VECTOR_KINDS.size()))) + act());
                    default -> line("batchnorm" + act());
                }
            }
        }

        /** An image [C,H,W] read from CSV columns: conv2d, pooling, batch norm, flatten. */
        void imageLayers() {
            int c = between(1, 2);
            int h = between(4, 8);
            int w = between(4, 8);
            input = "[" + c + ", " + h + ", " + w + "]";
            inputSize = c * h * w;
            features = inputSize;
            String pad = pick(new String[] {"valid", "same", "1"});
            int k = between(1, 3);
            int stride = chance(0.3) ? 2 : 1;
            if (stride == 2) {
                // a stride must tile the input: (H − K) even, without padding
                pad = "valid";
                h += (h - k) % 2;
                w += (w - k) % 2;
                input = "[" + c + ", " + h + ", " + w + "]";
                inputSize = c * h * w;
                features = inputSize;
            }
            line("conv2d(" + between(1, 4) + ", " + k + (stride > 1 ? ", stride: 2" : "")
                    + ", padding: " + pad + (chance(0.2) ? ", bias: false" : "") + ")" + act());
            int oh = out(h, k, stride, pad);
            int ow = out(w, k, stride, pad);
            if (chance(0.3)) {
                line("batchnorm" + act());
            }
            if (oh >= 2 && ow >= 2 && chance(0.7)) {
                String pool = chance(0.6) ? "maxpool" : "avgpool";
                if (oh % 2 == 0 && ow % 2 == 0) {
                    line(pool + "(2)");
                } else {
                    line(pool + "(2, stride: 1)");
                }
            }
            if (chance(0.3)) {
                line("globalavgpool");
            } else {
                line("flatten");
            }
            hidden(between(0, 1));
        }

        static int out(int size, int k, int stride, String pad) {
            int padded = switch (pad) {
                case "same" -> size + k - 1;
                case "1" -> size + 2;
                default -> size;
            };
            if (pad.equals("same")) {
                return (size + stride - 1) / stride;
            }
            return (padded - k) / stride + 1;
        }

        /** A sequence [T,F], from CSV rows or from windows over a series: recurrent layers. */
        void sequenceLayers(boolean overWindows) {
            windows = overWindows;
            steps = between(1, 4);
            features = between(1, 3);
            input = "[" + steps + ", " + features + "]";
            inputSize = steps * features;
            String cell = pick(new String[] {"rnn", "lstm", "gru"});
            boolean bi = chance(0.3);
            boolean seq = chance(0.35);
            line(cell + "(" + between(1, 5) + (seq ? ", sequence: true" : "")
                    + (bi ? ", bidirectional: true" : "") + (chance(0.15) ? ", bias: false" : "")
                    + ")");
            if (seq) {
                switch (rng.nextInt(3)) {
                    case 0 -> line(pick(new String[] {"rnn", "lstm", "gru"}) + "("
                            + between(1, 4) + ")");
                    case 1 -> line("flatten");
                    default -> {
                        line("dense(" + between(1, 4) + ")" + act());
                        line("flatten");
                    }
                }
            }
            hidden(between(0, 1));
        }

        void outputLayer() {
            switch (loss) {
                case "cross_entropy" -> line("dense(" + outputs + ") -> softmax");
                case "binary_cross_entropy" -> line("dense(1) -> sigmoid");
                default -> line("dense(" + outputs + ")" + (chance(0.2) ? " -> tanh" : ""));
            }
        }

        /** A raw feature value: around the scale, and off-centre so normalization matters. */
        double raw() {
            double spread = normalize.equals("none") ? 2 : 40;
            double v = (rng.nextDouble() * 2 - 0.5) * spread * Math.max(scale, 1) / 2
                    + (normalize.equals("none") ? 0 : 7);
            return (float) v;
        }

        /** Label column j of training row r; every class occurs in any {@code outputs} rows. */
        double label(int j, int r) {
            return switch (loss) {
                case "cross_entropy" -> 1 + (r + classShift) % outputs;
                case "binary_cross_entropy" -> rng.nextInt(2);
                default -> (float) ((rng.nextDouble() - 0.3) * (normalizeLabels.equals("none")
                        ? 1 : 50 * (j + 1)));
            };
        }

        Case write() {
            List<String> train = new ArrayList<>();
            String source;
            int labelCols = loss.equals("mse") ? outputs : 1;
            List<String> labelNames = new ArrayList<>();
            for (int j = 0; j < labelCols; j++) {
                labelNames.add(labelCols == 1 ? "y" : "y" + (j + 1));
            }
            String labelArg = labelCols == 1 ? "\"y\"" : "[\"" + String.join("\", \"", labelNames)
                    + "\"]";
            if (windows) {
                // a series of rows: F feature columns then the label columns
                List<String> head = new ArrayList<>();
                for (int f = 0; f < features; f++) {
                    head.add("f" + f);
                }
                head.addAll(labelNames);
                train.add(String.join(",", head));
                int rows = TRAIN_ROWS + steps;
                for (int r = 0; r < rows; r++) {
                    List<String> v = new ArrayList<>();
                    for (int f = 0; f < features; f++) {
                        v.add(num(raw()));
                    }
                    for (int j = 0; j < labelCols; j++) {
                        v.add(num(label(j, r)));
                    }
                    train.add(String.join(",", v));
                }
                List<String> fs = new ArrayList<>();
                for (int f = 0; f < features; f++) {
                    fs.add("\"f" + f + "\"");
                }
                source = "windows(\"" + name + "-train.csv\", window: " + steps + ", horizon: "
                        + between(0, 1) + ", features: [" + String.join(", ", fs)
                        + "], target: " + labelArg + ")";
            } else {
                List<String> head = new ArrayList<>();
                for (int f = 0; f < inputSize; f++) {
                    head.add("x" + f);
                }
                head.addAll(labelNames);
                train.add(String.join(",", head));
                for (int r = 0; r < TRAIN_ROWS; r++) {
                    List<String> v = new ArrayList<>();
                    for (int f = 0; f < inputSize; f++) {
                        v.add(num(raw()));
                    }
                    for (int j = 0; j < labelCols; j++) {
                        v.add(num(label(j, r)));
                    }
                    train.add(String.join(",", v));
                }
                source = "csv(\"" + name + "-train.csv\", label: "
                        + (labelCols == 1 && chance(0.5) ? "last" : labelArg) + ")";
            }
            StringBuilder data = new StringBuilder();
            data.append("        train: ").append(source).append('\n');
            if (scale != 1) {
                data.append("        scale: ").append(num(scale)).append('\n');
            }
            if (!normalize.equals("none") || chance(0.3)) {
                data.append("        normalize: ").append(normalize).append('\n');
            }
            if (!normalizeLabels.equals("none")) {
                data.append("        normalize_labels: ").append(normalizeLabels).append('\n');
            }
            String lossName = loss.equals("binary_cross_entropy") && chance(0.5) ? "bce" : loss;
            String text = "// equivalence case, seed " + seed + "\nmodel " + name + " {\n"
                    + "    input " + input + "\n" + layers
                    + "    loss " + lossName + "\n"
                    + "    optimizer " + pick(OPTIMIZERS) + "\n"
                    + "    seed " + between(1, 1000) + "\n"
                    + "    data {\n" + data + "    }\n"
                    + "    train {\n        epochs: 1\n        batch: " + between(1, 8)
                    + "\n    }\n" + ensemble() + "}\n";
            double[][] rows = new double[INPUT_ROWS][inputSize];
            List<String> in = new ArrayList<>();
            List<String> head = new ArrayList<>();
            for (int f = 0; f < inputSize; f++) {
                head.add("x" + f);
            }
            in.add(String.join(",", head));
            for (double[] row : rows) {
                List<String> v = new ArrayList<>();
                for (int f = 0; f < inputSize; f++) {
                    row[f] = raw();
                    v.add(num(row[f]));
                }
                in.add(String.join(",", v));
            }
            Path file = dir.resolve(name + ".nn");
            Path input = dir.resolve(name + "-input.csv");
            try {
                Files.writeString(file, text);
                Files.write(dir.resolve(name + "-train.csv"), train);
                Files.write(input, in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Case(seed, name, text, file, input, rows, loss);
        }

        /** A number as the shortest text that reads back to the same float. */
        static String num(double v) {
            float f = (float) v;
            if (f == Math.rint(f) && Math.abs(f) < 1e7) {
                return Long.toString((long) f);
            }
            return String.format(Locale.ROOT, "%s", Float.toString(f));
        }
    }
}
