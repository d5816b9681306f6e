package dev.nnc.runtime.train;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ModelSpec;

import java.util.Arrays;

/**
 * Quality measures of outputs {@code out} against targets {@code y}, both {@code n} samples of
 * {@code k} values, sample-major.
 *
 * <p>Example: {@code out = {1, 2}}, {@code y = {1, 4}} ({@code n = 2, k = 1}): {@code mse = 2}
 * (the plain mean of squared errors, not halved like the MSE loss), {@code rmse = 1.414...},
 * {@code r2 = 1 - 4 / 4.5 = 0.111...} (the target's sum of squares about its mean is 4.5).
 *
 * <p>{@link #r2} is the textbook's "accuracy" for regression, {@code 1 - MSE / Var(y)}, pooled over
 * all {@code n * k} values. {@link #accuracy}: with one output, the output and the target fall on
 * the same side of 0.5; with binary cross-entropy over {@code k > 1} outputs, the same per value;
 * otherwise, the largest output is at the target's largest value (argmax, one-hot targets).
 * For a sequence output [T,K] ({@code k = T·K} values per sample, {@code steps = T}), each step is
 * judged so on its own K values, and a sample counts as correct only when every step is right.
 *
 * <p>The other measures, each defined here once and used by {@code nnc train}, {@code eval} and
 * the report: {@link #mae}, {@link #mape}, {@link #rocAuc}, and through the
 * {@link Accumulator} of a single-label classifier its {@link Confusion} matrix (precision, recall
 * and F1 per class, macro and weighted).
 */
public final class Metrics {
    // NOTE: probabilities are clamped to [EPS, 1 - EPS] before a log, so a confident wrong answer
    // costs about 16 rather than infinity.
    private static final double EPS = 1e-7;
    /** The most scores {@link Accumulator#keepScores()} keeps: the longest array a JVM makes. */
    static final int MAX_SCORES = Integer.MAX_VALUE - 8;

    private Metrics() {
    }

    /** Mean of the squared errors over all {@code n * k} values. */
    public static double mse(float[] out, float[] y, int n, int k) {
        return new Accumulator(ModelSpec.Loss.MSE, k).add(out, y, n).mse();
    }

    /** Square root of {@link #mse}. */
    public static double rmse(float[] out, float[] y, int n, int k) {
        return Math.sqrt(mse(out, y, n, k));
    }

    /** Coefficient of determination {@code 1 - SS_res / SS_tot}; NaN when all targets are equal. */
    public static double r2(float[] out, float[] y, int n, int k) {
        return new Accumulator(ModelSpec.Loss.MSE, k).add(out, y, n).r2();
    }

    /** Mean of the absolute errors over all {@code n * k} values. */
    public static double mae(float[] out, float[] y, int n, int k) {
        return new Accumulator(ModelSpec.Loss.MSE, k).add(out, y, n).mae();
    }

    /**
     * Mean absolute percentage error, in percent: {@code 100 · mean(|out - y| / |y|)}.
     * NOTE: a value whose target is 0 has no percentage error and is left out of the mean (the
     * other values still count); NaN when every target is 0. {@link #mae} covers those.
     */
    public static double mape(float[] out, float[] y, int n, int k) {
        return new Accumulator(ModelSpec.Loss.MSE, k).add(out, y, n).mape();
    }

