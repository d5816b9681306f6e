package dev.nnc.compiler;

import dev.nnc.runtime.model.ParamTensor;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;

/** Test helper shared by the gradient checks: targets, finite differences, parameter names. */
final class GradientChecks {
    private GradientChecks() {
    }

    /**
     * Random targets fitting the loss in {@code body}: one-hot rows over the last dimension for
     * cross-entropy (one per step of a sequence output), bits for binary cross-entropy, values in
     * [−1, 1) otherwise.
     */
    static float[] targets(TrainableModel m, int n, Rng rng, String body) {
        int[] shape = m.outputShape();
        int k = shape[shape.length - 1];
        float[] y = new float[n * m.outputSize()];
        if (body.contains("loss cross_entropy")) {
            for (int r = 0; r < y.length / k; r++) {
                y[r * k + rng.nextInt(k)] = 1f;
            }
        } else if (body.contains("binary_cross_entropy")) {
            for (int i = 0; i < y.length; i++) {
                y[i] = rng.nextInt(2);
            }
        } else {
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) (2 * rng.nextDouble() - 1);
            }
        }
        return y;
    }

    /** The central difference of the mean loss with respect to parameter {@code i}. */
    static double numeric(TrainableModel m, float[] x, float[] y, int n, int i, double h) {
        float[] p = m.params();
        float saved = p[i];
        p[i] = (float) (saved + h);
        double plus = m.evaluate(x, y, n, null) / n;
        p[i] = (float) (saved - h);
        double minus = m.evaluate(x, y, n, null) / n;
        p[i] = saved;
        double step = (double) (float) (saved + h) - (double) (float) (saved - h);
        return (plus - minus) / step;
    }

    /** {@code dense1.W[3]}: the tensor and index of parameter {@code i}. */
    static String param(TrainableModel m, int i) {
        for (ParamTensor t : m.paramTensors()) {
            if (i >= t.offset() && i < t.offset() + t.size()) {
                return t.name() + "[" + (i - t.offset()) + "]";
            }
        }
        return "#" + i;
    }
}
