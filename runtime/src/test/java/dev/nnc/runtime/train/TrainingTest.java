package dev.nnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.LinearTestModel;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec.DataSpec;
import dev.nnc.runtime.model.ModelSpec.Loss;
import dev.nnc.runtime.model.ModelSpec.Normalization;
import dev.nnc.runtime.model.ModelSpec.TrainSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.StopCondition;
import dev.nnc.runtime.predict.Prediction;
import dev.nnc.runtime.predict.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingTest {
    @TempDir
    Path dir;

    private static DataSource csv(String path) {
        return DataSource.csv(path, List.of(), true);
    }

    /** y = 3x + 100 with x in [0, 50]: raw units far from [0, 1]. */
    private void writeLine(String name, int n, long seed) throws IOException {
        Rng rng = new Rng(seed);
        StringBuilder sb = new StringBuilder("x,y\n");
        for (int i = 0; i < n; i++) {
            double x = rng.nextDouble() * 50;
            sb.append(x).append(',').append(3 * x + 100).append('\n');
        }
        Files.createDirectories(dir.resolve(name).getParent());
        Files.writeString(dir.resolve(name), sb);
    }

    /** Three clouds around (0,0), (4,0), (0,4) labelled 1, 2, 3. */
    private void writeClouds(String name, int n, long seed) throws IOException {
        Rng rng = new Rng(seed);
        double[][] centers = {{0, 0}, {4, 0}, {0, 4}};
        StringBuilder sb = new StringBuilder("a,b,kind\n");
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            sb.append(centers[c][0] + rng.nextGaussian() * 0.5).append(',')
                    .append(centers[c][1] + rng.nextGaussian() * 0.5).append(',')
                    .append(c + 1).append('\n');
        }
        Files.writeString(dir.resolve(name), sb);
    }

    private static LinearTestModel lineModel(TrainSpec t, DataSpec data) {
        return new LinearTestModel("Line", 1, 1, LinearTestModel.spec(Loss.MSE, 0.5, t, data));
    }

    @Test
    void regressionNormalizesTrainsAndReportsInRawUnits() throws IOException {
        writeLine("data/train.csv", 200, 1);
        writeLine("data/test.csv", 50, 2);
        DataSpec data = new DataSpec(csv("data/train.csv"), csv("data/test.csv"),
                Normalization.MINMAX, Normalization.MINMAX);
        LinearTestModel m = lineModel(new TrainSpec(200, 10, true, null, 0.1, 0), data);
        TrainInfo[] info = new TrainInfo[1];
        Training.RunResult r = Training.run(m, dir, Training.Options.defaults()
                .withListener(new TrainingListener() {
                    @Override
                    public void onStart(TrainInfo i) {
                        info[0] = i;
                    }
                }));
        assertEquals(180, info[0].trainSize());
        assertEquals(20, info[0].validationSize());

        Map<String, Object> x = r.metrics();
        assertEquals(List.of("final_loss", "epochs_run", "train_seconds", "samples_per_s",
                "stopped_early", "diverged", "seed", "train_mse", "train_r2", "val_loss",
                "val_r2", "test_loss", "test_mse", "test_rmse", "test_r2", "test_mae",
                "test_mape"), List.copyOf(x.keySet()));
        // MAE <= RMSE always; the labels run 0..200, so a MAPE near 0 %
        assertTrue((double) x.get("test_mae") <= (double) x.get("test_rmse"), x.toString());
        assertTrue((double) x.get("test_mape") < 1, x.toString());
        assertEquals(200, x.get("epochs_run"));
        assertEquals(1L, x.get("seed"));
        assertTrue((double) x.get("test_r2") > 0.9999, x.toString());
        assertTrue((double) x.get("test_rmse") < 0.5, x.toString());
        assertTrue((double) x.get("final_loss") < 1e-5, x.toString());
        assertEquals(Normalization.MINMAX, r.preprocessing().features().kind());

        Predictor p = new Predictor(m, r.preprocessing());
        assertEquals(175, p.predict(25)[0], 0.5);
        assertEquals(3, p.predict(new double[][] {{0}, {10}, {20}}).length);

        Preprocessing saved = Preprocessing.fromMetadata(r.preprocessing().toMetadata());
        Map<String, Object> eval = Training.evaluate(m, saved, dir.resolve("data/test.csv"),
                null);
        assertEquals(x.get("test_r2"), eval.get("r2"));
        assertEquals(x.get("test_mae"), eval.get("mae"));
        assertEquals(x.get("test_mape"), eval.get("mape"));
        assertEquals(x.get("test_loss"), eval.get("loss"));
        assertEquals(50, eval.get("samples"));
    }

    @Test
    void classificationKeepsTheClassLabels() throws IOException {
        writeClouds("train.csv", 300, 1);
        writeClouds("test.csv", 60, 2);
        DataSpec data = new DataSpec(csv("train.csv"), csv("test.csv"), Normalization.ZSCORE,
                Normalization.NONE);
        LinearTestModel m = new LinearTestModel("Clouds", 2, 3, LinearTestModel.spec(
                Loss.CROSS_ENTROPY, 0.5, new TrainSpec(30, 10, true, null, 0, 0), data));
        Training.RunResult r = Training.run(m, dir, Training.Options.defaults());
        assertEquals(ClassLabels.of(1, 2, 3), r.preprocessing().classes());
        assertTrue((double) r.metrics().get("train_accuracy") > 0.97, r.metrics().toString());
        assertTrue((double) r.metrics().get("test_accuracy") > 0.95, r.metrics().toString());
        assertFalse(r.metrics().containsKey("test_roc_auc"), "three classes: no ROC AUC");

        // the confusion matrix of the run equals one counted from the predictor's answers
        List<String> lines = Files.readAllLines(dir.resolve("test.csv"));
        long[][] counted = new long[3][3];
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            double label = new Predictor(m, r.preprocessing()).classify(Double.parseDouble(f[0]),
                    Double.parseDouble(f[1])).label();
            counted[Integer.parseInt(f[2]) - 1][(int) label - 1]++;
        }
        Map<?, ?> conf = (Map<?, ?>) r.metrics().get("test_confusion");
        assertEquals(List.of("1", "2", "3"), conf.get("classes"));
        for (int t = 0; t < 3; t++) {
            assertEquals(Arrays.stream(counted[t]).boxed().toList(),
                    ((List<?>) conf.get("counts")).get(t), "row " + t);
        }
        // the macro F1 is the mean of the per-class F1
        List<?> per = (List<?>) r.metrics().get("test_classes");
        double f1 = per.stream().mapToDouble(o -> (double) ((Map<?, ?>) o).get("f1")).sum() / 3;
        assertEquals(f1, (double) r.metrics().get("test_f1_macro"), 1e-12);
        assertEquals(20L, ((Map<?, ?>) per.get(0)).get("samples"));

        Predictor p = new Predictor(m, r.preprocessing());
        List<Prediction> c = p.classify(new double[][] {{4, 0}, {0, 4}, {0, 0}});
        assertEquals(List.of(2.0, 3.0, 1.0), c.stream().map(Prediction::label).toList());
        assertEquals(1.0, Arrays.stream(c.get(0).probabilities()).sum(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> p.classify(1, 2, 3));
    }

    @Test
    void sameSeedSameRunDifferentSeedDifferentRun() throws IOException {
        writeLine("train.csv", 50, 1);
        DataSpec data = new DataSpec(csv("train.csv"), null, Normalization.MINMAX,
                Normalization.NONE);
        TrainSpec t = new TrainSpec(5, 4, true, null, 0.2, 0);
        LinearTestModel a = lineModel(t, data);
        LinearTestModel b = lineModel(t, data);
        LinearTestModel c = lineModel(t, data);
        Training.run(a, dir, Training.Options.defaults().withSeed(9L));
        Training.run(b, dir, Training.Options.defaults().withSeed(9L));
        Training.run(c, dir, Training.Options.defaults().withSeed(10L));
        assertArrayEquals(a.params(), b.params());
        assertTrue(!Arrays.equals(a.params(), c.params()));
    }

    @Test
    void inMemoryDataIsNotChanged() {
        Dataset train = TrainingLoopTest.plane(40);
        float[] before = train.x().clone();
        LinearTestModel m = new LinearTestModel("Plane", 2, 1, LinearTestModel.spec(Loss.MSE, 0.5,
                new TrainSpec(100, 10, true, null, 0, 0),
                new DataSpec(null, null, Normalization.ZSCORE, Normalization.ZSCORE)));
        Training.RunResult r = Training.run(m, null, Training.Options.defaults()
                .withData(train, TrainingLoopTest.plane(10)).withEpochs(150));
        assertArrayEquals(before, train.x());
        assertEquals(150, r.report().epochs());
        assertTrue((double) r.metrics().get("test_r2") > 0.999, r.metrics().toString());
        assertNull(r.preprocessing().classes());
    }

    @Test
    void dataErrorsAreClear() throws IOException {
        LinearTestModel none = lineModel(new TrainSpec(1, 1, true, null, 0, 0), DataSpec.none());
        assertEquals("the model names no training data (add a data block, or pass the data in"
                + " memory)", assertThrows(DataException.class,
                () -> Training.run(none, dir, Training.Options.defaults())).getMessage());

        LinearTestModel missing = lineModel(new TrainSpec(1, 1, true, null, 0, 0),
                new DataSpec(csv("nope.csv"), null, Normalization.NONE, Normalization.NONE));
        assertEquals(dir.resolve("nope.csv") + ": no such file", assertThrows(DataException.class,
                () -> Training.run(missing, dir, Training.Options.defaults())).getMessage());

        writeLine("train.csv", 20, 1);
        LinearTestModel noVal = lineModel(new TrainSpec(1, 1, true,
                new StopCondition.Compare("val_loss", StopCondition.Op.LT, 0.1), 0, 0),
                new DataSpec(csv("train.csv"), null, Normalization.NONE, Normalization.NONE));
        assertTrue(assertThrows(DataException.class,
                () -> Training.run(noVal, dir, Training.Options.defaults())).getMessage()
                .startsWith("the stop condition 'val_loss < 0.1' reads validation metrics"));
    }

    @Test
    void validationCountRoundsDownButKeepsOne() {
        assertEquals(0, Training.validationCount(100, 0));
        assertEquals(10, Training.validationCount(105, 0.1));
        assertEquals(1, Training.validationCount(4, 0.1));
        assertThrows(DataException.class, () -> Training.validationCount(1, 0.5));
    }
}