    /**
     * The area under the ROC curve of scores {@code score} for samples whose class is
     * {@code positive}: the chance that a positive sample scores above a negative one, a tie
     * counting one half (the Mann–Whitney statistic, with tied scores given their mean rank).
     * NaN when only one class occurs.
     *
     * <p>Example: scores {@code 0.1, 0.4, 0.4, 0.8} of classes {@code no, yes, no, yes}: of the
     * four positive–negative pairs, (0.4, 0.1), (0.8, 0.1), (0.8, 0.4) are ordered right and
     * (0.4, 0.4) is a tie: AUC = 3.5 / 4 = 0.875.
     */
    public static double rocAuc(double[] score, boolean[] positive, int n) {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(score[a], score[b]));
        long pos = 0;
        double rankSum = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && score[idx[j + 1]] == score[idx[i]]) {
                j++;
            }
            // ranks i+1 .. j+1 share their mean
            double rank = meanRank(i, j);
            for (int q = i; q <= j; q++) {
                if (positive[idx[q]]) {
                    pos++;
                    rankSum += rank;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** The mean of the ranks {@code i + 1 .. j + 1} (in long: past 2^30 samples i + j wraps). */
    static double meanRank(int i, int j) {
        return ((long) i + j + 2) / 2.0;
    }

    /**
     * The length the score arrays of {@code length} elements grow to: twice as long, at most
     * {@link #MAX_SCORES}; past that, ROC AUC is refused with the limit.
     */
    static int grownLength(int length) {
        if (length >= MAX_SCORES) {
            throw new DataException("ROC AUC keeps the score of every sample measured, and a "
                    + "Java array holds at most " + MAX_SCORES + " of them: measure fewer "
                    + "samples at a time");
        }
        return (int) Math.min(2L * length, MAX_SCORES);
    }

    /** The steps of an output of shape {@code shape}: T for a sequence [T,K], else 1. */
    public static int steps(int[] shape) {
        return shape.length == 2 ? shape[0] : 1;
    }

    /** Fraction of correct answers, as the class comment defines it for {@code loss}. */
    public static double accuracy(float[] out, float[] y, int n, int k, ModelSpec.Loss loss) {
        return new Accumulator(loss, k).add(out, y, n).accuracy();
    }

    /**
     * The loss as the model defines it, summed over the {@code n} samples: MSE
     * {@code sum((a - y)^2) / 2}, binary cross-entropy {@code -sum(y ln a + (1 - y) ln(1 - a))},
     * cross-entropy {@code -sum(y ln a)}. Divide by {@code n} for the mean. For models that are
     * not trainable; a {@link dev.nnc.runtime.model.TrainableModel} computes its own in {@code
     * evaluate}.
     */
    public static double loss(float[] out, float[] y, int n, int k, ModelSpec.Loss loss) {
        double s = 0;
        int len = n * k;
        switch (loss) {
            case MSE -> {
                for (int i = 0; i < len; i++) {
                    double d = out[i] - y[i];
                    s += d * d;
                }
                s /= 2;
            }
            case BINARY_CROSS_ENTROPY -> {
                for (int i = 0; i < len; i++) {
                    double a = clamp(out[i]);
                    s -= y[i] * Math.log(a) + (1 - y[i]) * Math.log(1 - a);
                }
            }
            case CROSS_ENTROPY -> {
                for (int i = 0; i < len; i++) {
                    if (y[i] != 0) {
                        s -= y[i] * Math.log(clamp(out[i]));
                    }
                }
            }
            default -> throw new AssertionError(loss);
        }
        return s;
    }

    private static double clamp(double a) {
        return Math.min(1 - EPS, Math.max(EPS, a));
    }

    /** Index of the largest of {@code v[from..from+k)}, the first one on ties. */
    public static int argmax(float[] v, int from, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (v[from + j] > v[from + best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * Running sums for the metrics over data seen chunk by chunk; allocates nothing after
     * construction.
     */
    public static final class Accumulator {
        private final ModelSpec.Loss loss;
        private final int k;
        private final int steps;
        private long values;
        private long units;
        private long correct;
        private double ssRes;
        private boolean haveRef;
        private double ref;
        private double sumY;
        private double sumY2;
        private double sumAbs;
        private double sumApe;
        private long apeValues;
        private final Confusion confusion;
        private double[] scores;
        private boolean[] positives;
        private int scored;

        /** Sums for outputs of width {@code k} under {@code loss} (which decides accuracy). */
        public Accumulator(ModelSpec.Loss loss, int k) {
            this(loss, k, 1);
        }

        /**
         * Sums for outputs of {@code steps} steps of {@code k / steps} values each (a sequence
         * [T,K]: {@code steps = T}); accuracy counts a sample when all its steps are right.
         */
        public Accumulator(ModelSpec.Loss loss, int k, int steps) {
            if (steps < 1 || k % steps != 0) {
                throw new IllegalArgumentException(k + " values in " + steps + " steps");
            }
            this.loss = loss;
            this.k = k;
            this.steps = steps;
            this.confusion = steps == 1 && singleLabel(loss, k) ? new Confusion(Math.max(2, k))
                    : null;
        }

        /** One sigmoid output under binary cross-entropy, or softmax classes. */
        private static boolean singleLabel(ModelSpec.Loss loss, int k) {
            return loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && k == 1
                    || loss == ModelSpec.Loss.CROSS_ENTROPY && k > 1;
        }

        /**
         * Also keeps each sample's score of the positive class, for {@link #rocAuc()}, when the
         * classifier has two classes (one sigmoid output, or a softmax over two); the only
         * allocation of the accumulator after construction.
         */
        public Accumulator keepScores() {
            if (confusion != null && confusion.classes() == 2 && scores == null) {
                scores = new double[64];
                positives = new boolean[64];
            }
            return this;
        }

        /** Adds {@code n} samples. */
        public Accumulator add(float[] out, float[] y, int n) {
            int len = n * k;
            if (len > 0 && !haveRef) {
                // NOTE: sums of y are taken about the first target, which keeps SS_tot accurate
                // when the targets are large and close together.
                ref = y[0];
                haveRef = true;
            }
            for (int i = 0; i < len; i++) {
                double d = out[i] - y[i];
                ssRes += d * d;
                sumAbs += Math.abs(d);
                if (y[i] != 0) {
                    sumApe += Math.abs(d / y[i]);
                    apeValues++;
                }
                double t = y[i] - ref;
                sumY += t;
                sumY2 += t * t;
            }
            values += len;
            if (confusion != null) {
                count(out, y, n);
            }
            if (steps > 1) {
                int w = k / steps;
                boolean perValue = w == 1 || loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY;
                for (int s = 0; s < n; s++) {
                    boolean all = true;
                    for (int q = 0; q < steps && all; q++) {
                        int o = s * k + q * w;
                        if (perValue) {
                            for (int j = o; j < o + w; j++) {
                                all &= (out[j] >= 0.5f) == (y[j] >= 0.5f);
                            }
                        } else {
                            all = argmax(out, o, w) == argmax(y, o, w);
                        }
                    }
                    if (all) {
                        correct++;
                    }
                }
                units += n;
            } else if (k == 1 || loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY) {
                for (int i = 0; i < len; i++) {
                    if ((out[i] >= 0.5f) == (y[i] >= 0.5f)) {
                        correct++;
                    }
                }
                units += len;
            } else {
                for (int s = 0; s < n; s++) {
                    if (argmax(out, s * k, k) == argmax(y, s * k, k)) {
                        correct++;
                    }
                }
                units += n;
            }
            return this;
        }

        private void count(float[] out, float[] y, int n) {
            for (int s = 0; s < n; s++) {
                int truth;
                int predicted;
                double score;
                if (k == 1) {
                    truth = y[s] >= 0.5f ? 1 : 0;
                    predicted = out[s] >= 0.5f ? 1 : 0;
                    score = out[s];
                } else {
                    truth = argmax(y, s * k, k);
                    predicted = argmax(out, s * k, k);
                    score = k == 2 ? out[s * k + 1] : 0;
                }
                confusion.add(truth, predicted);
                if (scores != null) {
                    if (scored == scores.length) {
                        scores = Arrays.copyOf(scores, grownLength(scored));
                        positives = Arrays.copyOf(positives, grownLength(scored));
                    }
                    scores[scored] = score;
                    positives[scored] = truth == 1;
                    scored++;
                }
            }
        }

        /** The loss the outputs are judged under. */
        public ModelSpec.Loss loss() {
            return loss;
        }

        /** Mean squared error so far. */
        public double mse() {
            return values == 0 ? Double.NaN : ssRes / values;
        }

        /** Root mean squared error so far. */
        public double rmse() {
            return Math.sqrt(mse());
        }

        /** Mean absolute error so far. */
        public double mae() {
            return values == 0 ? Double.NaN : sumAbs / values;
        }

        /** Mean absolute percentage error so far, in percent (see {@link Metrics#mape}). */
        public double mape() {
            return apeValues == 0 ? Double.NaN : 100 * sumApe / apeValues;
        }

        /**
         * The confusion matrix so far, live; {@code null} unless the outputs are one sigmoid
         * under binary cross-entropy or softmax classes, one step.
         */
        public Confusion confusion() {
            return confusion;
        }

        /**
         * ROC AUC so far (see {@link Metrics#rocAuc}); NaN unless {@link #keepScores()} was
         * asked of a two-class model and both classes occurred.
         */
        public double rocAuc() {
            return scores == null ? Double.NaN : Metrics.rocAuc(scores, positives, scored);
        }

        /** R² so far; NaN when the targets do not vary. */
        public double r2() {
            double ssTot = sumY2 - sumY * sumY / values;
            return ssTot > 0 ? 1 - ssRes / ssTot : Double.NaN;
        }

        /** Accuracy so far. */
        public double accuracy() {
            return units == 0 ? Double.NaN : (double) correct / units;
        }
    }
}
