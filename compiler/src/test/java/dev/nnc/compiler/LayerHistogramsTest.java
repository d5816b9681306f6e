package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.model.LayerInfo;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.Histogram;
import dev.nnc.runtime.train.LayerHistograms;
import dev.nnc.runtime.train.Training;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the layers see: the generated {@code layers()} and {@code layerOutput(i)} against a forward
 * pass computed by hand, and {@link LayerHistograms} on them (counts, values, the gradient step
 * that leaves no trace).
 */
class LayerHistogramsTest {
    /** 2 → dense 2 → relu → dense 1 → sigmoid, binary cross-entropy. */
    private static final String TINY = "model Tiny {\n input [2]\n dense(2) -> relu\n"
            + " dense(1) -> sigmoid\n loss binary_cross_entropy\n optimizer sgd(lr: 0.1)\n}\n";
    /** Three samples, rows. */
    private static final float[] X = {1, 2, -1, 0.5f, 0, -3};
    private static final float[] Y = {1, 0, 1};

    /** W1 = [[1, -1], [2, 0.5]] (rows are inputs), B1 = [0.5, -0.25], W2 = [1, -2], B2 = 0.1. */
    private static TrainableModel tiny() {
        TrainableModel m = Models.load(TINY);
        float[] p = {1, -1, 2, 0.5f, 0.5f, -0.25f, 1, -2, 0.1f};
        assertEquals(p.length, m.params().length);
        System.arraycopy(p, 0, m.params(), 0, p.length);
        return m;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    @Test
    void theModelListsItsLayersWithTheirOutputShapes() {
        assertEquals(List.of(new LayerInfo("dense1", "dense", new int[] {2}),
                new LayerInfo("relu1", "relu", new int[] {2}),
                new LayerInfo("dense2", "dense", new int[] {1}),
                new LayerInfo("sigmoid1", "sigmoid", new int[] {1})), tiny().layers());
    }

    @Test
    void layerOutputsAreTheForwardPassByHand() {
        TrainableModel m = tiny();
        assertThrows(IllegalStateException.class, () -> m.layerOutput(0));
        m.predict(X, 3, new float[3]);
        // Z1 = X·W1 + B1, by hand: (1, 2) → (1 + 4 + 0.5, −1 + 1 − 0.25) = (5.5, −0.25);
        // (−1, 0.5) → (−1 + 1 + 0.5, 1 + 0.25 − 0.25) = (0.5, 1); (0, −3) → (−5.5, −1.75).
        float[] z1 = {5.5f, -0.25f, 0.5f, 1, -5.5f, -1.75f};
        float[] a1 = {5.5f, 0, 0.5f, 1, 0, 0};
        // Z2 = A1·W2 + B2: 5.5 + 0.1, 0.5 − 2 + 0.1, 0.1.
        float[] z2 = {5.6f, -1.4f, 0.1f};
        float[] a2 = {(float) sigmoid(5.6), (float) sigmoid(-1.4), (float) sigmoid(0.1)};
        float[][] want = {z1, a1, z2, a2};
        for (int i = 0; i < want.length; i++) {
            float[] got = java.util.Arrays.copyOf(m.layerOutput(i), want[i].length);
            assertArrayEquals(want[i], got, 1e-6f, "layer " + i);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> m.layerOutput(4));
    }

    @Test
    void histogramsCountEverySampleOfEveryUnitAtTheirValues() {
        TrainableModel m = tiny();
        LayerHistograms h = new LayerHistograms(m, 100, 4);
        h.onData(new Dataset(X, Y, 3, 2, 1), null);
        h.take(0);
        LayerHistograms.Snapshot s = h.snapshots().get(0);
        assertEquals(3, h.samples());
        assertEquals(4, s.activations().size());
        for (int i = 0; i < 4; i++) {
            Histogram a = s.activations().get(i);
            int units = m.layers().get(i).size();
            assertEquals(3L * units, a.total(), "samples × units of layer " + i);
            assertEquals(3L * units, java.util.Arrays.stream(a.counts()).sum());
        }
        // relu1 saw 5.5, 0, 0.5, 1, 0, 0: range [0, 5.5], bins 1.375 wide.
        Histogram relu = s.activations().get(1);
        assertEquals(0, relu.lo());
        assertEquals(5.5, relu.hi(), 1e-6);
        assertArrayEquals(new long[] {5, 0, 0, 1}, relu.counts());
        assertEquals(7 / 6.0, relu.mean(), 1e-6);
        // The weight tensors only (not the biases): W1 = 1, −1, 2, 0.5 on [−1, 2], bins 0.75 wide.
        assertEquals(List.of("dense1.W", "dense2.W"),
                h.weights().stream().map(t -> t.name()).toList());
        Histogram w1 = s.weights().get(0);
        assertEquals(-1, w1.lo(), 1e-6);
        assertEquals(2, w1.hi(), 1e-6);
        assertArrayEquals(new long[] {1, 0, 2, 1}, w1.counts());
        // The gradient of the mean loss, by hand: dZ2 = (A2 − Y)/3, dW2 = A1ᵀ·dZ2.
        double[] dz2 = new double[3];
        for (int s2 = 0; s2 < 3; s2++) {
            dz2[s2] = (sigmoid(new double[] {5.6, -1.4, 0.1}[s2]) - Y[s2]) / 3;
        }
        float[] a1 = {5.5f, 0, 0.5f, 1, 0, 0};
        float[] dw2 = new float[2];
        for (int j = 0; j < 2; j++) {
            for (int s2 = 0; s2 < 3; s2++) {
                dw2[j] += (float) (a1[s2 * 2 + j] * dz2[s2]);
            }
        }
        Histogram want = Histogram.of(dw2, 0, 2, 4);
        Histogram got = s.gradients().get(1);
        assertEquals(want.lo(), got.lo(), 1e-6);
        assertEquals(want.hi(), got.hi(), 1e-6);
        assertArrayEquals(want.counts(), got.counts());
        assertEquals(want.mean(), got.mean(), 1e-6);
    }

    @Test
    void aRunWithTheListenerEndsWithTheSameWeightsAndBuffersBitForBit() {
        String src = "model Bn {\n input [3]\n dense(8)\n batchnorm -> relu\n dropout(0.2)\n"
                + " dense(2) -> softmax\n loss cross_entropy\n optimizer momentum(lr: 0.1)\n"
                + " seed 5\n train { epochs: 8, batch: 4 }\n}\n";
        Rng r = new Rng(9);
        int n = 20;
        float[] x = new float[n * 3];
        float[] y = new float[n * 2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = (float) (2 * r.nextDouble() - 1);
            }
            y[i * 2 + (x[i * 3] + x[i * 3 + 1] > 0 ? 1 : 0)] = 1;
        }
        Dataset d = new Dataset(x, y, n, 3, 2);
        TrainableModel plain = Models.load(src);
        Training.run(plain, null, Training.Options.defaults().withData(d, null));
        TrainableModel watched = Models.load(src);
        LayerHistograms h = new LayerHistograms(watched, 16, 10);
        Training.run(watched, null, Training.Options.defaults().withData(d, null)
                .withListener(h));
        assertArrayEquals(plain.params(), watched.params());
        assertArrayEquals(plain.buffers(), watched.buffers());
        assertEquals(List.of(0, 1, 2, 4, 6, 8), h.snapshots().stream()
                .map(LayerHistograms.Snapshot::epoch).toList());
        for (LayerHistograms.Snapshot s : h.snapshots()) {
            for (int i = 0; i < h.layers().size(); i++) {
                assertEquals(16L * h.layers().get(i).size(), s.activations().get(i).total());
            }
            assertEquals(2, s.gradients().size());
            assertEquals(24, s.gradients().get(0).total(), "dense1.W is 3 × 8");
        }
    }

    @Test
    void theChosenEpochsAreTheStartTheFirstTheQuartersAndTheLast() {
        assertEquals(List.of(0, 1, 13, 25, 38, 50), LayerHistograms.epochsOf(50));
        assertEquals(List.of(0, 1, 2, 3), LayerHistograms.epochsOf(3));
        assertEquals(List.of(0, 1), LayerHistograms.epochsOf(1));
    }
}
