package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Dataset;

/**
 * Class weights for the cross-entropies. {@code balanced} gives class c the weight
 * n / (classes × count of c), counted on the samples it is given (the training split, after the
 * validation samples are taken), as scikit-learn's {@code class_weight="balanced"} does. The
 * class of a sample is its largest target (one-hot), or its one target rounded (0/1), as in
 * {@link ValidationSplit}.
 */
public final class ClassWeights {
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
}
