package dev.nnc.runtime.data;

import dev.nnc.runtime.model.ClassLabels;
import java.util.List;

/**
 * A data file turned into a {@link Dataset}, with what the loader learned on the way.
 *
 * @param dataset the samples; targets one-hot for class labels
 * @param classes the class labels when the file's label column held classes, else {@code null}
 * @param features the name of each input: the feature columns in the model's order, a
 *     categorical column's inputs as {@code column=category}
 * @param labels the names of the label columns
 * @param oneHot the one-hot encoding of the categorical columns (fitted on this file when it is
 *     the training file), else {@code null}
 */
public record LoadedData(Dataset dataset, ClassLabels classes, List<String> features,
        List<String> labels, OneHot oneHot) {
    public LoadedData {
        features = List.copyOf(features);
        labels = List.copyOf(labels);
    }

    /** Data without categorical columns. */
    public LoadedData(Dataset dataset, ClassLabels classes, List<String> features,
            List<String> labels) {
        this(dataset, classes, features, labels, null);
    }

    /** A copy with the one-hot encoding {@code h}, whose input names replace the features. */
    LoadedData withOneHot(OneHot h) {
        return new LoadedData(dataset, classes, h.inputNames(), labels, h);
    }
}
