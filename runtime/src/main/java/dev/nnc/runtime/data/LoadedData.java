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
 * @param symbols the vocabulary of a column read as symbols ({@code csv(..., symbols: ...)}),
 *     else {@code null}
 * @param categoryCodes each sample's category of the categorical columns as read, before a
 *     missing one is filled, when {@code oneHot} was fitted on this file, else {@code null}
 */
public record LoadedData(Dataset dataset, ClassLabels classes, List<String> features,
        List<String> labels, OneHot oneHot, Symbols symbols, CategoryCodes categoryCodes) {
    public LoadedData {
        features = List.copyOf(features);
        labels = List.copyOf(labels);
    }

    /** Data without categorical columns. */
    public LoadedData(Dataset dataset, ClassLabels classes, List<String> features,
            List<String> labels) {
        this(dataset, classes, features, labels, null, null, null);
    }

    /**
     * A copy with the one-hot encoding {@code h}, whose input names replace the features, and
     * the categories it was fitted on ({@code null} when it was given).
     */
    LoadedData withOneHot(OneHot h, CategoryCodes codes) {
        return new LoadedData(dataset, classes, h.inputNames(), labels, h, symbols, codes);
    }

    /** A copy with the vocabulary {@code s}. */
    public LoadedData withSymbols(Symbols s) {
        return new LoadedData(dataset, classes, features, labels, oneHot, s, categoryCodes);
    }
}
