package dev.nnc.runtime;

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
        DataSpec data) {

    public ModelSpec {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(data, "data");
    }

    /** Returns a copy with other training settings. */
    public ModelSpec withTrain(TrainSpec t) {
        return new ModelSpec(loss, optimizer, seed, t, data);
    }

    /** Returns a copy with another seed. */
    public ModelSpec withSeed(long s) {
        return new ModelSpec(loss, optimizer, s, train, data);
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
     */
    public record TrainSpec(int epochs, int batch, boolean shuffle, StopCondition stop,
            double validation, int logEvery) {
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
        }

        /** Returns a copy that runs at most {@code e} epochs. */
        public TrainSpec withEpochs(int e) {
            return new TrainSpec(e, batch, shuffle, stop, validation, logEvery);
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
     */
    public record DataSpec(DataSource train, DataSource test, Normalization features,
            Normalization labels) {
        public DataSpec {
            Objects.requireNonNull(features, "features");
            Objects.requireNonNull(labels, "labels");
        }

        /** No data named: the application supplies it. */
        public static DataSpec none() {
            return new DataSpec(null, null, Normalization.NONE, Normalization.NONE);
        }
    }

    /**
     * One data file, e.g. {@code csv("data/xor.csv", label: last)}.
     *
     * @param format the reader: {@code csv}
     * @param path the file as written in the {@code .nn} file
     * @param labels the label column names; empty when {@code labelLast}
     * @param labelLast the last column is the label
     */
    public record DataSource(String format, String path, List<String> labels, boolean labelLast) {
        public DataSource {
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(path, "path");
            labels = List.copyOf(labels);
        }
    }
}
