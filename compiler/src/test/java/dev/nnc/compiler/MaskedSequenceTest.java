package dev.nnc.compiler;

import static dev.nnc.compiler.GradientChecks.numeric;
import static dev.nnc.compiler.GradientChecks.param;
import static dev.nnc.compiler.GradientChecks.targets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sequences of varying length: recurrent layers with {@code mask: true} on sequences padded with
 * all-zero steps, and {@code embedding}. A batch of padded sequences gives the outputs and the
 * gradients of the same sequences unpadded, each through a model of its own length with the
 * same parameters (so the padded steps contribute nothing, forward or backward), and the masked
 * model's backward pass matches finite differences of its forward pass.
 */
class MaskedSequenceTest {
    private static final int T = 6;
    private static final int F = 3;
    /** The lengths of the batch's samples: one full, one empty, the others in between. */
    private static final int[] LENGTHS = {2, 6, 1, 4, 0};
    private static final String TAIL = "\n optimizer sgd(lr: 0.1)\n seed 7\n}\n";

    static Stream<String> bodies() {
        List<String> b = new ArrayList<>();
        for (String c : List.of("rnn", "lstm", "gru")) {
            b.add(c + "(4, mask: true)\n dense(2)\n loss mse");
            b.add(c + "(3, bidirectional: true, mask: true)\n dense(2)\n loss mse");
            b.add(c + "(4, sequence: true, mask: true)\n " + c + "(3, mask: true)\n dense(2)\n"
                    + " loss mse");
            b.add(c + "(3, sequence: true, bidirectional: true, mask: true)\n " + c
                    + "(2, mask: true)\n dense(2)\n loss mse");
        }
        return b.stream();
    }

    /** The masked model (T steps), or the unmasked one of {@code t} steps, named G{t}. */
    private static String model(int t, String body) {
        String unmasked = body.replace(", mask: true", "");
        return "model G" + t + " {\n input [" + t + "," + F + "]\n " + (t == T ? body : unmasked)
                + TAIL;
    }

    /** Sample i of the batch: LENGTHS[i] steps of values in [−1, 1), none exactly 0. */
    private static float[] padded(Rng rng) {
        float[] x = new float[LENGTHS.length * T * F];
        for (int i = 0; i < LENGTHS.length; i++) {
            for (int q = 0; q < LENGTHS[i] * F; q++) {
                float v = (float) (2 * rng.nextDouble() - 1);
                x[i * T * F + q] = v == 0f ? 0.5f : v;
            }
        }
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void paddedBatchGivesTheOutputsAndGradientsOfTheUnpaddedSequences(String body) {
        // every model of the case in one javac task: the masked one, then one per length
        List<Integer> lengths = new ArrayList<>(List.of(T));
        for (int len : LENGTHS) {
            if (len > 0 && !lengths.contains(len)) {
                lengths.add(len);
            }
        }
        List<TrainableModel> models = Models.loadAll(lengths.stream()
                .map(t -> model(t, body)).toList());
        TrainableModel masked = models.get(0);
        Rng rng = new Rng(11);
        masked.initParams(rng);
        float[] p = masked.params();
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (0.6 * (rng.nextDouble() - 0.5));
        }
        int n = LENGTHS.length;
        float[] x = padded(rng);
        float[] y = targets(masked, n, rng, body);
        int out = masked.outputSize();
        float[] predicted = new float[n * out];
        masked.predict(x, n, predicted);
        masked.trainStep(x, y, n);
        float[] grads = masked.grads().clone();

        float[] expected = new float[p.length];
        for (int i = 0; i < n; i++) {
            int len = LENGTHS[i];
            float[] one = new float[out];
            float[] target = java.util.Arrays.copyOfRange(y, i * out, (i + 1) * out);
            if (len == 0) {
                // nothing read: the recurrent layer outputs its zero initial state (the same
                // model alone on the empty sample)
                TrainableModel whole = Models.load(model(T, body));
                System.arraycopy(p, 0, whole.params(), 0, p.length);
                whole.predict(new float[T * F], 1, one);
                whole.trainStep(new float[T * F], target, 1);
                addScaled(expected, whole.grads(), 1.0 / n);
            } else {
                TrainableModel plain = models.get(lengths.indexOf(len));
                assertEquals(p.length, plain.params().length);
                System.arraycopy(p, 0, plain.params(), 0, p.length);
                float[] xi = java.util.Arrays.copyOfRange(x, i * T * F, i * T * F + len * F);
                plain.predict(xi, 1, one);
                plain.trainStep(xi, target, 1);
                addScaled(expected, plain.grads(), 1.0 / n);
            }
            for (int j = 0; j < out; j++) {
                assertEquals(one[j], predicted[i * out + j], 1e-6,
                        "output " + j + " of sample " + i + " (length " + len + ")");
            }
        }
        for (int i = 0; i < p.length; i++) {
            assertEquals(expected[i], grads[i], 1e-5 + 1e-4 * Math.abs(expected[i]),
                    "gradient of " + param(masked, i) + " in\n" + body);
        }
    }

