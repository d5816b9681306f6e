package dev.nnc.runtime.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * What every optimizer shares: the learning rate, the step count and the state arrays, which are
 * allocated on the first step and reused after it.
 */
abstract class BaseOptimizer implements Optimizer {
    private final String name;
    private double lr;
    private final int stateArrays;
    /** The state arrays, {@code null} before the first step. */
    protected float[][] state;
    /** Steps taken, counting the one in progress inside {@link #update}. */
    protected long t;

    BaseOptimizer(String name, double lr, int stateArrays) {
        this.name = name;
        this.lr = Optimizers.positive("lr", lr);
        this.stateArrays = stateArrays;
    }

    @Override
    public final void step(float[] params, float[] grads) {
        Optimizers.checkLengths(params, grads);
        if (state == null) {
            state = new float[stateArrays][params.length];
        } else if (stateArrays > 0 && state[0].length != params.length) {
            throw new IllegalStateException("optimizer used with " + params.length
                    + " parameters after " + state[0].length + "; use one optimizer per model");
        }
        t++;
        update(params, grads);
    }

    /** One update; {@link #t} already counts it. */
    protected abstract void update(float[] params, float[] grads);

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void setLearningRate(double lr) {
        this.lr = Optimizers.positive("lr", lr);
    }

    @Override
    public long steps() {
        return t;
    }

    @Override
    public List<float[]> state() {
        List<float[]> out = new ArrayList<>();
        if (state != null) {
            for (float[] s : state) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public void restore(List<float[]> saved, long steps) {
        if (saved.isEmpty()) {
            state = null;
        } else {
            if (saved.size() != stateArrays) {
                throw new IllegalArgumentException(name + " keeps " + stateArrays
                        + " state arrays, not " + saved.size());
            }
            state = new float[stateArrays][];
            for (int i = 0; i < stateArrays; i++) {
                state[i] = saved.get(i).clone();
            }
        }
        t = steps;
    }

    static double unit(String what, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(what + " not in [0, 1): " + v);
        }
        return v;
    }

    @Override
    public String toString() {
        return name + "(lr: " + lr + ")";
    }
}
