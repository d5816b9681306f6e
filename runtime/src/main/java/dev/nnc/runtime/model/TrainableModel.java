package dev.nnc.runtime.model;

/**
 * A model that can be trained: the generated class also holds its backward pass and loss.
 *
 * <p>One training step is {@link #trainStep}: forward, loss, backward into {@link #grads()} (the
 * mean gradient over the batch, laid out like {@link #params()}). The optimizer then updates
 * {@code params()} from {@code grads()}; the model never updates its own parameters.
 */
public interface TrainableModel extends Model {

    /** Gradients of the mean batch loss, one per parameter, same layout as {@link #params()}. */
    float[] grads();

    /** Fills the parameters with their initial values (weights by their initializer, biases 0). */
    void initParams(Rng rng);

    /**
     * Forward, loss and backward over the first {@code n} samples of {@code x} with targets
     * {@code y} ({@code n * outputSize()} floats). Overwrites {@link #grads()}.
     *
     * @return the mean loss over the {@code n} samples, before the update; with
     *     {@link #classWeights()} the weighted mean Σ wᵢ·lᵢ / Σ wᵢ (see
     *     {@link ModelSpec.ClassWeighting})
     */
    double trainStep(float[] x, float[] y, int n);

    /**
     * Inference forward pass and loss without gradients.
     *
     * @param out receives the {@code n * outputSize()} outputs, or is {@code null}
     * @return the summed (not mean) loss over the {@code n} samples; with
     *     {@link #classWeights()} each sample's loss times its weight, to be divided by
     *     {@link ModelSpec.ClassWeighting#total} for the mean
     */
    double evaluate(float[] x, float[] y, int n, float[] out);

    /**
     * Weights the cross-entropy of every sample by the weight of its class, in
     * {@link #trainStep} and {@link #evaluate}, from now on: {@code w[c]} for class c, one per
     * output (two for a single sigmoid output: classes 0 and 1); {@code null} weighs every
     * sample 1.
     *
     * @throws IllegalArgumentException when the model's loss has no classes, or {@code w} has
     *     the wrong length or a weight that is negative or not finite
     */
    default void setClassWeights(float[] w) {
        if (w != null) {
            throw new IllegalArgumentException("model " + name() + " (loss "
                    + spec().loss().id() + ", output " + java.util.Arrays.toString(outputShape())
                    + ") cannot weight classes");
        }
    }

    /** The class weights set by {@link #setClassWeights} (a copy), or {@code null}. */
    default float[] classWeights() {
        return null;
    }

    /**
     * The state of the generator that draws the model's random masks (dropout), so a checkpoint
     * can save it; 0 for a model without random masks.
     */
    default long rngState() {
        return 0;
    }

    /** Restores the mask generator's state saved by {@link #rngState()}; a no-op without one. */
    default void setRngState(long state) {
    }
}
