package dev.nnc.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.TrainableModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nnc-spark trains and scores rows of a features vector, not series: a model of a differenced
 * series ({@code difference:} in its data block) is refused by {@code NncEstimator.fit} and
 * {@code NncModel.transform} with a message that says why and what to use instead, rather than
 * trained on undifferenced rows or scored without its last values added back.
 */
class DifferencedRefusalTest {
    @TempDir
    Path dir;

    @Test
    void aDifferencedSeriesIsRefusedByTheEstimatorAndTheModel() throws Exception {
        StringBuilder csv = new StringBuilder("v\n");
        for (int i = 0; i < 20; i++) {
            csv.append(300 + 2 * i + i % 2).append('\n');
        }
        Files.writeString(dir.resolve("steps.csv"), csv);
        Path nn = TestSpark.nn(dir, "steps", """
                model Steps {
                    input [4]
                    dense(1)
                    loss mse
                    optimizer sgd(lr: 0.01)
                    data {
                        train: windows("steps.csv", window: 4, target: "v")
                        difference: 1
                    }
                }
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NncEstimator().setModelFile(nn.toString()).fit(TestSpark.frame(
                        new float[8], new double[] {1, 2}, 4, 1)));
        assertTrue(e.getMessage().contains("model Steps forecasts a differenced series "
                + "(difference: 1 in its data block), but nnc-spark trains and scores rows of a "
                + "features vector"), e.getMessage());

        ModelSource source = ModelSource.compile(nn);
        TrainableModel m = source.newModel();
        NncModel model = new NncModel("steps", source, m.params().clone(), m.buffers().clone(),
                Map.of());
        StructType schema = new StructType().add("features",
                DataTypes.createArrayType(DataTypes.FloatType, false), false);
        e = assertThrows(IllegalArgumentException.class, () -> model.transformSchema(schema));
        assertTrue(e.getMessage().contains("nnc train and nnc predict, or nnc serve"),
                e.getMessage());
    }
}
