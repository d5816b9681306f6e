package dev.nnc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.Main;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.model.TrainableModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model trained by {@code nnc train} on a table with a categorical column scores a DataFrame
 * of the raw columns (a string column of categories, null where missing, a category the
 * training file lacks among them) with the bits of {@code nnc predict} on the same rows as CSV:
 * both encode with the saved stage's one-hot step.
 */
class CategoricalScoringTest {
    private static final List<String> COLORS = List.of("blue", "green", "red");

    @TempDir
    Path dir;

    @Test
    void rawColumnsWithTextCategoriesEqualNncPredict() throws Exception {
        Random rnd = new Random(4);
        StringBuilder train = new StringBuilder("x,color,y\n");
        for (int i = 0; i < 300; i++) {
            int k = rnd.nextInt(3);
            train.append(String.format(java.util.Locale.ROOT, "%.3f", k + rnd.nextGaussian()))
                    .append(',').append(rnd.nextInt(9) == 0 ? "" : COLORS.get(k)).append(',')
                    .append(k).append('\n');
        }
        Files.writeString(dir.resolve("paint.csv"), train);
        Path nn = TestSpark.nn(dir, "paint", """
                model Paint {
                    input [5]
                    dense(8) -> tanh
                    dense(3) -> softmax
                    loss cross_entropy
                    optimizer adam(lr: 0.05)
                    seed 2
                    train { epochs: 10, batch: 16 }
                    data {
                        train: csv("paint.csv", label: "y")
                        categorical: "color"
                        unseen: other
                        missing: mode("color")
                        normalize: zscore
                    }
                }
                """);
        Path weights = dir.resolve("paint.safetensors");
        run("train", nn.toString(), "--quiet", "--out", weights.toString());

        List<Row> rows = new ArrayList<>();
        StringBuilder csv = new StringBuilder("x,color\n");
        List<String> colors = new ArrayList<>(COLORS);
        colors.add("purple");
        colors.add(null);
        for (int i = 0; i < 60; i++) {
            double x = Math.round((rnd.nextDouble() * 4 - 1) * 1000) / 1000.0;
            String c = colors.get(i % colors.size());
            rows.add(RowFactory.create(x, c));
            csv.append(x).append(',').append(c == null ? "" : c).append('\n');
        }
        Path input = dir.resolve("input.csv");
        Files.writeString(input, csv);
        String[] expected = run("predict", nn.toString(), "-w", weights.toString(), "--input",
                input.toString()).split("\n");
        assertEquals("class,p_0,p_1,p_2", expected[0]);

        ModelSource source = ModelSource.compile(nn);
        TrainableModel m = source.newModel();
        Map<String, String> meta = Weights.load(m, weights);
        assertTrue(meta.containsKey(Preprocessing.ONE_HOT), meta.toString());
        NncModel model = new NncModel("paint", source, m.params().clone(), m.buffers().clone(),
                meta);
        StructType schema = new StructType().add("x", DataTypes.DoubleType, false)
                .add("color", DataTypes.StringType, true);
        List<Row> got = model.transform(TestSpark.session().createDataFrame(
                TestSpark.jsc().parallelize(rows, 2), schema))
                .select("prediction", "probability").collectAsList();
        for (int i = 0; i < rows.size(); i++) {
            String[] e = expected[i + 1].split(",");
            assertEquals(Double.parseDouble(e[0]), got.get(i).getDouble(0), "class of row " + i);
            double[] p = ((Vector) got.get(i).get(1)).toArray();
            for (int j = 0; j < 3; j++) {
                assertEquals(Float.floatToIntBits(Float.parseFloat(e[j + 1])),
                        Float.floatToIntBits((float) p[j]), "probability " + j + " of row " + i);
            }
        }
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
