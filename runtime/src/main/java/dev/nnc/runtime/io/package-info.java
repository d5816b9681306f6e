/**
 * Files other than training data: weights ({@link dev.nnc.runtime.io.Weights} on {@link
 * dev.nnc.runtime.io.Safetensors}), JSON ({@link dev.nnc.runtime.io.Json}), sets of output
 * files replaced together ({@link dev.nnc.runtime.io.OutputFiles}), and the two exceptions that
 * tell a user what is wrong with a file they gave: {@link dev.nnc.runtime.io.DataException}
 * (file, line, column) and {@link dev.nnc.runtime.io.WeightsException}.
 *
 * <p>Depends on {@link dev.nnc.runtime.model} only.
 */
package dev.nnc.runtime.io;