    private static void addScaled(float[] sum, float[] g, double scale) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += (float) (g[i] * scale);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void maskedBackwardMatchesFiniteDifferences(String body) {
        TrainableModel m = Models.load(model(T, body));
        Rng rng = new Rng(3);
        m.initParams(rng);
        int n = LENGTHS.length;
        float[] x = padded(rng);
        float[] y = targets(m, n, rng, body);
        m.trainStep(x, y, n);
        float[] analytic = m.grads().clone();
        for (int i = 0; i < m.params().length; i++) {
            double num = numeric(m, x, y, n, i, 1e-2);
            assertEquals(num, analytic[i], 1e-3 + 1e-2 * Math.abs(num),
                    "gradient of " + param(m, i) + " in\n" + body);
        }
    }

    /** Codes, with 0 after each sequence's end: what a symbol reader gives. */
    private static float[] codes(Rng rng, int vocab) {
        float[] x = new float[LENGTHS.length * T];
        for (int i = 0; i < LENGTHS.length; i++) {
            for (int t = 0; t < LENGTHS[i]; t++) {
                x[i * T + t] = 1 + rng.nextInt(vocab - 1);
            }
        }
        return x;
    }

    @Test
    void embeddingBackwardMatchesFiniteDifferencesAndPaddingGetsNoGradient() {
        String src = "model E {\n input [" + T + "]\n embedding(7, 3)\n gru(4, mask: true)\n"
                + " dense(3) -> softmax\n loss cross_entropy" + TAIL;
        TrainableModel m = Models.load(src);
        Rng rng = new Rng(5);
        m.initParams(rng);
        int n = LENGTHS.length;
        float[] x = codes(rng, 7);
        float[] y = targets(m, n, rng, "loss cross_entropy");
        m.trainStep(x, y, n);
        float[] analytic = m.grads().clone();
        for (int i = 0; i < m.params().length; i++) {
            double num = numeric(m, x, y, n, i, 1e-2);
            assertEquals(num, analytic[i], 1e-3 + 1e-2 * Math.abs(num),
                    "gradient of " + param(m, i));
        }
        for (int j = 0; j < 3; j++) {
            assertEquals(0f, analytic[j], "padding row of E");
        }
        boolean some = false;
        for (int j = 3; j < 21; j++) {
            some |= analytic[j] != 0f;
        }
        assertTrue(some);
    }

    @Test
    void embeddingEqualsOneHotInputThroughADenseLayer() {
        // embedding(V, d) is one-hot codes times E: the same numbers as a sequence of one-hot
        // rows (padding: the zero row) through a per-step dense(d) without bias
        int v = 5;
        TrainableModel emb = Models.load("model A {\n input [" + T + "]\n embedding(" + v
                + ", 3)\n lstm(2, mask: true)\n loss mse" + TAIL);
        TrainableModel hot = Models.load("model B {\n input [" + T + "," + v + "]\n"
                + " dense(3, bias: false)\n lstm(2, mask: true)\n loss mse" + TAIL);
        emb.initParams(new Rng(1));
        float[] p = emb.params();
        System.arraycopy(p, 0, hot.params(), 0, p.length);
        java.util.Arrays.fill(hot.params(), 0, 3, 0f); // row 0 of W: the padding code
        Rng rng = new Rng(2);
        int n = LENGTHS.length;
        float[] x = codes(rng, v);
        float[] oneHot = new float[n * T * v];
        for (int r = 0; r < n * T; r++) {
            if (x[r] != 0f) {
                oneHot[r * v + (int) x[r]] = 1f;
            }
        }
        float[] a = new float[n * 2];
        float[] b = new float[n * 2];
        emb.predict(x, n, a);
        hot.predict(oneHot, n, b);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-6);
        }
    }

    @Test
    void aCodeOutsideTheVocabularyIsRefused() {
        TrainableModel m = Models.load("model E {\n input [3]\n embedding(4, 2)\n rnn(2)\n"
                + " loss mse" + TAIL);
        m.initParams(new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.predict(new float[] {1, 4, 0}, 1, new float[2]));
        assertTrue(e.getMessage().contains("symbol code 4.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> m.predict(new float[] {1.5f, 0, 0}, 1, new float[2]));
    }
}
