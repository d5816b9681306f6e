/**
 * Training data: the readers of CSV, IDX, NPY and NPZ files and of sliding windows over a time
 * series, the {@link dev.nnc.runtime.data.DataLoader} that turns a {@code .nn} file's data
 * source into a {@link dev.nnc.runtime.data.Dataset}, and the preprocessing stage fitted on it
 * ({@link dev.nnc.runtime.data.Normalizer}, {@link dev.nnc.runtime.data.Preprocessing}), and the
 * random transforms of training images ({@link dev.nnc.runtime.data.Augmenter}).
 *
 * <p>Depends on {@link dev.nnc.runtime.model} and {@link dev.nnc.runtime.io}.
 */
package dev.nnc.runtime.data;
