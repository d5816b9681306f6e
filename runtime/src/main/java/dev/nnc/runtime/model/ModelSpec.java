package dev.nnc.runtime.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings a {@code .nn} file gives for training a model: loss, optimizer, seed, the
 * {@code train { }} block and the {@code data { }} block. Generated classes build one as constants.
 *
 * <p>Example: {@code loss mse; optimizer sgd(lr: 0.3); train { epochs: 100, batch: 10 }} becomes
 * {@code new ModelSpec(Loss.MSE, new OptimizerSpec("sgd", Map.of("lr", 0.3)), 1, new TrainSpec(100,
 * 10, true, null, 0, 0), data)}.
 */
public record ModelSpec(Loss loss, OptimizerSpec optimizer, long seed, TrainSpec train,
        DataSpec data, EnsembleSpec ensemble) {

    public ModelSpec {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(data, "data");
    }

    /** The settings of a single network (no {@code ensemble { }} block). */
    public ModelSpec(Loss loss, OptimizerSpec optimizer, long seed, TrainSpec train,
            DataSpec data) {
        this(loss, optimizer, seed, train, data, null);
    }

    /** Returns a copy with other training settings. */
    public ModelSpec withTrain(TrainSpec t) {
        return new ModelSpec(loss, optimizer, seed, t, data, ensemble);
    }

    /** Returns a copy with another seed. */
    public ModelSpec withSeed(long s) {
        return new ModelSpec(loss, optimizer, s, train, data, ensemble);
    }

    /** Returns a copy with another optimizer. */
    public ModelSpec withOptimizer(OptimizerSpec o) {
        return new ModelSpec(loss, o, seed, train, data, ensemble);
    }

    /**
     * The {@code ensemble { }} block: {@code members} copies of the network, each trained with its
     * own seed (derived from the model's seed and its index) on the whole training part
     * ({@link Vary#SEEDS}) or on a bootstrap sample of it ({@link Vary#BOOTSTRAP}), answering
     * together by {@code vote} (see {@link Ensemble}).
     */
    public record EnsembleSpec(int members, Vary vary, Vote vote) {
        public EnsembleSpec {
            if (members < 2) {
                throw new IllegalArgumentException("members < 2: " + members);
            }
            Objects.requireNonNull(vary, "vary");
            Objects.requireNonNull(vote, "vote");
        }
    }

    /** How the members of an ensemble differ. */
    public enum Vary {
        /** Each member its own seed (initialization, shuffling), all on the same data. */
        SEEDS("seeds"),
        /** Each member its own seed and its own bootstrap sample of the training part. */
        BOOTSTRAP("bootstrap");

        private final String id;

        Vary(String id) {
            this.id = id;
        }

        /** The word the {@code .nn} file writes. */
        public String id() {
            return id;
        }
    }

    /** How the members of an ensemble answer together (see {@link Ensemble#vote}). */
    public enum Vote {
        /** Each member votes for its class; the output is each class's share of the votes. */
        PLURALITY("plurality"),
        /** The mean of the members' outputs (probabilities, or values for regression). */
        MEAN("mean");

        private final String id;

        Vote(String id) {
            this.id = id;
        }

        /** The word the {@code .nn} file writes. */
        public String id() {
            return id;
        }
    }

    /** The loss functions and the kind of task each one implies. */
    public enum Loss {
        /** Mean squared error as the textbook writes it: sum((a - y)^2) / (2m). Regression. */
        MSE("mse"),
        /** Binary cross-entropy on sigmoid outputs: -mean(y ln a + (1 - y) ln(1 - a)). */
        BINARY_CROSS_ENTROPY("binary_cross_entropy"),
        /** Categorical cross-entropy on softmax outputs: -mean(sum(y ln a)). */
        CROSS_ENTROPY("cross_entropy");

        private final String id;

        Loss(String id) {
            this.id = id;
        }

        /** The name used in {@code .nn} files and metrics. */
        public String id() {
            return id;
        }

        /** True for the classification losses. */
        public boolean isClassification() {
            return this != MSE;
        }
    }

    /** An optimizer by name with its numeric arguments, e.g. {@code sgd} with {@code lr = 0.1}. */
    public record OptimizerSpec(String name, Map<String, Double> args) {
        public OptimizerSpec {
            Objects.requireNonNull(name, "name");
            args = Map.copyOf(args);
        }

        /** The argument's value, or {@code fallback} when the file does not set it. */
        public double arg(String key, double fallback) {
            Double v = args.get(key);
            return v == null ? fallback : v;
        }
    }

    /**
     * The {@code train { }} block.
     *
     * @param epochs maximum number of epochs
     * @param batch mini-batch size; 0 means the whole training set (full batch)
     * @param shuffle reshuffle the training samples at every epoch
     * @param stop stop condition checked after every epoch, or {@code null}
     * @param validation fraction of the (shuffled) training data held out for validation, 0 for
     *     none
     * @param logEvery print a progress line every this many epochs (0: choose automatically)
     * @param schedule learning-rate schedule, or {@code null} for a constant rate
     * @param clipNorm rescale the gradient to at most this global L2 norm (0: no clipping)
     * @param clipValue clamp every gradient value to [-clipValue, clipValue] (0: no clipping)
     * @param earlyStopping early stopping, or {@code null}
     * @param stratify the validation split keeps each class's share ({@code split: stratified})
     * @param classWeights the weights of the classes in the cross-entropies
     *     ({@code class_weights}), or {@code null}: every sample weighs 1
     */
    public record TrainSpec(int epochs, int batch, boolean shuffle, StopCondition stop,
            double validation, int logEvery, Schedule schedule, double clipNorm, double clipValue,
            Schedule.EarlyStopping earlyStopping, boolean stratify,
            ClassWeighting classWeights) {
        public TrainSpec {
            if (epochs < 0) {
                throw new IllegalArgumentException("epochs < 0: " + epochs);
            }
            if (batch < 0) {
                throw new IllegalArgumentException("batch < 0: " + batch);
            }
            if (validation < 0 || validation >= 1) {
                throw new IllegalArgumentException("validation not in [0, 1): " + validation);
            }
            if (clipNorm < 0 || clipValue < 0) {
                throw new IllegalArgumentException("clip < 0: " + clipNorm + ", " + clipValue);
            }
        }

        /** Without class weights. */
        public TrainSpec(int epochs, int batch, boolean shuffle, StopCondition stop,
                double validation, int logEvery, Schedule schedule, double clipNorm,
                double clipValue, Schedule.EarlyStopping earlyStopping, boolean stratify) {
            this(epochs, batch, shuffle, stop, validation, logEvery, schedule, clipNorm,
                    clipValue, earlyStopping, stratify, null);
        }

        /** A random (not stratified) validation split, no class weights. */
        public TrainSpec(int epochs, int batch, boolean shuffle, StopCondition stop,
                double validation, int logEvery, Schedule schedule, double clipNorm,
                double clipValue, Schedule.EarlyStopping earlyStopping) {
            this(epochs, batch, shuffle, stop, validation, logEvery, schedule, clipNorm,
                    clipValue, earlyStopping, false);
        }

        /** Settings without schedule, clipping or early stopping. */
        public TrainSpec(int epochs, int batch, boolean shuffle, StopCondition stop,
                double validation, int logEvery) {
            this(epochs, batch, shuffle, stop, validation, logEvery, null, 0, 0, null);
        }

        /** Returns a copy that runs at most {@code e} epochs. */
        public TrainSpec withEpochs(int e) {
            return new TrainSpec(e, batch, shuffle, stop, validation, logEvery, schedule,
                    clipNorm, clipValue, earlyStopping, stratify, classWeights);
        }

        /** Returns a copy that logs every {@code n} epochs (0: automatically). */
        public TrainSpec withLogEvery(int n) {
            return new TrainSpec(epochs, batch, shuffle, stop, validation, n, schedule,
                    clipNorm, clipValue, earlyStopping, stratify, classWeights);
        }

        /**
         * Returns a copy whose validation split keeps each class's share of the training data
         * ({@code split: stratified}) when {@code s}, else draws the samples at random.
         */
        public TrainSpec withStratify(boolean s) {
            return new TrainSpec(epochs, batch, shuffle, stop, validation, logEvery, schedule,
                    clipNorm, clipValue, earlyStopping, s, classWeights);
        }

        /** Returns a copy with mini-batches of {@code b} samples (0: the whole set). */
        public TrainSpec withBatch(int b) {
            return new TrainSpec(epochs, b, shuffle, stop, validation, logEvery, schedule,
                    clipNorm, clipValue, earlyStopping, stratify, classWeights);
        }

        /** Returns a copy with the class weights {@code w} ({@code null}: none). */
        public TrainSpec withClassWeights(ClassWeighting w) {
            return new TrainSpec(epochs, batch, shuffle, stop, validation, logEvery, schedule,
                    clipNorm, clipValue, earlyStopping, stratify, w);
        }
    }

    /**
     * The {@code class_weights} of a train block: {@code balanced}, or one explicit weight per
     * class. The weight of a sample is the weight of its class, read from its targets by
     * {@link #sampleWeight}; the cross-entropies multiply each sample's loss by it and divide the
     * sum by the sum of the weights (PyTorch's weighted mean): L = Σ w(yᵢ)·lᵢ / Σ w(yᵢ).
     *
     * <p>Example: {@code class_weights: [1, 3]} is {@code new ClassWeighting(List.of(1.0, 3.0))};
     * {@code class_weights: balanced} is {@code new ClassWeighting(List.of())}.
     *
     * @param weights the weights of classes 0, 1, ... (each &gt; 0), or empty for
     *     {@code balanced}: n / (classes × count of the class) on the training split
     */
    public record ClassWeighting(List<Double> weights) {
        public ClassWeighting {
            weights = List.copyOf(weights);
            for (double w : weights) {
                if (!(w > 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("class weight not > 0: " + w);
                }
            }
        }

        /** {@code class_weights: balanced}. */
        public static ClassWeighting balanced() {
            return new ClassWeighting(List.of());
        }

        /** True for {@code balanced}, whose weights come from the training data. */
        public boolean isBalanced() {
            return weights.isEmpty();
        }

        /**
         * The weight of the sample whose targets start at {@code y[o]}: for one output (a
         * sigmoid, classes 0 and 1) w₀·(1 − y) + w₁·y; for {@code k} outputs (one-hot) Σⱼ wⱼ·yⱼ.
         * For the 0/1 and one-hot targets the data gives, both are the weight of the sample's
         * class. The one definition: generated training code calls it, and every mean of a
         * weighted loss divides by {@link #total} of it.
         */
        public static float sampleWeight(float[] w, float[] y, int o, int k) {
            if (k == 1) {
                return w[0] + (w[1] - w[0]) * y[o];
            }
            float s = 0f;
            for (int j = 0; j < k; j++) {
                s += w[j] * y[o + j];
            }
            return s;
        }

        /**
         * The sum of the weights of the first {@code n} samples of {@code y} ({@code k} targets
         * each): what a weighted summed loss is divided by for its mean; {@code n} when
         * {@code w} is {@code null} (no weights).
         */
        public static double total(float[] w, float[] y, int n, int k) {
            if (w == null) {
                return n;
            }
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += sampleWeight(w, y, i * k, k);
            }
            return s;
        }
    }

    /** Feature or label normalization, fitted on the training data. */
    public enum Normalization {
        NONE, MINMAX, ZSCORE
    }

    /**
     * The {@code data { }} block. Paths are as written in the file: relative ones are resolved
     * against the directory of the {@code .nn} file.
     *
     * @param train training data, or {@code null} when the file names none
     * @param test test data, or {@code null}
     * @param features normalization of the input features
     * @param labels normalization of regression labels (outputs are de-normalized at prediction)
     * @param augment random transforms of the training images, {@link Augmentation#NONE} for
     *     none; training batches only
     */
    public record DataSpec(DataSource train, DataSource test, Normalization features,
            Normalization labels, Augmentation augment) {
        public DataSpec {
            Objects.requireNonNull(features, "features");
            Objects.requireNonNull(labels, "labels");
            Objects.requireNonNull(augment, "augment");
        }

        /** No augmentation. */
        public DataSpec(DataSource train, DataSource test, Normalization features,
                Normalization labels) {
            this(train, test, features, labels, Augmentation.NONE);
        }

        /** No data named: the application supplies it. */
        public static DataSpec none() {
            return new DataSpec(null, null, Normalization.NONE, Normalization.NONE);
        }

        /** Returns a copy with the augmentation {@code a}. */
        public DataSpec withAugment(Augmentation a) {
            return new DataSpec(train, test, features, labels, a);
        }
    }

    /**
     * How {@code windows(...)} cuts samples from the time series of a CSV file, one row per time
     * step: each sample is {@code length} consecutive rows of the {@code features} columns (an
     * input {@code [length, features.size()]}, step-major), and its targets are the
     * {@code targets} columns of the row {@code horizon} steps after the window's last row.
     *
     * <p>Example: {@code windows("sunspots.csv", window: 12, horizon: 1, features: ["SUNACTIVITY"],
     * target: "SUNACTIVITY", time: "YEAR", to: 1920)} is {@code new Window(12, 1,
     * List.of("SUNACTIVITY"), List.of("SUNACTIVITY"), "YEAR", null, 1920.0)}: the years 1700-1711
     * predict 1712, ..., 1908-1919 predict 1920; later targets are left out.
     *
     * @param length the number of steps of a window, ≥ 1
     * @param horizon how many steps after the window's last step the target is, ≥ 0 (0: the
     *     target is read on the window's last row)
     * @param features the feature columns, in the order of the input's F axis
     * @param targets the target columns
     * @param time the column {@code from} and {@code to} compare with, or {@code null}
     * @param from keep only the windows whose target row has {@code time} ≥ this, or {@code null}
     * @param to keep only the windows whose target row has {@code time} ≤ this, or {@code null}
     * @param dates whether {@code from} and {@code to} are ISO dates ({@link
     *     IsoTime} seconds), written back as dates
     * @param difference the lag the series is differenced at ({@link Difference}), or 0 for none
     * @param wide for a table in wide form (one row a year, one column a sub-period), the
     *     columns that hold the series, a range such as {@code "jan..dec"}; the series then goes
     *     by that name in {@code features} and {@code targets} and its times are derived from
     *     {@code time} (see the runtime's {@code data.WideSeries}); {@code null} for a series in
     *     long form
     */
    public record Window(int length, int horizon, List<String> features, List<String> targets,
            String time, Double from, Double to, boolean dates, int difference, String wide) {
        /** Windows of a series in long form, one row per step. */
        public Window(int length, int horizon, List<String> features, List<String> targets,
                String time, Double from, Double to, boolean dates, int difference) {
            this(length, horizon, features, targets, time, from, to, dates, difference, null);
        }

        /** Windows of the series itself, not differenced. */
        public Window(int length, int horizon, List<String> features, List<String> targets,
                String time, Double from, Double to, boolean dates) {
            this(length, horizon, features, targets, time, from, to, dates, 0);
        }

        /** Windows whose {@code from} and {@code to}, if any, are plain numbers. */
        public Window(int length, int horizon, List<String> features, List<String> targets,
                String time, Double from, Double to) {
            this(length, horizon, features, targets, time, from, to, false);
        }

        public Window {
            if (length < 1 || horizon < 0 || difference < 0) {
                throw new IllegalArgumentException("window " + length + ", horizon " + horizon);
            }
            features = List.copyOf(features);
            targets = List.copyOf(targets);
            if (features.isEmpty() || targets.isEmpty()) {
                throw new IllegalArgumentException("no feature or no target column");
            }
            if (time == null && (from != null || to != null)) {
                throw new IllegalArgumentException("from/to without a time column");
            }
            if (wide != null && time == null) {
                throw new IllegalArgumentException("wide without a time column");
            }
        }

        /** The same windows, their series differenced at {@code lag} (0: not differenced). */
        public Window withDifference(int lag) {
            return new Window(length, horizon, features, targets, time, from, to, dates, lag,
                    wide);
        }

        /** The same windows over the wide columns {@code range} ({@code null}: long form). */
        public Window withWide(String range) {
            return new Window(length, horizon, features, targets, time, from, to, dates,
                    difference, range);
        }

        /**
         * The same windows without {@code from} and {@code to}: all of them ({@code time} is
         * kept for a wide table, whose times it derives).
         */
        public Window withoutSplit() {
            return new Window(length, horizon, features, targets, wide == null ? null : time,
                    null, null, false, difference, wide);
        }

        /** The arguments as a {@code .nn} file writes them. */
        public String describe() {
            StringBuilder sb = new StringBuilder("window: " + length + ", horizon: " + horizon
                    + ", features: " + DataSource.quoteAll(features) + ", target: "
                    + DataSource.quoteAll(targets));
            if (time != null) {
                sb.append(", time: ").append(DataSource.quote(time));
            }
            if (wide != null) {
                sb.append(", wide: ").append(DataSource.quote(wide));
            }
            if (from != null) {
                sb.append(", from: ").append(bound(from));
            }
            if (to != null) {
                sb.append(", to: ").append(bound(to));
            }
            return sb.toString();
        }

        /** A {@code from}/{@code to} bound as written: {@code "1996-01-01"} or {@code 1920}. */
        public String bound(double v) {
            return dates ? DataSource.quote(IsoTime.format(v))
                    : ClassLabels.format(v);
        }
    }
}
