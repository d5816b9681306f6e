package dev.nnc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The executors' JIT warm-up trains a copy of the model while the data is read and ends before
 * the first training task: a run with it gives the weights of a run without it, bit for bit, in
 * both modes (with dropout and shuffling, whose random streams it must not touch).
 */
class ExecutorWarmupTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"exact", "fast"})
    void theWarmupDoesNotChangeTheWeights(String mode) {
        String text = ExactModeTest.model("adam(lr: 0.01)")
                .replace("dense(8) -> tanh", "dense(8) -> tanh\n    dropout(0.2)")
                .replace("shuffle: false", "shuffle: true")
                .replace("model Small", "model Warm" + mode);
        ModelSource source = ModelSource.compile(TestSpark.nn(dir, "warm", text));
        float[] x = ExactModeTest.features(5);
        Dataset<Row> df = TestSpark.frame(x, ExactModeTest.labels(x), ExactModeTest.IN, 2);
        NncModel cold = new NncEstimator().setModelSource(source).setMode(mode).setWarmup(false)
                .setAverageEvery(2).fit(df);
        assertFalse(ExecutorWarmup.started(source), "no warm-up when turned off");
        NncModel warm = new NncEstimator().setModelSource(source).setMode(mode)
                .setAverageEvery(2).fit(df);
        assertTrue(ExecutorWarmup.started(source), "a warm-up in this JVM (local mode)");
        assertTrue(ExecutorWarmup.ended(source), "ended by the first training task");
        assertArrayEquals(cold.parameters(), warm.parameters());
        assertEquals(cold.trainingLosses(), warm.trainingLosses());
    }

    @org.junit.jupiter.api.Test
    void samplesPerSecondCountsOnlyTheEpochsOfTheRun() {
        // a run resumed after epoch 2 of 3: three losses, one epoch trained, in 2 s
        DistributedTraining.Result r = new DistributedTraining.Result(null, null,
                List.of(1.0, 0.5, 0.25), 100, 1, 2.0);
        assertEquals(50.0, r.samplesPerSecond());
    }
}
