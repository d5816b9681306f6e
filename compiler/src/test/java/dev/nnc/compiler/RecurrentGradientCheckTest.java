package dev.nnc.compiler;

import static dev.nnc.compiler.GradientChecks.numeric;
import static dev.nnc.compiler.GradientChecks.param;
import static dev.nnc.compiler.GradientChecks.targets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Back-propagation through time of rnn, lstm and gru against central finite differences of the
 * generated forward code: every cell in both output modes, stacked, bidirectional, without
 * biases, below a dense-per-step layer (which checks dLoss/dX of the recurrent layer) and under
 * per-step losses. Tolerances as in {@link GradientCheckTest}; the functions are smooth, so no
 * parameter is skipped.
 */
class RecurrentGradientCheckTest {
    private static final String HEAD = "model G {\n input [4,3]\n";
    private static final String TAIL = "\n optimizer sgd(lr: 0.1)\n seed 7\n}\n";

    static Stream<String> bodies() {
        List<String> b = new ArrayList<>();
        for (String c : List.of("rnn", "lstm", "gru")) {
            b.add(c + "(5)\n dense(2)\n loss mse");
            b.add(c + "(5, sequence: true)\n dense(2)\n loss mse");
            b.add(c + "(4, sequence: true)\n " + c + "(3)\n dense(2)\n loss mse");
            b.add(c + "(3, bidirectional: true)\n dense(2)\n loss mse");
            b.add(c + "(3, bidirectional: true, sequence: true)\n " + c
                    + "(2, bidirectional: true)\n loss mse");
            b.add(c + "(3, bias: false)\n dense(2)\n loss mse");
            b.add("dense(3) -> tanh\n " + c + "(4)\n dense(2)\n loss mse");
            b.add(c + "(4, sequence: true)\n dense(3) -> softmax\n loss cross_entropy");
        }
        b.add("lstm(4, sequence: true)\n dense(1) -> sigmoid\n loss binary_cross_entropy");
        b.add("gru(4, sequence: true, bidirectional: true)\n dense(2)\n loss mse");
        // 9 units: the vectorized step kernels' 8 lanes and their scalar tail
        b.add("lstm(9, sequence: true)\n dense(2)\n loss mse");
        b.add("gru(9, bidirectional: true)\n dense(2)\n loss mse");
        b.add("rnn(9)\n dense(2)\n loss mse");
        return b.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void bpttMatchesFiniteDifferences(String body) {
        TrainableModel m = Models.load(HEAD + body + TAIL);
        Rng rng = new Rng(11);
        m.initParams(rng);
        float[] p = m.params();
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (0.6 * (rng.nextDouble() - 0.5)); // biases away from zero too
        }
        int n = 3;
        float[] x = new float[n * m.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        float[] y = targets(m, n, rng, body);
        m.trainStep(x, y, n);
        float[] analytic = m.grads().clone();
        for (int i = 0; i < p.length; i++) {
            double num = numeric(m, x, y, n, i, 1e-2);
            double tol = 1e-3 + 1e-2 * Math.abs(num);
            assertEquals(num, analytic[i], tol, "gradient of " + param(m, i) + " in\n" + body);
        }
        assertTrue(p.length > 0);
    }

    /**
     * Large enough that the steps, products and weight gradients are split across threads: two
     * threads give the same gradients as one, to the bit (every output is computed by one thread
     * in one order).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("threadBodies")
    @SuppressWarnings("try") // the binding scopes the kernel context
    void twoThreadsGiveTheGradientsOfOne(String layer) {
        String src = "model G {\n input [12,20]\n " + layer
                + "\n dense(3) -> softmax\n loss cross_entropy" + TAIL;
        float[][] grads = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            TrainableModel m = Models.load(src);
            m.initParams(new Rng(5));
            Rng rng = new Rng(9);
            int n = 64;
            float[] x = new float[n * m.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextDouble();
            }
            float[] y = new float[n * 3];
            for (int i = 0; i < n; i++) {
                y[i * 3 + rng.nextInt(3)] = 1f;
            }
            try (var k = dev.nnc.runtime.kernels.KernelContext.open(threads); var b = k.bind()) {
                m.trainStep(x, y, n);
            }
            grads[threads - 1] = m.grads().clone();
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(grads[0], grads[1]);
    }

    /**
     * A training step gives the same gradients before and after the JIT has compiled the
     * kernels: nothing in them rounds differently in the interpreter (training repeats).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("threadBodies")
    void gradientsDoNotDependOnTheJit(String layer) {
        TrainableModel m = Models.load("model G {\n input [6,5]\n " + layer
                + "\n dense(3) -> softmax\n loss cross_entropy" + TAIL);
        m.initParams(new Rng(5));
        Rng rng = new Rng(9);
        int n = 8;
        float[] x = new float[n * m.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (4 * rng.nextDouble() - 2);
        }
        float[] y = new float[n * 3];
        for (int i = 0; i < n; i++) {
            y[i * 3 + rng.nextInt(3)] = 1f;
        }
        double cold = m.trainStep(x, y, n);
        float[] first = m.grads().clone();
        for (int i = 0; i < 4000; i++) {
            m.trainStep(x, y, n);
        }
        assertEquals(cold, m.trainStep(x, y, n), 0.0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(first, m.grads());
    }

    static Stream<String> threadBodies() {
        return Stream.of("lstm(64, bidirectional: true)", "gru(64, sequence: true)\n rnn(64)");
    }

}
