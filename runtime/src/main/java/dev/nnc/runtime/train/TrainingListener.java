package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Dataset;

/**
 * A watcher of a training run: progress display, logging, checkpoints. Every method has an empty
 * default, so a listener implements only what it needs.
 *
 * <p>Calls come from the training thread, in order: {@code onData}, {@code onStart}, then for
 * each epoch its {@code onBatch} calls and one {@code onEpoch}, then {@code onEnd}.
 * {@code onBatch} runs after every optimizer step and must stay cheap (no allocation, no I/O
 * unless throttled).
 */
public interface TrainingListener {

    /** A listener that does nothing. */
    TrainingListener NONE = new TrainingListener() {
    };

    /**
     * Called once before {@link #onStart} with the data the run trains on and the validation
     * data (or {@code null}), normalized as the model sees them. A listener reads them, never
     * changes them.
     */
    default void onData(Dataset train, Dataset validation) {
    }

    /**
     * Called once after {@link #onData}, before the initial model's loss is measured (which
     * takes a while on a large training set), with what {@link #onStart} will be given: what is
     * about to run, for a header a user sees at once.
     */
    default void onPlan(TrainInfo info) {
    }

    /**
     * Called once before the first epoch, after the initial model's loss is measured (a fresh
     * run's first evaluation).
     */
    default void onStart(TrainInfo info) {
    }

    /**
     * Called after each batch's update.
     *
     * @param epoch the epoch, from 1
     * @param batch the batch within the epoch, from 0
     * @param batches the number of batches per epoch
     * @param loss the batch's mean loss before the update
     */
    default void onBatch(int epoch, int batch, int batches, double loss) {
    }

    /**
     * Called when a step that shows no batches begins, for a display to say what is going on:
     * {@code "loading rings-train.csv"}, {@code "measuring the training data"}. Frequent; a
     * display throttles what it draws.
     */
    default void onStatus(String what) {
    }

    /** Called after each epoch with its metrics. */
    default void onEpoch(EpochRecord record) {
    }

    /** Called once after the last epoch. */
    default void onEnd(TrainReport report) {
    }

    /** A listener that forwards every call to {@code first}, then to {@code second}. */
    static TrainingListener both(TrainingListener first, TrainingListener second) {
        return new TrainingListener() {
            @Override
            public void onData(Dataset train, Dataset validation) {
                first.onData(train, validation);
                second.onData(train, validation);
            }

            @Override
            public void onPlan(TrainInfo info) {
                first.onPlan(info);
                second.onPlan(info);
            }

            @Override
            public void onStart(TrainInfo info) {
                first.onStart(info);
                second.onStart(info);
            }

            @Override
            public void onBatch(int epoch, int batch, int batches, double loss) {
                first.onBatch(epoch, batch, batches, loss);
                second.onBatch(epoch, batch, batches, loss);
            }

            @Override
            public void onStatus(String what) {
                first.onStatus(what);
                second.onStatus(what);
            }

            @Override
            public void onEpoch(EpochRecord record) {
                first.onEpoch(record);
                second.onEpoch(record);
            }

            @Override
            public void onEnd(TrainReport report) {
                first.onEnd(report);
                second.onEnd(report);
            }
        };
    }
}
