package dev.nnc.runtime;

/**
 * RMSProp, as the textbook writes it: {@code r = rho r + (1 - rho) g²;
 * p = p - lr * g / (eps + sqrt(r))}.
 *
 * <p>Example: {@code optimizer rmsprop(lr: 0.01)} with the textbook's rho 0.9 and eps 1e-6.
 */
public final class RmsProp implements Optimizer {
    private final float lr;
    private final float rho;
    private final float eps;
    private float[] r;

    /** An RMSProp rule; {@code rho} in [0, 1), {@code lr} and {@code eps} positive. */
    public RmsProp(double lr, double rho, double eps) {
        this.lr = (float) Optimizers.positive("lr", lr);
        if (!(rho >= 0 && rho < 1)) {
            throw new IllegalArgumentException("rho not in [0, 1): " + rho);
        }
        this.rho = (float) rho;
        this.eps = (float) Optimizers.positive("eps", eps);
    }

    @Override
    public void step(float[] params, float[] grads) {
        Optimizers.checkLengths(params, grads);
        r = Optimizers.state(r, params.length);
        float[] acc = r;
        float keep = rho;
        float add = 1 - rho;
        for (int i = 0; i < params.length; i++) {
            float g = grads[i];
            float ri = keep * acc[i] + add * g * g;
            acc[i] = ri;
            params[i] -= lr * g / (eps + (float) Math.sqrt(ri));
        }
    }

    @Override
    public String toString() {
        return "rmsprop(lr: " + lr + ", rho: " + rho + ", eps: " + eps + ")";
    }
}
