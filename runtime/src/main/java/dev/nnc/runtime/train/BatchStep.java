package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Augmenter;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Optimizer;

/**
 * One training step of {@link TrainingLoop}: gathers a mini-batch in the epoch's order, runs the
 * model's training step, clips the gradients and updates the parameters, and adds the batch's
 * loss to the epoch's sums.
 *
 * <p>A method of its own, called once a batch, so that the JIT compiles it (and inlines the
 * model's step into it) after a few hundred batches: the loop over the batches sits in the one
 * long call of the training run, which the JIT compiles late or never, and which would otherwise
 * run every batch's bookkeeping in the interpreter.
 */
final class BatchStep {
    private final TrainableModel model;
    private final Optimizer optimizer;
    private final ModelSpec.TrainSpec spec;
    private final Dataset train;
    private final Augmenter augmenter;
    private final int trainSize;
    private final int size;
    private final int batch;
    private final int out;
    private final int[] perm;
    private final int[] rows;
    private final float[] xb;
    private final float[] yb;
    private final float[] params;
    private final float[] grads;
    private final float[] classWeights;
    private final boolean direct;

    /** The epoch's sum of batch losses times their weight, and of the weights. */
    double lossSum;
    double weightSum;

    BatchStep(TrainableModel model, Optimizer optimizer, ModelSpec.TrainSpec spec, Dataset train,
            Augmenter augmenter, int size, int batch, int[] perm, int[] rows, float[] xb,
            float[] yb, float[] classWeights, boolean direct) {
        this.model = model;
        this.optimizer = optimizer;
        this.spec = spec;
        this.train = train;
        this.augmenter = augmenter;
        this.trainSize = train.size();
        this.size = size;
        this.batch = batch;
        this.out = train.outputSize();
        this.perm = perm;
        this.rows = rows;
        this.xb = xb;
        this.yb = yb;
        this.params = model.params();
        this.grads = model.grads();
        this.classWeights = classWeights;
        this.direct = direct;
    }

    /** Starts an epoch's sums. */
    void startEpoch() {
        lossSum = 0;
        weightSum = 0;
    }

    /** Trains on batch {@code b} of the epoch; returns its loss (a weighted mean). */
    double step(int epoch, int b) {
        int from = b * batch;
        int count = Math.min(batch, size - from);
        if (size != trainSize) {
            for (int i = 0; i < count; i++) {
                rows[i] = perm[from + i] % trainSize;
            }
            train.gather(rows, 0, count, xb, yb);
        } else if (!direct) {
            train.gather(perm, from, count, xb, yb);
        }
        if (augmenter != null) {
            augmenter.apply(xb, count, perm, from, epoch, trainSize);
        }
        double l = model.trainStep(xb, yb, count);
        TrainingLoop.clip(grads, spec);
        optimizer.step(params, grads);
        // a batch's loss is its weighted mean: the epoch's is their mean by weight
        double w = ModelSpec.ClassWeighting.total(classWeights, yb, count, out);
        lossSum += l * w;
        weightSum += w;
        return l;
    }
}
