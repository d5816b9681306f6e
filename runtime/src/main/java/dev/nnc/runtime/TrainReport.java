package dev.nnc.runtime;

import java.util.List;

/**
 * The outcome of a training run.
 *
 * @param epochs epochs run
 * @param stoppedEarly the stop condition held and ended training (at epoch {@code epochs})
 * @param diverged training stopped because the training loss became NaN or infinite
 * @param seconds wall time of the training loop, evaluation included
 * @param samplesPerSecond training samples processed per second spent in training steps (the
 *     full-set evaluations between epochs are not counted)
 * @param history one record per epoch run
 * @param trainSize training samples in one epoch (0 when unknown)
 */
public record TrainReport(int epochs, boolean stoppedEarly, boolean diverged, double seconds,
        double samplesPerSecond, List<EpochRecord> history, int trainSize) {
    public TrainReport {
        history = List.copyOf(history);
    }

    /** A report that does not know the size of the training set. */
    public TrainReport(int epochs, boolean stoppedEarly, boolean diverged, double seconds,
            double samplesPerSecond, List<EpochRecord> history) {
        this(epochs, stoppedEarly, diverged, seconds, samplesPerSecond, history, 0);
    }

    /** The last epoch's record, or {@code null} when no epoch ran. */
    public EpochRecord last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }
}
