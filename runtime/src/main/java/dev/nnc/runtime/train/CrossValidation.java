package dev.nnc.runtime.train;

import dev.nnc.runtime.data.CategoryCodes;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.LoadedData;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * k-fold cross-validation of a model on the training data its file names, as {@code nnc kfold}
 * runs it: the samples are cut into k folds; each fold in turn is held out as test data while a
 * fresh model (initialized with the run's seed) trains on the other k − 1 folds as
 * {@link Training#run} does (its preprocessing, validation split and class weights fitted on
 * those folds only); then the mean and the sample standard deviation (n − 1) of each measure over
 * the folds.
 *
 * <p>The folds: <b>stratified</b> for a classifier with one class per sample (every class is
 * spread over the folds as evenly as its count allows), <b>contiguous</b> for
 * {@code windows(...)} (fold i is the i-th stretch of the series, in time order), and
 * <b>random</b> otherwise (blocks of a shuffled order). Shuffling uses
 * {@code new Rng(seed ^ FOLD_SALT)}; the fold sizes differ by at most one.
 *
 * <p>Example: 150 iris samples, k = 5: five runs on 120 samples, each measured on the other 30
 * (10 of each class), giving e.g. accuracy 0.9667 ± 0.0236.
 */
public final class CrossValidation {
    /** Mixed into the seed for the folds, so that they differ from the validation split. */
    public static final long FOLD_SALT = 0x5EED_F01D_0000_0002L;
    private static final List<String> CLASSIFIER = List.of("loss", "accuracy",
            "precision_macro", "recall_macro", "f1_macro", "roc_auc");
    private static final List<String> REGRESSION = List.of("loss", "rmse", "r2", "mae");

    private CrossValidation() {
    }

    /** How the samples are cut into folds. */
    public enum Folds {
        STRATIFIED, CONTIGUOUS, RANDOM;

        /** The name {@code nnc kfold} prints: {@code stratified}, ... */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One fold's run.
     *
     * @param fold 1 … k
     * @param trainSamples the samples trained on (the validation split included)
     * @param testSamples the samples of the fold, measured after training
     * @param diverged whether the run diverged (its measures are those of its last weights)
     * @param measures the test measures, in the order of {@link Result#measures()}
     */
    public record Fold(int fold, int trainSamples, int testSamples, boolean diverged,
            Map<String, Double> measures) {
        public Fold {
            measures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(measures));
        }
    }

    /**
     * The folds and the mean and sample standard deviation of each measure over them.
     *
     * @param folds how the samples were cut
     * @param measures the measures, in order: {@code loss}, then for a classifier
     *     {@code accuracy} and, with one class per sample, {@code precision_macro},
     *     {@code recall_macro}, {@code f1_macro} and for two classes {@code roc_auc}; for
     *     regression {@code rmse}, {@code r2}, {@code mae} (in the labels' own units; see
     *     {@link Measures#put})
     */
    public record Result(Folds folds, List<String> measures, List<Fold> runs,
            Map<String, Double> mean, Map<String, Double> sd) {
    }

    /**
     * Runs k-fold cross-validation of {@code model} on its training data. {@code opts} gives the
     * epochs, seed, threads and listener of each run (its data and checkpoints are not used; the
     * test data the file names is not used either).
     *
     * @param note receives a line before each fold ({@code "fold 2 of 5: 120 training samples,
     *     30 test samples"})
     * @throws DataException when the file names no training data, or it has fewer samples than
     *     folds
     */
    public static Result run(TrainableModel model, Path baseDir, int k, Training.Options opts,
            Consumer<String> note) {
        if (k < 2) {
            throw new IllegalArgumentException("folds < 2: " + k);
        }
        ModelSpec spec = model.spec();
        DataSource src = spec.data().train();
        if (src == null) {
            throw new DataException("the model names no training data to cut into folds (add a "
                    + "data block with train: ...)");
        }
        opts.listener().onStatus("loading " + src.path());
        LoadedData ld = DataLoader.load(Training.resolve(baseDir, src.path()),
                src.resolve(baseDir), model.inputSize(), model.outputSize(), spec.loss(), null);
        Dataset all = ld.dataset();
        List<String> names = Preprocessing.Fill.inputNames(src, ld);
        int n = all.size();
        if (n < k) {
            throw new DataException(k + " folds need at least " + k + " samples; the training "
                    + "data " + src.path() + " has " + n);
        }
        long seed = opts.seed() != null ? opts.seed() : spec.seed();
        Folds kind = src instanceof DataSource.Windows ? Folds.CONTIGUOUS
                : singleLabel(spec.loss(), all.outputSize(), model.outputShape())
                        ? Folds.STRATIFIED : Folds.RANDOM;
        int[] foldOf = assign(all, k, kind, new Rng(seed ^ FOLD_SALT));
        List<Fold> runs = new ArrayList<>();
        List<String> measures = null;
        for (int f = 0; f < k; f++) {
            Dataset[] folds = split(ld, src, names, foldOf, f, "fold " + (f + 1) + " of " + k);
            Dataset train = folds[0];
            Dataset test = folds[1];
            note.accept("fold " + (f + 1) + " of " + k + ": " + train.size()
                    + " training samples, " + test.size() + " test samples");
            Map<String, Object> m = Training.run(model, baseDir, opts.withData(train, test)
                    .withCheckpoints(Training.Checkpoints.NONE)).metrics();
            if (measures == null) {
                measures = new ArrayList<>();
                for (String name : spec.loss().isClassification() ? CLASSIFIER : REGRESSION) {
                    if (m.get("test_" + name) instanceof Number) {
                        measures.add(name);
                    }
                }
            }
            Map<String, Double> values = new LinkedHashMap<>();
            for (String name : measures) {
                values.put(name, ((Number) m.get("test_" + name)).doubleValue());
            }
            runs.add(new Fold(f + 1, train.size(), test.size(),
                    Boolean.TRUE.equals(m.get("diverged")), values));
        }
        Map<String, Double> mean = new LinkedHashMap<>();
        Map<String, Double> sd = new LinkedHashMap<>();
        for (String name : measures) {
            double[] v = runs.stream().mapToDouble(r -> r.measures().get(name)).toArray();
            mean.put(name, mean(v));
            sd.put(name, sd(v));
        }
        return new Result(kind, measures, runs, mean, sd);
    }

    /**
     * The training folds (every sample not in fold {@code f}) and the held-out fold {@code f}
     * of {@code ld}, in their order in the file, with what is fitted to data before training
     * fitted on the training folds alone: the fill values of missing numbers, and the mode and
     * the categories of one-hot columns ({@link CategoryCodes#refit}; a category of the held-out
     * fold alone is unseen).
     */
    static Dataset[] split(LoadedData ld, DataSource src, List<String> names, int[] foldOf,
            int f, String where) {
        Dataset all = ld.dataset();
        int n = all.size();
        int[] order = new int[n];
        int nTrain = 0;
        for (int i = 0; i < n; i++) {
            if (foldOf[i] != f) {
                order[nTrain++] = i;
            }
        }
        for (int i = 0, t = nTrain; i < n; i++) {
            if (foldOf[i] == f) {
                order[t++] = i;
            }
        }
        Dataset train = all.subset(order, 0, nTrain);
        Dataset test = all.subset(order, nTrain, n);
        if (ld.categoryCodes() != null) {
            // the mode and the categories of a one-hot column too
            ld.categoryCodes().refit(order, nTrain, train, test, where);
        }
        // NOTE: missing values are filled from the training folds alone, here, as the run
        // below cannot see the columns of data given in memory.
        Preprocessing.Fill fill = Preprocessing.Fill.fit(src, train, names);
        if (fill != null) {
            fill.apply(train.x(), train.size());
            fill.apply(test.x(), test.size());
        }
        return new Dataset[] {train, test};
    }

    /** One class per sample: a softmax over k > 1 outputs, or one sigmoid output. */
    private static boolean singleLabel(ModelSpec.Loss loss, int k, int[] outShape) {
        return outShape.length == 1 && (loss == ModelSpec.Loss.CROSS_ENTROPY && k > 1
                || loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && k == 1);
    }

    /**
     * The fold (0 … k−1) of each sample. Stratified: a shuffled order sorted by class (stably),
     * dealt out in turn; contiguous: the samples in their order, cut into k stretches; random: a
     * shuffled order cut into k stretches.
     */
    static int[] assign(Dataset d, int k, Folds kind, Rng rng) {
        int n = d.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (kind != Folds.CONTIGUOUS) {
            rng.shuffle(order, n);
        }
        int[] fold = new int[n];
        if (kind == Folds.STRATIFIED) {
            int[] byClass = Arrays.stream(order).boxed()
                    .sorted((a, b) -> Integer.compare(ClassWeights.classOf(d, a),
                            ClassWeights.classOf(d, b)))
                    .mapToInt(Integer::intValue).toArray();
            for (int p = 0; p < n; p++) {
                fold[byClass[p]] = p % k;
            }
        } else {
            for (int p = 0; p < n; p++) {
                fold[order[p]] = (int) ((long) p * k / n);
            }
        }
        return fold;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** The sample standard deviation (divided by n − 1), as a spread over k runs. */
    static double sd(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
