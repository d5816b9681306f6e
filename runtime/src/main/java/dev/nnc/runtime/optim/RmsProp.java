package dev.nnc.runtime.optim;

/**
 * RMSProp, as the textbook writes it: {@code r = rho r + (1 - rho) g²;
 * p -= lr g / (eps + sqrt(r))} (rho 0.9, eps 1e-6).
 */
public final class RmsProp extends BaseOptimizer {
    private final float rho;
    private final float eps;

    public RmsProp(double lr, double rho, double eps) {
        super("rmsprop", lr, 1);
        this.rho = (float) unit("rho", rho);
        this.eps = (float) Optimizers.positive("eps", eps);
    }

    @Override
    protected void update(float[] params, float[] grads) {
        float[] r = state[0];
        float rate = (float) learningRate();
        float keep = rho;
        float add = 1 - rho;
        for (int i = 0; i < params.length; i++) {
            float g = grads[i];
            float ri = keep * r[i] + add * g * g;
            r[i] = ri;
            params[i] -= rate * g / (eps + (float) Math.sqrt(ri));
        }
    }
}
