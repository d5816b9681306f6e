package dev.nnc.runtime.train;

import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The state a run of the {@link TrainingLoop} had after its last complete epoch: parameters,
 * buffers, optimizer, generators and sample order; an interrupted epoch goes back to it.
 */
final class EpochSnapshot {
    private final float[] params;
    private final float[] buffers;
    private final float[] savedParams;
    private final float[] savedBuffers;
    private List<float[]> optimizerState = List.of();
    private long steps;
    private double rate;
    private long rngState;
    private long maskState;
    private int[] perm;

    EpochSnapshot(float[] params, float[] buffers) {
        this.params = params;
        this.buffers = buffers;
        this.savedParams = new float[params.length];
        this.savedBuffers = new float[buffers.length];
    }

    void take(Optimizer o, Rng rng, TrainableModel model, int[] order) {
        System.arraycopy(params, 0, savedParams, 0, params.length);
        System.arraycopy(buffers, 0, savedBuffers, 0, buffers.length);
        List<float[]> live = o.state();
        if (optimizerState.size() != live.size()) {
            optimizerState = new ArrayList<>();
            for (float[] a : live) {
                optimizerState.add(new float[a.length]);
            }
        }
        for (int i = 0; i < live.size(); i++) {
            System.arraycopy(live.get(i), 0, optimizerState.get(i), 0, live.get(i).length);
        }
        steps = o.steps();
        rate = o.learningRate();
        rngState = rng.state();
        maskState = model.rngState();
        if (perm == null) {
            perm = order.clone();
        } else {
            System.arraycopy(order, 0, perm, 0, order.length);
        }
    }

    void restore(Optimizer o, Rng rng, TrainableModel model, int[] order) {
        System.arraycopy(savedParams, 0, params, 0, params.length);
        System.arraycopy(savedBuffers, 0, buffers, 0, buffers.length);
        o.restore(optimizerState, steps);
        o.setLearningRate(rate);
        rng.setState(rngState);
        model.setRngState(maskState);
        System.arraycopy(perm, 0, order, 0, order.length);
    }
}
