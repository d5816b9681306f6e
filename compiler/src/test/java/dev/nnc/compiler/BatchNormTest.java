package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.io.WeightsException;
import dev.nnc.runtime.model.ParamTensor;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch norm beyond its gradient (see {@link GradientCheckTest}): the running statistics a
 * training step leaves, inference with them, and their place in the weights file.
 */
class BatchNormTest {
    /** Three features straight into batch norm, whose output is the model's. */
    private static final String ALONE = "model B {\n input [3]\n batchnorm(momentum: 0.8)\n"
            + " loss mse\n optimizer sgd(lr: 0.1)\n}\n";
    private static final String DEEP = "model D {\n input [4]\n dense(6, init: he)\n batchnorm\n"
            + " relu\n dense(5)\n batchnorm\n tanh\n dense(3) -> softmax\n loss cross_entropy\n"
            + " optimizer adamw(lr: 0.01, weight_decay: 0.5)\n seed 3\n}\n";

    @TempDir
    Path dir;

    private static float[] random(Rng rng, int size, double scale, double shift) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (shift + scale * (2 * rng.nextDouble() - 1));
        }
        return v;
    }

    @Test
    void theBuffersAreNamedStartAtZeroAndOneAndAreNotParameters() {
        TrainableModel m = Models.load(ALONE);
        m.initParams(new Rng(1));
        assertEquals(List.of(new ParamTensor("batchnorm1.running_mean", new int[] {3}, 0),
                new ParamTensor("batchnorm1.running_var", new int[] {3}, 3)), m.bufferTensors());
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1}, m.buffers());
        assertEquals(List.of(new ParamTensor("batchnorm1.gamma", new int[] {3}, 0),
                new ParamTensor("batchnorm1.beta", new int[] {3}, 3)), m.paramTensors());
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 0}, m.params(), "γ = 1, β = 0");
        TrainableModel plain = Models.load("model P {\n input [2]\n dense(1)\n loss mse\n"
                + " optimizer sgd(lr: 0.1)\n}\n");
        assertEquals(0, plain.buffers().length);
        assertEquals(List.of(), plain.bufferTensors());
    }

    /** running = momentum · running + (1 − momentum) · batch, with the biased batch variance. */
    @Test
    void aTrainingStepMovesTheRunningStatisticsTowardsTheBatch() {
        TrainableModel m = Models.load(ALONE);
        m.initParams(new Rng(1));
        int n = 5;
        float[] x = random(new Rng(2), n * 3, 2, 1);
        m.trainStep(x, new float[n * 3], n);
        for (int j = 0; j < 3; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x[i * 3 + j];
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (x[i * 3 + j] - mean) * (x[i * 3 + j] - mean);
            }
            var /= n;
            assertEquals(0.2 * mean, m.buffers()[j], 1e-6, "running_mean[" + j + "]");
            assertEquals(0.8 + 0.2 * var, m.buffers()[3 + j], 1e-5, "running_var[" + j + "]");
        }
    }

    /**
     * Prediction normalizes with the running statistics: each sample's output is the same alone
     * as within a batch, and equals γ (x − running_mean) / √(running_var + eps) + β.
     */
    @Test
    void inferenceUsesTheRunningStatistics() {
        TrainableModel m = Models.load(ALONE);
        m.initParams(new Rng(1));
        Rng rng = new Rng(4);
        for (int step = 0; step < 20; step++) {
            m.trainStep(random(rng, 8 * 3, 3, 2), new float[8 * 3], 8);
        }
        float[] p = m.params();
        for (int j = 0; j < 3; j++) {
            p[j] = 1.5f + j; // γ
            p[3 + j] = -0.5f * j; // β
        }
        int n = 7;
        float[] x = random(rng, n * 3, 3, 2);
        float[] batch = new float[n * 3];
        m.predict(x, n, batch);
        float[] b = m.buffers();
        for (int i = 0; i < n; i++) {
            float[] one = new float[3];
            m.predict(java.util.Arrays.copyOfRange(x, i * 3, i * 3 + 3), 1, one);
            for (int j = 0; j < 3; j++) {
                assertEquals(batch[i * 3 + j], one[j], "sample " + i + " alone and in a batch");
                double want = p[j] * (x[i * 3 + j] - b[j]) / Math.sqrt(b[3 + j] + 1e-5) + p[3 + j];
                assertEquals(want, one[j], 1e-5);
            }
        }
        float[] training = new float[n * 3];
        double loss = m.trainStep(x, training, n);
        assertNotEquals(m.evaluate(x, training, n, null) / n, loss,
                "a training step normalizes with the batch's statistics instead");
    }

    /**
     * The buffers travel with the weights, are never the optimizer's (AdamW's weight decay would
     * shrink them), and a file without them does not load into a model that has them.
     */
    @Test
    void weightsRoundTripWithTheBuffers() {
        TrainableModel a = Models.load(DEEP);
        a.initParams(new Rng(5));
        var opt = dev.nnc.runtime.optim.Optimizers.create(a.spec().optimizer());
        Rng rng = new Rng(6);
        for (int step = 0; step < 30; step++) {
            float[] x = random(rng, 16 * 4, 2, 0.5);
            float[] y = new float[16 * 3];
            for (int i = 0; i < 16; i++) {
                y[i * 3 + rng.nextInt(3)] = 1;
            }
            a.trainStep(x, y, 16);
            opt.step(a.params(), a.grads());
        }
        assertEquals(22, a.buffers().length);
        assertTrue(a.buffers()[6] > 0.5, "running_var of batchnorm1 is near the batch variance, "
                + "not shrunk by weight decay: " + a.buffers()[6]);
        Path f = dir.resolve("d.safetensors");
        Weights.save(a, f, Map.of());
        TrainableModel b = Models.load(DEEP);
        Weights.load(b, f);
        assertArrayEquals(a.params(), b.params());
        assertArrayEquals(a.buffers(), b.buffers());
        float[] x = random(rng, 10 * 4, 2, 0.5);
        float[] outA = new float[30];
        float[] outB = new float[30];
        a.predict(x, 10, outA);
        b.predict(x, 10, outB);
        assertArrayEquals(outA, outB);

        // A file that lacks the buffers (as another tool might write it) is refused, naming one.
        TrainableModel c = Models.load(DEEP);
        float[] before = c.buffers().clone();
        Path noBuffers = dir.resolve("no-buffers.safetensors");
        Weights.save(new ParamsOnly(a), noBuffers, Map.of());
        WeightsException e = assertThrows(WeightsException.class,
                () -> Weights.load(c, noBuffers));
        assertTrue(e.getMessage().contains("has no tensor 'batchnorm1.running_mean'"),
                e.getMessage());
        assertArrayEquals(before, c.buffers(), "nothing copied");
    }

    @Test
    void theArchitectureHashCoversTheBuffersButKeepsOlderModelsHashes() {
        Compilation bn = Models.compile(ALONE);
        assertTrue(bn.model().architecture().contains("buffer batchnorm1.running_var[3]"),
                bn.model().architecture());
        Compilation plain = Models.compile("model P {\n input [2]\n dense(1)\n loss mse\n"
                + " optimizer sgd(lr: 0.1)\n}\n");
        assertEquals("input [2]\ndense1 dense[2]->[1] dense1.W[2, 1] dense1.B[1]\n",
                plain.model().architecture());
    }

    /** The model {@code m} as a tool that knows only its parameters would see it. */
    private record ParamsOnly(TrainableModel m) implements dev.nnc.runtime.model.Model {
        @Override
        public String name() {
            return m.name();
        }

        @Override
        public String architectureHash() {
            return m.architectureHash();
        }

        @Override
        public int[] inputShape() {
            return m.inputShape();
        }

        @Override
        public int[] outputShape() {
            return m.outputShape();
        }

        @Override
        public int inputSize() {
            return m.inputSize();
        }

        @Override
        public int outputSize() {
            return m.outputSize();
        }

        @Override
        public dev.nnc.runtime.model.ModelSpec spec() {
            return m.spec();
        }

        @Override
        public float[] params() {
            return m.params();
        }

        @Override
        public List<ParamTensor> paramTensors() {
            return m.paramTensors();
        }

        @Override
        public void predict(float[] x, int n, float[] out) {
            m.predict(x, n, out);
        }
    }
}
