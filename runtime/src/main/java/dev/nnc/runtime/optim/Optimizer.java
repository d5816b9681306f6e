package dev.nnc.runtime.optim;

import java.util.List;

/**
 * An update rule over a model's flat parameter array: one call moves every parameter once.
 *
 * <p>Example: {@code new Sgd(0.1).step(params, grads)} sets {@code params[i] -= 0.1 * grads[i]}
 * for every {@code i}. Stateful rules (momentum, Adam) allocate their state arrays once, on their
 * first step, sized like {@code params}; later steps allocate nothing.
 *
 * <p>Instances are not safe for concurrent use and belong to one model.
 */
public interface Optimizer {

    /**
     * Updates {@code params} in place from {@code grads}, the mean gradient of the last batch.
     * Both arrays have the same length on every call.
     */
    void step(float[] params, float[] grads);

    /** The learning rate the next step uses. */
    double learningRate();

    /** Sets the learning rate of later steps (learning-rate schedules call this). */
    void setLearningRate(double lr);

    /** Steps taken so far. */
    long steps();

    /**
     * The state arrays (empty before the first step), live: a checkpoint saves them and a resumed
     * run copies them back with {@link #restore}.
     */
    List<float[]> state();

    /** Restores the state arrays and the step count saved from an optimizer of the same kind. */
    void restore(List<float[]> state, long steps);
}
