package dev.nnc.runtime.train;

import java.util.List;

/**
 * The outcome of a training run.
 *
 * @param epochs epochs run (completed)
 * @param stoppedEarly the stop condition or early stopping ended training (at epoch
 *     {@code epochs})
 * @param diverged training stopped because the training loss became NaN or infinite, or rose
 *     above {@link TrainingLoop#DIVERGENCE_FACTOR} times the initial model's loss
 * @param seconds wall time of the training loop, evaluation included
 * @param samplesPerSecond training samples processed per second spent in training steps (the
 *     full-set evaluations between epochs are not counted)
 * @param history one record per epoch run
 * @param trainSize training samples in one epoch (0 when unknown)
 * @param stepSeconds the part of {@code seconds} spent in training steps
 * @param interrupted a stop was requested ({@link TrainingLoop#interruptWhen}): training ended
 *     after epoch {@code epochs}, the last complete one
 * @param stopReason why training stopped before its last epoch, for people (e.g.
 *     {@code "val_loss did not improve for 20 epochs"}), or {@code null}
 * @param restoredEpoch the epoch whose parameters the model holds at the end when early
 *     stopping restored the best ones, else 0
 */
public record TrainReport(int epochs, boolean stoppedEarly, boolean diverged, double seconds,
        double samplesPerSecond, List<EpochRecord> history, int trainSize, double stepSeconds,
        boolean interrupted, String stopReason, int restoredEpoch) {
    public TrainReport {
        history = List.copyOf(history);
    }

    /** A report of a run that ran to its end or its stop condition. */
    public TrainReport(int epochs, boolean stoppedEarly, boolean diverged, double seconds,
            double samplesPerSecond, List<EpochRecord> history, int trainSize) {
        this(epochs, stoppedEarly, diverged, seconds, samplesPerSecond, history, trainSize,
                samplesPerSecond > 0 ? (double) epochs * trainSize / samplesPerSecond : 0,
                false, null, 0);
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
