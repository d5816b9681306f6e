/**
 * The nnc runtime: what generated model classes and their users call at run time. No
 * third-party dependency.
 *
 * <ul>
 * <li>The contract of generated classes: {@link dev.nnc.runtime.Model},
 *     {@link dev.nnc.runtime.TrainableModel}, {@link dev.nnc.runtime.ModelSpec},
 *     {@link dev.nnc.runtime.ParamTensor}, {@link dev.nnc.runtime.Init},
 *     {@link dev.nnc.runtime.Rng}.
 * <li>Training: {@link dev.nnc.runtime.Training} (the whole run, as {@code nnc train} does it),
 *     {@link dev.nnc.runtime.Trainer} (the loop), {@link dev.nnc.runtime.Optimizers},
 *     {@link dev.nnc.runtime.StopCondition}, {@link dev.nnc.runtime.TrainingListener},
 *     {@link dev.nnc.runtime.Progress}, {@link dev.nnc.runtime.Metrics}.
 * <li>Data: {@link dev.nnc.runtime.CsvReader}, {@link dev.nnc.runtime.DataLoader},
 *     {@link dev.nnc.runtime.Dataset}, {@link dev.nnc.runtime.Normalizer},
 *     {@link dev.nnc.runtime.ClassLabels}; errors are {@link dev.nnc.runtime.DataException}s
 *     that name file, line and column.
 * <li>Files and inference: {@link dev.nnc.runtime.Weights} and
 *     {@link dev.nnc.runtime.Safetensors} (errors: {@link dev.nnc.runtime.WeightsException}),
 *     {@link dev.nnc.runtime.Preprocessing}, {@link dev.nnc.runtime.Predictor},
 *     {@link dev.nnc.runtime.Json}.
 * </ul>
 */
package dev.nnc.runtime;
