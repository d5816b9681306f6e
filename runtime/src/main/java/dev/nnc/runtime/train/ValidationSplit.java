package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Dataset;

/** How the validation samples are drawn from the training data: {@code split: stratified}. */
final class ValidationSplit {
    private ValidationSplit() {
    }

    /** The indices 0, 1, …, n − 1. */
    static int[] identity(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }

    /**
     * The shuffled sample order {@code idx} rearranged so that its first {@code nVal} samples
     * hold each class in its share of {@code d} (largest remainders get the samples left over
     * by rounding down), each class's samples in their shuffled order; the rest follow in
     * their shuffled order. The class of a sample is its largest target (one-hot), or its one
     * target rounded (0/1).
     */
    static int[] stratified(int[] idx, Dataset d, int nVal) {
        int k = d.outputSize();
        int n = idx.length;
        int[] cls = new int[n];
        int classes = k == 1 ? 2 : k;
        int[] count = new int[classes];
        for (int s = 0; s < n; s++) {
            int c = ClassWeights.classOf(d, s);
            cls[s] = c;
            count[c]++;
        }
        int[] take = new int[classes];
        double[] rest = new double[classes];
        int taken = 0;
        for (int c = 0; c < classes; c++) {
            double share = (double) nVal * count[c] / n;
            take[c] = (int) Math.floor(share);
            rest[c] = share - take[c];
            taken += take[c];
        }
        while (taken < nVal) {
            int best = -1;
            for (int c = 0; c < classes; c++) {
                if (take[c] < count[c] && (best < 0 || rest[c] > rest[best])) {
                    best = c;
                }
            }
            take[best]++;
            rest[best] = -1;
            taken++;
        }
        int[] out = new int[n];
        int v = 0;
        int t = nVal;
        int[] used = new int[classes];
        for (int s : idx) {
            int c = cls[s];
            if (used[c] < take[c]) {
                used[c]++;
                out[v++] = s;
            } else {
                out[t++] = s;
            }
        }
        return out;
    }
}
