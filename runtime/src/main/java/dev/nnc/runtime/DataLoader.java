package dev.nnc.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The loader that turns a data file named in a {@code .nn} file into a {@link Dataset} of the
 * model's shape: features, labels, class labels to one-hot.
 *
 * <p>Example: with {@code csv("data/iris.csv", label: last)}, a model of 4 inputs and 3 outputs and
 * cross-entropy loss, a file with columns {@code a,b,c,d,species} where {@code species} holds 1, 2
 * or 3 loads as inputs {@code a..d} and one-hot targets; the classes {@code 1,2,3} come back in
 * {@link LoadedData#classes()} so that the test file and predictions use the same mapping.
 *
 * <p>Features are all the columns that are not labels, in file order. When the loss is
 * cross-entropy, the model has {@code k > 1} outputs and the file has one label column, that
 * column holds class labels (numbers): the classes are its sorted distinct values, and there must
 * be exactly {@code k}. A file with {@code k} label columns is taken as already one-hot.
 */
public final class DataLoader {
    private DataLoader() {
    }

    /**
     * Loads {@code file} as {@code src} describes it.
     *
     * @param classesOrNull the training classes when loading test data, or {@code null} to take
     *     the classes from this file
     * @throws DataException naming file, line and column for every problem
     */
    public static LoadedData load(Path file, ModelSpec.DataSource src, int inputSize,
            int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull) {
        checkFormat(file, src);
        CsvTable t = CsvReader.read(file);
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
        float[] x = new float[n * inputSize];
        for (int j = 0; j < inputSize; j++) {
            double[] col = t.column(featureCols.get(j));
            for (int r = 0; r < n; r++) {
                x[r * inputSize + j] = (float) col[r];
            }
        }
        float[] y = new float[n * outputSize];
        ClassLabels classes = null;
        if (loss == ModelSpec.Loss.CROSS_ENTROPY && outputSize > 1 && labelCols.size() == 1) {
            classes = oneHot(t, labelCols.get(0), outputSize, classesOrNull, y);
        } else {
            if (labelCols.size() != outputSize) {
                throw new DataException(file + " has " + count(labelCols.size(), "label column")
                        + " (" + String.join(", ", labelNames) + ") but the model has "
                        + count(outputSize, "output"));
            }
            for (int j = 0; j < outputSize; j++) {
                int c = labelCols.get(j);
                double[] col = t.column(c);
                for (int r = 0; r < n; r++) {
                    if (loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && col[r] != 0 && col[r] != 1) {
                        throw new DataException(where(t, r, c) + "label "
                                + ClassLabels.format(col[r]) + " is not 0 or 1"
                                + " (binary cross-entropy needs 0/1 labels)");
                    }
                    y[r * outputSize + j] = (float) col[r];
                }
            }
        }
        return new LoadedData(new Dataset(x, y, n, inputSize, outputSize), classes, featureNames,
                labelNames);
    }

    /**
     * Reads only the features of {@code file}, for prediction: when the file has exactly
     * {@code inputSize} columns they are all features; otherwise the label columns {@code src}
     * names are dropped first.
     *
     * @param srcOrNull how the training data names its labels, or {@code null}
     */
    public static double[][] readFeatures(Path file, ModelSpec.DataSource srcOrNull,
            int inputSize) {
        if (srcOrNull != null) {
            checkFormat(file, srcOrNull);
        }
        CsvTable t = CsvReader.read(file);
        List<Integer> cols = new ArrayList<>();
        if (t.columnCount() == inputSize || srcOrNull == null) {
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
        if (cols.size() != inputSize) {
            throw new DataException(file + " has " + count(cols.size(), "feature column") + " ("
                    + String.join(", ", names(t, cols)) + ") but the model has "
                    + count(inputSize, "input"));
        }
        double[][] rows = new double[t.rowCount()][inputSize];
        for (int j = 0; j < inputSize; j++) {
            double[] col = t.column(cols.get(j));
            for (int r = 0; r < rows.length; r++) {
                rows[r][j] = col[r];
            }
        }
        return rows;
    }

    private static void checkFormat(Path file, ModelSpec.DataSource src) {
        if (!"csv".equals(src.format())) {
            throw new DataException(file + ": unsupported data format '" + src.format()
                    + "' (known: csv)");
        }
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

    private static ClassLabels oneHot(CsvTable t, int c, int k, ClassLabels given, float[] y) {
        double[] col = t.column(c);
        int n = t.rowCount();
        ClassLabels classes = given;
        if (classes == null) {
            classes = ClassLabels.of(Arrays.copyOf(col, n));
            if (classes.size() != k) {
                throw new DataException("found " + count(classes.size(), "class") + " ("
                        + classes.display() + ") in column '" + t.names().get(c) + "' of "
                        + t.file() + " but the model has " + count(k, "output"));
            }
        } else if (classes.size() != k) {
            throw new IllegalArgumentException(classes.size() + " classes for " + k + " outputs");
        }
        for (int r = 0; r < n; r++) {
            int i = classes.index(col[r]);
            if (i < 0) {
                throw new DataException(where(t, r, c) + "class " + ClassLabels.format(col[r])
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
