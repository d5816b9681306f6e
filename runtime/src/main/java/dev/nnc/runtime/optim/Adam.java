package dev.nnc.runtime.optim;

import dev.nnc.runtime.kernels.Kernels;

/**
 * Adam with bias correction: {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g²;
 * p -= lr m̂ / (sqrt(v̂) + eps)} with {@code m̂ = m / (1 - b1^t)}, {@code v̂ = v / (1 - b2^t)}.
 * AdamW ({@code weightDecay > 0}) first shrinks every parameter by {@code lr · weightDecay},
 * decoupled from the gradient.
 */
public final class Adam extends BaseOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;

    /** Adam ({@code weightDecay} 0) or AdamW. */
    public Adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(weightDecay > 0 ? "adamw" : "adam", lr, 2);
        this.beta1 = unit("beta1", beta1);
        this.beta2 = unit("beta2", beta2);
        this.eps = Optimizers.positive("eps", eps);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight_decay < 0: " + weightDecay);
        }
        this.weightDecay = weightDecay;
    }

    /** Adam without weight decay. */
    public Adam(double lr, double beta1, double beta2, double eps) {
        this(lr, beta1, beta2, eps, 0);
    }

    @Override
    protected void update(float[] params, float[] grads) {
        float[] m = state[0];
        float[] v = state[1];
        double lr = learningRate();
        // NOTE: both bias corrections are folded into one step size and one epsilon, in double,
        // once per step: lr·sqrt(1-b2^t)/(1-b1^t) and eps·sqrt(1-b2^t).
        double c2 = Math.sqrt(1 - Math.pow(beta2, t));
        float step = (float) (lr * c2 / (1 - Math.pow(beta1, t)));
        float e = (float) (eps * c2);
        float shrink = (float) (1 - lr * weightDecay);
        // NOTE: without weight decay the shrink is 1 and the kernel skips it; with a decay so
        // small that it rounds to 1, skipping it gives the same bits.
        Kernels.adam(params, grads, m, v, (float) beta1, (float) beta2, step, e, shrink);
    }
}
