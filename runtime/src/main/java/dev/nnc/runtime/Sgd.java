package dev.nnc.runtime;

/**
 * Plain stochastic gradient descent: {@code p = p - lr * g}.
 *
 * <p>Example: with {@code lr = 0.5}, a parameter 1.0 with gradient 0.2 becomes 0.9.
 */
public final class Sgd implements Optimizer {
    private final float lr;

    /** An SGD rule with learning rate {@code lr} (positive). */
    public Sgd(double lr) {
        this.lr = (float) Optimizers.positive("lr", lr);
    }

    /** The learning rate. */
    public double lr() {
        return lr;
    }

    @Override
    public void step(float[] params, float[] grads) {
        Optimizers.checkLengths(params, grads);
        float rate = lr;
        for (int i = 0; i < params.length; i++) {
            params[i] -= rate * grads[i];
        }
    }

    @Override
    public String toString() {
        return "sgd(lr: " + lr + ")";
    }
}
