/**
 * Training, in two layers:
 *
 * <ul>
 * <li>{@link dev.nnc.runtime.train.TrainingLoop}: the mini-batch loop over a
 *     {@link dev.nnc.runtime.data.Dataset} already in memory (epochs, batches, validation, stop
 *     conditions, divergence, checkpoints, listeners);
 * <li>{@link dev.nnc.runtime.train.Training}: a whole run as {@code nnc train} does it, around
 *     the loop: load the data the {@code .nn} file names, fit the preprocessing, run the loop,
 *     measure, write weights and metrics.
 * </ul>
 *
 * <p>Beside them: {@link dev.nnc.runtime.train.TrainingListener} and the progress display
 * {@link dev.nnc.runtime.train.Progress}, {@link dev.nnc.runtime.train.Metrics}, {@link
 * dev.nnc.runtime.train.Checkpoint}, and {@link dev.nnc.runtime.train.LayerHistograms} (what the
 * layers see at a few epochs, as {@link dev.nnc.runtime.train.Histogram}s, for the report). The top of the runtime: may use every other package.
 */
package dev.nnc.runtime.train;
