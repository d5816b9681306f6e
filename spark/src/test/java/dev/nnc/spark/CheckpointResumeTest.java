package dev.nnc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.runtime.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact mode writes nnc checkpoints from the driver, and a run resumed from the checkpoint of
 * epoch 1 ends with the weights of the run that never stopped, bit for bit.
 */
class CheckpointResumeTest {
    @TempDir
    Path dir;

    @Test
    void aResumedRunEqualsAnUninterruptedOne() {
        Path file = TestSpark.nn(dir, "small", ExactModeTest.model("adam(lr: 0.01)")
                .replace("shuffle: false", "shuffle: true"));
        float[] x = ExactModeTest.features(41);
        Dataset<Row> df = TestSpark.frame(x, ExactModeTest.labels(x), ExactModeTest.IN, 4)
                .cache();
        ModelSource source = ModelSource.compile(file);
        Path ck = dir.resolve("small.ckpt");
        NncModel whole = new NncEstimator().setModelSource(source).setEpochs(3).fit(df);
        new NncEstimator().setModelSource(source).setEpochs(1).setCheckpoints(1, ck.toString())
                .fit(df);
        assertEquals(1, Checkpoint.read(ck).epoch());
        Path second = dir.resolve("resumed.ckpt");
        NncModel resumed = new NncEstimator().setModelSource(source).setEpochs(3)
                .setResumeFrom(ck.toString()).setCheckpoints(2, second.toString()).fit(df);
        assertArrayEquals(whole.parameters(), resumed.parameters());
        assertEquals(3, resumed.trainingLosses().size());
        assertEquals(whole.trainingLosses().get(2), resumed.trainingLosses().get(2));
        assertEquals(3, Checkpoint.read(second).epoch(), "after the last epoch");
        assertEquals(true, Files.isRegularFile(second));
        df.unpersist();
    }
}
