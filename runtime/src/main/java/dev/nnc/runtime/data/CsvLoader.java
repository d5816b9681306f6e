package dev.nnc.runtime.data;

import static dev.nnc.runtime.data.Targets.count;
import static dev.nnc.runtime.data.Targets.names;
import static dev.nnc.runtime.data.Targets.plural;
import static dev.nnc.runtime.data.Targets.targets;
import static dev.nnc.runtime.data.Targets.where;

import dev.nnc.runtime.data.Targets.Labels;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Missing;
import dev.nnc.runtime.model.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The loader of {@code csv(...)}: one row a sample; the label columns are the targets, every
 * other column a feature, in file order.
 */
final class CsvLoader {
    private CsvLoader() {
    }

    static LoadedData load(Path file, DataSource.Csv src, int inputSize,
            int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull,
            OneHot oneHotOrNull, Symbols symbolsOrNull) {
        CsvTable t = CsvReader.readAny(file);
        try {
            if (src.symbols() != null) {
                return symbols(t, file, src, inputSize, outputSize, loss, classesOrNull,
                        symbolsOrNull);
            }
            return load(t, file, src, inputSize, outputSize, loss, classesOrNull, oneHotOrNull);
        } catch (OutOfMemoryError e) {
            long values = (long) t.rowCount() * t.columnCount();
            t = null; // NOTE: lets the table go before the message is built
            throw CsvReader.tooLarge(file, values, e);
        }
    }

    /** Whether the labels are classes: cross-entropy, several outputs, one label column. */
    static boolean classes(ModelSpec.Loss loss, int outputSize, int labelColumns) {
        return loss == ModelSpec.Loss.CROSS_ENTROPY && outputSize > 1 && labelColumns == 1;
    }

