package dev.nnc.runtime.data;

import dev.nnc.runtime.model.ClassLabels;
import java.util.List;

/**
 * A data file turned into a {@link Dataset}, with what the loader learned on the way.
 *
 * @param dataset the samples; targets one-hot for class labels
 * @param classes the class labels when the file's label column held classes, else {@code null}
 * @param features the names of the feature columns, in file order
 * @param labels the names of the label columns
 * @param symbols the vocabulary of a column read as symbols ({@code csv(..., symbols: ...)}),
 *     else {@code null}
 */
public record LoadedData(Dataset dataset, ClassLabels classes, List<String> features,
        List<String> labels, Symbols symbols) {
    public LoadedData {
        features = List.copyOf(features);
        labels = List.copyOf(labels);
    }

    /** Without symbols. */
    public LoadedData(Dataset dataset, ClassLabels classes, List<String> features,
            List<String> labels) {
        this(dataset, classes, features, labels, null);
    }

    /** A copy with the vocabulary {@code s}. */
    public LoadedData withSymbols(Symbols s) {
        return new LoadedData(dataset, classes, features, labels, s);
    }
}
