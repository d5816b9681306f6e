package dev.nnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.ModelSpec.Loss;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void regressionMetricsOnAHandExample() {
        float[] out = {1, 2, 4};
        float[] y = {1, 4, 4};
        // errors 0, -2, 0: mse = 4/3; mean(y) = 3, SS_tot = 4 + 1 + 1 = 6, SS_res = 4
        assertEquals(4.0 / 3, Metrics.mse(out, y, 3, 1), 1e-12);
        assertEquals(Math.sqrt(4.0 / 3), Metrics.rmse(out, y, 3, 1), 1e-12);
        assertEquals(1 - 4.0 / 6, Metrics.r2(out, y, 3, 1), 1e-12);
    }

    @Test
    void r2PoolsAllOutputsAndIsStableForLargeOffsets() {
        float[] y = {1e6f, 1e6f + 2, 1e6f + 4, 1e6f + 6};
        float[] out = {1e6f, 1e6f + 2, 1e6f + 4, 1e6f + 5};
        // two samples of two outputs; pooled mean 1e6 + 3, SS_tot = 9 + 1 + 1 + 9 = 20
        assertEquals(1 - 1.0 / 20, Metrics.r2(out, y, 2, 2), 1e-12);
        assertTrue(Double.isNaN(Metrics.r2(new float[] {1}, new float[] {2}, 1, 1)));
    }

    @Test
    void binaryAccuracyThresholdsAtHalf() {
        float[] out = {0.2f, 0.5f, 0.7f, 0.49f};
        float[] y = {0, 1, 0, 0};
        assertEquals(0.75, Metrics.accuracy(out, y, 4, 1, Loss.BINARY_CROSS_ENTROPY));
    }

    @Test
    void multiclassAccuracyComparesArgmax() {
        float[] out = {0.1f, 0.7f, 0.2f, 0.5f, 0.3f, 0.2f};
        float[] y = {0, 1, 0, 0, 0, 1};
        assertEquals(0.5, Metrics.accuracy(out, y, 2, 3, Loss.CROSS_ENTROPY));
    }

    @Test
    void lossesMatchTheirDefinitions() {
        float[] out = {0.5f, 0.25f};
        float[] y = {1, 0};
        assertEquals((0.25 + 0.0625) / 2, Metrics.loss(out, y, 2, 1, Loss.MSE), 1e-12);
        assertEquals(-Math.log(0.5) - Math.log(0.75),
                Metrics.loss(out, y, 2, 1, Loss.BINARY_CROSS_ENTROPY), 1e-7);
        float[] p = {0.2f, 0.8f};
        assertEquals(-Math.log(0.8f), Metrics.loss(p, new float[] {0, 1}, 1, 2,
                Loss.CROSS_ENTROPY), 1e-7);
    }

    @Test
    void accumulatorOverChunksEqualsOneShot() {
        float[] out = {1, 2, 4, 3, 0};
        float[] y = {1, 4, 4, 2, 1};
        Metrics.Accumulator a = new Metrics.Accumulator(Loss.MSE, 1);
        a.add(new float[] {1, 2}, new float[] {1, 4}, 2);
        a.add(new float[] {4, 3, 0}, new float[] {4, 2, 1}, 3);
        assertEquals(Metrics.r2(out, y, 5, 1), a.r2(), 1e-12);
        assertEquals(Metrics.mse(out, y, 5, 1), a.mse(), 1e-12);
    }
}
