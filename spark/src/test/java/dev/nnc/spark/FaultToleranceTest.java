package dev.nnc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A task that fails in the middle of an epoch is tried again by Spark, and the run ends with the
 * weights of a run without the failure, bit for bit.
 */
class FaultToleranceTest {
    /** Failures thrown so far; the tasks run in this JVM (local mode). */
    static final AtomicInteger THROWN = new AtomicInteger();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"exact", "fast"})
    void aFailedTaskChangesNoBit(String mode) {
        Path file = TestSpark.nn(dir, "small", ExactModeTest.model("adam(lr: 0.01)")
                .replace("shuffle: false", "shuffle: true")
                .replace("dense(8) -> tanh", "dense(8) -> tanh\n    dropout(0.2)"));
        float[] x = ExactModeTest.features(21);
        Dataset<Row> df = TestSpark.frame(x, ExactModeTest.labels(x), ExactModeTest.IN, 4)
                .cache();
        ModelSource source = ModelSource.compile(file);
        // Four steps (exact: global batches of 1024 of the 4096 rows) or rounds (fast: 16 batches
        // of 64 per partition and epoch, averaged every 4) an epoch: each is one Spark job.
        int batch = mode.equals("fast") ? 64 : 1024;
        NncModel clean = new NncEstimator().setModelSource(source).setMode(mode)
                .setBatchSize(batch).setAverageEvery(4).fit(df);
        int before = THROWN.get();
        // Partition 2 fails on its first attempt at step (or round) 2 of 0..3 of epoch 2 of 2:
        // after an epoch of optimizer state and shuffling, and before a further step of its epoch.
        NncModel failed = new NncEstimator().setModelSource(source).setMode(mode)
                .setBatchSize(batch).setAverageEvery(4)
                .setTaskProbe((epoch, step, partition, attempt) -> {
                    if (epoch == 2 && step == 2 && partition == 2 && attempt == 0) {
                        THROWN.incrementAndGet();
                        throw new IllegalStateException("injected failure");
                    }
                }).fit(df);
        assertEquals(before + 1, THROWN.get(), "the failure was injected once");
        assertArrayEquals(clean.parameters(), failed.parameters());
        df.unpersist();
    }
}
