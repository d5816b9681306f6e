package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Augmenter;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.kernels.KernelContext;
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
 *
 * <p>With more than one thread, a batch of the epoch's shuffled samples is gathered ahead, at the
 * start of the step before it, into a second pair of buffers ({@link KernelContext#tryAhead}): a
 * worker copies it while the caller trains on the current batch (the copy waits on memory, the
 * step on arithmetic: on a core shared by two threads they overlap), and the caller, at its own
 * step, copies the parts no worker has taken. The batches hold the same samples either way.
 * While the context holds its workers off (another process wants a core: see {@code
 * KernelContext.tryAhead}), nothing is gathered ahead and each step gathers its own batch in one
 * call, as with one thread.
 *
 * <p>NOTE: before, a batch was gathered ahead whenever the run had more than one thread, and
 * the caller ran all four parts of it itself while the workers were held off. 2-thread runs of
 * fmnist_mlp beside one busy loop were a few percent slower than 1-thread runs (bench/RESULTS.md:
 * 0.95 and 0.98 times), with the guard keeping the workers off most of the time.
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
    /** With threads to gather ahead: the other pair of batch buffers and the gathering task. */
    private final Gather ahead;
    /** The batch gathered ahead: its epoch and index (−1: none). */
    private int aheadEpoch = -1;
    private int aheadBatch = -1;

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
        KernelContext k = KernelContext.current();
        ahead = k.threads() > 1 && size == trainSize && !direct && batch < size
                ? new Gather(train, perm, xb, yb, k) : null;
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
        float[] xb = this.xb;
        float[] yb = this.yb;
        if (ahead != null) {
            xb = ahead.x(b);
            yb = ahead.y(b);
            if (aheadEpoch == epoch && aheadBatch == b) {
                ahead.context.join();
            } else {
                finish();
                train.gather(perm, from, count, xb, yb);
            }
            aheadEpoch = -1;
            int next = from + batch;
            if (next < size) {
                ahead.into(b + 1, next, Math.min(batch, size - next));
                if (ahead.context.tryAhead(ahead, Gather.PARTS)) {
                    aheadEpoch = epoch;
                    aheadBatch = b + 1;
                }
            }
        } else if (size != trainSize) {
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

    /**
     * Finishes a batch gathered ahead that no step took (an epoch interrupted, an exception in
     * a step): called before the samples' order or the buffers are used otherwise.
     */
    void finish() {
        if (ahead != null && aheadEpoch >= 0) {
            aheadEpoch = -1;
            ahead.context.join();
        }
    }

    /**
     * The parts of a batch gathered ahead: {@link #PARTS} runs of its rows, into the pair of
     * buffers of the batch's parity (the trainer's own pair for even batches).
     */
    private static final class Gather implements KernelContext.Parts {
        /** NOTE: parts the caller can take one at a time while a worker copies another. */
        static final int PARTS = 4;

        final KernelContext context;
        private final Dataset train;
        private final int[] perm;
        private final float[][] xs;
        private final float[][] ys;
        private float[] x;
        private float[] y;
        private int from;
        private int count;

        Gather(Dataset train, int[] perm, float[] xb, float[] yb, KernelContext context) {
            this.train = train;
            this.perm = perm;
            this.context = context;
            this.xs = new float[][] {xb, new float[xb.length]};
            this.ys = new float[][] {yb, new float[yb.length]};
        }

        float[] x(int b) {
            return xs[b & 1];
        }

        float[] y(int b) {
            return ys[b & 1];
        }

        /** Sets the batch to gather: samples perm[from .. from + count) into batch b's buffers. */
        void into(int b, int from, int count) {
            this.x = x(b);
            this.y = y(b);
            this.from = from;
            this.count = count;
        }

        @Override
        public void part(int index, int parts) {
            int lo = KernelContext.lo(count, index, parts);
            int hi = KernelContext.lo(count, index + 1, parts);
            train.gather(perm, from + lo, hi - lo, x, y, lo);
        }
    }
}
