package dev.nnc.runtime;

/**
 * SGD with momentum, as the textbook writes it: {@code v = mu * v - lr * g; p = p + v}.
 *
 * <p>Example: {@code optimizer momentum(lr: 0.1, momentum: 0.9)}. The velocity starts at zero.
 */
public final class Momentum implements Optimizer {
    private final float lr;
    private final float mu;
    private float[] velocity;

    /** A momentum rule with learning rate {@code lr} and momentum {@code mu} in [0, 1). */
    public Momentum(double lr, double mu) {
        this.lr = (float) Optimizers.positive("lr", lr);
        if (!(mu >= 0 && mu < 1)) {
            throw new IllegalArgumentException("momentum not in [0, 1): " + mu);
        }
        this.mu = (float) mu;
    }

    @Override
    public void step(float[] params, float[] grads) {
        Optimizers.checkLengths(params, grads);
        velocity = Optimizers.state(velocity, params.length);
        float[] v = velocity;
        float rate = lr;
        float m = mu;
        for (int i = 0; i < params.length; i++) {
            float vi = m * v[i] - rate * grads[i];
            v[i] = vi;
            params[i] += vi;
        }
    }

    @Override
    public String toString() {
        return "momentum(lr: " + lr + ", momentum: " + mu + ")";
    }
}
