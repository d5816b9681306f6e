package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The loader that turns a data source named in a {@code .nn} file into a {@link Dataset} of the
 * model's shape: features, labels, class labels to one-hot.
 *
 * <p>Example: with {@code csv("data/iris.csv", label: last)}, a model of 4 inputs and 3 outputs and
 * cross-entropy loss, a file with columns {@code a,b,c,d,species} where {@code species} holds 1, 2
 * or 3 loads as inputs {@code a..d} and one-hot targets; the classes {@code 1,2,3} come back in
 * {@link LoadedData#classes()} so that the test file and predictions use the same mapping. With
 * {@code idx(images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz")} and a
 * model of input {@code [784]} or {@code [1,28,28]} and 10 softmax outputs, the 60000 images of
 * {@code [28,28]} bytes become 60000 rows of 784 features and the labels 0..9 one-hot targets.
 *
 * <p>CSV: features are all the columns that are not labels, in file order. IDX, NPY and NPZ: the
 * features array has the samples along its first dimension; the rest of its shape is flattened
 * and must hold as many values as the model's input ({@code [N,28,28]} and {@code [N,784]} both
 * fit {@code [784]} and {@code [1,28,28]}); the labels array is {@code [N]} or {@code [N,k]}.
 * Labels, from any source: when the loss is cross-entropy, the model has {@code k > 1} outputs and
 * there is one label per sample, the labels are classes: the classes are their sorted distinct
 * values, and there must be exactly {@code k}. Otherwise there must be one label per output, used
 * as it is (already one-hot, or regression targets). Features are divided by the source's
 * {@link ModelSpec.DataSource#scale() scale} as they are read.
 *
 * <p>Windows: {@code windows("sunspots.csv", window: 12, features: "SUNACTIVITY",
 * target: "SUNACTIVITY")} cuts every run of 12 consecutive rows into one sample of 12 values
 * (for an input {@code [12,1]}) whose label is the next row's value; see {@link WindowReader}.
 */
public final class DataLoader {
    private DataLoader() {
    }

    /**
     * Loads the source {@code src} whose main file is {@code file}.
     *
     * <p>A second file (the labels of {@code idx} and {@code npy}) is read from
     * {@code src.labelFile()}: as it is when absolute; when relative, against the directory
     * {@code file} was resolved from (the {@code .nn} file's), found by matching {@code file}
     * with {@code src.path()}, else against {@code file}'s directory. Callers that know the
     * directory pass {@code src.resolve(baseDir)}, which leaves nothing to find.
     *
     * @param classesOrNull the training classes when loading test data, or {@code null} to take
     *     the classes from this file
     * @throws DataException naming file, line and column (CSV) or file and sample (arrays) for
     *     every problem
     */
    public static LoadedData load(Path file, ModelSpec.DataSource src, int inputSize,
            int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull) {
        return switch (src.format()) {
            case "csv" -> loadCsv(file, src, inputSize, outputSize, loss, classesOrNull);
            case "idx" -> loadArrays(IdxReader.read(file),
                    IdxReader.read(companion(file, src)), src, inputSize, outputSize, loss,
                    classesOrNull);
            case "npy" -> loadArrays(NpyReader.read(file),
                    NpyReader.read(companion(file, src)), src, inputSize, outputSize, loss,
                    classesOrNull);
            case "npz" -> {
                try (NpzReader z = NpzReader.open(file)) {
                    NdArray x = z.read(src.xArray());
                    yield loadArrays(x, z.read(src.yArray()), src, inputSize, outputSize, loss,
                            classesOrNull);
                }
            }
            case "windows" -> loadWindows(file, src, inputSize, outputSize, loss,
                    classesOrNull);
            default -> throw unsupported(file, src);
        };
    }

    /**
     * {@code windows(...)}: sliding windows over a CSV time series (see {@link WindowReader});
     * each window is one sample of {@code window * features} values, step-major, its targets the
     * labels.
     */
    private static LoadedData loadWindows(Path file, ModelSpec.DataSource src, int inputSize,
            int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull) {
        CsvTable t = CsvReader.read(file);
        ModelSpec.Window win = src.window();
        WindowReader.Windows w = WindowReader.read(t, win, src.scale());
        if (w.width() != inputSize) {
            throw new DataException(file + ": a window of " + win.length() + " steps of "
                    + count(win.features().size(), "feature") + " holds " + w.width()
                    + " values but the model has " + count(inputSize, "input")
                    + " (a windows source feeds an input [" + win.length() + ","
                    + win.features().size() + "])");
        }
        List<Integer> targetCols = new ArrayList<>();
        for (String name : win.targets()) {
            targetCols.add(t.indexOf(name));
        }
        int k = w.targets();
        Labels l = new Labels(w.y(), k, (r, j) -> where(t, w.targetRows()[r], targetCols.get(j)),
                "column '" + (k == 1 ? win.targets().get(0) : "") + "' of " + t.file(),
                file + " has " + count(k, "target column") + " (" + String.join(", ",
                        win.targets()) + ")");
        return targets(w.x(), w.n(), inputSize, l, outputSize, loss, classesOrNull, List.of(),
                win.targets());
    }

    private static LoadedData loadCsv(Path file, ModelSpec.DataSource src, int inputSize,
            int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull) {
        CsvTable t = CsvReader.read(file);
        try {
            return loadCsv(t, file, src, inputSize, outputSize, loss, classesOrNull);
        } catch (OutOfMemoryError e) {
            long values = (long) t.rowCount() * t.columnCount();
            t = null; // NOTE: lets the table go before the message is built
            throw CsvReader.tooLarge(file, values, e);
        }
    }

    private static LoadedData loadCsv(CsvTable t, Path file, ModelSpec.DataSource src,
            int inputSize, int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull) {
        List<Integer> labelCols = labelColumns(t, src);
        List<Integer> featureCols = new ArrayList<>();
        for (int c = 0; c < t.columnCount(); c++) {
            if (!labelCols.contains(c)) {
                featureCols.add(c);
            }
        }
        List<String> featureNames = names(t, featureCols);
        List<String> labelNames = names(t, labelCols);
        if (featureCols.size() != inputSize) {
            throw new DataException(file + " has " + count(featureCols.size(), "feature column")
                    + " (" + String.join(", ", featureNames) + ") but the model has "
                    + count(inputSize, "input") + "; label " + plural(labelCols.size(), "column")
                    + ": " + String.join(", ", labelNames));
        }
        int n = t.rowCount();
        if ((long) n * inputSize > Integer.MAX_VALUE - 8) {
            throw new DataException(file + ": " + n + " rows of " + inputSize + " features are "
                    + "more values than one array holds (" + (Integer.MAX_VALUE - 8) + ")");
        }
        float[] x = new float[n * inputSize];
        for (int j = 0; j < inputSize; j++) {
            t.copyFloats(featureCols.get(j), src.scale(), x, j, inputSize);
        }
        int w = labelCols.size();
        double[] labels = new double[n * w];
        for (int j = 0; j < w; j++) {
            double[] col = t.column(labelCols.get(j));
            for (int r = 0; r < n; r++) {
                labels[r * w + j] = col[r];
            }
        }
        Labels l = new Labels(labels, w, (r, j) -> where(t, r, labelCols.get(j)),
                "column '" + (w == 1 ? labelNames.get(0) : "") + "' of " + t.file(),
                file + " has " + count(w, "label column") + " (" + String.join(", ", labelNames)
                        + ")");
        return targets(x, n, inputSize, l, outputSize, loss, classesOrNull, featureNames,
                labelNames);
    }

    /**
     * Features from {@code xa}, labels from {@code ya}; both have the samples along their first
     * dimension.
     */
    private static LoadedData loadArrays(NdArray xa, NdArray ya, ModelSpec.DataSource src,
            int inputSize, int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull) {
        NdArray.Header xh = xa.header();
        NdArray.Header yh = ya.header();
        String fit = fits(xh, yh, inputSize);
        if (fit != null) {
            throw new DataException(fit);
        }
        int n = xh.shape()[0];
        int w = (int) yh.sampleSize();
        float[] x = xa.toFloats(src.scale());
        Labels l = new Labels(ya.toDoubles(), w, (r, j) -> yh.source() + ": sample " + r
                + (w == 1 ? "" : ", label " + j) + ": ", yh.source(), yh.source() + " has "
                + count(w, "label") + " per sample (shape " + yh.shapeText() + ")");
        return targets(x, n, inputSize, l, outputSize, loss, classesOrNull, List.of(), List.of());
    }

    /**
     * Why the arrays of headers {@code x} and {@code y} do not fit a model of
     * {@code inputSize} inputs, or {@code null} when they do. The compiler asks this too, with
     * the headers alone.
     */
    public static String fits(NdArray.Header x, NdArray.Header y, int inputSize) {
        if (x.rank() < 1 || y.rank() < 1) {
            NdArray.Header h = x.rank() < 1 ? x : y;
            return h.source() + " holds a single number, not samples (shape [])";
        }
        if (x.sampleSize() != inputSize) {
            return x.source() + " has samples of shape " + sampleShape(x) + " (" + x.sampleSize()
                    + " values) but the model has " + count(inputSize, "input");
        }
        if (x.shape()[0] != y.shape()[0]) {
            return x.source() + " has " + count(x.shape()[0], "sample") + " but "
                    + y.source() + " has " + count(y.shape()[0], "label row");
        }
        return null;
    }

    /** The shape of one sample of {@code h}: its shape without the first dimension. */
    public static String sampleShape(NdArray.Header h) {
        int[] s = h.shape();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 1; i < s.length; i++) {
            sb.append(i == 1 ? "" : ",").append(s[i]);
        }
        return sb.append(']').toString();
    }

    /** What is needed to make targets from labels, whatever file they came from. */
    private interface Where {
        /** The message prefix for label {@code j} of sample {@code r}. */
        String at(int r, int j);
    }

    /**
     * Labels as read: {@code width} per sample, row-major.
     *
     * @param origin where class labels come from, for messages: "column 'y' of f.csv"
     * @param has what the source has, for messages: "f.csv has 1 label column (y)"
     */
    private record Labels(double[] values, int width, Where where, String origin, String has) {
    }

    private static LoadedData targets(float[] x, int n, int inputSize, Labels l, int outputSize,
            ModelSpec.Loss loss, ClassLabels classesOrNull, List<String> featureNames,
            List<String> labelNames) {
        float[] y = new float[n * outputSize];
        ClassLabels classes = null;
        if (loss == ModelSpec.Loss.CROSS_ENTROPY && outputSize > 1 && l.width() == 1) {
            classes = oneHot(l, n, outputSize, classesOrNull, y);
        } else {
            if (l.width() != outputSize) {
                throw new DataException(l.has() + " but the model has "
                        + count(outputSize, "output"));
            }
            double[] v = l.values();
            for (int i = 0; i < n * outputSize; i++) {
                if (loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && v[i] != 0 && v[i] != 1) {
                    throw new DataException(l.where().at(i / outputSize, i % outputSize)
                            + "label " + ClassLabels.format(v[i]) + " is not 0 or 1"
                            + " (binary cross-entropy needs 0/1 labels)");
                }
                y[i] = (float) v[i];
            }
        }
        return new LoadedData(new Dataset(x, y, n, inputSize, outputSize), classes, featureNames,
                labelNames);
    }

    /**
     * The label file of a two-file source, resolved as {@link #load} describes.
     */
    static Path companion(Path file, ModelSpec.DataSource src) {
        if (src.labelFile() == null) {
            throw new IllegalArgumentException(src.format() + " source without a label file");
        }
        Path other = Path.of(src.labelFile());
        if (other.isAbsolute()) {
            return other.normalize();
        }
        Path main = Path.of(src.path());
        Path abs = file.toAbsolutePath().normalize();
        if (!main.isAbsolute()) {
            for (Path b = abs.getParent(); b != null; b = b.getParent()) {
                if (b.resolve(main).normalize().equals(abs)) {
                    return b.resolve(other).normalize();
                }
            }
        }
        Path dir = abs.getParent();
        return dir == null ? other : dir.resolve(other).normalize();
    }

    /**
     * Reads only the features of the CSV {@code file}, for prediction: when the file has exactly
     * {@code inputSize} columns, or the training data is not a CSV file, they are all features;
     * otherwise the label columns {@code src} names are dropped first. When the model was trained
     * on {@code windows(...)} and the file has not exactly {@code inputSize} columns, it is a time
     * series like the training file: each complete window of its feature columns is one row (see
     * {@link WindowReader#featureRows}). Values are raw, as in the file: the model's
     * {@link Preprocessing} stage (the {@link dev.nnc.runtime.predict.Predictor}) scales them.
     *
     * @param srcOrNull the model's training data source, or {@code null}
     */
    public static double[][] readFeatures(Path file, ModelSpec.DataSource srcOrNull,
            int inputSize) {
        return readFeatures(file, srcOrNull, inputSize, List.of());
    }

    /**
     * Reads only the features of the CSV {@code file}, for prediction, matching columns by name
     * when the file's header names the model's features: when {@code featureNames} (the feature
     * columns of the training data, in the order the model takes them) is not empty and the
     * header holds one of them, the features are the columns of those names, in that order,
     * whatever the file's order; a feature the header lacks is then an error naming it.
     * Otherwise as {@link #readFeatures(Path, ModelSpec.DataSource, int)}.
     */
    public static double[][] readFeatures(Path file, ModelSpec.DataSource srcOrNull,
            int inputSize, List<String> featureNames) {
        boolean csv = srcOrNull != null && "csv".equals(srcOrNull.format());
        if (srcOrNull != null && !ModelSpec.DataSource.FORMATS.contains(srcOrNull.format())) {
            throw unsupported(file, srcOrNull);
        }
        CsvTable t = CsvReader.read(file);
        if (srcOrNull != null && srcOrNull.window() != null
                && t.columnCount() != inputSize) {
            // A time series, as the model was trained on: every complete window of it.
            return WindowReader.featureRows(t, srcOrNull.window(), 1);
        }
        List<Integer> cols = byName(t, featureNames, inputSize);
        if (cols == null) {
            cols = new ArrayList<>();
            if (t.columnCount() == inputSize || !csv) {
                for (int c = 0; c < t.columnCount(); c++) {
                    cols.add(c);
                }
            } else {
                List<Integer> labelCols = labelColumns(t, srcOrNull);
                for (int c = 0; c < t.columnCount(); c++) {
                    if (!labelCols.contains(c)) {
                        cols.add(c);
                    }
                }
            }
        }
        if (cols.size() != inputSize) {
            throw new DataException(file + " has " + count(cols.size(), "feature column") + " ("
                    + String.join(", ", names(t, cols)) + ") but the model has "
                    + count(inputSize, "input"));
        }
        try {
            double[][] rows = new double[t.rowCount()][inputSize];
            for (int j = 0; j < inputSize; j++) {
                double[] col = t.column(cols.get(j));
                for (int r = 0; r < rows.length; r++) {
                    rows[r][j] = col[r];
                }
            }
            return rows;
        } catch (OutOfMemoryError e) {
            long values = (long) t.rowCount() * t.columnCount();
            t = null; // NOTE: lets the table go before the message is built
            throw CsvReader.tooLarge(file, values, e);
        }
    }

    /**
     * The columns of {@code t} named {@code featureNames}, in that order, or {@code null} when
     * the names are not known or the header names none of them.
     */
    private static List<Integer> byName(CsvTable t, List<String> featureNames, int inputSize) {
        if (featureNames.size() != inputSize) {
            return null;
        }
        List<Integer> cols = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : featureNames) {
            int c = t.indexOf(name);
            if (c < 0) {
                missing.add(name);
            } else {
                cols.add(c);
            }
        }
        if (cols.isEmpty()) {
            return null;
        }
        if (!missing.isEmpty()) {
            throw new DataException(t.file() + " has no " + plural(missing.size(), "column")
                    + " '" + String.join("', '", missing) + "' (the model's features are "
                    + String.join(", ", featureNames) + "); its columns: "
                    + String.join(", ", t.names()));
        }
        return cols;
    }

    /**
     * The feature columns of the CSV training source {@code src} read from {@code file}, in the
     * order the model takes them: the header's names without the label columns. Reads the
     * header only.
     */
    public static List<String> featureNames(Path file, ModelSpec.DataSource src) {
        if (!"csv".equals(src.format())) {
            return List.of();
        }
        List<String> header = CsvReader.header(file);
        List<String> out = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            boolean label = src.labelLast() ? c == header.size() - 1
                    : src.labels().contains(header.get(c));
            if (!label) {
                out.add(header.get(c));
            }
        }
        return out;
    }

    private static DataException unsupported(Path file, ModelSpec.DataSource src) {
        return new DataException(file + ": unsupported data format '" + src.format()
                + "' (known: " + String.join(", ", ModelSpec.DataSource.FORMATS) + ")");
    }

    private static List<Integer> labelColumns(CsvTable t, ModelSpec.DataSource src) {
        List<Integer> cols = new ArrayList<>();
        if (src.labelLast()) {
            cols.add(t.columnCount() - 1);
            return cols;
        }
        if (src.labels().isEmpty()) {
            throw new DataException(t.file() + ": the data source names no label column");
        }
        for (String name : src.labels()) {
            int c = t.indexOf(name);
            if (c < 0) {
                throw new DataException("no column '" + name + "' in " + t.file() + "; columns: "
                        + String.join(", ", t.names()));
            }
            if (!cols.contains(c)) {
                cols.add(c);
            }
        }
        return cols;
    }

    private static ClassLabels oneHot(Labels l, int n, int k, ClassLabels given, float[] y) {
        double[] col = l.values();
        ClassLabels classes = given;
        if (classes == null) {
            classes = ClassLabels.of(Arrays.copyOf(col, n));
            if (classes.size() != k) {
                throw new DataException("found " + count(classes.size(), "class") + " ("
                        + classes.display() + ") in " + l.origin() + " but the model has "
                        + count(k, "output"));
            }
        } else if (classes.size() != k) {
            throw new IllegalArgumentException(classes.size() + " classes for " + k + " outputs");
        }
        for (int r = 0; r < n; r++) {
            int i = classes.index(col[r]);
            if (i < 0) {
                throw new DataException(l.where().at(r, 0) + "class " + ClassLabels.format(col[r])
                        + " is not one of the training classes (" + classes.display() + ")");
            }
            y[r * k + i] = 1f;
        }
        return classes;
    }

    private static String where(CsvTable t, int r, int c) {
        return t.file() + ":" + t.line(r) + ": column '" + t.names().get(c) + "' (" + (c + 1)
                + "): ";
    }

    private static List<String> names(CsvTable t, List<Integer> cols) {
        List<String> out = new ArrayList<>();
        for (int c : cols) {
            out.add(t.names().get(c));
        }
        return out;
    }

    static String count(int n, String noun) {
        return n + " " + plural(n, noun);
    }

    private static String plural(int n, String noun) {
        if (n == 1) {
            return noun;
        }
        return noun.endsWith("s") ? noun + "es" : noun + "s";
    }
}