    private static LoadedData load(CsvTable t, Path file, DataSource.Csv src,
            int inputSize, int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull,
            OneHot given) {
        List<Integer> labelCols = labelColumns(t, src);
        List<Integer> featureCols = featureColumns(t, src, labelCols);
        List<String> featureNames = names(t, featureCols);
        List<String> labelNames = names(t, labelCols);
        Missing missing = src.missing();
        List<String> categorical = src.categorical().columns();
        boolean classes = classes(loss, outputSize, labelCols.size());
        for (int c : featureCols) {
            if (!categorical.contains(t.names().get(c))) {
                t.requireNumbers(c, missing.ruleFor(t.names().get(c)) != null);
            }
        }
        if (!classes) {
            for (int c : labelCols) {
                t.requireNumbers(c, missing.any());
            }
        }
        int[] rows = keptRows(t, featureCols, labelCols, missing, classes);
        int n = rows.length;
        if (n == 0) {
            throw new DataException(file + ": every row has a missing value that 'missing: "
                    + missing.describe() + "' drops");
        }
        OneHot hot = categorical.isEmpty() ? null : given != null ? given
                : fit(t, src, featureCols);
        int width = hot == null ? featureCols.size() : hot.inputSize();
        if (width != inputSize) {
            throw new DataException(file + " has " + count(featureCols.size(), "feature column")
                    + " (" + String.join(", ", featureNames) + ")"
                    + (hot == null ? "" : ", " + count(width, "input") + " with "
                            + hot.describe())
                    + " but the model has " + count(inputSize, "input") + "; label "
                    + plural(labelCols.size(), "column") + ": " + String.join(", ", labelNames));
        }
        if ((long) n * inputSize > Integer.MAX_VALUE - 8) {
            throw new DataException(file + ": " + n + " rows of " + inputSize + " features are "
                    + "more values than one array holds (" + (Integer.MAX_VALUE - 8) + ")");
        }
        float[] x = new float[n * inputSize];
        boolean all = n == t.rowCount();
        // the categories as read, before a missing one is filled, when fitted here (for k-fold)
        int[][] codes = hot != null && given == null ? new int[featureCols.size()][] : null;
        for (int j = 0; j < featureCols.size(); j++) {
            int c = featureCols.get(j);
            int at = hot == null ? j : hot.offset(j);
            if (hot != null && hot.isCategorical(j)) {
                if (codes != null) {
                    codes[j] = new int[n];
                }
                for (int i = 0; i < n; i++) {
                    int slot;
                    String text = t.text(rows[i], c);
                    try {
                        slot = hot.slot(j, text);
                    } catch (DataException e) {
                        throw new DataException(where(t, rows[i], c) + e.getMessage(), e);
                    }
                    if (codes != null) {
                        codes[j][i] = text == null ? -1 : slot;
                    }
                    // NOTE: the one-hot input is scaled as every input is (1 / scale)
                    x[i * inputSize + at + slot] = Preprocessing.scale(1, src.scale());
                }
            } else if (all) {
                t.copyFloats(c, src.scale(), x, at, inputSize);
            } else {
                for (int i = 0; i < n; i++) {
                    x[i * inputSize + at] = Preprocessing.scale(t.value(rows[i], c), src.scale());
                }
            }
        }
        int w = labelCols.size();
        double[] labels = new double[classes ? 0 : n * w];
        String[] texts = classes ? new String[n] : null;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < w; j++) {
                if (classes) {
                    texts[i] = t.text(rows[i], labelCols.get(j));
                } else {
                    labels[i * w + j] = t.value(rows[i], labelCols.get(j));
                }
            }
        }
        Labels l = new Labels(labels, texts, w, (r, j) -> where(t, rows[r], labelCols.get(j)),
                "column '" + (w == 1 ? labelNames.get(0) : "") + "' of " + t.file(),
                file + " has " + count(w, "label column") + " (" + String.join(", ", labelNames)
                        + ")");
        LoadedData ld = targets(x, n, inputSize, l, outputSize, loss, classesOrNull,
                featureNames, labelNames);
        return hot == null ? ld : ld.withOneHot(hot, codes == null ? null
                : new CategoryCodes(hot, codes, Preprocessing.scale(1, src.scale())));
    }

    /**
     * The one-hot encoding of {@code src}'s categorical columns fitted on every row of the
     * training table {@code t} (as the checker counts them, dropped rows included): its
     * categories, and the most frequent one of a column whose {@code missing:} rule is
     * {@code mode}.
     */
    private static OneHot fit(CsvTable t, DataSource.Csv src, List<Integer> featureCols) {
        java.util.Map<String, List<String>> values = new java.util.LinkedHashMap<>();
        List<String> mode = new ArrayList<>();
        for (int c : featureCols) {
            String name = t.names().get(c);
            if (!src.categorical().columns().contains(name)) {
                continue;
            }
            List<String> v = new ArrayList<>(t.rowCount());
            for (int r = 0; r < t.rowCount(); r++) {
                v.add(t.text(r, c));
            }
            values.put(name, v);
            Missing.Rule rule = src.missing().ruleFor(name);
            if (rule != null && rule.strategy() == Missing.Strategy.MODE) {
                mode.add(name);
            }
        }
        try {
            return OneHot.fit(names(t, featureCols), values, mode, src.categorical().unseen());
        } catch (DataException e) {
            throw new DataException(t.file() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A file whose column {@code src.symbols()} is a text per row, read as the codes of its
     * symbols padded to the model's input [T] (see {@link Symbols}), with {@code vocabulary}, or
     * a vocabulary fitted on this file when it is {@code null}.
     */
    private static LoadedData symbols(CsvTable t, Path file, DataSource.Csv src, int steps,
            int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull, Symbols vocabulary) {
        int c = t.indexOf(src.symbols());
        if (c < 0) {
            throw new DataException("no column '" + src.symbols() + "' in " + t.file()
                    + "; columns: " + String.join(", ", t.names()));
        }
        List<Integer> labelCols = labelColumns(t, src);
        if (labelCols.contains(c)) {
            throw new DataException(t.file() + ": column '" + src.symbols() + "' is both the "
                    + "symbols and the label");
        }
        int n = t.rowCount();
        List<String> texts = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            String s = t.text(r, c);
            if (s == null) {
                throw new DataException(where(t, r, c) + "no text in the column of symbols");
            }
            texts.add(s);
        }
        Symbols v = vocabulary != null ? vocabulary : Symbols.fit(texts);
        float[] x = new float[n * steps];
        for (int r = 0; r < n; r++) {
            v.encode(texts.get(r), steps, x, r * steps, where(t, r, c));
        }
        boolean classes = classes(loss, outputSize, labelCols.size());
        if (!classes) {
            for (int lc : labelCols) {
                t.requireNumbers(lc, false);
            }
        }
        int w = labelCols.size();
        double[] labels = new double[classes ? 0 : n * w];
        String[] names = classes ? new String[n] : null;
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < w; j++) {
                if (classes) {
                    names[r] = t.text(r, labelCols.get(j));
                } else {
                    labels[r * w + j] = t.value(r, labelCols.get(j));
                }
            }
        }
        List<String> labelNames = names(t, labelCols);
        Labels l = new Labels(labels, names, w, (r, j) -> where(t, r, labelCols.get(j)),
                "column '" + (w == 1 ? labelNames.get(0) : "") + "' of " + t.file(),
                file + " has " + count(w, "label column") + " (" + String.join(", ", labelNames)
                        + ")");
        return targets(x, n, steps, l, outputSize, loss, classesOrNull, List.of(src.symbols()),
                labelNames).withSymbols(v);
    }

    /**
     * The data rows to keep: all, but with missing values allowed, those without a missing label
     * and without a missing value in a column that {@code missing} drops.
     */
    static int[] keptRows(CsvTable t, List<Integer> featureCols, List<Integer> labelCols,
            Missing missing, boolean classes) {
        int n = t.rowCount();
        List<Integer> check = new ArrayList<>();
        if (missing.any()) {
            check.addAll(labelCols);
            for (int c : featureCols) {
                if (missing.drops(t.names().get(c))) {
                    check.add(c);
                }
            }
        }
        check.removeIf(c -> !t.hasMissing(c));
        if (check.isEmpty()) {
            int[] all = new int[n];
            for (int r = 0; r < n; r++) {
                all[r] = r;
            }
            return all;
        }
        int[] kept = new int[n];
        int m = 0;
        for (int r = 0; r < n; r++) {
            boolean ok = true;
            for (int c : check) {
                ok &= t.text(r, c) != null;
            }
            if (ok) {
                kept[m++] = r;
            }
        }
        return java.util.Arrays.copyOf(kept, m);
    }

    /**
     * The feature columns of {@code src} in {@code t}, in the order the model takes them: the
     * columns {@code features} names (ranges expanded), else every column that is not a label
     * and not ignored, in file order.
     */
    static List<Integer> featureColumns(CsvTable t, DataSource.Csv src, List<Integer> labelCols) {
        List<Integer> ignored = Columns.select(t.names(), src.ignore(), "ignore", t.file());
        List<Integer> out = new ArrayList<>();
        if (!src.features().isEmpty()) {
            for (int c : Columns.select(t.names(), src.features(), "features", t.file())) {
                if (labelCols.contains(c)) {
                    throw new DataException(t.file() + ": column '" + t.names().get(c)
                            + "' is both a feature and the label");
                }
                if (!ignored.contains(c) && !out.contains(c)) {
                    out.add(c);
                }
            }
            return out;
        }
        for (int c = 0; c < t.columnCount(); c++) {
            if (!labelCols.contains(c) && !ignored.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * The label columns of {@code src} that {@code t} has (a file to predict on may have none):
     * the last column only when {@code t} has more columns than features named.
     */
    static List<Integer> presentLabelColumns(CsvTable t, DataSource.Csv src) {
        List<Integer> cols = new ArrayList<>();
        if (src.labelLast()) {
            cols.add(t.columnCount() - 1);
            return cols;
        }
        for (String name : src.labels()) {
            int c = t.indexOf(name);
            if (c >= 0 && !cols.contains(c)) {
                cols.add(c);
            }
        }
        return cols;
    }

    static List<Integer> labelColumns(CsvTable t, DataSource.Csv src) {
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

}
