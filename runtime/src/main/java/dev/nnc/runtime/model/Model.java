package dev.nnc.runtime.model;

import java.util.List;

/**
 * A compiled model: the inference half of a class that nnc generated from a {@code .nn} file.
 *
 * <p>Samples are rows: a batch of {@code n} samples is {@code n * inputSize()} floats, sample after
 * sample, each flattened in row-major order of {@link #inputShape()}. Inputs and outputs are in the
 * model's own space: feature normalization and label de-normalization are the caller's (see
 * {@link dev.nnc.runtime.predict.Predictor}).
 *
 * <p>Instances keep their work buffers inside and are not safe for concurrent use; use one
 * instance per thread (they share nothing).
 */
public interface Model {

    /** The model's name as written after {@code model} in the {@code .nn} file. */
    String name();

    /** A hash of the architecture (input shape, layers, parameter shapes); weights carry it. */
    String architectureHash();

    /** Shape of one input sample: {@code [N]}, {@code [C,H,W]} or {@code [T,F]}. */
    int[] inputShape();

    /** Shape of one output sample. */
    int[] outputShape();

    /** Number of floats in one input sample. */
    int inputSize();

    /** Number of floats in one output sample. */
    int outputSize();

    /** The training settings written in the {@code .nn} file. */
    ModelSpec spec();

    /**
     * All parameters, in one flat array laid out as {@link #paramTensors()} says. Live, not a
     * copy.
     */
    float[] params();

    /** The named parameter tensors and where each lives in {@link #params()}. */
    List<ParamTensor> paramTensors();

    /**
     * State that is not trained but saved with the weights, in one flat array laid out as
     * {@link #bufferTensors()} says: the running mean and variance of batch norm, which training
     * steps update and inference reads. The optimizer never sees it (no gradient, no weight
     * decay, no penalty). Live, not a copy; empty for models without such state.
     */
    default float[] buffers() {
        return new float[0];
    }

    /**
     * The named buffer tensors ({@code batchnorm1.running_mean}, ...) and where each lives in
     * {@link #buffers()}; empty by default.
     */
    default List<ParamTensor> bufferTensors() {
        return List.of();
    }

    /**
     * The layers in order, each with the shape of its output, for {@link #layerOutput}; empty
     * for a model that does not tell.
     */
    default List<LayerInfo> layers() {
        return List.of();
    }

    /**
     * The outputs of layer {@code i} of {@link #layers()} in the last forward pass
     * ({@link #predict}, or a training or evaluation step): the first {@code n * size} floats
     * are the {@code n} samples of that pass, sample after sample. Live, not a copy, and
     * overwritten by the next pass; reading it costs nothing, so a report can look at what the
     * layers see without slowing training down.
     *
     * @throws IndexOutOfBoundsException when {@code i} is not a layer
     * @throws IllegalStateException before the first forward pass
     */
    default float[] layerOutput(int i) {
        throw new IndexOutOfBoundsException("model " + name() + " does not show its layers");
    }

    /**
     * Inference forward pass over {@code n} samples of {@code x}; writes {@code n * outputSize()}
     * floats into {@code out}. Allocates only when {@code n} exceeds every batch size seen before.
     */
    void predict(float[] x, int n, float[] out);
}
