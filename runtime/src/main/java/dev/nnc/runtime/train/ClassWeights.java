package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.io.WeightsException;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.TrainableModel;
import java.util.Map;

/**
 * Class weights for the cross-entropies ({@code class_weights} of the train block, see
 * {@link ModelSpec.ClassWeighting}). {@code balanced} gives class c the weight
 * n / (classes × count of c), counted on the samples it is given (the training split, after the
 * validation samples are taken), as scikit-learn's {@code class_weight="balanced"} does. The
 * class of a sample is its largest target (one-hot), or its one target rounded (0/1), as in
 * {@link ValidationSplit}.
 *
 * <p>Example: 6 training samples of classes 0, 0, 0, 0, 1, 1 give {@code balanced} weights
 * 6/(2·4) = 0.75 and 6/(2·2) = 1.5. The weights a run used are saved with the trained weights
 * under {@link #METADATA} ({@code "0.75,1.5"}), so that {@code nnc eval} measures the loss the
 * run minimized.
 */
public final class ClassWeights {
    /** The metadata key of the class weights a run used, comma-separated. */
    public static final String METADATA = "nnc.class_weights";

    private ClassWeights() {
    }

    /** The class of sample {@code s} of {@code d}. */
    static int classOf(Dataset d, int s) {
        int k = d.outputSize();
        float[] y = d.y();
        if (k == 1) {
            return y[s] >= 0.5f ? 1 : 0;
        }
        int c = 0;
        for (int j = 1; j < k; j++) {
            c = y[s * k + j] > y[s * k + c] ? j : c;
        }
        return c;
    }

    /**
     * The balanced weights of the classes of {@code train} (two classes for one output); a class
     * with no samples gets weight 0 (it never enters the loss).
     */
    public static float[] balanced(Dataset train) {
        int k = train.outputSize();
        int classes = k == 1 ? 2 : k;
        int n = train.size();
        int[] count = new int[classes];
        for (int s = 0; s < n; s++) {
            count[classOf(train, s)]++;
        }
        float[] w = new float[classes];
        for (int c = 0; c < classes; c++) {
            w[c] = count[c] == 0 ? 0f : (float) ((double) n / ((double) classes * count[c]));
        }
        return w;
    }

    /**
     * The weights {@code spec} asks for: its explicit ones, or {@link #balanced} on
     * {@code train}; {@code null} when {@code spec} is {@code null}.
     */
    public static float[] of(ModelSpec.ClassWeighting spec, Dataset train) {
        if (spec == null) {
            return null;
        }
        if (spec.isBalanced()) {
            return balanced(train);
        }
        float[] w = new float[spec.weights().size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = spec.weights().get(c).floatValue();
        }
        return w;
    }

    /** The weights as {@link #METADATA} holds them: {@code "0.75,1.5"}. */
    public static String format(float[] w) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < w.length; c++) {
            sb.append(c > 0 ? "," : "").append(w[c]);
        }
        return sb.toString();
    }

    /**
     * Gives {@code model} the class weights saved in {@code meta} ({@link #METADATA}); without
     * them, the explicit weights of its train block, or none (a file saved by other code than
     * {@code nnc train} for a model with {@code class_weights: balanced}: its loss is then
     * unweighted, as the counts of its training split are not known).
     *
     * @throws WeightsException when the saved weights cannot be read or do not fit the model
     */
    public static void restore(TrainableModel model, Map<String, String> meta) {
        String saved = meta.get(METADATA);
        ModelSpec.ClassWeighting spec = model.spec().train().classWeights();
        if (saved == null) {
            model.setClassWeights(spec == null || spec.isBalanced() ? null : of(spec, null));
            return;
        }
        String[] parts = saved.split(",", -1);
        float[] w = new float[parts.length];
        try {
            for (int c = 0; c < w.length; c++) {
                w[c] = Float.parseFloat(parts[c].trim());
            }
            model.setClassWeights(w);
        } catch (IllegalArgumentException e) {
            throw new WeightsException("the class weights saved with the weights (" + METADATA
                    + " = " + saved + ") do not fit model " + model.name() + ": "
                    + e.getMessage());
        }
    }
}
