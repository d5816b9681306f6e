package dev.nnc.runtime;

/**
 * Adam with bias correction: {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g²;
 * p -= lr * m̂ / (sqrt(v̂) + eps)} with {@code m̂ = m / (1 - b1^t)}, {@code v̂ = v / (1 - b2^t)}.
 *
 * <p>Example: {@code optimizer adam(lr: 0.001)} uses the textbook's defaults b1 0.9, b2 0.999 and
 * eps 1e-8.
 */
public final class Adam implements Optimizer {
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private float[] m;
    private float[] v;
    private long t;

    /** An Adam rule; {@code beta1} and {@code beta2} in [0, 1), {@code eps} positive. */
    public Adam(double lr, double beta1, double beta2, double eps) {
        this.lr = Optimizers.positive("lr", lr);
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 not in [0, 1): " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 not in [0, 1): " + beta2);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = Optimizers.positive("eps", eps);
    }

    @Override
    public void step(float[] params, float[] grads) {
        Optimizers.checkLengths(params, grads);
        m = Optimizers.state(m, params.length);
        v = Optimizers.state(v, params.length);
        t++;
        // NOTE: the bias corrections are folded into one step size, computed in double once.
        float step = (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        float e = (float) (eps * Math.sqrt(1 - Math.pow(beta2, t)));
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = 1 - b1;
        float c2 = 1 - b2;
        float[] mm = m;
        float[] vv = v;
        for (int i = 0; i < params.length; i++) {
            float g = grads[i];
            float mi = b1 * mm[i] + c1 * g;
            float vi = b2 * vv[i] + c2 * g * g;
            mm[i] = mi;
            vv[i] = vi;
            params[i] -= step * mi / ((float) Math.sqrt(vi) + e);
        }
    }

    @Override
    public String toString() {
        return "adam(lr: " + lr + ", beta1: " + beta1 + ", beta2: " + beta2 + ", eps: " + eps + ")";
    }
}
