package dev.nnc.runtime.model;

import dev.nnc.runtime.train.Metrics;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written one-layer model for tests: {@code Z = X·W + B}, then identity (MSE), sigmoid
 * (binary cross-entropy) or softmax (cross-entropy), with the textbook's gradients
 * {@code dZ = (A - Y)}, {@code dW = Xᵀ·dZ / m}, {@code dB = sum(dZ) / m}.
 */
public final class LinearTestModel implements TrainableModel {
    private final String name;
    private final int in;
    private final int out;
    private final ModelSpec spec;
    private final float[] params;
    private final float[] grads;
    private float[] a = new float[0];
    /** The batch size of every training step, for tests of the loop. */
    public final List<Integer> steps = new ArrayList<>();
    /** The number of calls of {@link #evaluate}, for tests of the loop. */
    public int evaluations;

    public LinearTestModel(String name, int in, int out, ModelSpec spec) {
        this.name = name;
        this.in = in;
        this.out = out;
        this.spec = spec;
        this.params = new float[in * out + out];
        this.grads = new float[params.length];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String architectureHash() {
        return "lin" + in + "x" + out + spec.loss().id() + "0123456789abcdef";
    }

    @Override
    public int[] inputShape() {
        return new int[] {in};
    }

    @Override
    public int[] outputShape() {
        return new int[] {out};
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return out;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public float[] params() {
        return params;
    }

    @Override
    public List<ParamTensor> paramTensors() {
        return List.of(new ParamTensor("dense1.W", new int[] {in, out}, 0),
                new ParamTensor("dense1.B", new int[] {out}, in * out));
    }

    @Override
    public float[] grads() {
        return grads;
    }

    @Override
    public void initParams(Rng rng) {
        Init.normal(params, 0, in * out, 0.1, rng);
        Init.zero(params, in * out, out);
    }

    @Override
    public void predict(float[] x, int n, float[] dst) {
        forward(x, n);
        System.arraycopy(a, 0, dst, 0, n * out);
    }

    private void forward(float[] x, int n) {
        if (a.length < n * out) {
            a = new float[n * out];
        }
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < out; j++) {
                float z = params[in * out + j];
                for (int i = 0; i < in; i++) {
                    z += x[s * in + i] * params[i * out + j];
                }
                a[s * out + j] = z;
            }
            switch (spec.loss()) {
                case MSE -> { }
                case BINARY_CROSS_ENTROPY -> {
                    for (int j = 0; j < out; j++) {
                        a[s * out + j] = (float) (1 / (1 + Math.exp(-a[s * out + j])));
                    }
                }
                case CROSS_ENTROPY -> {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < out; j++) {
                        max = Math.max(max, a[s * out + j]);
                    }
                    float sum = 0;
                    for (int j = 0; j < out; j++) {
                        a[s * out + j] = (float) Math.exp(a[s * out + j] - max);
                        sum += a[s * out + j];
                    }
                    for (int j = 0; j < out; j++) {
                        a[s * out + j] /= sum;
                    }
                }
                default -> throw new AssertionError(spec.loss());
            }
        }
    }

    private double lossSum(float[] y, int n) {
        return Metrics.loss(a, y, n, out, spec.loss());
    }

    @Override
    public double trainStep(float[] x, float[] y, int n) {
        steps.add(n);
        forward(x, n);
        double loss = lossSum(y, n) / n;
        java.util.Arrays.fill(grads, 0f);
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < out; j++) {
                float dz = (a[s * out + j] - y[s * out + j]) / n;
                for (int i = 0; i < in; i++) {
                    grads[i * out + j] += x[s * in + i] * dz;
                }
                grads[in * out + j] += dz;
            }
        }
        return loss;
    }

    @Override
    public double evaluate(float[] x, float[] y, int n, float[] dst) {
        evaluations++;
        forward(x, n);
        if (dst != null) {
            System.arraycopy(a, 0, dst, 0, n * out);
        }
        return lossSum(y, n);
    }

    /** A spec with the given loss, plain SGD and a train block. */
    public static ModelSpec spec(ModelSpec.Loss loss, double lr, ModelSpec.TrainSpec train,
            ModelSpec.DataSpec data) {
        return new ModelSpec(loss, new ModelSpec.OptimizerSpec("sgd", java.util.Map.of("lr", lr)),
                1, train, data);
    }
}
