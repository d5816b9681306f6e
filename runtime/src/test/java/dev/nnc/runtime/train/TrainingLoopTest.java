package dev.nnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.data.Augmenter;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.Normalizer;
import dev.nnc.runtime.model.Augmentation;
import dev.nnc.runtime.model.LinearTestModel;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.ModelSpec.Loss;
import dev.nnc.runtime.model.ModelSpec.TrainSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.Schedule;
import dev.nnc.runtime.model.StopCondition;
import dev.nnc.runtime.model.StopCondition.Compare;
import dev.nnc.runtime.model.StopCondition.Op;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Optimizers;
import dev.nnc.runtime.optim.Sgd;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingLoopTest {

    /** y = 2 x1 - 3 x2 + 1 on a grid of [0, 1]², no noise. */
    static Dataset plane(int n) {
        Rng rng = new Rng(99);
        double[][] x = new double[n][];
        double[][] y = new double[n][];
        for (int i = 0; i < n; i++) {
            double a = rng.nextDouble();
            double b = rng.nextDouble();
            x[i] = new double[] {a, b};
            y[i] = new double[] {2 * a - 3 * b + 1};
        }
        return Dataset.of(x, y);
    }

    static LinearTestModel linear(TrainSpec t, double lr) {
        return new LinearTestModel("Plane", 2, 1,
                LinearTestModel.spec(Loss.MSE, lr, t, ModelSpec.DataSpec.none()));
    }

    private static TrainReport train(LinearTestModel m, Dataset train, Dataset val, long seed) {
        Rng rng = new Rng(seed);
        m.initParams(rng);
        return new TrainingLoop(m, Optimizers.create(m.spec().optimizer()), m.spec().train(), rng)
                .train(train, val);
    }

    @Test
    void linearModelConvergesToKnownWeights() {
        LinearTestModel m = linear(new TrainSpec(300, 10, true, null, 0, 0), 0.5);
        TrainReport r = train(m, plane(100), null, 1);
        assertArrayEquals(new float[] {2, -3, 1}, m.params(), 1e-3f);
        assertEquals(300, r.epochs());
        assertFalse(r.stoppedEarly());
        assertTrue(r.last().metric("loss") < 1e-7, r.last().toString());
        assertEquals(1.0, r.last().metric("r2"), 1e-6);
        assertTrue(r.samplesPerSecond() > 0);
    }

    @Test
    void whatIsAboutToRunIsToldBeforeTheInitialLossIsMeasured() {
        LinearTestModel m = linear(new TrainSpec(2, 10, true, null, 0, 0), 0.5);
        List<String> calls = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void onPlan(TrainInfo i) {
                calls.add("plan " + i.trainSize() + " after " + m.evaluations + " evaluations");
            }

            @Override
            public void onStart(TrainInfo i) {
                calls.add("start " + i.trainSize() + " after " + m.evaluations + " evaluations");
            }
        };
        Rng rng = new Rng(1);
        m.initParams(rng);
        new TrainingLoop(m, Optimizers.create(m.spec().optimizer()), m.spec().train(), rng)
                .listener(l).train(plane(100), null);
        assertEquals(List.of("plan 100 after 0 evaluations", "start 100 after 1 evaluations"),
                calls);
    }

    @Test
    void sameSeedGivesBitIdenticalParameters() {
        TrainSpec t = new TrainSpec(20, 7, true, null, 0, 0);
        LinearTestModel a = linear(t, 0.3);
        LinearTestModel b = linear(t, 0.3);
        LinearTestModel c = linear(t, 0.3);
        train(a, plane(50), null, 42);
        train(b, plane(50), null, 42);
        train(c, plane(50), null, 43);
        assertTrue(Arrays.equals(a.params(), b.params()));
        assertFalse(Arrays.equals(a.params(), c.params()));
    }

    @Test
    void fullBatchWithoutShuffleIsPlainGradientDescent() {
        Dataset d = plane(8);
        LinearTestModel m = linear(new TrainSpec(1, 0, false, null, 0, 0), 0.1);
        LinearTestModel ref = linear(new TrainSpec(1, 0, false, null, 0, 0), 0.1);
        train(m, d, null, 5);
        ref.initParams(new Rng(5));
        ref.trainStep(d.x(), d.y(), 8);
        new Sgd(0.1).step(ref.params(), ref.grads());
        assertArrayEquals(ref.params(), m.params());
        assertEquals(List.of(8), m.steps);
    }

    @Test
    void batchesSliceThePermutationAndKeepTheSmallLastOne() {
        LinearTestModel m = linear(new TrainSpec(2, 3, true, null, 0, 0), 0.1);
        List<String> calls = new ArrayList<>();
        TrainInfo[] info = new TrainInfo[1];
        Rng rng = new Rng(1);
        m.initParams(rng);
        new TrainingLoop(m, new Sgd(0.1), m.spec().train(), rng).listener(new TrainingListener() {
            @Override
            public void onStart(TrainInfo i) {
                info[0] = i;
            }

            @Override
            public void onBatch(int epoch, int batch, int batches, double loss) {
                calls.add(epoch + ":" + batch + "/" + batches);
            }
        }).train(plane(10), null);
        assertEquals(List.of(3, 3, 3, 1, 3, 3, 3, 1), m.steps);
        assertEquals(List.of("1:0/4", "1:1/4", "1:2/4", "1:3/4", "2:0/4", "2:1/4", "2:2/4",
                "2:3/4"), calls);
        assertEquals(new TrainInfo("Plane", 3, 2, 10, 0, 3, 4, 1, null, 1), info[0]);
    }

    @Test
    void stopConditionEndsTrainingAtTheFirstEpochItHolds() {
        StopCondition stop = new Compare("loss", Op.LT, 1e-3);
        LinearTestModel m = linear(new TrainSpec(1000, 10, true, stop, 0, 0), 0.5);
        TrainReport r = train(m, plane(100), null, 1);
        assertTrue(r.stoppedEarly());
        assertTrue(r.epochs() < 1000, "epochs " + r.epochs());
        assertEquals(r.epochs(), r.history().size());
        assertTrue(r.last().metric("loss") < 1e-3);
        for (EpochRecord e : r.history().subList(0, r.epochs() - 1)) {
            assertTrue(e.metric("loss") >= 1e-3, e.toString());
        }
    }

    @Test
    void validationMetricsDriveTheStop() {
        Dataset all = plane(100);
        int[] idx = new int[100];
        Arrays.setAll(idx, i -> i);
        StopCondition stop = new Compare("val_r2", Op.GE, 0.999);
        LinearTestModel m = linear(new TrainSpec(1000, 10, true, stop, 0, 0), 0.5);
        TrainReport r = train(m, all.subset(idx, 10, 100), all.subset(idx, 0, 10), 1);
        assertTrue(r.stoppedEarly());
        assertTrue(r.last().metric("val_r2") >= 0.999);
        assertFalse(Double.isNaN(r.last().metric("val_loss")));
        assertFalse(r.history().get(0).metrics().containsKey("loss"));
    }

    @Test
    void fullMetricsOnlyOnLoggedAndLastEpochs() {
        LinearTestModel m = linear(new TrainSpec(40, 10, true, null, 0, 0), 0.1);
        TrainReport r = train(m, plane(30), plane(5), 1);
        for (EpochRecord e : r.history()) {
            boolean full = e.epoch() % 2 == 0;
            assertEquals(full, e.metrics().containsKey("loss"), e.toString());
            assertEquals(full, e.metrics().containsKey("val_r2"), e.toString());
            assertNotNull(e.metrics().get("train_loss"));
        }
        assertEquals(List.of("train_loss", "lr", "loss", "r2", "val_loss", "val_r2"),
                List.copyOf(r.last().metrics().keySet()));
    }

    @Test
    void stopOnValidationMetricsNeedsValidationData() {
        LinearTestModel m = linear(new TrainSpec(5, 10, true,
                new Compare("val_loss", Op.LT, 0.1), 0, 0), 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> train(m, plane(10), null, 1));
        assertEquals("the stop condition 'val_loss < 0.1' reads validation metrics, but there is"
                + " no validation data (set validation: 0.1 in the train block)", e.getMessage());
    }

    @Test
    void divergenceStopsTraining() {
        LinearTestModel m = linear(new TrainSpec(1000, 10, true, null, 0, 0), 1e4);
        TrainReport r = train(m, plane(100), null, 1);
        assertTrue(r.diverged());
        assertFalse(r.stoppedEarly());
        assertTrue(r.epochs() < 1000);
    }

    /**
     * A learning rate too large for the plane makes the loss grow by a factor each epoch: the run
     * is diverged once it exceeds 1000 times the initial model's loss, while it is still finite.
     */
    @Test
    void aLossThatExplodesIsDivergenceBeforeItIsInfinite() {
        LinearTestModel m = linear(new TrainSpec(1000, 40, false, null, 0, 0), 1.5);
        TrainReport r = train(m, plane(40), null, 1);
        assertTrue(r.diverged(), "epochs " + r.epochs());
        double last = r.last().metric("train_loss");
        assertTrue(Double.isFinite(last), "stopped while finite: " + last);
        assertTrue(r.stopReason().matches("the training loss .* is over 1000 times the initial"
                + " model's .*"), r.stopReason());
        double first = r.history().get(0).metric("train_loss");
        assertTrue(r.epochs() > 2 && last > 1000 * first / 10, r.history().toString());
    }

    @Test
    void logisticModelSeparatesTwoClouds() {
        Rng rng = new Rng(7);
        double[][] x = new double[200][];
        double[][] y = new double[200][];
        for (int i = 0; i < 200; i++) {
            int c = i % 2;
            x[i] = new double[] {c * 2 - 1 + rng.nextGaussian() * 0.3, rng.nextGaussian()};
            y[i] = new double[] {c};
        }
        LinearTestModel m = new LinearTestModel("Logit", 2, 1, LinearTestModel.spec(
                Loss.BINARY_CROSS_ENTROPY, 0.5, new TrainSpec(50, 10, true,
                        new Compare("accuracy", Op.GE, 1), 0, 0), ModelSpec.DataSpec.none()));
        TrainReport r = train(m, Dataset.of(x, y), null, 3);
        assertEquals(1.0, r.last().metric("accuracy"));
        assertTrue(r.stoppedEarly());
        assertTrue(m.params()[0] > 1, Arrays.toString(m.params()));
    }

    @Test
    void dataMustFitTheModel() {
        LinearTestModel m = linear(new TrainSpec(1, 1, true, null, 0, 0), 0.1);
        Dataset wrong = new Dataset(new float[3], new float[1], 1, 3, 1);
        assertThrows(IllegalArgumentException.class, () -> train(m, wrong, null, 1));
    }

    @Test
    void scheduleSetsTheRateOfEveryEpochAndHistoryRecordsIt() {
        TrainSpec t = new TrainSpec(5, 10, true, null, 0, 1, new Schedule.Step(2, 0.5), 0, 0,
                null);
        TrainReport r = train(linear(t, 0.2), plane(40), null, 3);
        double[] expected = {0.2, 0.2, 0.1, 0.1, 0.05};
        for (int e = 0; e < 5; e++) {
            assertEquals(expected[e], r.history().get(e).metric("lr"), 1e-12);
        }
    }

    @Test
    void earlyStoppingStopsAfterPatienceAndRestoresTheBestWeights() {
        // A learning rate this large makes the loss grow after the first epochs.
        TrainSpec t = new TrainSpec(200, 5, true, null, 0, 0, null, 0, 0,
                new Schedule.EarlyStopping("loss", 3, true, 0));
        LinearTestModel m = linear(t, 1.3);
        Rng rng = new Rng(5);
        m.initParams(rng);
        List<float[]> snapshots = new ArrayList<>();
        TrainReport r = new TrainingLoop(m, Optimizers.create(m.spec().optimizer()), t, rng)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpoch(EpochRecord rec) {
                        snapshots.add(m.params().clone());
                    }
                }).train(plane(40), null);
        assertTrue(r.epochs() < 200, "stopped at " + r.epochs());
        int bestEpoch = 0;
        double best = Double.POSITIVE_INFINITY;
        for (EpochRecord rec : r.history()) {
            if (rec.metric("loss") < best) {
                best = rec.metric("loss");
                bestEpoch = rec.epoch();
            }
        }
        assertEquals(r.epochs(), bestEpoch + 3, "stops 3 epochs after the best");
        assertArrayEquals(snapshots.get(bestEpoch - 1), m.params());
        assertEquals(bestEpoch, r.restoredEpoch());
        assertEquals("loss did not improve for 3 epochs (best " + Progress.number(best)
                + " at epoch " + bestEpoch + ")", r.stopReason());
    }

    @Test
    void clippingByValueAndByNorm() {
        TrainSpec byValue = new TrainSpec(1, 40, false, null, 0, 0, null, 0, 0.01, null);
        LinearTestModel a = linear(byValue, 1.0);
        train(a, plane(40), null, 1);
        float[] start = new float[a.params().length];
        LinearTestModel ref = linear(byValue, 1.0);
        ref.initParams(new Rng(1));
        System.arraycopy(ref.params(), 0, start, 0, start.length);
        for (int i = 0; i < start.length; i++) {
            assertTrue(Math.abs(a.params()[i] - start[i]) <= 0.01f + 1e-6f, "moved " + i);
        }
        TrainSpec byNorm = new TrainSpec(1, 40, false, null, 0, 0, null, 0.05, 0, null);
        LinearTestModel b = linear(byNorm, 1.0);
        train(b, plane(40), null, 1);
        double sq = 0;
        for (int i = 0; i < start.length; i++) {
            double d = b.params()[i] - start[i];
            sq += d * d;
        }
        assertEquals(0.05, Math.sqrt(sq), 1e-6);
    }

    @Test
    void augmentCopiesFeedEachSampleOnceAsItIsAndNTimesTransformedEachEpoch() {
        // Five samples x = (10 i, 10 i + 1), "images" [1, 1, 2]; noise 0.1 with two copies: each
        // epoch must step on 15 rows, 4 batches of 4, 4, 4 and 3, shuffled together: every sample
        // once as it is and twice noisy (within 1 of it), with its own label every time.
        int n = 5;
        double[][] x = new double[n][];
        double[][] y = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {10 * i, 10 * i + 1};
            y[i] = new double[] {i};
        }
        Dataset train = Dataset.of(x, y);
        LinearTestModel inner = linear(new TrainSpec(3, 4, true, null, 0, 0), 0.001);
        List<float[]> fed = new ArrayList<>();
        List<Integer> batches = new ArrayList<>();
        TrainableModel recording = (TrainableModel) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {TrainableModel.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("trainStep")) {
                        float[] xb = (float[]) args[0];
                        float[] yb = (float[]) args[1];
                        int count = (Integer) args[2];
                        batches.add(count);
                        for (int r = 0; r < count; r++) {
                            fed.add(new float[] {xb[2 * r], xb[2 * r + 1], yb[r]});
                        }
                    }
                    try {
                        return method.invoke(inner, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Augmentation a = new Augmentation(0, 1, 1, 0, false, false, 0.1, false, 2);
        Rng rng = new Rng(4);
        inner.initParams(rng);
        TrainReport r = new TrainingLoop(recording, new Sgd(0.001), inner.spec().train(), rng)
                .augment(new Augmenter(a, new int[] {1, 1, 2}, Normalizer.identity(2), 9))
                .train(train, null);
        assertEquals(15, r.trainSize());
        assertEquals(List.of(4, 4, 4, 3, 4, 4, 4, 3, 4, 4, 4, 3), batches);
        for (int e = 0; e < 3; e++) {
            int[] plain = new int[n];
            int[] moved = new int[n];
            for (float[] row : fed.subList(15 * e, 15 * e + 15)) {
                int s = Math.round(row[0] / 10);
                assertEquals(s, row[2], "label of " + Arrays.toString(row));
                if (row[0] == 10 * s && row[1] == 10 * s + 1) {
                    plain[s]++;
                } else {
                    assertEquals(10 * s, row[0], 1);
                    assertEquals(10 * s + 1, row[1], 1);
                    moved[s]++;
                }
            }
            assertArrayEquals(new int[] {1, 1, 1, 1, 1}, plain, "epoch " + (e + 1));
            assertArrayEquals(new int[] {2, 2, 2, 2, 2}, moved, "epoch " + (e + 1));
        }
        // The originals are not fed in a block: the enlarged set is shuffled as one.
        int plainInFirstFive = 0;
        for (float[] row : fed.subList(0, 5)) {
            plainInFirstFive += row[0] == Math.round(row[0] / 10) * 10 ? 1 : 0;
        }
        assertTrue(plainInFirstFive < 5, "the first five rows are the five originals");
    }
}
