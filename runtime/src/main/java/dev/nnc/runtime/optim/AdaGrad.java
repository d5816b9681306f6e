package dev.nnc.runtime.optim;

/** AdaGrad, as the textbook writes it: {@code r += g²; p -= lr g / (eps + sqrt(r))}. */
public final class AdaGrad extends BaseOptimizer {
    private final float eps;

    public AdaGrad(double lr, double eps) {
        super("adagrad", lr, 1);
        this.eps = (float) Optimizers.positive("eps", eps);
    }

    @Override
    protected void update(float[] params, float[] grads) {
        float[] r = state[0];
        float rate = (float) learningRate();
        for (int i = 0; i < params.length; i++) {
            float g = grads[i];
            float ri = r[i] + g * g;
            r[i] = ri;
            params[i] -= rate * g / (eps + (float) Math.sqrt(ri));
        }
    }
}
