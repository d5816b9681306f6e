package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns labels as a source holds them into a model's targets, whatever the source: class labels
 * to one-hot rows when the loss is cross-entropy with {@code k > 1} outputs and one label per
 * sample, else one label per output as it is (0/1 checked for binary cross-entropy). Shared by
 * the loader of every kind of data source.
 */
final class Targets {
    private Targets() {
    }

    /** What is needed to make targets from labels, whatever file they came from. */
    interface Where {
        /** The message prefix for label {@code j} of sample {@code r}. */
        String at(int r, int j);
    }

    /**
     * Labels as read: {@code width} per sample, row-major; class labels of a CSV column as
     * written ({@code texts}, one per sample, {@code null} where missing; {@code values} then
     * unused), else numbers.
     *
     * @param origin where class labels come from, for messages: "column 'y' of f.csv"
     * @param has what the source has, for messages: "f.csv has 1 label column (y)"
     */
    record Labels(double[] values, String[] texts, int width, Where where, String origin,
            String has) {
        /** Numeric labels. */
        Labels(double[] values, int width, Where where, String origin, String has) {
            this(values, null, width, where, origin, has);
        }
    }

    static LoadedData targets(float[] x, int n, int inputSize, Labels l, int outputSize,
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

    private static ClassLabels oneHot(Labels l, int n, int k, ClassLabels given, float[] y) {
        if (l.texts() != null) {
            return oneHotTexts(l, n, k, given, y);
        }
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

    private static ClassLabels oneHotTexts(Labels l, int n, int k, ClassLabels given,
            float[] y) {
        String[] col = l.texts();
        for (int r = 0; r < n; r++) {
            if (col[r] == null) {
                throw new DataException(l.where().at(r, 0) + "empty value, expected a class "
                        + "label (missing: ... in the data block leaves out rows without one)");
            }
        }
        ClassLabels classes = given;
        if (classes == null) {
            classes = ClassLabels.ofNames(java.util.Arrays.asList(col));
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
                throw new DataException(l.where().at(r, 0) + "class " + col[r]
                        + " is not one of the training classes (" + classes.display() + ")");
            }
            y[r * k + i] = 1f;
        }
        return classes;
    }

    /** The message prefix of the value in row {@code r}, column {@code c} of {@code t}. */
    static String where(CsvTable t, int r, int c) {
        return t.file() + ":" + t.line(r) + ": column '" + t.names().get(c) + "' (" + (c + 1)
                + "): ";
    }

    static List<String> names(CsvTable t, List<Integer> cols) {
        List<String> out = new ArrayList<>();
        for (int c : cols) {
            out.add(t.names().get(c));
        }
        return out;
    }

    static String count(int n, String noun) {
        return n + " " + plural(n, noun);
    }

    static String plural(int n, String noun) {
        if (n == 1) {
            return noun;
        }
        return noun.endsWith("s") ? noun + "es" : noun + "s";
    }
}
