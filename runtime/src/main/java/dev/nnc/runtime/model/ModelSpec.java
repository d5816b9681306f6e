package dev.nnc.runtime.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings a {@code .nn} file gives for training a model: loss, optimizer, seed, the
 * {@code train { }} block and the {@code data { }} block. Generated classes build one as constants.
 *
 * <p>Example: {@code loss mse; optimizer sgd(lr: 0.3); train { epochs: 100, batch: 10 }} becomes
 * {@code new ModelSpec(Loss.MSE, new OptimizerSpec("sgd", Map.of("lr", 0.3)), 1, new TrainSpec(100,
 * 10, true, null, 0, 0), data)}.
 */
public record ModelSpec(Loss loss, OptimizerSpec optimizer, long seed, TrainSpec train,
        DataSpec data) {

    public ModelSpec {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(data, "data");
    }

    /** Returns a copy with other training settings. */
    public ModelSpec withTrain(TrainSpec t) {
        return new ModelSpec(loss, optimizer, seed, t, data);
    }

    /** Returns a copy with another seed. */
    public ModelSpec withSeed(long s) {
        return new ModelSpec(loss, optimizer, s, train, data);
    }

    /** The loss functions and the kind of task each one implies. */
    public enum Loss {
        /** Mean squared error as the textbook writes it: sum((a - y)^2) / (2m). Regression. */
        MSE("mse"),
        /** Binary cross-entropy on sigmoid outputs: -mean(y ln a + (1 - y) ln(1 - a)). */
        BINARY_CROSS_ENTROPY("binary_cross_entropy"),
        /** Categorical cross-entropy on softmax outputs: -mean(sum(y ln a)). */
        CROSS_ENTROPY("cross_entropy");

        private final String id;

        Loss(String id) {
            this.id = id;
        }

        /** The name used in {@code .nn} files and metrics. */
        public String id() {
            return id;
        }

        /** True for the classification losses. */
        public boolean isClassification() {
            return this != MSE;
        }
    }

    /** An optimizer by name with its numeric arguments, e.g. {@code sgd} with {@code lr = 0.1}. */
    public record OptimizerSpec(String name, Map<String, Double> args) {
        public OptimizerSpec {
            Objects.requireNonNull(name, "name");
            args = Map.copyOf(args);
        }

        /** The argument's value, or {@code fallback} when the file does not set it. */
        public double arg(String key, double fallback) {
            Double v = args.get(key);
            return v == null ? fallback : v;
        }
    }

    /**
     * The {@code train { }} block.
     *
     * @param epochs maximum number of epochs
     * @param batch mini-batch size; 0 means the whole training set (full batch)
     * @param shuffle reshuffle the training samples at every epoch
     * @param stop stop condition checked after every epoch, or {@code null}
     * @param validation fraction of the (shuffled) training data held out for validation, 0 for
     *     none
     * @param logEvery print a progress line every this many epochs (0: choose automatically)
     * @param schedule learning-rate schedule, or {@code null} for a constant rate
     * @param clipNorm rescale the gradient to at most this global L2 norm (0: no clipping)
     * @param clipValue clamp every gradient value to [-clipValue, clipValue] (0: no clipping)
     * @param earlyStopping early stopping, or {@code null}
     */
    public record TrainSpec(int epochs, int batch, boolean shuffle, StopCondition stop,
            double validation, int logEvery, Schedule schedule, double clipNorm, double clipValue,
            Schedule.EarlyStopping earlyStopping) {
        public TrainSpec {
            if (epochs < 0) {
                throw new IllegalArgumentException("epochs < 0: " + epochs);
            }
            if (batch < 0) {
                throw new IllegalArgumentException("batch < 0: " + batch);
            }
            if (validation < 0 || validation >= 1) {
                throw new IllegalArgumentException("validation not in [0, 1): " + validation);
            }
            if (clipNorm < 0 || clipValue < 0) {
                throw new IllegalArgumentException("clip < 0: " + clipNorm + ", " + clipValue);
            }
        }

        /** Settings without schedule, clipping or early stopping. */
        public TrainSpec(int epochs, int batch, boolean shuffle, StopCondition stop,
                double validation, int logEvery) {
            this(epochs, batch, shuffle, stop, validation, logEvery, null, 0, 0, null);
        }

        /** Returns a copy that runs at most {@code e} epochs. */
        public TrainSpec withEpochs(int e) {
            return new TrainSpec(e, batch, shuffle, stop, validation, logEvery, schedule,
                    clipNorm, clipValue, earlyStopping);
        }

        /** Returns a copy that logs every {@code n} epochs (0: automatically). */
        public TrainSpec withLogEvery(int n) {
            return new TrainSpec(epochs, batch, shuffle, stop, validation, n, schedule,
                    clipNorm, clipValue, earlyStopping);
        }
    }

    /** Feature or label normalization, fitted on the training data. */
    public enum Normalization {
        NONE, MINMAX, ZSCORE
    }

    /**
     * The {@code data { }} block. Paths are as written in the file: relative ones are resolved
     * against the directory of the {@code .nn} file.
     *
     * @param train training data, or {@code null} when the file names none
     * @param test test data, or {@code null}
     * @param features normalization of the input features
     * @param labels normalization of regression labels (outputs are de-normalized at prediction)
     */
    public record DataSpec(DataSource train, DataSource test, Normalization features,
            Normalization labels) {
        public DataSpec {
            Objects.requireNonNull(features, "features");
            Objects.requireNonNull(labels, "labels");
        }

        /** No data named: the application supplies it. */
        public static DataSpec none() {
            return new DataSpec(null, null, Normalization.NONE, Normalization.NONE);
        }
    }

    /**
     * One data source of the {@code data { }} block: a CSV file, a pair of IDX files, an NPZ
     * archive or a pair of NPY files, as written in the {@code .nn} file.
     *
     * <p>Examples, with the {@code .nn} text first:
     * <pre>
     * csv("data/xor.csv", label: last)      csv("data/xor.csv", List.of(), true)
     * idx(images: "i.gz", labels: "l.gz")   idx("i.gz", "l.gz")
     * npz("ch10.npz")                       npz("ch10.npz", "data", "label")
     * npy(x: "x.npy", y: "y.npy")           npy("x.npy", "y.npy")
     * </pre>
     *
     * @param format the reader: {@code csv}, {@code idx}, {@code npz} or {@code npy}
     * @param path the file of the features (and, for CSV and NPZ, of the labels too)
     * @param labels CSV: the label column names; empty when {@code labelLast}
     * @param labelLast CSV: the last column is the label
     * @param labelFile IDX and NPY: the file of the labels; else {@code null}
     * @param xArray NPZ: the name of the features array; else {@code null}
     * @param yArray NPZ: the name of the labels array; else {@code null}
     * @param scale every feature value is divided by this as it is read (255 takes pixels
     *     0..255 to [0, 1]); 1 leaves them as they are
     * @param window windows: how the sliding windows are cut from the CSV file; else
     *     {@code null} ({@code labels} then holds the target columns)
     */
    public record DataSource(String format, String path, List<String> labels, boolean labelLast,
            String labelFile, String xArray, String yArray, double scale, Window window) {
        /** The formats a data source can have. */
        public static final List<String> FORMATS = List.of("csv", "idx", "npz", "npy",
                "windows");
        /** The array names {@code npz(...)} reads when none are given: the textbook's. */
        public static final String NPZ_X = "data";
        /** See {@link #NPZ_X}. */
        public static final String NPZ_Y = "label";

        public DataSource {
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(path, "path");
            labels = List.copyOf(labels);
            if (!(scale > 0) || Double.isInfinite(scale)) {
                throw new IllegalArgumentException("scale not a positive number: " + scale);
            }
            if (format.equals("windows") != (window != null)) {
                throw new IllegalArgumentException("a windows source needs its window, and only"
                        + " it has one: " + format);
            }
        }

        /** Every source but windows: no window. */
        public DataSource(String format, String path, List<String> labels, boolean labelLast,
                String labelFile, String xArray, String yArray, double scale) {
            this(format, path, labels, labelLast, labelFile, xArray, yArray, scale, null);
        }

        /** A CSV source, unscaled: the form of the first version, kept for its callers. */
        public DataSource(String format, String path, List<String> labels, boolean labelLast) {
            this(format, path, labels, labelLast, null, null, null, 1);
        }

        /** {@code csv(path, label: ...)}. */
        public static DataSource csv(String path, List<String> labels, boolean labelLast) {
            return new DataSource("csv", path, labels, labelLast);
        }

        /** {@code idx(images: ..., labels: ...)}. */
        public static DataSource idx(String images, String labels) {
            return new DataSource("idx", images, List.of(), false,
                    Objects.requireNonNull(labels, "labels"), null, null, 1);
        }

        /** {@code npz(path, x: ..., y: ...)}. */
        public static DataSource npz(String path, String x, String y) {
            return new DataSource("npz", path, List.of(), false, null,
                    Objects.requireNonNull(x, "x"), Objects.requireNonNull(y, "y"), 1);
        }

        /** {@code npy(x: ..., y: ...)}. */
        public static DataSource npy(String x, String y) {
            return new DataSource("npy", x, List.of(), false, Objects.requireNonNull(y, "y"),
                    null, null, 1);
        }

        /**
         * {@code windows(path, window: ..., horizon: ..., features: ..., target: ..., time: ...,
         * from: ..., to: ...)}: sliding windows over the time series of a CSV file.
         */
        public static DataSource windows(String path, Window w) {
            return new DataSource("windows", path, w.targets(), false, null, null, null, 1,
                    Objects.requireNonNull(w, "w"));
        }

        /** Returns a copy whose features are divided by {@code s} as they are read. */
        public DataSource withScale(double s) {
            return new DataSource(format, path, labels, labelLast, labelFile, xArray, yArray, s,
                    window);
        }

        /** A copy that reads every window of the file (a windows source without its split). */
        public DataSource withoutSplit() {
            return window == null ? this : new DataSource(format, path, labels, labelLast,
                    labelFile, xArray, yArray, scale, window.withoutSplit());
        }

        /** The files this source reads, as written: the path, then the label file if any. */
        public List<String> files() {
            return labelFile == null ? List.of(path) : List.of(path, labelFile);
        }

        /**
         * Returns a copy whose relative paths are resolved against {@code baseDir}, the directory
         * of the {@code .nn} file; {@code null} leaves them relative to the working directory.
         */
        public DataSource resolve(java.nio.file.Path baseDir) {
            return new DataSource(format, resolve(baseDir, path), labels, labelLast,
                    labelFile == null ? null : resolve(baseDir, labelFile), xArray, yArray, scale,
                    window);
        }

        private static String resolve(java.nio.file.Path baseDir, String p) {
            java.nio.file.Path q = java.nio.file.Path.of(p);
            if (baseDir == null || q.isAbsolute()) {
                return q.normalize().toString();
            }
            return baseDir.resolve(q).normalize().toString();
        }

        /** The source as a {@code .nn} file writes it, e.g. {@code idx(images: "a", labels: "b")}. */
        public String describe() {
            String args = switch (format) {
                case "csv" -> quote(path) + ", label: " + (labelLast ? "last"
                        : labels.size() == 1 ? quote(labels.get(0)) : labels.stream()
                        .map(DataSource::quote).collect(java.util.stream.Collectors.joining(
                                ", ", "[", "]")));
                case "idx" -> "images: " + quote(path) + ", labels: " + quote(labelFile);
                case "npz" -> quote(path) + ", x: " + quote(xArray) + ", y: " + quote(yArray);
                case "npy" -> "x: " + quote(path) + ", y: " + quote(labelFile);
                case "windows" -> quote(path) + ", " + window.describe();
                default -> quote(path);
            };
            return format + "(" + args + ")" + (scale == 1 ? "" : " scaled by 1/"
                    + ClassLabels.format(scale));
        }

        static String quote(String s) {
            return "\"" + s + "\"";
        }
    }

    /**
     * How {@code windows(...)} cuts samples from the time series of a CSV file, one row per time
     * step: each sample is {@code length} consecutive rows of the {@code features} columns (an
     * input {@code [length, features.size()]}, step-major), and its targets are the
     * {@code targets} columns of the row {@code horizon} steps after the window's last row.
     *
     * <p>Example: {@code windows("sunspots.csv", window: 12, horizon: 1, features: ["SUNACTIVITY"],
     * target: "SUNACTIVITY", time: "YEAR", to: 1920)} is {@code new Window(12, 1,
     * List.of("SUNACTIVITY"), List.of("SUNACTIVITY"), "YEAR", null, 1920.0)}: the years 1700-1711
     * predict 1712, ..., 1908-1919 predict 1920; later targets are left out.
     *
     * @param length the number of steps of a window, ≥ 1
     * @param horizon how many steps after the window's last step the target is, ≥ 0 (0: the
     *     target is read on the window's last row)
     * @param features the feature columns, in the order of the input's F axis
     * @param targets the target columns
     * @param time the column {@code from} and {@code to} compare with, or {@code null}
     * @param from keep only the windows whose target row has {@code time} ≥ this, or {@code null}
     * @param to keep only the windows whose target row has {@code time} ≤ this, or {@code null}
     */
    public record Window(int length, int horizon, List<String> features, List<String> targets,
            String time, Double from, Double to) {
        public Window {
            if (length < 1 || horizon < 0) {
                throw new IllegalArgumentException("window " + length + ", horizon " + horizon);
            }
            features = List.copyOf(features);
            targets = List.copyOf(targets);
            if (features.isEmpty() || targets.isEmpty()) {
                throw new IllegalArgumentException("no feature or no target column");
            }
            if (time == null && (from != null || to != null)) {
                throw new IllegalArgumentException("from/to without a time column");
            }
        }

        /** The same windows without {@code time}, {@code from} and {@code to}: all of them. */
        public Window withoutSplit() {
            return new Window(length, horizon, features, targets, null, null, null);
        }

        /** The arguments as a {@code .nn} file writes them. */
        public String describe() {
            StringBuilder sb = new StringBuilder("window: " + length + ", horizon: " + horizon
                    + ", features: " + list(features) + ", target: " + list(targets));
            if (time != null) {
                sb.append(", time: ").append(DataSource.quote(time));
            }
            if (from != null) {
                sb.append(", from: ").append(ClassLabels.format(from));
            }
            if (to != null) {
                sb.append(", to: ").append(ClassLabels.format(to));
            }
            return sb.toString();
        }

        private static String list(List<String> names) {
            return names.size() == 1 ? DataSource.quote(names.get(0)) : names.stream()
                    .map(DataSource::quote).collect(java.util.stream.Collectors.joining(", ",
                            "[", "]"));
        }
    }
}
