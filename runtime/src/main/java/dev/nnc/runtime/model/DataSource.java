package dev.nnc.runtime.model;

import java.util.List;
import java.util.Objects;

/**
 * One data source of the {@code data { }} block, as written in the {@code .nn} file: a CSV
 * file, a pair of IDX files, an NPZ archive, a pair of NPY files or sliding windows over a CSV
 * time series. Each kind is a record of exactly the arguments it has; {@link DataLoader}
 * reads each with its own loader.
 *
 * <p>Examples, with the {@code .nn} text first:
 * <pre>
 * csv("data/xor.csv", label: last)      DataSource.csv("data/xor.csv", List.of(), true)
 * idx(images: "i.gz", labels: "l.gz")   DataSource.idx("i.gz", "l.gz")
 * npz("ch10.npz")                       DataSource.npz("ch10.npz", "data", "label")
 * npy(x: "x.npy", y: "y.npy")           DataSource.npy("x.npy", "y.npy")
 * </pre>
 */
public sealed interface DataSource {
    /** The names of the kinds of source, as a {@code .nn} file calls them. */
    List<String> FORMATS = List.of("csv", "idx", "npz", "npy", "windows");
    /** The array names {@code npz(...)} reads when none are given: the textbook's. */
    String NPZ_X = "data";
    /** See {@link #NPZ_X}. */
    String NPZ_Y = "label";

    /** The name of the kind of source as a {@code .nn} file calls it: {@code csv}, .... */
    String format();

    /** The file of the features (and, for CSV, NPZ and windows, of the labels too). */
    String path();

    /**
     * Every feature value is divided by this as it is read (255 takes pixels 0..255 to
     * [0, 1]); 1 leaves them as they are.
     */
    double scale();

    /** Returns a copy whose features are divided by {@code s} as they are read. */
    DataSource withScale(double s);

    /**
     * Returns a copy whose relative paths are resolved against {@code baseDir}, the
     * directory of the {@code .nn} file; {@code null} leaves them relative to the working
     * directory.
     */
    DataSource resolve(java.nio.file.Path baseDir);

    /** The arguments as a {@code .nn} file writes them, without the call around them. */
    String arguments();

    /**
     * What is done with each kind of source: one method per kind, so that a new kind cannot be
     * forgotten (the data package's {@code DataLoader} reads each kind with its own loader).
     */
    interface Visitor<R> {
        R csv(Csv s);

        R idx(Idx s);

        R npz(Npz s);

        R npy(Npy s);

        R windows(Windows s);
    }

    /** {@code v}'s method for this kind of source. */
    <R> R accept(Visitor<R> v);

    /** What to do with missing values; only CSV and windows sources have any. */
    default Missing missingValues() {
        return Missing.NONE;
    }

    /** The files this source reads, as written: the path, then the label file if any. */
    default List<String> files() {
        return List.of(path());
    }

    /** A copy that reads every sample of its files (a windows source without its split). */
    default DataSource withoutSplit() {
        return this;
    }

    /** The source as a {@code .nn} file writes it, e.g. {@code idx(images: "a", labels: "b")}. */
    default String describe() {
        return format() + "(" + arguments() + ")" + (scale() == 1 ? "" : " scaled by 1/"
                + ClassLabels.format(scale()));
    }

    /** {@code csv(path, label: ...)}. */
    static Csv csv(String path, List<String> labels, boolean labelLast) {
        return new Csv(path, labels, labelLast, 1);
    }

    /** {@code idx(images: ..., labels: ...)}. */
    static Idx idx(String images, String labels) {
        return new Idx(images, labels, 1);
    }

    /** {@code npz(path, x: ..., y: ...)}. */
    static Npz npz(String path, String x, String y) {
        return new Npz(path, x, y, 1);
    }

    /** {@code npy(x: ..., y: ...)}. */
    static Npy npy(String x, String y) {
        return new Npy(x, y, 1);
    }

    /**
     * {@code windows(path, window: ..., horizon: ..., features: ..., target: ..., time: ...,
     * from: ..., to: ...)}: sliding windows over the time series of a CSV file.
     */
    static Windows windows(String path, ModelSpec.Window w) {
        return new Windows(path, w, 1);
    }

