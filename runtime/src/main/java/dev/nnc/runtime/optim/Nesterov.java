package dev.nnc.runtime.optim;

/**
 * Nesterov accelerated gradient. The textbook evaluates the gradient at the look-ahead point
 * θ + mu v; written for the parameters themselves (Sutskever's form, as PyTorch does) that is
 * {@code v = mu v - lr g; p += mu v - lr g}, with g taken at p.
 */
public final class Nesterov extends BaseOptimizer {
    private final float mu;

    public Nesterov(double lr, double mu) {
        super("nesterov", lr, 1);
        this.mu = (float) unit("momentum", mu);
    }

    @Override
    protected void update(float[] params, float[] grads) {
        float[] v = state[0];
        float rate = (float) learningRate();
        for (int i = 0; i < params.length; i++) {
            float step = rate * grads[i];
            float vi = mu * v[i] - step;
            v[i] = vi;
            params[i] += mu * vi - step;
        }
    }
}
