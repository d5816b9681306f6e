package dev.nnc.runtime.data;

import static dev.nnc.runtime.data.Targets.count;
import static dev.nnc.runtime.data.Targets.names;
import static dev.nnc.runtime.data.Targets.plural;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Missing;
import dev.nnc.runtime.model.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

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
 * {@link DataSource#scale() scale} as they are read.
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
    public static LoadedData load(Path file, DataSource src, int inputSize,
            int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull) {
        return load(file, src, inputSize, outputSize, loss, classesOrNull, null, null);
    }

    /**
     * As {@link #load(Path, DataSource, int, int, ModelSpec.Loss, ClassLabels, OneHot, Symbols)}
     * without symbols.
     */
    public static LoadedData load(Path file, DataSource src, int inputSize,
            int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull,
            OneHot oneHotOrNull) {
        return load(file, src, inputSize, outputSize, loss, classesOrNull, oneHotOrNull, null);
    }

    /**
     * As {@link #load(Path, DataSource, int, int, ModelSpec.Loss, ClassLabels)}, the categorical
     * columns of a CSV source encoded with {@code oneHotOrNull} (the training file's, when
     * loading test data) or, when {@code null}, with an encoding fitted on this file; a CSV
     * source with a column of symbols is encoded with {@code symbolsOrNull}, the training data's
     * vocabulary when loading test data, or (when {@code null}) a vocabulary fitted on this file,
     * given back in {@link LoadedData#symbols()}.
     */
    public static LoadedData load(Path file, DataSource src, int inputSize,
            int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull,
            OneHot oneHotOrNull, Symbols symbolsOrNull) {
        return src.accept(new DataSource.Visitor<LoadedData>() {
            @Override
            public LoadedData csv(DataSource.Csv s) {
                return CsvLoader.load(file, s, inputSize, outputSize, loss, classesOrNull,
                        oneHotOrNull, symbolsOrNull);
            }

            @Override
            public LoadedData idx(DataSource.Idx s) {
                return ArrayLoader.idx(file, s, inputSize, outputSize, loss, classesOrNull);
            }

            @Override
            public LoadedData npz(DataSource.Npz s) {
                return ArrayLoader.npz(file, s, inputSize, outputSize, loss, classesOrNull);
            }

            @Override
            public LoadedData npy(DataSource.Npy s) {
                return ArrayLoader.npy(file, s, inputSize, outputSize, loss, classesOrNull);
            }

            @Override
            public LoadedData windows(DataSource.Windows s) {
                return WindowLoader.load(file, s, inputSize, outputSize, loss, classesOrNull);
            }
        });
    }

    /**
     * The series {@code t} of the windows source {@code src} ready to be cut: gaps interpolated
     * where {@code missing:} says so, the columns the windows read checked (see
     * {@link WindowLoader#prepare}).
     *
     * @throws DataException at the first value of a used column that is not a number, or is
     *     missing where no rule fills it
     */
    public static CsvTable prepareSeries(CsvTable t, DataSource.Windows src) {
        return WindowLoader.prepare(t, src);
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
    public static double[][] readFeatures(Path file, DataSource srcOrNull,
            int inputSize) {
        return readFeatures(file, srcOrNull, inputSize, List.of());
    }

    /**
     * Reads the texts of column {@code src.symbols()} of the CSV {@code file}, for prediction, as
     * raw input rows: the codes of each text's symbols under {@code vocabulary}, padded to
     * {@code steps} (see {@link Symbols}); a symbol the training data did not have is code 1.
     *
     * @throws DataException when the file lacks the column, a row has no text, or a text is
     *     longer than {@code steps}
     */
    public static double[][] readSymbols(Path file, DataSource.Csv src, Symbols vocabulary,
            int steps) {
        CsvTable t = CsvReader.readAny(file);
        int c = t.indexOf(src.symbols());
        if (c < 0) {
            throw new DataException("no column '" + src.symbols() + "' in " + file
                    + " (the model reads its texts as symbols); columns: "
                    + String.join(", ", t.names()));
        }
        double[][] rows = new double[t.rowCount()][];
        for (int r = 0; r < rows.length; r++) {
            String s = t.text(r, c);
            if (s == null) {
                throw new DataException(Targets.where(t, r, c)
                        + "no text in the column of symbols");
            }
            rows[r] = vocabulary.encode(s, steps, Targets.where(t, r, c));
        }
        return rows;
    }

    /**
     * The time each row {@link #readFeatures} reads from {@code file} forecasts (see
     * {@link WindowReader#forecastTimes}), or {@code null} when the model was not trained on a
     * series with a time column, or the file is read one window per row or lacks that column.
     */
    public static List<String> forecastTimes(Path file, DataSource srcOrNull, int inputSize) {
        if (!(srcOrNull instanceof DataSource.Windows w)) {
            return null;
        }
        CsvTable t = CsvReader.readAny(file);
        if (t.columnCount() == inputSize) {
            return null;
        }
        return WindowReader.forecastTimes(WindowLoader.prepare(t, w), w.window());
    }

    /**
     * Reads only the features of the CSV {@code file}, for prediction, matching columns by name
     * when the file's header names the model's features: when {@code featureNames} (the feature
     * columns of the training data, in the order the model takes them) is not empty and the
     * header holds one of them, the features are the columns of those names, in that order,
     * whatever the file's order; a feature the header lacks is then an error naming it.
     * Otherwise as {@link #readFeatures(Path, DataSource, int)}.
     */
    public static double[][] readFeatures(Path file, DataSource srcOrNull,
            int inputSize, List<String> featureNames) {
        return readFeatures(file, srcOrNull, inputSize, featureNames, null);
    }

    /**
     * As {@link #readFeatures(Path, DataSource, int, List)}; with {@code oneHotOrNull} (the
     * saved stage's encoding of a model with categorical columns) the file's feature columns
     * are those it names, by name when the header has them (else the file's columns but the
     * labels, in order), and each row is encoded by it into the model's raw inputs.
     */
    public static double[][] readFeatures(Path file, DataSource srcOrNull,
            int inputSize, List<String> featureNames, OneHot oneHotOrNull) {
        return readFeatures(file, srcOrNull, inputSize, featureNames, oneHotOrNull, null);
    }

    /**
     * As {@link #readFeatures(Path, DataSource, int, List, OneHot)}, for a trained model:
     * a missing value in the column of input {@code j} (one window per row, or a file of
     * feature columns) is refused for the reason {@code missingRefusal.apply(j)} gives, where
     * that is not null (the predictor's {@code missingRefusal}: the one rule of which input takes
     * a missing value). With {@code missingRefusal} null, a column takes missing values where
     * the data block's {@code missing:} rule fills them, as in training data.
     */
    public static double[][] readFeatures(Path file, DataSource srcOrNull,
            int inputSize, List<String> featureNames, OneHot oneHotOrNull,
            IntFunction<String> missingRefusal) {
        CsvTable t = CsvReader.readAny(file);
        if (oneHotOrNull != null) {
            return encodeRows(t, srcOrNull, oneHotOrNull);
        }
        if (srcOrNull instanceof DataSource.Windows w && t.columnCount() != inputSize) {
            // A time series, as the model was trained on: every complete window of it.
            return WindowReader.featureRows(WindowLoader.prepare(t, w), w.window(), 1);
        }
        List<Integer> cols = byName(t, featureNames, inputSize);
        if (cols == null) {
            cols = new ArrayList<>();
            if (t.columnCount() == inputSize
                    || !(srcOrNull instanceof DataSource.Csv csv)) {
                for (int c = 0; c < t.columnCount(); c++) {
                    cols.add(c);
                }
            } else {
                cols = CsvLoader.featureColumns(t, csv, CsvLoader.presentLabelColumns(t, csv));
            }
        }
        if (cols.size() != inputSize) {
            throw new DataException(file + " has " + count(cols.size(), "feature column") + " ("
                    + String.join(", ", names(t, cols)) + ") but the model has "
                    + count(inputSize, "input"));
        }
        Missing missing = srcOrNull == null ? Missing.NONE : srcOrNull.missingValues();
        for (int j = 0; j < inputSize; j++) {
            int c = cols.get(j);
            if (missingRefusal != null) {
                t.requireNumbers(c, missingRefusal.apply(j));
            } else {
                Missing.Rule rule = missing.ruleFor(t.names().get(c));
                t.requireNumbers(c, rule != null && rule.strategy() != Missing.Strategy.DROP);
            }
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

    /** The raw feature rows of {@code t} encoded by {@code h} (see {@link #readFeatures}). */
    private static double[][] encodeRows(CsvTable t, DataSource srcOrNull, OneHot h) {
        int k = h.columns().size();
        List<Integer> cols = byName(t, h.columns(), k);
        if (cols == null) {
            cols = t.columnCount() == k || !(srcOrNull instanceof DataSource.Csv csv)
                    ? new ArrayList<>(java.util.stream.IntStream.range(0, t.columnCount())
                            .boxed().toList())
                    : CsvLoader.featureColumns(t, csv, CsvLoader.presentLabelColumns(t, csv));
        }
        if (cols.size() != k) {
            throw new DataException(t.file() + " has " + count(cols.size(), "feature column")
                    + " (" + String.join(", ", names(t, cols)) + ") but the model takes "
                    + count(k, "column") + " (" + String.join(", ", h.columns()) + ")");
        }
        Missing missing = srcOrNull == null ? Missing.NONE : srcOrNull.missingValues();
        for (int j = 0; j < k; j++) {
            if (!h.isCategorical(j)) {
                Missing.Rule rule = missing.ruleFor(h.columns().get(j));
                t.requireNumbers(cols.get(j), rule != null
                        && rule.strategy() != Missing.Strategy.DROP);
            }
        }
        double[][] rows = new double[t.rowCount()][];
        double[] codes = new double[k];
        for (int r = 0; r < rows.length; r++) {
            for (int j = 0; j < k; j++) {
                int c = cols.get(j);
                if (h.isCategorical(j)) {
                    try {
                        codes[j] = h.slot(j, t.text(r, c));
                    } catch (DataException e) {
                        throw new DataException(Targets.where(t, r, c) + e.getMessage(), e);
                    }
                } else {
                    codes[j] = t.value(r, c);
                }
            }
            rows[r] = h.expand(codes);
        }
        return rows;
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
    public static List<String> featureNames(Path file, DataSource source) {
        if (!(source instanceof DataSource.Csv src)) {
            return List.of();
        }
        CsvTable t = CsvReader.headerTable(file);
        return names(t, CsvLoader.featureColumns(t, src, CsvLoader.labelColumns(t, src)));
    }


}
