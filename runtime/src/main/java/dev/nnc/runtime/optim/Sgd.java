package dev.nnc.runtime.optim;

/** Plain gradient descent: {@code p -= lr * g}. */
public final class Sgd extends BaseOptimizer {
    public Sgd(double lr) {
        super("sgd", lr, 0);
    }

    @Override
    protected void update(float[] params, float[] grads) {
        float rate = (float) learningRate();
        for (int i = 0; i < params.length; i++) {
            params[i] -= rate * grads[i];
        }
    }
}
