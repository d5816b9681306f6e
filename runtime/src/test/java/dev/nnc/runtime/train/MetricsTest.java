package dev.nnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.DataException;
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

    @Test
    void maeAndMapeOnAHandExample() {
        float[] out = {110, 45, 3, 0};
        float[] y = {100, 50, 0, 2};
        // errors 10, -5, 3, -2: MAE = 20 / 4 = 5
        assertEquals(5.0, Metrics.mae(out, y, 4, 1), 1e-12);
        // MAPE leaves the zero target out: (10/100 + 5/50 + 2/2) / 3 = 1.2 / 3 = 40 %
        assertEquals(40.0, Metrics.mape(out, y, 4, 1), 1e-9);
        // every target 0: no percentage error at all
        assertTrue(Double.isNaN(Metrics.mape(new float[] {1, 2}, new float[] {0, 0}, 2, 1)));
    }

    @Test
    void rocAucCountsATiedPairAsOneHalf() {
        double[] score = {0.1, 0.4, 0.4, 0.8};
        boolean[] pos = {false, true, false, true};
        // pairs (pos, neg): (0.4, 0.1) right, (0.4, 0.4) tie, (0.8, 0.1) right, (0.8, 0.4) right
        assertEquals(3.5 / 4, Metrics.rocAuc(score, pos, 4), 1e-12);
        // all scores equal: every pair a tie
        assertEquals(0.5, Metrics.rocAuc(new double[] {0.3, 0.3, 0.3},
                new boolean[] {true, false, false}, 3), 1e-12);
        // perfectly reversed
        assertEquals(0.0, Metrics.rocAuc(new double[] {0.9, 0.1}, new boolean[] {false, true},
                2), 1e-12);
        // one class only: undefined
        assertTrue(Double.isNaN(Metrics.rocAuc(new double[] {0.2, 0.7},
                new boolean[] {true, true}, 2)));
    }

    @Test
    void confusionMeasuresWithAClassNeverPredicted() {
        Confusion c = new Confusion(3);
        int[] truth = {0, 0, 1, 2};
        int[] pred = {0, 1, 1, 1};
        for (int i = 0; i < truth.length; i++) {
            c.add(truth[i], pred[i]);
        }
        assertEquals(1.0, c.precision(0), 1e-12);
        assertEquals(0.5, c.recall(0), 1e-12);
        assertEquals(2.0 / 3, c.f1(0), 1e-12);
        assertEquals(1.0 / 3, c.precision(1), 1e-12);
        assertEquals(1.0, c.recall(1), 1e-12);
        assertEquals(0.5, c.f1(1), 1e-12);
        // class 2 is never predicted: precision 0 by the documented choice, recall 0
        assertEquals(0.0, c.precision(2));
        assertEquals(0.0, c.recall(2));
        assertEquals(0.0, c.f1(2));
        assertEquals((1 + 1.0 / 3 + 0) / 3, c.macroPrecision(), 1e-12);
        assertEquals((0.5 + 1 + 0) / 3, c.macroRecall(), 1e-12);
        assertEquals((2.0 / 3 + 0.5 + 0) / 3, c.macroF1(), 1e-12);
        assertEquals((2 * 2.0 / 3 + 0.5 + 0) / 4, c.weightedF1(), 1e-12);
        assertEquals((2 * 1 + 1.0 / 3 + 0) / 4, c.weightedPrecision(), 1e-12);
        assertEquals(c.accuracy(), c.weightedRecall(), 1e-12);
        assertEquals(0.5, c.accuracy(), 1e-12);
    }

    @Test
    void macroMeansLeaveOutAClassAbsentFromDataAndAnswers() {
        Confusion c = new Confusion(3);
        c.add(0, 0).add(0, 1).add(1, 1);
        // class 2 neither occurs nor is predicted: means over classes 0 and 1
        assertEquals((1 + 0.5) / 2, c.macroPrecision(), 1e-12);
        assertEquals((0.5 + 1) / 2, c.macroRecall(), 1e-12);
    }

    @Test
    void accumulatorBuildsTheConfusionMatrixAndAucOfABinaryModel() {
        float[] out = {0.1f, 0.4f, 0.4f, 0.8f, 0.6f};
        float[] y = {0, 1, 0, 1, 0};
        Metrics.Accumulator a = new Metrics.Accumulator(Loss.BINARY_CROSS_ENTROPY, 1)
                .keepScores();
        a.add(out, y, 2).add(new float[] {0.4f, 0.8f, 0.6f}, new float[] {0, 1, 0}, 3);
        Confusion c = a.confusion();
        // predicted 1 where out >= 0.5: samples 4 (true 1) and 5 (true 0)
        assertEquals(2, c.count(0, 0));
        assertEquals(1, c.count(0, 1));
        assertEquals(1, c.count(1, 0));
        assertEquals(1, c.count(1, 1));
        assertEquals(a.accuracy(), c.accuracy(), 1e-12);
        // pairs: 0.4+ vs 0.1 0.4 0.6 -> 1 + 0.5 + 0; 0.8+ vs all three -> 3; 4.5 / 6
        assertEquals(4.5 / 6, a.rocAuc(), 1e-12);
        // softmax over two classes scores the second output
        Metrics.Accumulator s = new Metrics.Accumulator(Loss.CROSS_ENTROPY, 2).keepScores();
        s.add(new float[] {0.9f, 0.1f, 0.3f, 0.7f, 0.6f, 0.4f}, new float[] {1, 0, 0, 1, 0, 1},
                3);
        assertEquals(1.0, s.confusion().recall(0), 1e-12);
        assertEquals(0.5, s.confusion().recall(1), 1e-12);
        assertEquals(1.0, s.rocAuc(), 1e-12);
        assertEquals(s.accuracy(), s.confusion().accuracy(), 1e-12);
        // three classes: a confusion matrix, no AUC
        Metrics.Accumulator t = new Metrics.Accumulator(Loss.CROSS_ENTROPY, 3).keepScores();
        t.add(new float[] {0.1f, 0.7f, 0.2f}, new float[] {0, 1, 0}, 1);
        assertEquals(1, t.confusion().count(1, 1));
        assertTrue(Double.isNaN(t.rocAuc()));
        // regression: none
        assertEquals(null, new Metrics.Accumulator(Loss.MSE, 1).confusion());
    }

    @Test
    void theScoresOfRocAucGrowPastTwoToThe30SamplesAndStopClearlyAtTheLargestArray() {
        int largest = Integer.MAX_VALUE - 8;
        assertEquals(128, Metrics.grownLength(64));
        assertEquals(largest, Metrics.grownLength(1 << 30));
        assertEquals(largest, Metrics.grownLength(largest - 1));
        DataException e = assertThrows(DataException.class, () -> Metrics.grownLength(largest));
        assertTrue(e.getMessage().contains("ROC AUC") && e.getMessage().contains("2147483639"),
                e.getMessage());
        // ranks past 2^30: the mean of ranks 2^30 + 1 and 2^30 + 2
        assertEquals((1 << 30) + 1.5, Metrics.meanRank(1 << 30, (1 << 30) + 1), 0);
        assertEquals(largest, Metrics.meanRank(largest - 1, largest - 1), 0);
    }
}
