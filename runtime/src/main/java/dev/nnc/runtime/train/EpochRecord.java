package dev.nnc.runtime.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One epoch of a training run and its metrics.
 *
 * <p>Example: {@code EpochRecord[epoch=100, metrics={train_loss=0.0125, loss=0.0123,
 * val_loss=0.0131, val_r2=0.9712}, seconds=0.004]}. {@code train_loss} (the mean of the epoch's
 * batch losses, weighted by batch size) is always there; the full-set metrics {@code loss},
 * {@code accuracy} or {@code r2}, and their {@code val_} twins only on epochs that needed them:
 * those the stop condition reads, logged epochs and the last one.
 *
 * @param epoch the epoch, from 1
 * @param metrics metric values by name, in a stable order; unmodifiable
 * @param seconds wall time of the epoch, evaluation included
 */
public record EpochRecord(int epoch, Map<String, Double> metrics, double seconds) {
    public EpochRecord {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The metric's value, or NaN when it was not computed at this epoch. */
    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }
}
