package dev.nnc.runtime;

import static dev.nnc.runtime.Targets.count;
import static dev.nnc.runtime.Targets.names;
import static dev.nnc.runtime.Targets.plural;
import static dev.nnc.runtime.Targets.targets;
import static dev.nnc.runtime.Targets.where;

import dev.nnc.runtime.Targets.Labels;
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
            int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull) {
        CsvTable t = CsvReader.read(file);
        try {
            return load(t, file, src, inputSize, outputSize, loss, classesOrNull);
        } catch (OutOfMemoryError e) {
            long values = (long) t.rowCount() * t.columnCount();
            t = null; // NOTE: lets the table go before the message is built
            throw CsvReader.tooLarge(file, values, e);
        }
    }

    private static LoadedData load(CsvTable t, Path file, DataSource.Csv src,
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
