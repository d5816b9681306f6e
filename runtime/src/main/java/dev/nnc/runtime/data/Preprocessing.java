package dev.nnc.runtime.data;

import dev.nnc.runtime.io.WeightsException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Missing;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The preprocessing stage of a trained model: everything between the raw input a user has and
 * the network's input, and between the network's output and the answer in the data's units. It
 * is defined here once, saved with the weights, and applied by every form of the model (the
 * {@link dev.nnc.runtime.predict.Predictor}, the standalone class, the ONNX graph, {@code nnc
 * serve}).
 *
 * <p>A table with categorical columns first goes through their one-hot encoding ({@link
 * OneHot}): a raw row of one value per feature column (text or number) becomes the model's raw
 * inputs, a category one input per category. The forms that take raw rows ({@code Predictor}
 * callers: {@code nnc predict}, {@code nnc serve}, Spark's {@code NncModel}) encode them; the
 * standalone class and the ONNX graph take the encoded inputs.
 *
 * <p>In order, for each input value {@code v} of column {@code c}:
 * <ol>
 *   <li>scale: {@code x = (float) ((float) v / scale)} (the {@code data { scale: 255 }} setting;
 *       1 leaves the value as it is). The raw value is a float32 first, as every form that takes
 *       float input (the standalone class, ONNX) sees it;
 *   <li>missing values: an input that is NaN (a missing value) becomes its column's fill value
 *       {@code fill[c]} (the {@code data { missing: ... }} setting, fitted on the training data;
 *       see {@link Missing}); an input with no fill value stays NaN;
 *   <li>feature normalization: {@code x' = (float) ((x - shift[c]) / range[c])}, min-max or
 *       z-score ({@link Normalizer#apply}), fitted on the training data;
 * </ol>
 * then the network, then for regression the label de-normalization {@code y = (float) (y' *
 * range[c] + shift[c])} ({@link Normalizer#invert}), and for classifiers the class labels that
 * name the outputs. The arithmetic is in double, each step rounded to float once; every form
 * repeats these operations in this order, so that it gives the same bits.
 *
 * <p>Example: a model trained on pixels 0..16 with {@code scale: 16}, min-max features and a
 * label column of classes 1, 2, 3 has the metadata {@code nnc.norm.scale = 16.0},
 * {@code nnc.norm.features = minmax;min=0.0,0.0;range=1.0,1.0},
 * {@code nnc.norm.labels = none;cols=3} and {@code nnc.classes = 1,2,3}.
 *
 * @param scale every raw input value is divided by this first (1: none)
 * @param features the map of input features
 * @param labels the map of regression labels; identity for classifiers
 * @param classes the class labels of a classifier trained on a class column, else {@code null}
 * @param fill the fill value of each input for a missing value, else {@code null} (none)
 * @param oneHot the one-hot encoding of categorical columns, before everything else, or
 *     {@code null} (none: a raw row is the model's inputs)
 */
public record Preprocessing(double scale, Normalizer features, Normalizer labels,
        ClassLabels classes, Fill fill, OneHot oneHot) {
    /** Metadata key of the input scale. */
    public static final String SCALE = "nnc.norm.scale";
    /** Metadata key of the feature normalizer. */
    public static final String FEATURES = "nnc.norm.features";
    /** Metadata key of the label normalizer. */
    public static final String LABELS = "nnc.norm.labels";
    /** Metadata key of the class labels. */
    public static final String CLASSES = "nnc.classes";
    /** Metadata key of the fill values of missing inputs. */
    public static final String FILL = "nnc.missing.fill";
    /** Metadata key of the one-hot encoding of categorical columns. */
    public static final String ONE_HOT = "nnc.onehot";

    public Preprocessing {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale not a positive number: " + scale);
        }
        if (fill != null && fill.values().length != features.cols()) {
            throw new IllegalArgumentException(fill.values().length + " fill values for "
                    + features.cols() + " inputs");
        }
        if (fill != null && fill.isEmpty()) {
            fill = null;
        }
        if (oneHot != null && oneHot.inputSize() != features.cols()) {
            throw new IllegalArgumentException("one-hot encoding to " + oneHot.inputSize()
                    + " inputs, normalizer of " + features.cols());
        }
    }

    /** A stage without one-hot encoding. */
    public Preprocessing(double scale, Normalizer features, Normalizer labels,
            ClassLabels classes, Fill fill) {
        this(scale, features, labels, classes, fill, null);
    }

    /** A stage without fill values. */
    public Preprocessing(double scale, Normalizer features, Normalizer labels,
            ClassLabels classes) {
        this(scale, features, labels, classes, null);
    }

    /**
     * The fill value of each input for a missing value (NaN), NaN where an input has none.
     *
     * @param values one per input; not copied
     */
    public record Fill(float[] values) {
        public Fill {
            Objects.requireNonNull(values, "values");
        }

        /**
         * The column of each input of {@code src} as loaded: a CSV file's feature columns, a
         * window's features repeated step by step; empty for other sources.
         */
        public static List<String> inputNames(DataSource src, LoadedData ld) {
            if (src instanceof DataSource.Windows w) {
                List<String> out = new java.util.ArrayList<>();
                for (int s = 0; s < w.window().length(); s++) {
                    out.addAll(w.window().features());
                }
                return out;
            }
            return ld.features();
        }

        /**
         * The fill values of the missing inputs of {@code src}'s training data {@code all}, fitted
         * on it as its {@code missing:} rules say, or {@code null} when nothing is filled.
         */
        public static Fill fit(DataSource src, Dataset all, List<String> names) {
            return fit(src, all, names, null);
        }

        /**
         * As {@link #fit(DataSource, Dataset, List)}; the inputs of {@code oneHotOrNull}'s
         * categorical columns get no fill value (their missing values are filled by the
         * encoding, before).
         */
        public static Fill fit(DataSource src, Dataset all, List<String> names,
                OneHot oneHotOrNull) {
            if (src == null || !src.missingValues().any() || names.size() != all.inputSize()) {
                return null;
            }
            Fill f = new Fill(src.missingValues().fit(all.x(), all.size(), names));
            if (oneHotOrNull != null) {
                for (int j = 0; j < oneHotOrNull.columns().size(); j++) {
                    if (oneHotOrNull.isCategorical(j)) {
                        java.util.Arrays.fill(f.values, oneHotOrNull.offset(j),
                                oneHotOrNull.offset(j) + oneHotOrNull.slots(j), Float.NaN);
                    }
                }
            }
            return f.isEmpty() ? null : f;
        }

        /** Whether no input has a fill value. */
        public boolean isEmpty() {
            for (float v : values) {
                if (!Float.isNaN(v)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The one definition of the step: every NaN of the {@code n} rows of {@code x} whose
         * input has a fill value takes it.
         */
        public void apply(float[] x, int n) {
            int w = values.length;
            for (int i = 0; i < n * w; i++) {
                if (Float.isNaN(x[i])) {
                    x[i] = values[i % w];
                }
            }
        }

        /** The values as {@code "1.5,nan,3"}: exact (shortest float decimals). */
        public String encode() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                sb.append(i == 0 ? "" : ",").append(Float.isNaN(values[i]) ? "nan"
                        : Float.toString(values[i]));
            }
            return sb.toString();
        }

        /** Reads {@link #encode()}'s form for {@code cols} inputs (-1: any number). */
        public static Fill decode(String text, int cols) {
            String[] parts = text.split(",", -1);
            if (cols >= 0 && parts.length != cols) {
                throw new IllegalArgumentException(FILL + " holds " + parts.length
                        + " values, not " + cols);
            }
            float[] v = new float[parts.length];
            for (int i = 0; i < v.length; i++) {
                String p = parts[i].strip();
                try {
                    v[i] = p.equals("nan") ? Float.NaN : Float.parseFloat(p);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad fill value '" + p + "'");
                }
                if (Float.isInfinite(v[i]) || Float.isNaN(v[i]) && !p.equals("nan")) {
                    throw new IllegalArgumentException("bad fill value '" + p + "'");
                }
            }
            return new Fill(v);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Fill f && java.util.Arrays.equals(f.values, values);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return encode();
        }
    }

    /** A stage without input scale. */
    public Preprocessing(Normalizer features, Normalizer labels, ClassLabels classes) {
        this(1, features, labels, classes, null);
    }

    /** A copy that fills missing inputs as {@code f} says ({@code null}: not at all). */
    public Preprocessing withFill(Fill f) {
        return new Preprocessing(scale, features, labels, classes, f, oneHot);
    }

    /** A copy that one-hot encodes raw rows as {@code h} says ({@code null}: not at all). */
    public Preprocessing withOneHot(OneHot h) {
        return new Preprocessing(scale, features, labels, classes, fill, h);
    }

    /**
     * The input side of the stage after the scale, on {@code n} scaled rows of {@code x} in
     * place: missing values filled, then the features normalized.
     */
    public void features(float[] x, int n) {
        if (fill != null) {
            fill.apply(x, n);
        }
        features.apply(x, n);
    }

    /** No scale, no normalization, no class labels. */
    public static Preprocessing identity(int inputSize, int outputSize) {
        return new Preprocessing(Normalizer.identity(inputSize), Normalizer.identity(outputSize),
                null);
    }

    /**
     * The scale step on one raw value: {@code (float) ((float) v / scale)}, the value rounded to
     * float32 (the input type of every form), divided in double, rounded to float once. The one
     * definition of it: the data loaders call it while reading training data, and every form
     * repeats it. NOTE: with scale 1 it is the plain float32 of {@code v}.
     */
    public static float scale(double v, double scale) {
        return (float) ((float) v / scale);
    }

    /**
     * The input side of the stage on {@code n} raw rows, {@code rows[from..from+n)}: scaled and
     * normalized into {@code dst}, row after row.
     */
    public void input(double[][] rows, int from, int n, float[] dst) {
        int cols = features.cols();
        for (int r = 0; r < n; r++) {
            double[] row = rows[from + r];
            for (int j = 0; j < cols; j++) {
                dst[r * cols + j] = scale(row[j], scale);
            }
        }
        features(dst, n);
    }

    /**
     * The output side of the stage on {@code n} rows of network outputs in place: de-normalized
     * into the labels' units for a regression loss, untouched otherwise.
     */
    public void output(float[] out, int n, ModelSpec.Loss loss) {
        if (loss == ModelSpec.Loss.MSE) {
            labels.invert(out, n);
        }
    }

    /** True when the output side changes the network's outputs under {@code loss}. */
    public boolean denormalizes(ModelSpec.Loss loss) {
        return loss == ModelSpec.Loss.MSE && !labels.isIdentity();
    }

    /** True when the stage does nothing to inputs and outputs under {@code loss}. */
    public boolean isIdentity(ModelSpec.Loss loss) {
        return scale == 1 && fill == null && features.isIdentity() && !denormalizes(loss);
    }

    /**
     * The stage as one line, e.g. {@code x / 16, then min-max (x − min) / range over 64 columns;
     * classes 0, 1, 2}, or {@code none}.
     */
    public String describe(ModelSpec.Loss loss) {
        String s = describe(scale, features.kind(), denormalizes(loss) ? labels.kind()
                : ModelSpec.Normalization.NONE, features.cols(), labels.cols());
        if (fill != null) {
            int k = 0;
            for (float v : fill.values()) {
                k += Float.isNaN(v) ? 0 : 1;
            }
            s = (s.equals("none") ? "" : s + "; ") + "missing values filled in " + k
                    + (k == 1 ? " input" : " inputs") + " (before normalization)";
        }
        if (oneHot != null) {
            s = oneHot.describe() + (s.equals("none") ? "" : "; " + s);
        }
        if (classes != null && loss.isClassification()) {
            s = (s.equals("none") ? "" : s + "; ") + "classes " + classes.display();
        }
        return s;
    }

    /**
     * The stage a model's {@code .nn} file asks for, as one line (see {@link #describe(
     * ModelSpec.Loss)}), before any training has fitted it.
     */
    public static String describe(ModelSpec spec, int inputSize, int outputSize) {
        DataSource src = spec.data().train();
        String s = describe(src == null ? 1 : src.scale(), spec.data().features(),
                spec.loss() == ModelSpec.Loss.MSE ? spec.data().labels()
                        : ModelSpec.Normalization.NONE, inputSize, outputSize);
        if (src != null && src.missingValues().any()) {
            s = (s.equals("none") ? "" : s + "; ") + "missing: " + src.missingValues().describe();
        }
        if (src instanceof DataSource.Csv c && c.categorical().any()) {
            s = "categorical: " + c.categorical().describe() + (s.equals("none") ? "" : "; " + s);
        }
        return s;
    }

    private static String describe(double scale, ModelSpec.Normalization f,
            ModelSpec.Normalization l, int in, int out) {
        StringBuilder sb = new StringBuilder();
        if (scale != 1) {
            sb.append("x / ").append(ClassLabels.format(scale));
        }
        if (f != ModelSpec.Normalization.NONE) {
            sb.append(sb.length() > 0 ? ", then " : "").append(kindText(f, false))
                    .append(" over ").append(in).append(in == 1 ? " column" : " columns");
        }
        if (l != ModelSpec.Normalization.NONE) {
            sb.append(sb.length() > 0 ? "; " : "").append("outputs ").append(kindText(l, true))
                    .append(" over ").append(out).append(out == 1 ? " column" : " columns");
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    private static String kindText(ModelSpec.Normalization k, boolean invert) {
        return switch (k) {
            case MINMAX -> invert ? "de-normalized y · range + min" : "min-max (x − min) / range";
            case ZSCORE -> invert ? "de-normalized y · std + mean" : "z-score (x − mean) / std";
            case NONE -> "none";
        };
    }

    /** The metadata entries for a weights file. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SCALE, Double.toString(scale));
        m.put(FEATURES, features.encode());
        m.put(LABELS, labels.encode());
        if (classes != null) {
            m.put(CLASSES, classes.toString());
        }
        if (fill != null) {
            m.put(FILL, fill.encode());
        }
        if (oneHot != null) {
            m.put(ONE_HOT, oneHot.encode());
        }
        return m;
    }

    /**
     * Reads {@link #toMetadata()}'s entries; a missing scale is 1 (files written before the scale
     * was saved).
     *
     * @throws WeightsException when a normalizer is missing or an entry is malformed
     */
    public static Preprocessing fromMetadata(Map<String, String> meta) {
        String f = meta.get(FEATURES);
        String l = meta.get(LABELS);
        if (f == null || l == null) {
            throw new WeightsException("the weights' metadata has no " + (f == null ? FEATURES
                    : LABELS) + " entry (not saved by nnc train?)");
        }
        return parse(meta, meta.getOrDefault(SCALE, "1"), f, l, -1, -1);
    }

    /**
     * Reads {@link #toMetadata()}'s entries for {@code model}, checking them against it before
     * anything is allocated. An entry may be missing only where the model's {@code .nn} file says
     * the step does nothing (files written by other tools, or before the step was saved): no
     * scale when the data is not scaled, no normalizer when the data is not normalized.
     *
     * @throws WeightsException when an entry the model needs is missing, or an entry is
     *     malformed, holds a non-finite number or does not fit the model's sizes
     */
    public static Preprocessing fromMetadata(Map<String, String> meta, Model model) {
        ModelSpec spec = model.spec();
        DataSource src = spec.data().train();
        double specScale = src == null ? 1 : src.scale();
        String s = meta.get(SCALE);
        if (s == null) {
            if (specScale != 1) {
                throw new WeightsException("the weights' metadata has no " + SCALE + " entry, but"
                        + " model " + model.name() + " scales its input (scale: "
                        + ClassLabels.format(specScale) + "); the file was written before the"
                        + " scale was saved with the weights: train the model again");
            }
            s = "1";
        }
        String f = needed(meta, FEATURES, spec.data().features(), model, "features",
                model.inputSize());
        String l = needed(meta, LABELS, spec.loss() == ModelSpec.Loss.MSE
                ? spec.data().labels() : ModelSpec.Normalization.NONE, model, "labels",
                model.outputSize());
        if (src instanceof DataSource.Csv csv && csv.categorical().any()
                && !meta.containsKey(ONE_HOT)) {
            throw new WeightsException("the weights' metadata has no " + ONE_HOT + " entry, but"
                    + " model " + model.name() + " one-hot encodes the columns "
                    + String.join(", ", csv.categorical().columns()) + "; without it the"
                    + " categories cannot be told apart: train the model again");
        }
        return parse(meta, s, f, l, model.inputSize(), model.outputSize());
    }

    private static String needed(Map<String, String> meta, String key,
            ModelSpec.Normalization kind, Model model, String what, int cols) {
        String v = meta.get(key);
        if (v != null) {
            return v;
        }
        if (kind != ModelSpec.Normalization.NONE) {
            throw new WeightsException("the weights' metadata has no " + key + " entry, but"
                    + " model " + model.name() + " normalizes its " + what + " ("
                    + kind.name().toLowerCase(Locale.ROOT) + "); without it the model would see"
                    + " unnormalized data: train the model again, or add the entry");
        }
        return Normalizer.identity(cols).encode();
    }

    private static Preprocessing parse(Map<String, String> meta, String s, String f, String l,
            int inputs, int outputs) {
        try {
            double scale;
            try {
                scale = Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad scale '" + s + "'");
            }
            if (!(scale > 0) || Double.isInfinite(scale)) {
                throw new IllegalArgumentException(SCALE + " is " + s
                        + ", not a positive finite number");
            }
            String c = meta.get(CLASSES);
            Normalizer fx = decode(FEATURES, f, inputs, "inputs");
            String fill = meta.get(FILL);
            String hot = meta.get(ONE_HOT);
            return new Preprocessing(scale, fx, decode(LABELS, l, outputs, "outputs"),
                    c == null ? null : ClassLabels.parse(c),
                    fill == null ? null : Fill.decode(fill, fx.cols()),
                    hot == null ? null : OneHot.decode(hot));
        } catch (IllegalArgumentException e) {
            throw new WeightsException("bad preprocessing metadata: " + e.getMessage(), e);
        }
    }

    private static Normalizer decode(String key, String text, int cols, String what) {
        try {
            return Normalizer.decode(text, cols);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage()
                    + (cols >= 0 ? " (the model has " + cols + " " + what + ")" : ""), e);
        }
    }
}
