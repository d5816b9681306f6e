package dev.nnc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimator is a Pipeline stage that saves and loads; a saved and loaded PipelineModel
 * predicts the same bits.
 */
class PipelineTest {
    @TempDir
    Path dir;

    @Test
    void savedAndLoadedPipelinePredictsTheSame() throws Exception {
        Path file = TestSpark.nn(dir, "small", ExactModeTest.model("momentum(lr: 0.1)"));
        float[] x = ExactModeTest.features(31);
        Dataset<Row> df = TestSpark.frame(x, ExactModeTest.labels(x), ExactModeTest.IN, 2);
        NncEstimator est = new NncEstimator().setModelFile(file.toString()).setMode("fast")
                .setEpochs(1).setProbabilityCol("p");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {est});
        Path unfitted = dir.resolve("unfitted");
        pipeline.write().overwrite().save(unfitted.toString());
        NncEstimator back = (NncEstimator) Pipeline.load(unfitted.toString()).getStages()[0];
        assertEquals(file.toString(), back.getOrDefault(back.modelFile()));
        assertEquals("fast", back.getOrDefault(back.mode()));
        assertEquals(est.transformSchema(df.schema()), back.transformSchema(df.schema()));

        PipelineModel fitted = pipeline.fit(df);
        Path saved = dir.resolve("pipeline");
        fitted.write().overwrite().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());

        List<Row> before = fitted.transform(df).select("prediction", "p").collectAsList();
        List<Row> after = loaded.transform(df).select("prediction", "p").collectAsList();
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i), after.get(i), "row " + (i + 1));
        }
        NncModel stage = (NncModel) loaded.stages()[0];
        assertEquals("p", stage.getOrDefault(stage.probabilityCol()));
    }
}