    /**
     * {@code csv(path, label: ..., features: ..., ignore: ...)}: one row a sample; the label
     * columns are the targets, the feature columns the input, in the order {@code features}
     * names them, else every other column in file order.
     *
     * @param labels the label column names; empty when {@code labelLast}
     * @param labelLast the last column is the label
     * @param features the feature columns as written: names, or ranges {@code "a..d"} of the
     *     columns from {@code a} to {@code d} in file order; empty: every column that is not a
     *     label or ignored
     * @param ignore columns (names or ranges) that are neither features nor labels
     * @param missing what to do with missing values (the data block's {@code missing:})
     * @param categorical the feature columns one-hot encoded (the data block's
     *     {@code categorical:} and {@code unseen:})
     * @param symbols the text column read as a sequence of symbols (its characters), the
     *     model's only input, or {@code null}: see the data package's {@code Symbols}
     */
    record Csv(String path, List<String> labels, boolean labelLast, double scale,
            List<String> features, List<String> ignore, Missing missing,
            Categorical categorical, String symbols) implements DataSource {
        public Csv {
            Objects.requireNonNull(path, "path");
            labels = List.copyOf(labels);
            features = List.copyOf(features);
            ignore = List.copyOf(ignore);
            Objects.requireNonNull(missing, "missing");
            Objects.requireNonNull(categorical, "categorical");
            checkScale(scale);
        }

        /** Every column but the labels a feature, no missing values. */
        public Csv(String path, List<String> labels, boolean labelLast, double scale) {
            this(path, labels, labelLast, scale, List.of(), List.of(), Missing.NONE,
                    Categorical.NONE, null);
        }

        /** Without a column of symbols. */
        public Csv(String path, List<String> labels, boolean labelLast, double scale,
                List<String> features, List<String> ignore, Missing missing,
                Categorical categorical) {
            this(path, labels, labelLast, scale, features, ignore, missing, categorical, null);
        }

        /** Returns a copy that reads column {@code column} as a sequence of symbols. */
        public Csv withSymbols(String column) {
            return new Csv(path, labels, labelLast, scale, features, ignore, missing, categorical,
                    column);
        }

        @Override
        public String format() {
            return "csv";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.csv(this);
        }

        @Override
        public Csv withScale(double s) {
            return new Csv(path, labels, labelLast, s, features, ignore, missing, categorical,
                    symbols);
        }

        /** Returns a copy that takes the feature columns {@code f} and ignores {@code i}. */
        public Csv withColumns(List<String> f, List<String> i) {
            return new Csv(path, labels, labelLast, scale, f, i, missing, categorical,
                    symbols);
        }

        /** Returns a copy that treats missing values as {@code m} says. */
        public Csv withMissing(Missing m) {
            return new Csv(path, labels, labelLast, scale, features, ignore, m, categorical,
                    symbols);
        }

        /** Returns a copy that one-hot encodes the columns {@code c} names. */
        public Csv withCategorical(Categorical c) {
            return new Csv(path, labels, labelLast, scale, features, ignore, missing, c, symbols);
        }

        @Override
        public Missing missingValues() {
            return missing;
        }

        @Override
        public Csv resolve(java.nio.file.Path baseDir) {
            return new Csv(resolvePath(baseDir, path), labels, labelLast, scale, features, ignore,
                    missing, categorical, symbols);
        }

        @Override
        public String arguments() {
            return quote(path) + ", label: " + (labelLast ? "last" : quoteAll(labels))
                    + (features.isEmpty() || symbols != null ? ""
                            : ", features: " + quoteAll(features))
                    + (ignore.isEmpty() ? "" : ", ignore: " + quoteAll(ignore))
                    + (symbols == null ? "" : ", symbols: " + quote(symbols));
        }
    }

    /**
     * {@code idx(images: ..., labels: ...)}: MNIST's format, features and labels in two
     * files, plain or gzip.
     *
     * @param path the images file
     * @param labelFile the labels file
     */
    record Idx(String path, String labelFile, double scale) implements DataSource {
        public Idx {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(labelFile, "labels");
            checkScale(scale);
        }

        @Override
        public String format() {
            return "idx";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.idx(this);
        }

        @Override
        public Idx withScale(double s) {
            return new Idx(path, labelFile, s);
        }

        @Override
        public Idx resolve(java.nio.file.Path baseDir) {
            return new Idx(resolvePath(baseDir, path), resolvePath(baseDir, labelFile),
                    scale);
        }

