package dev.nnc.runtime.predict;

import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained model ready for raw inputs: it applies the model's {@link Preprocessing} stage (scale,
 * feature normalization), runs the model in chunks and answers in the data's own units.
 *
 * <p>Example:
 * <pre>{@code
 * Map<String, String> meta = Weights.load(house, Path.of("house.safetensors"));
 * Predictor p = new Predictor(house, Preprocessing.fromMetadata(meta, house));
 * double[] price = p.predict(15, 93);     // regression: output in the labels' units
 * // for a classifier: new Predictor(iris, prep).classify(5.1, 3.5, 1.4, 0.2)
 * //     gives Prediction[label=1, index=0, probabilities=[0.97, 0.02, 0.01]]
 * }</pre>
 *
 * <p>A model trained on a differenced series ({@code difference: lag}, see {@link Difference})
 * takes raw windows: each row is the last {@code window + lag} steps of the series
 * ({@link #inputSize()}); the predictor differences them, runs the stage and the model, and adds
 * each forecast's base back, so that it answers on the series' own scale.
 *
 * <p>Not safe for concurrent use (neither is the model).
 */
public final class Predictor {
    private static final int CHUNK = 256;

    private final Model model;
    private final Preprocessing prep;
    private final ModelSpec.Loss loss;
    /** The windows of a differenced series, else {@code null}. */
    private final ModelSpec.Window diff;
    /** Where each output's base lies in a raw window (differenced series only). */
    private final int[] baseAt;
    private float[] xb;
    private float[] ob;
    private float[] raw;

    /** A predictor over {@code model} with the preprocessing it was trained with. */
    public Predictor(Model model, Preprocessing prep) {
        if (prep.features().cols() != model.inputSize()
                || prep.labels().cols() != model.outputSize()) {
            throw new IllegalArgumentException("preprocessing for " + prep.features().cols()
                    + " inputs and " + prep.labels().cols() + " outputs, model " + model.name()
                    + " has " + model.inputSize() + " and " + model.outputSize());
        }
        this.model = model;
        this.prep = prep;
        this.loss = model.spec().loss();
        this.diff = Difference.of(model.spec());
        this.baseAt = diff == null ? null : Difference.baseOffsets(diff);
    }

    /** The model. */
    public Model model() {
        return model;
    }

    /** The preprocessing. */
    public Preprocessing preprocessing() {
        return prep;
    }

    /**
     * The values of a raw input row: the model's input size, or for a differenced series the
     * size of a raw window ({@link Difference#rawSize}).
     */
    public int inputSize() {
        return diff == null ? model.inputSize() : Difference.rawSize(diff);
    }

    /** The shape of a raw input row (see {@link #inputSize()}). */
    public int[] inputShape() {
        return diff == null ? model.inputShape() : Difference.rawShape(model.inputShape(), diff);
    }

    /**
     * Why a missing value (NaN) at input {@code input} of a row cannot be predicted on, or
     * {@code null} when the saved preprocessing fills it: the one rule of every form that reads
     * raw rows with missing values ({@code nnc predict}'s CSV file, {@code nnc serve}'s nulls).
     * A raw window of a differenced series takes none: it is differenced as it is, and the
     * model's fill values, if any, are those of the differences. Otherwise an input takes one
     * where the stage has a fill value for it ({@code missing:} fills that column). For a model
     * with categorical columns {@code input} is the model's input the value sets.
     */
    public String missingRefusal(int input) {
        if (diff != null) {
            return "a row of model " + model.name() + " is a raw window of a differenced series,"
                    + " whose values are differenced as they are: it takes no missing value";
        }
        Preprocessing.Fill f = prep.fill();
        if (f == null || Float.isNaN(f.values()[input])) {
            return "model " + model.name() + " fills no missing value of input " + (input + 1);
        }
        return null;
    }

    /** The model's outputs for one raw input row, de-normalized for regression. */
    public double[] predict(double... row) {
        return predict(new double[][] {row})[0];
    }

    /**
     * The model's outputs for raw input rows, de-normalized for regression (for classifiers: the
     * probabilities).
     *
     * @throws IllegalArgumentException when a row's length is not the model's input size
     */
    public double[][] predict(double[][] rows) {
        return predict(rows, diff);
    }

    /**
     * For a model trained on a differenced series: the predicted differences, de-normalized,
     * of rows that are already windows of differences (as the training data holds them),
     * nothing added back; for other models as {@link #predict(double[][])}.
     */
    public double[][] predictDifferences(double[][] rows) {
        return predict(rows, null);
    }

    private double[][] predict(double[][] rows, ModelSpec.Window diff) {
        int in = model.inputSize();
        int out = model.outputSize();
        int rawIn = diff == null ? in : Difference.rawSize(diff);
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != rawIn) {
                throw new IllegalArgumentException("row " + (r + 1) + " has " + rows[r].length
                        + (rows[r].length == 1 ? " value" : " values") + ", model "
                        + model.name() + " takes " + rawIn + (diff == null ? ""
                                : " (a raw window of " + (diff.length() + diff.difference())
                                + " steps)"));
            }
        }
        int chunk = Math.max(1, Math.min(CHUNK, rows.length));
        if (xb == null || xb.length < chunk * in) {
            xb = new float[chunk * in];
            ob = new float[chunk * out];
        }
        if (diff != null && (raw == null || raw.length < chunk * rawIn)) {
            raw = new float[chunk * rawIn];
        }
        double[][] result = new double[rows.length][out];
        for (int from = 0; from < rows.length; from += chunk) {
            int n = Math.min(chunk, rows.length - from);
            if (diff == null) {
                prep.input(rows, from, n, xb);
            } else {
                differences(rows, from, n, rawIn, in, diff);
            }
            model.predict(xb, n, ob);
            prep.output(ob, n, loss);
            if (diff != null) {
                for (int r = 0; r < n; r++) {
                    Difference.invertRow(raw, r * rawIn, baseAt, ob, r * out);
                }
            }
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < out; j++) {
                    result[from + r][j] = ob[r * out + j];
                }
            }
        }
        return result;
    }

    /**
     * The input side for {@code n} raw windows {@code rows[from..]}: each as float32 into
     * {@link #raw}, differenced, then the stage from its scale on into {@link #xb}.
     */
    private void differences(double[][] rows, int from, int n, int rawIn, int in,
            ModelSpec.Window diff) {
        double[][] d = new double[n][in];
        float[] one = new float[in];
        for (int r = 0; r < n; r++) {
            double[] row = rows[from + r];
            for (int j = 0; j < rawIn; j++) {
                raw[r * rawIn + j] = (float) row[j];
            }
            Difference.window(raw, r * rawIn, diff.length(), diff.features().size(),
                    diff.difference(), one, 0);
            for (int j = 0; j < in; j++) {
                d[r][j] = one[j];
            }
        }
        prep.input(d, 0, n, xb);
    }

    /** The class of one raw input row. */
    public Prediction classify(double... row) {
        return classify(new double[][] {row}).get(0);
    }

    /**
     * The classes of raw input rows: the largest output (softmax), or output ≥ 0.5 (one sigmoid
     * output).
     *
     * @throws IllegalStateException for a regression or multi-label model
     */
    public List<Prediction> classify(double[][] rows) {
        int k = model.outputSize();
        if (!loss.isClassification()) {
            throw new IllegalStateException("model " + model.name() + " is a regression model"
                    + " (loss " + loss.id() + "); use predict");
        }
        if (loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && k > 1) {
            throw new IllegalStateException("model " + model.name() + " has " + k
                    + " independent sigmoid outputs (multi-label); use predict");
        }
        double[][] outs = predict(rows);
        List<Prediction> result = new ArrayList<>(rows.length);
        ClassLabels classes = prep.classes();
        for (double[] o : outs) {
            double[] probs;
            int index;
            if (k == 1) {
                probs = new double[] {1 - o[0], o[0]};
                index = o[0] >= 0.5 ? 1 : 0;
            } else {
                probs = o;
                index = 0;
                for (int j = 1; j < k; j++) {
                    if (o[j] > o[index]) {
                        index = j;
                    }
                }
            }
            double label = classes != null && classes.size() == probs.length
                    ? classes.label(index) : index;
            result.add(new Prediction(label, index, probs));
        }
        return result;
    }
}
