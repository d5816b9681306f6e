/**
 * A trained model in use: the {@link dev.nnc.runtime.predict.Predictor} applies a model's
 * preprocessing stage to raw inputs and answers with {@link dev.nnc.runtime.predict.Prediction}s.
 *
 * <p>Depends on {@link dev.nnc.runtime.model}, {@link dev.nnc.runtime.data} and {@link
 * dev.nnc.runtime.io}.
 */
package dev.nnc.runtime.predict;
