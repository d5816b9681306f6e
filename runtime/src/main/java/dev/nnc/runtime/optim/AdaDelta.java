package dev.nnc.runtime.optim;

/**
 * AdaDelta, as the textbook writes it: {@code r = rho r + (1 - rho) g²;
 * d = sqrt(s + eps) / sqrt(r + eps) · g; s = rho s + (1 - rho) d²; p -= d}. The textbook's rule
 * has no learning rate; {@code lr} here scales the step and defaults to 1, which is the
 * textbook's rule exactly.
 */
public final class AdaDelta extends BaseOptimizer {
    private final float rho;
    private final float eps;

    public AdaDelta(double lr, double rho, double eps) {
        super("adadelta", lr, 2);
        this.rho = (float) unit("rho", rho);
        this.eps = (float) Optimizers.positive("eps", eps);
    }

    @Override
    protected void update(float[] params, float[] grads) {
        float[] r = state[0];
        float[] s = state[1];
        float rate = (float) learningRate();
        float keep = rho;
        float add = 1 - rho;
        for (int i = 0; i < params.length; i++) {
            float g = grads[i];
            float ri = keep * r[i] + add * g * g;
            r[i] = ri;
            float d = (float) Math.sqrt(s[i] + eps) / (float) Math.sqrt(ri + eps) * g;
            s[i] = keep * s[i] + add * d * d;
            params[i] -= rate * d;
        }
    }
}