        @Override
        public List<String> files() {
            return List.of(path, labelFile);
        }

        @Override
        public String arguments() {
            return "images: " + quote(path) + ", labels: " + quote(labelFile);
        }
    }

    /**
     * {@code npy(x: ..., y: ...)}: features and labels in two NumPy files.
     *
     * @param path the features file
     * @param labelFile the labels file
     */
    record Npy(String path, String labelFile, double scale) implements DataSource {
        public Npy {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(labelFile, "y");
            checkScale(scale);
        }

        @Override
        public String format() {
            return "npy";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.npy(this);
        }

        @Override
        public Npy withScale(double s) {
            return new Npy(path, labelFile, s);
        }

        @Override
        public Npy resolve(java.nio.file.Path baseDir) {
            return new Npy(resolvePath(baseDir, path), resolvePath(baseDir, labelFile),
                    scale);
        }

        @Override
        public List<String> files() {
            return List.of(path, labelFile);
        }

        @Override
        public String arguments() {
            return "x: " + quote(path) + ", y: " + quote(labelFile);
        }
    }

    /**
     * {@code npz(path, x: ..., y: ...)}: features and labels as two arrays of one NumPy
     * archive.
     *
     * @param xArray the name of the features array
     * @param yArray the name of the labels array
     */
    record Npz(String path, String xArray, String yArray, double scale)
            implements DataSource {
        public Npz {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(xArray, "x");
            Objects.requireNonNull(yArray, "y");
            checkScale(scale);
        }

        @Override
        public String format() {
            return "npz";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.npz(this);
        }

        @Override
        public Npz withScale(double s) {
            return new Npz(path, xArray, yArray, s);
        }

        @Override
        public Npz resolve(java.nio.file.Path baseDir) {
            return new Npz(resolvePath(baseDir, path), xArray, yArray, scale);
        }

        @Override
        public String arguments() {
            return quote(path) + ", x: " + quote(xArray) + ", y: " + quote(yArray);
        }
    }

    /**
     * {@code windows(path, ...)}: sliding windows over the time series of a CSV file, cut as
     * {@code window} says.
     *
     * @param missing what to do with missing values (the data block's {@code missing:})
     */
    record Windows(String path, ModelSpec.Window window, double scale, Missing missing)
            implements DataSource {
        public Windows {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(missing, "missing");
            checkScale(scale);
        }

        /** No missing values. */
        public Windows(String path, ModelSpec.Window window, double scale) {
            this(path, window, scale, Missing.NONE);
        }

        @Override
        public String format() {
            return "windows";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.windows(this);
        }

        /** The target columns. */
        public List<String> targets() {
            return window.targets();
        }

        @Override
        public Windows withScale(double s) {
            return new Windows(path, window, s, missing);
        }

        /** Returns a copy whose series is differenced at {@code lag} ({@link Difference}). */
        public Windows withDifference(int lag) {
            return new Windows(path, window.withDifference(lag), scale, missing);
        }

        /** Returns a copy that treats missing values as {@code m} says. */
        public Windows withMissing(Missing m) {
            return new Windows(path, window, scale, m);
        }

        @Override
        public Missing missingValues() {
            return missing;
        }

        @Override
        public Windows resolve(java.nio.file.Path baseDir) {
            return new Windows(resolvePath(baseDir, path), window, scale, missing);
        }

        @Override
        public Windows withoutSplit() {
            return new Windows(path, window.withoutSplit(), scale, missing);
        }

        @Override
        public String arguments() {
            return quote(path) + ", " + window.describe();
        }
    }

    private static void checkScale(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale not a positive number: " + scale);
        }
    }

    private static String resolvePath(java.nio.file.Path baseDir, String p) {
        java.nio.file.Path q = java.nio.file.Path.of(p);
        if (baseDir == null || q.isAbsolute()) {
            return q.normalize().toString();
        }
        return baseDir.resolve(q).normalize().toString();
    }

    static String quote(String s) {
        return "\"" + s + "\"";
    }

    static String quoteAll(List<String> names) {
        return names.size() == 1 ? quote(names.get(0)) : names.stream()
                .map(DataSource::quote).collect(java.util.stream.Collectors.joining(", ",
                        "[", "]"));
    }
}
