package dev.nnc.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What happens to data between a file and the model, fitted on the training data and saved with
 * the weights: feature normalization, label normalization (regression), and the class labels.
 *
 * <p>Example: a model trained on min-max features and raw labels of classes 1, 2, 3 has the
 * metadata {@code nnc.norm.features = minmax;min=0.0,0.0;range=10.0,10.0},
 * {@code nnc.norm.labels = none;cols=3} and {@code nnc.classes = 1,2,3}.
 *
 * @param features the map of input features
 * @param labels the map of regression labels; identity for classifiers
 * @param classes the class labels of a classifier trained on a class column, else {@code null}
 */
public record Preprocessing(Normalizer features, Normalizer labels, ClassLabels classes) {
    /** Metadata key of the feature normalizer. */
    public static final String FEATURES = "nnc.norm.features";
    /** Metadata key of the label normalizer. */
    public static final String LABELS = "nnc.norm.labels";
    /** Metadata key of the class labels. */
    public static final String CLASSES = "nnc.classes";

    public Preprocessing {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
    }

    /** No normalization, no class labels. */
    public static Preprocessing identity(int inputSize, int outputSize) {
        return new Preprocessing(Normalizer.identity(inputSize), Normalizer.identity(outputSize),
                null);
    }

    /** The metadata entries for a weights file. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(FEATURES, features.encode());
        m.put(LABELS, labels.encode());
        if (classes != null) {
            m.put(CLASSES, classes.toString());
        }
        return m;
    }

    /**
     * Reads {@link #toMetadata()}'s entries.
     *
     * @throws WeightsException when an entry is missing or malformed
     */
    public static Preprocessing fromMetadata(Map<String, String> meta) {
        String f = meta.get(FEATURES);
        String l = meta.get(LABELS);
        if (f == null || l == null) {
            throw new WeightsException("the weights' metadata has no " + (f == null ? FEATURES
                    : LABELS) + " entry (not saved by nnc train?)");
        }
        return parse(meta, f, l);
    }

    /**
     * Reads {@link #toMetadata()}'s entries, taking the identity for missing normalizers (files
     * written by other tools).
     */
    public static Preprocessing fromMetadata(Map<String, String> meta, Model model) {
        String f = meta.getOrDefault(FEATURES, Normalizer.identity(model.inputSize()).encode());
        String l = meta.getOrDefault(LABELS, Normalizer.identity(model.outputSize()).encode());
        Preprocessing p = parse(meta, f, l);
        if (p.features.cols() != model.inputSize() || p.labels.cols() != model.outputSize()) {
            throw new WeightsException("the weights' normalizers have " + p.features.cols()
                    + " feature and " + p.labels.cols() + " label columns, model "
                    + model.name() + " has " + model.inputSize() + " inputs and "
                    + model.outputSize() + " outputs");
        }
        return p;
    }

    private static Preprocessing parse(Map<String, String> meta, String f, String l) {
        try {
            String c = meta.get(CLASSES);
            return new Preprocessing(Normalizer.decode(f), Normalizer.decode(l),
                    c == null ? null : ClassLabels.parse(c));
        } catch (IllegalArgumentException e) {
            throw new WeightsException("bad preprocessing metadata: " + e.getMessage(), e);
        }
    }
}
