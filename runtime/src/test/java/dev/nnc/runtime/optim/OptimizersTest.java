package dev.nnc.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.runtime.model.ModelSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizersTest {

    private static ModelSpec.OptimizerSpec spec(String name, Map<String, Double> args) {
        return new ModelSpec.OptimizerSpec(name, args);
    }

    @Test
    void sgdSubtractsLearningRateTimesGradient() {
        float[] p = {1f, -2f, 0.5f};
        new Sgd(0.5).step(p, new float[] {0.2f, -1f, 0f});
        assertArrayEquals(new float[] {0.9f, -1.5f, 0.5f}, p, 1e-7f);
    }

    @Test
    void momentumAccumulatesVelocity() {
        Optimizer o = Optimizers.create(spec("momentum", Map.of("lr", 0.1, "momentum", 0.5)));
        float[] p = {1f};
        float[] g = {1f};
        o.step(p, g); // v = -0.1, p = 0.9
        o.step(p, g); // v = 0.5 * -0.1 - 0.1 = -0.15, p = 0.75
        assertEquals(0.75f, p[0], 1e-6f);
    }

    @Test
    void adamFirstStepMovesByLearningRate() {
        Optimizer o = Optimizers.create(spec("adam", Map.of("lr", 0.01)));
        float[] p = {1f, 1f};
        o.step(p, new float[] {3f, -0.002f});
        // m̂ = g and v̂ = g², so the first step is lr * sign(g)
        assertArrayEquals(new float[] {0.99f, 1.01f}, p, 1e-5f);
    }

    @Test
    void adaGradAndRmsPropFollowTheTextbook() {
        float[] p = {1f};
        Optimizers.create(spec("adagrad", Map.of("lr", 0.1))).step(p, new float[] {2f});
        assertEquals(1 - 0.1 * 2 / (1e-6 + 2), p[0], 1e-6);
        float[] q = {1f};
        Optimizers.create(spec("rmsprop", Map.of("lr", 0.1))).step(q, new float[] {2f});
        assertEquals(1 - 0.1 * 2 / (1e-6 + Math.sqrt(0.1 * 4)), q[0], 1e-6);
    }

    @Test
    void createsSgdFromSpec() {
        Optimizer o = Optimizers.create(spec("sgd", Map.of("lr", 0.25)));
        assertEquals(0.25, assertInstanceOf(Sgd.class, o).learningRate());
    }

    @Test
    void unknownNameListsKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create(spec("sdg", Map.of("lr", 0.1))));
        assertEquals("unknown optimizer 'sdg'; known: adadelta, adagrad, adam, adamw, momentum, "
                + "nesterov, rmsprop, sgd",
                e.getMessage());
    }

    @Test
    void missingAndUnknownArguments() {
        assertEquals("optimizer 'sgd' needs the argument 'lr'",
                assertThrows(IllegalArgumentException.class,
                        () -> Optimizers.create(spec("sgd", Map.of()))).getMessage());
        assertEquals("optimizer 'sgd' has no argument 'beta'; it takes: lr",
                assertThrows(IllegalArgumentException.class,
                        () -> Optimizers.create(spec("sgd", Map.of("lr", 0.1, "beta", 1.0))))
                        .getMessage());
    }

    @Test
    void stateIsBoundToOneParameterCount() {
        Optimizer o = Optimizers.create(spec("momentum", Map.of("lr", 0.1)));
        o.step(new float[2], new float[2]);
        assertThrows(IllegalStateException.class, () -> o.step(new float[3], new float[3]));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0));
    }

    @Test
    void nesterovLooksAhead() {
        Optimizer o = Optimizers.create(spec("nesterov", Map.of("lr", 0.1, "momentum", 0.5)));
        float[] p = {1f};
        float[] g = {1f};
        o.step(p, g); // v = -0.1; p += 0.5 * -0.1 - 0.1 = -0.15 -> 0.85
        assertEquals(0.85f, p[0], 1e-6f);
        o.step(p, g); // v = -0.05 - 0.1 = -0.15; p += -0.075 - 0.1 -> 0.675
        assertEquals(0.675f, p[0], 1e-6f);
    }

    @Test
    void adaDeltaNeedsNoLearningRate() {
        Optimizer o = Optimizers.create(spec("adadelta", Map.of()));
        float[] p = {1f};
        o.step(p, new float[] {2f});
        // r = 0.1 * 4 = 0.4; d = sqrt(0 + 1e-5) / sqrt(0.4 + 1e-5) * 2; s = 0.1 d²
        double r = 0.4;
        double d = Math.sqrt(1e-5) / Math.sqrt(r + 1e-5) * 2;
        assertEquals(1 - d, p[0], 1e-7);
        o.step(p, new float[] {2f});
        double r2 = 0.9 * r + 0.4;
        double s = 0.1 * d * d;
        double d2 = Math.sqrt(s + 1e-5) / Math.sqrt(r2 + 1e-5) * 2;
        assertEquals(1 - d - d2, p[0], 1e-6);
    }

    @Test
    void adamSecondStepFollowsTheBiasCorrectedMoments() {
        Optimizer o = Optimizers.create(spec("adam", Map.of("lr", 0.1)));
        float[] p = {0f};
        o.step(p, new float[] {1f});
        o.step(p, new float[] {-1f});
        double m = 0.9 * 0.1 - 0.1;          // after two steps
        double v = 0.999 * 0.001 + 0.001;
        double mh = m / (1 - 0.81);
        double vh = v / (1 - 0.999 * 0.999);
        assertEquals(-0.1 - 0.1 * mh / (Math.sqrt(vh) + 1e-8), p[0], 1e-6);
    }

    @Test
    void adamWDecaysTheWeightsBeforeTheAdamStep() {
        Optimizer o = Optimizers.create(spec("adamw", Map.of("lr", 0.1, "weight_decay", 0.5)));
        float[] p = {2f};
        o.step(p, new float[] {1f});
        assertEquals(2 * (1 - 0.05) - 0.1, p[0], 1e-6);
    }

    @Test
    void learningRateCanBeChangedAndStateRestored() {
        Optimizer a = Optimizers.create(spec("momentum", Map.of("lr", 0.1)));
        float[] p = {1f};
        a.step(p, new float[] {1f});
        a.setLearningRate(0.05);
        assertEquals(0.05, a.learningRate());
        Optimizer b = Optimizers.create(spec("momentum", Map.of("lr", 0.05)));
        b.restore(a.state(), a.steps());
        float[] q = p.clone();
        a.step(p, new float[] {0.5f});
        b.step(q, new float[] {0.5f});
        assertArrayEquals(p, q);
        assertEquals(2, b.steps());
    }
}
