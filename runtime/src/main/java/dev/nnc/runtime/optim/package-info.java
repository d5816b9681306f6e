/**
 * The optimizers, one class per update rule, and their registry by the names a {@code .nn} file
 * uses ({@link dev.nnc.runtime.optim.Optimizers}). Learning-rate schedules are values of the
 * model's settings ({@link dev.nnc.runtime.model.Schedule}).
 *
 * <p>Depends on {@link dev.nnc.runtime.model} only.
 */
package dev.nnc.runtime.optim;
