package dev.nnc.compiler;

import static dev.nnc.compiler.GradientChecks.numeric;
import static dev.nnc.compiler.GradientChecks.param;
import static dev.nnc.compiler.GradientChecks.targets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.ops.Registry;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the generated backward code of every layer kind, activation and loss against central
 * finite differences of the generated forward code.
 *
 * <p>Tolerance: the model computes in float32 (about 7 significant digits) and the loss is summed
 * in double. With step h = 1e-2 the truncation error of a central difference is h²/6·|f'''|
 * (about 2e-5 for these smooth functions) and the rounding error about 1e-7·|L|/h (about 1e-5), so
 * |analytic − numeric| ≤ 1e-3 + 1e-2·|numeric| leaves a wide margin over both and still catches any
 * wrong term, sign or factor (those are off by O(|gradient|)). Where a perturbation crosses the kink
 * of relu or leaky_relu the finite difference is meaningless: such parameters are recognised by
 * the difference quotient changing when h is halved, and skipped; the kinks themselves have exact
 * tests below.
 */
class GradientCheckTest {
    private static final String HEAD = "model G {\n input [3]\n";
    private static final String TAIL = "\n optimizer sgd(lr: 0.1)\n seed 7\n}\n";

    /**
     * The models checked: a line per layer kind and activation (an activation's line is
     * {@code "dense(4) -> NAME\n dense(2)\n loss mse"}; {@link #everyActivationHasItsCase}
     * fails while one has none), then losses and loop shapes.
     */
    private static final String[] CASES = {
        "dense(4)\n dense(2)\n loss mse",
        "dense(4, bias: false)\n dense(2, bias: false)\n loss mse",
        "dense(4) -> identity\n dense(2)\n loss mse",
        "dense(4) -> sigmoid\n dense(2)\n loss mse",
        "dense(4) -> tanh\n dense(2)\n loss mse",
        "dense(4) -> relu\n dense(2)\n loss mse",
        "dense(4) -> leaky_relu(alpha: 0.2)\n dense(2)\n loss mse",
        "dense(4) -> softplus\n dense(2)\n loss mse",
        "dense(4) -> softmax\n dense(2)\n loss mse",
        "dense(3) -> sigmoid\n loss mse",
        "dense(4) -> tanh\n dense(2) -> sigmoid\n loss binary_cross_entropy",
        "dense(4) -> relu\n dense(3) -> softmax\n loss cross_entropy",
        "dense(3) -> softmax\n loss mse",
        "dense(5) -> tanh\n dense(4) -> sigmoid\n dense(3) -> softmax\n loss cross_entropy",
        // one input or few outputs (no loop over them), activations fused into the next layer
        "dense(1) -> tanh\n dense(5) -> sigmoid\n dense(1)\n loss mse",
        "dense(5) -> tanh\n dense(6, bias: false) -> sigmoid\n dense(2)\n loss mse",
        "dense(1, bias: false) -> sigmoid\n dense(6, bias: false)\n dense(2)\n loss mse",
    };

    static Stream<String> cases() {
        return Arrays.stream(CASES);
    }

    @Test
    void everyActivationHasItsCase() {
        for (String name : Registry.standard().activationNames()) {
            assertTrue(Arrays.stream(CASES).anyMatch(c -> c.matches("(?s).*-> " + name
                    + "\\b.*")), "GradientCheckTest has no case for the activation " + name
                    + ": add \"dense(4) -> " + name + "\\n dense(2)\\n loss mse\" to CASES");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(String body) {
        TrainableModel m = Models.load(HEAD + body + TAIL);
        Rng rng = new Rng(11);
        m.initParams(rng);
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (0.3 * (rng.nextDouble() - 0.5)); // biases away from zero too
        }
        int n = 4;
        float[] x = new float[n * m.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        float[] y = targets(m, n, rng, body);
        m.trainStep(x, y, n);
        float[] analytic = m.grads().clone();
        int checked = 0;
        int skipped = 0;
        for (int i = 0; i < p.length; i++) {
            double num = numeric(m, x, y, n, i, 1e-2);
            double half = numeric(m, x, y, n, i, 5e-3);
            double quarter = numeric(m, x, y, n, i, 2.5e-3);
            if (Math.abs(num - half) > 1e-3 + 0.02 * Math.abs(num)
                    || Math.abs(half - quarter) > 1e-3 + 0.02 * Math.abs(num)) {
                skipped++; // a kink lies within the step
                continue;
            }
            double tol = 1e-3 + 1e-2 * Math.abs(num);
            assertEquals(num, analytic[i], tol, "gradient of " + param(m, i) + " in\n" + body);
            checked++;
        }
        assertTrue(skipped <= p.length / 5, "too many parameters skipped: " + skipped);
        assertTrue(checked > 0);
    }

    /**
     * The central difference (h = 1e-2) of the loss a training step reports with respect to
     * parameter {@code i}: that loss includes penalties and uses batch statistics and the dropout
     * mask. The mask generator is reset to {@code rngState} before each step, so both sides see
     * the mask the analytic gradient saw (a model without masks ignores it).
     */
    private static double trainingLossDerivative(TrainableModel m, float[] x, float[] y, int n,
            int i, long rngState) {
        float[] p = m.params();
        float saved = p[i];
        double h = 1e-2;
        p[i] = (float) (saved + h);
        m.setRngState(rngState);
        double plus = m.trainStep(x, y, n);
        p[i] = (float) (saved - h);
        m.setRngState(rngState);
        double minus = m.trainStep(x, y, n);
        p[i] = saved;
        double step = (double) (float) (saved + h) - (double) (float) (saved - h);
        return (plus - minus) / step;
    }

    /** Z = 0 exactly at every hidden unit: relu's slope there is 0, leaky_relu's is alpha. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"relu", "leaky_relu(alpha: 0.25)", "sigmoid", "tanh"})
    void exactGradientAtZero(String act) {
        TrainableModel m = Models.load("model K {\n input [2]\n dense(3, init: zero) -> " + act
                + "\n dense(1)\n loss mse\n optimizer sgd(lr: 0.1)\n}\n");
        m.initParams(new Rng(1));
        float[] p = m.params();
        // dense2.W = [1, -2, 3] at offset 9 (dense1.W 6 + dense1.B 3), dense2.B = 0
        p[9] = 1f;
        p[10] = -2f;
        p[11] = 3f;
        float[] x = {0.5f, -1.5f};
        float[] y = {4f};
        m.trainStep(x, y, 1);
        float[] out = new float[1];
        m.predict(x, 1, out);
        double a0 = act.startsWith("sigmoid") ? 0.5 : 0; // f(0)
        double slope = switch (act) {
            case "relu" -> 0;
            case "sigmoid" -> 0.25;
            case "tanh" -> 1;
            default -> 0.25;
        };
        double dOut = out[0] - y[0]; // mse: dL/dA = (a - y)/m with m = 1
        assertEquals(a0 * (1 - 2 + 3), out[0], 1e-6);
        float[] g = m.grads();
        float[] w2 = {1f, -2f, 3f};
        for (int j = 0; j < 3; j++) {
            assertEquals(dOut * w2[j] * slope, g[6 + j], 1e-6, "dense1.B[" + j + "]");
            assertEquals(dOut * w2[j] * slope * x[0], g[j], 1e-6, "dense1.W[0," + j + "]");
        }
    }

    /** Softmax with cross-entropy and sigmoid with binary cross-entropy give dZ = (A − Y)/m. */
    @Test
    void fusedLossGradientIsOutputMinusTarget() {
        TrainableModel m = Models.load("model F {\n input [2]\n dense(3) -> softmax\n"
                + " loss cross_entropy\n optimizer sgd(lr: 0.1)\n}\n");
        m.initParams(new Rng(5));
        float[] x = {1f, 2f, -1f, 0.5f};
        float[] y = {0, 1, 0, 1, 0, 0};
        m.trainStep(x, y, 2);
        float[] a = new float[6];
        m.predict(x, 2, a);
        float[] g = m.grads();
        for (int j = 0; j < 3; j++) {
            double db = ((a[j] - y[j]) + (a[3 + j] - y[3 + j])) / 2.0;
            assertEquals(db, g[6 + j], 1e-6, "dense1.B[" + j + "]");
        }
    }

    /**
     * L1 and L2 penalties: their gradient against finite differences of the loss a training step
     * reports, which includes them (evaluation does not).
     */
    @Test
    void penaltiesMatchFiniteDifferences() {
        TrainableModel m = Models.load("model P {\n input [3]\n dense(4, l1: 0.2) -> tanh\n"
                + " dense(2, l2: 0.3)\n loss mse\n optimizer sgd(lr: 0.1)\n train { l2: 0.05 }\n}\n");
        Rng rng = new Rng(4);
        m.initParams(rng);
        int n = 3;
        float[] x = new float[n * 3];
        float[] y = new float[n * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) (2 * rng.nextDouble() - 1);
        }
        m.trainStep(x, y, n);
        float[] analytic = m.grads().clone();
        float[] p = m.params();
        int checked = 0;
        for (int i = 0; i < p.length; i++) {
            if (Math.abs(p[i]) < 0.02) {
                continue; // |W| has its kink at 0
            }
            double num = trainingLossDerivative(m, x, y, n, i, 0);
            assertEquals(num, analytic[i], 1e-3 + 1e-2 * Math.abs(num), param(m, i));
            checked++;
        }
        assertTrue(checked > p.length / 2, "checked " + checked);
    }

    /**
     * Batch norm in training mode: the numeric derivative is taken of the loss a training step
     * reports, which normalizes with the batch's own statistics (evaluation uses the running ones).
     * Each step also moves the running statistics, which that loss does not read. Batch norm first
     * (no dX needed), after a dense layer (dX flows back through μ and σ²), and before a fused
     * softmax.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "batchnorm\n dense(2)\n loss mse",
        "dense(5)\n batchnorm\n tanh\n dense(2)\n loss mse",
        "dense(4) -> sigmoid\n batchnorm(momentum: 0.5, eps: 0.001)\n dense(3) -> softmax\n"
                + " loss cross_entropy",
    })
    void batchNormMatchesFiniteDifferencesOfTheTrainingLoss(String body) {
        TrainableModel m = Models.load(HEAD + body + TAIL);
        Rng rng = new Rng(12);
        m.initParams(rng);
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (0.3 * (rng.nextDouble() - 0.5)); // γ away from 1, β from 0
        }
        int n = 6;
        float[] x = new float[n * m.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        float[] y = targets(m, n, rng, body);
        m.trainStep(x, y, n);
        float[] analytic = m.grads().clone();
        for (int i = 0; i < p.length; i++) {
            double num = trainingLossDerivative(m, x, y, n, i, 0);
            assertEquals(num, analytic[i], 1e-3 + 1e-2 * Math.abs(num),
                    "gradient of " + param(m, i) + " in\n" + body);
        }
    }

    /**
     * Dropout with a fixed mask: the generator's state is reset before every training step, so
     * each finite difference sees the mask the analytic gradient saw.
     */
    @Test
    void dropoutWithAFixedMaskMatchesFiniteDifferences() {
        TrainableModel m = Models.load("model D {\n input [3]\n dense(6) -> tanh\n"
                + " dropout(0.5)\n dense(2)\n loss mse\n optimizer sgd(lr: 0.1)\n}\n");
        Rng rng = new Rng(8);
        m.initParams(rng);
        int n = 4;
        float[] x = new float[n * 3];
        float[] y = new float[n * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) (2 * rng.nextDouble() - 1);
        }
        long state = m.rngState();
        m.trainStep(x, y, n);
        float[] analytic = m.grads().clone();
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) {
            double num = trainingLossDerivative(m, x, y, n, i, state);
            assertEquals(num, analytic[i], 1e-3 + 1e-2 * Math.abs(num), param(m, i));
        }
        m.setRngState(state);
        double once = m.trainStep(x, y, n);
        m.setRngState(state);
        assertEquals(once, m.trainStep(x, y, n), "the same state draws the same mask");
        m.setRngState(state + 1);
        assertTrue(once != m.trainStep(x, y, n), "another state draws another mask");
        float[] a = new float[n * 2];
        float[] b = new float[n * 2];
        m.predict(x, n, a);
        m.predict(x, n, b);
        assertArrayEquals(a, b, "inference does not drop");
    }
}
