package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A small model's training step runs its layers' code in two methods (forwardTrain, backward),
 * a large one's in a method per layer and direction; the training forward pass computes what the
 * layer methods compute.
 */
class InlinedStepTest {
    private static final String SMALL = """
            model Small {
                input [3]
                dense(16) -> sigmoid
                dense(8) -> tanh
                dense(2) -> softmax
                loss cross_entropy
                optimizer sgd(lr: 0.1)
                seed 3
            }
            """;

    private static final String LARGE = """
            model Large {
                input [3]
                repeat 40 { dense(3) -> tanh }
                dense(1)
                loss mse
                optimizer sgd(lr: 0.1)
                seed 3
            }
            """;

    @Test
    void aSmallModelTrainsInTwoMethodsALargeOneInOnePerLayer() {
        String small = Models.compile(SMALL).javaSource();
        assertTrue(small.contains("private void forwardTrain(float[] x, int n)"), small);
        assertTrue(small.contains("forwardTrain(x, n);"), small);
        assertFalse(small.contains("private void bwd"), small);
        assertTrue(small.contains("private void fwdDense1("), "predict keeps the layer methods");
        String large = Models.compile(LARGE).javaSource();
        assertFalse(large.contains("forwardTrain"));
        assertTrue(large.contains("private void bwdDense40("));
    }

    @Test
    void theTrainingForwardPassGivesThePredictionsBits() {
        TrainableModel m = InMemoryJavac.load(Models.compile(SMALL));
        m.initParams(new Rng(5));
        Rng r = new Rng(9);
        int n = 7;
        float[] x = new float[n * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        float[] y = new float[n * 2];
        for (int i = 0; i < n; i++) {
            y[i * 2 + i % 2] = 1;
        }
        m.trainStep(x, y, n);
        float[] trained = Arrays.copyOf(m.layerOutput(m.layers().size() - 1), n * 2);
        float[] predicted = new float[n * 2];
        m.predict(x, n, predicted);
        assertArrayEquals(predicted, trained);
    }
}
