package dev.nnc.runtime;

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
}
