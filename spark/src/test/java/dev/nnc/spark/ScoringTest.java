package dev.nnc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.Main;
import dev.nnc.runtime.data.Normalizer;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.predict.Prediction;
import dev.nnc.runtime.predict.Predictor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code transform} answers every row with the bits of {@code nnc predict} on the weights the
 * model saves: the class and each probability of a classifier, the de-normalized outputs of a
 * regression model.
 */
class ScoringTest {
    @TempDir
    Path dir;

    @Test
    void classifierEqualsNncPredictRowForRow() throws Exception {
        Path file = TestSpark.nn(dir, "rings", """
                model Rings {
                    input [3]
                    dense(16) -> relu
                    dense(3) -> softmax
                    loss cross_entropy
                    optimizer adam(lr: 0.02)
                    seed 3
                    train { epochs: 3, batch: 32 }
                    data { normalize: zscore }
                }
                """);
        int n = 600;
        float[] x = new float[n * 3];
        double[] y = new double[n];
        dev.nnc.runtime.model.Rng r = new dev.nnc.runtime.model.Rng(5);
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            x[i * 3] = (float) (a * 40 + 100);
            x[i * 3 + 1] = (float) (b * 0.01);
            x[i * 3 + 2] = (float) r.nextDouble();
            double radius = Math.hypot(a, b);
            // the classes are 10, 20, 30: the model's outputs are named by them
            y[i] = radius < 0.8 ? 10 : radius < 1.5 ? 20 : 30;
        }
        Dataset<Row> df = TestSpark.frame(x, y, 3, 3);
        NncModel model = new NncEstimator().setModelFile(file.toString()).setMode("fast")
                .setAverageEvery(4).fit(df);
        List<String[]> expected = predict(model, file, x, 3, n);
        List<Row> got = model.transform(df).select("prediction", "probability").collectAsList();
        assertEquals("class,p_10,p_20,p_30", String.join(",", expected.get(0)));
        for (int i = 0; i < n; i++) {
            String[] e = expected.get(i + 1);
            Row g = got.get(i);
            assertEquals(Double.parseDouble(e[0]), g.getDouble(0), "class of row " + (i + 1));
            double[] p = ((Vector) g.get(1)).toArray();
            assertEquals(3, p.length);
            for (int j = 0; j < 3; j++) {
                assertEquals(Float.floatToIntBits(Float.parseFloat(e[j + 1])),
                        Float.floatToIntBits((float) p[j]),
                        "probability " + j + " of row " + (i + 1));
            }
        }
    }

    @Test
    void regressionEqualsNncPredictRowForRow() throws Exception {
        Path file = TestSpark.nn(dir, "curve", """
                model Curve {
                    input [2]
                    dense(12) -> tanh
                    dense(1)
                    loss mse
                    optimizer sgd(lr: 0.1)
                    seed 9
                    train { epochs: 2, batch: 16 }
                    data { normalize: minmax, normalize_labels: zscore }
                }
                """);
        int n = 400;
        float[] x = new float[n * 2];
        double[] y = new double[n];
        dev.nnc.runtime.model.Rng r = new dev.nnc.runtime.model.Rng(8);
        for (int i = 0; i < n; i++) {
            x[i * 2] = (float) (r.nextDouble() * 10);
            x[i * 2 + 1] = (float) (r.nextDouble() - 0.5);
            y[i] = 300 + 20 * Math.sin(x[i * 2]) + 50 * x[i * 2 + 1];
        }
        Dataset<Row> df = TestSpark.frame(x, y, 2, 2);
        NncModel model = new NncEstimator().setModelFile(file.toString()).fit(df);
        List<String[]> expected = predict(model, file, x, 2, n);
        List<Row> got = model.transform(df).select("prediction").collectAsList();
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits(Float.parseFloat(expected.get(i + 1)[0])),
                    Float.floatToIntBits((float) got.get(i).getDouble(0)),
                    "output of row " + (i + 1));
        }
    }

    /**
     * A row with a missing value (NaN) at an input the model does not fill is refused for the
     * reason {@code nnc predict} and {@code nnc serve} give, not scored NaN.
     */
    @Test
    void aMissingValueTheModelDoesNotFillIsRefusedAsPredictRefusesIt() throws Exception {
        Path file = TestSpark.nn(dir, "plain", """
                model Plain {
                    input [2]
                    dense(1)
                    loss mse
                    optimizer sgd(lr: 0.1)
                }
                """);
        ModelSource source = ModelSource.compile(file);
        dev.nnc.runtime.model.TrainableModel m = source.newModel();
        NncModel model = new NncModel("plain", source, m.params().clone(), m.buffers().clone(),
                java.util.Map.of());
        Dataset<Row> df = TestSpark.frame(new float[] {1, 2, 3, Float.NaN}, new double[] {0, 0},
                2, 1);
        Exception e = assertThrows(Exception.class,
                () -> model.transform(df).collectAsList());
        String all = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            all += t.getMessage() + "\n";
        }
        assertTrue(all.contains("a row to score has a missing value (NaN) at input 2, but model"
                + " Plain fills no missing value of input 2"), all);
    }

    /**
     * {@code transform} predicts the rows of a partition in blocks (here 256, 256 and 38 rows of
     * each of two partitions): the outputs of a row in a block are the bits of the row predicted
     * alone, through convolution, pooling and dense layers.
     */
    @Test
    void eachRowOfABlockHasTheBitsOfItsOwnPredict() {
        Path file = TestSpark.nn(dir, "patches", """
                model Patches {
                    input [1, 8, 8]
                    conv2d(4, 3) -> relu
                    maxpool(2)
                    flatten
                    dense(40) -> relu
                    dense(3) -> softmax
                    loss cross_entropy
                    optimizer sgd(lr: 0.1)
                    seed 4
                }
                """);
        ModelSource source = ModelSource.compile(file);
        TrainableModel m = source.newModel();
        m.initParams(new Rng(4));
        Preprocessing prep = new Preprocessing(1, Normalizer.identity(64), Normalizer.identity(3),
                null);
        NncModel model = new NncModel("patches", source, m.params().clone(),
                m.buffers().clone(), prep.toMetadata());
        int n = 1100;
        float[] x = new float[n * 64];
        Rng r = new Rng(6);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 2);
        }
        List<Row> got = model.transform(TestSpark.frame(x, new double[n], 64, 2))
                .select("prediction", "probability").collectAsList();
        Predictor alone = new Predictor(model.instance(), prep);
        for (int i = 0; i < n; i++) {
            double[] row = new double[64];
            for (int j = 0; j < 64; j++) {
                row[j] = x[i * 64 + j];
            }
            Prediction want = alone.classify(row);
            assertEquals(want.label(), got.get(i).getDouble(0), "class of row " + (i + 1));
            double[] p = ((Vector) got.get(i).get(1)).toArray();
            for (int j = 0; j < 3; j++) {
                assertEquals(Double.doubleToLongBits(want.probabilities()[j]),
                        Double.doubleToLongBits(p[j]), "probability " + j + " of row " + (i + 1));
            }
        }
    }

    /** Saves the model, writes the rows as CSV and runs {@code nnc predict} on them. */
    private List<String[]> predict(NncModel model, Path nn, float[] x, int in, int n)
            throws Exception {
        Path saved = dir.resolve("saved-" + nn.getFileName());
        model.write().overwrite().save(saved.toString());
        Path weights = saved.resolve(NncModelIO.DIR).resolve(NncModelIO.WEIGHTS);
        StringBuilder csv = new StringBuilder();
        for (int j = 0; j < in; j++) {
            csv.append(j == 0 ? "" : ",").append("x").append(j + 1);
        }
        csv.append('\n');
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < in; j++) {
                csv.append(j == 0 ? "" : ",").append(x[i * in + j]);
            }
            csv.append('\n');
        }
        Path input = dir.resolve("input.csv");
        Files.writeString(input, csv);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"predict", nn.toString(), "-w", weights.toString(),
            "--input", input.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        List<String[]> lines = new ArrayList<>();
        for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(l.strip().split(","));
        }
        assertEquals(n + 1, lines.size());
        return lines;
    }
}
