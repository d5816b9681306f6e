package dev.nnc.runtime;

/**
 * AdaGrad, as the textbook writes it: {@code r = r + g²; p = p - lr * g / (eps + sqrt(r))}.
 *
 * <p>Example: {@code optimizer adagrad(lr: 0.3)} with the textbook's eps 1e-6.
 */
public final class AdaGrad implements Optimizer {
    private final float lr;
    private final float eps;
    private float[] r;

    /** An AdaGrad rule with learning rate {@code lr} and {@code eps} (both positive). */
    public AdaGrad(double lr, double eps) {
        this.lr = (float) Optimizers.positive("lr", lr);
        this.eps = (float) Optimizers.positive("eps", eps);
    }

    @Override
    public void step(float[] params, float[] grads) {
        Optimizers.checkLengths(params, grads);
        r = Optimizers.state(r, params.length);
        float[] acc = r;
        for (int i = 0; i < params.length; i++) {
            float g = grads[i];
            float ri = acc[i] + g * g;
            acc[i] = ri;
            params[i] -= lr * g / (eps + (float) Math.sqrt(ri));
        }
    }

    @Override
    public String toString() {
        return "adagrad(lr: " + lr + ", eps: " + eps + ")";
    }
}
