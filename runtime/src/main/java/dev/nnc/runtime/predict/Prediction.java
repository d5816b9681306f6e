package dev.nnc.runtime.predict;

import dev.nnc.runtime.model.ClassLabels;
import java.util.Arrays;

/**
 * A classifier's answer for one sample.
 *
 * <p>Example: a three-class model over classes 1, 2, 3 with outputs {@code {0.1, 0.7, 0.2}} gives
 * {@code Prediction[label=2.0, index=1, probabilities=[0.1, 0.7, 0.2]]}. A binary model with
 * output 0.8 gives label 1, index 1 and probabilities {@code {0.2, 0.8}}.
 *
 * @param label the class label (from the training classes, or the output index)
 * @param index the index of the class among the model's classes
 * @param probabilities the probability of each class
 */
public record Prediction(double label, int index, double[] probabilities) {
    public Prediction {
        probabilities = probabilities.clone();
    }

    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    /** The probability of the predicted class. */
    public double confidence() {
        return probabilities[index];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p && Double.compare(p.label, label) == 0
                && p.index == index && Arrays.equals(p.probabilities, probabilities);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(label) * 31 + index * 7 + Arrays.hashCode(probabilities);
    }

    @Override
    public String toString() {
        return "Prediction[label=" + ClassLabels.format(label) + ", index=" + index
                + ", probabilities=" + Arrays.toString(probabilities) + "]";
    }
}
