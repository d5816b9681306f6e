package dev.nnc.runtime.optim;

/**
 * Momentum, as the textbook writes it: {@code v = mu v - lr g; p += v} (mu 0.9 by default).
 */
public final class Momentum extends BaseOptimizer {
    private final float mu;

    public Momentum(double lr, double mu) {
        super("momentum", lr, 1);
        this.mu = (float) unit("momentum", mu);
    }

    @Override
    protected void update(float[] params, float[] grads) {
        float[] v = state[0];
        float rate = (float) learningRate();
        for (int i = 0; i < params.length; i++) {
            float vi = mu * v[i] - rate * grads[i];
            v[i] = vi;
            params[i] += vi;
        }
    }
}
