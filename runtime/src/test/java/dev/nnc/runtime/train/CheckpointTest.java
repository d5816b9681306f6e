package dev.nnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.io.Safetensors;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.io.WeightsException;
import dev.nnc.runtime.model.LinearTestModel;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.ModelSpec.Loss;
import dev.nnc.runtime.model.ModelSpec.TrainSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.Schedule;
import dev.nnc.runtime.optim.Optimizers;
import dev.nnc.runtime.optim.Sgd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointTest {
    @TempDir
    Path dir;

    /** Three classes of points in the plane around three centres, with some overlap. */
    static Dataset blobs(int n, long seed) {
        Rng rng = new Rng(seed);
        double[][] x = new double[n][];
        double[][] y = new double[n][];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            x[i] = new double[] {c + rng.nextGaussian() * 0.6, c * c * 0.5
                    + rng.nextGaussian() * 0.6};
            y[i] = new double[3];
            y[i][c] = 1;
        }
        return Dataset.of(x, y);
    }

    static LinearTestModel model(String optimizer, Map<String, Double> args, TrainSpec t) {
        return new LinearTestModel("Blobs", 2, 3, new ModelSpec(Loss.CROSS_ENTROPY,
                new ModelSpec.OptimizerSpec(optimizer, args), 1, t, ModelSpec.DataSpec.none()));
    }

    /** Trains a fresh model, saving checkpoints every {@code every} epochs to {@code file}. */
    static TrainReport run(LinearTestModel m, Dataset train, Dataset val, Path file, int every,
            TrainingListener listener) {
        Rng rng = new Rng(7);
        m.initParams(rng);
        TrainingLoop t = new TrainingLoop(m, Optimizers.create(m.spec().optimizer()),
                m.spec().train(), rng).listener(listener);
        if (file != null) {
            t.checkpointEvery(every, file, Map.of(Checkpoint.SEED, "7"));
        }
        return t.train(train, val);
    }

    /** Copies the checkpoint as it was after epoch {@code at}: what a run killed then leaves. */
    static TrainingListener copyAfter(Path file, int at, Path copy) {
        return new TrainingListener() {
            @Override
            public void onEpoch(EpochRecord r) {
                // the checkpoint of epoch `at` is written after its onEpoch, so copy at the next
                if (r.epoch() == at + 1) {
                    try {
                        Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
    }

    /** A fresh model, optimizer and Rng resumed from {@code ckpt}, trained to the end. */
    static TrainReport resume(LinearTestModel m, Path ckpt, Dataset train, Dataset val) {
        m.initParams(new Rng(12345));
        return new TrainingLoop(m, Optimizers.create(m.spec().optimizer()), m.spec().train(),
                new Rng(999)).resume(Checkpoint.read(ckpt)).train(train, val);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "momentum", "adam"})
    void resumedRunEndsBitIdenticalToAnUninterruptedOne(String optimizer) {
        TrainSpec t = new TrainSpec(12, 7, true, null, 0, 3,
                new Schedule.Step(4, 0.5), 0, 0, null);
        Map<String, Double> args = Map.of("lr", optimizer.equals("adam") ? 0.05 : 0.2);
        Dataset train = blobs(60, 3);
        Dataset val = blobs(15, 4);

        LinearTestModel whole = model(optimizer, args, t);
        TrainReport w = run(whole, train, val, null, 0, TrainingListener.NONE);

        Path file = dir.resolve("m.ckpt.safetensors");
        Path at5 = dir.resolve("at5.safetensors");
        LinearTestModel first = model(optimizer, args, t);
        run(first, train, val, file, 5, copyAfter(file, 5, at5));
        assertEquals(5, Checkpoint.read(at5).epoch());
        assertEquals(12, Checkpoint.read(file).epoch(), "the last epoch is saved too");
        assertArrayEquals(whole.params(), first.params());

        LinearTestModel resumed = model(optimizer, args, t);
        TrainReport r = resume(resumed, at5, train, val);
        assertArrayEquals(whole.params(), resumed.params(), "bit-identical parameters");
        assertEquals(7, resumed.steps.size() / 9, "epochs 6 to 12 only, 9 batches each");
        assertEquals(12, r.epochs());
        assertEquals(12, r.history().size(), "the history covers the whole run");
        for (int i = 0; i < 12; i++) {
            assertEquals(w.history().get(i).metric("train_loss"),
                    r.history().get(i).metric("train_loss"), "epoch " + (i + 1));
            assertEquals(w.history().get(i).metric("lr"), r.history().get(i).metric("lr"));
        }
    }

    @Test
    void plateauScheduleAndEarlyStoppingWithRestoreBestResumeExactly() {
        TrainSpec t = new TrainSpec(40, 10, true, null, 0.0, 0,
                new Schedule.Plateau("val_loss", 0.5, 2, 1e-4), 0, 0,
                new Schedule.EarlyStopping("val_accuracy", 4, true, 0));
        Map<String, Double> args = Map.of("lr", 0.3, "momentum", 0.9);
        Dataset train = blobs(90, 5);
        Dataset val = blobs(30, 6);
        LinearTestModel whole = model("momentum", args, t);
        TrainReport w = run(whole, train, val, null, 0, TrainingListener.NONE);
        assertTrue(w.epochs() > 8, "the run is long enough to interrupt: " + w.epochs());

        Path file = dir.resolve("p.ckpt.safetensors");
        Path mid = dir.resolve("mid.safetensors");
        int at = w.epochs() / 2;
        run(model("momentum", args, t), train, val, file, 1, copyAfter(file, at, mid));
        LinearTestModel resumed = model("momentum", args, t);
        TrainReport r = resume(resumed, mid, train, val);
        assertArrayEquals(whole.params(), resumed.params());
        assertEquals(w.epochs(), r.epochs());
        assertEquals(w.stoppedEarly(), r.stoppedEarly());

        // the checkpoint after the last epoch resumes to the same end, running nothing more
        LinearTestModel again = model("momentum", args, t);
        TrainReport end = resume(again, file, train, val);
        assertArrayEquals(whole.params(), again.params());
        assertTrue(again.steps.isEmpty() || !w.stoppedEarly());
        assertEquals(w.epochs(), end.epochs());
    }

    /**
     * A stop asked for in the middle of epoch 6 (adam, dropout-free, shuffled, with a schedule)
     * ends the run with the state after epoch 5: parameters, optimizer moments and generators go
     * back, the checkpoint is of epoch 5, and the run resumed from it ends as one never stopped.
     */
    @Test
    void anInterruptedRunSavesItsLastCompleteEpochAndResumesExactly() {
        TrainSpec t = new TrainSpec(12, 7, true, null, 0, 3,
                new Schedule.Step(4, 0.5), 0, 0, null);
        Map<String, Double> args = Map.of("lr", 0.05);
        Dataset train = blobs(60, 3);
        Dataset val = blobs(15, 4);
        LinearTestModel whole = model("adam", args, t);
        List<float[]> afterEpoch = new ArrayList<>();
        run(whole, train, val, null, 0, new TrainingListener() {
            @Override
            public void onEpoch(EpochRecord r) {
                afterEpoch.add(whole.params().clone());
            }
        });

        LinearTestModel cut = model("adam", args, t);
        Rng rng = new Rng(7);
        cut.initParams(rng);
        boolean[] stop = {false};
        Path file = dir.resolve("cut.ckpt.safetensors");
        TrainReport r = new TrainingLoop(cut, Optimizers.create(cut.spec().optimizer()), t, rng)
                .listener(new TrainingListener() {
                    @Override
                    public void onBatch(int epoch, int batch, int batches, double loss) {
                        stop[0] |= epoch == 6 && batch == 3;
                    }
                })
                .interruptWhen(() -> stop[0])
                .checkpointIfInterrupted(file, Map.of())
                .train(train, val);
        assertTrue(r.interrupted());
        assertEquals(5, r.epochs(), "the last complete epoch");
        assertEquals(5, r.history().size());
        assertArrayEquals(afterEpoch.get(4), cut.params(), "the parameters of epoch 5");
        assertEquals(5, Checkpoint.read(file).epoch());

        LinearTestModel resumed = model("adam", args, t);
        TrainReport end = resume(resumed, file, train, val);
        assertArrayEquals(whole.params(), resumed.params(), "bit-identical parameters");
        assertEquals(12, end.epochs());
        assertFalse(end.interrupted());
    }

    @Test
    void withoutAnInterruptTheInterruptCheckpointIsNotWritten() {
        TrainSpec t = new TrainSpec(3, 10, true, null, 0, 0);
        LinearTestModel m = model("sgd", Map.of("lr", 0.1), t);
        Rng rng = new Rng(7);
        m.initParams(rng);
        Path file = dir.resolve("never.ckpt.safetensors");
        TrainReport r = new TrainingLoop(m, new Sgd(0.1), t, rng).interruptWhen(() -> false)
                .checkpointIfInterrupted(file, Map.of()).train(blobs(30, 1), null);
        assertFalse(r.interrupted());
        assertFalse(Files.exists(file));
    }

    @Test
    void checkpointOfAnotherModelOrOptimizerIsRefused() {
        TrainSpec t = new TrainSpec(3, 10, true, null, 0, 0);
        Path file = dir.resolve("c.ckpt.safetensors");
        run(model("sgd", Map.of("lr", 0.1), t), blobs(30, 1), null, file, 1,
                TrainingListener.NONE);
        Checkpoint c = Checkpoint.read(file);
        assertEquals(Long.valueOf(7), c.seed());
        assertEquals("Blobs", c.modelName());
        assertEquals(1, c.every());

        LinearTestModel other = new LinearTestModel("Other", 2, 3, model("sgd",
                Map.of("lr", 0.1), t).spec());
        WeightsException e = assertThrows(WeightsException.class, () -> new TrainingLoop(other,
                new Sgd(0.1), t, new Rng(1)).resume(c));
        assertTrue(e.getMessage().contains("is of model 'Blobs', not of 'Other'"),
                e.getMessage());

        LinearTestModel adam = model("adam", Map.of("lr", 0.1), t);
        e = assertThrows(WeightsException.class, () -> new TrainingLoop(adam,
                Optimizers.create(adam.spec().optimizer()), t, new Rng(1)).resume(c));
        assertTrue(e.getMessage().contains("made with optimizer sgd(lr: 0.1), the model now has"
                + " adam(lr: 0.1)"), e.getMessage());

        LinearTestModel sgd = model("sgd", Map.of("lr", 0.1), t);
        TrainSpec bigger = new TrainSpec(3, 20, true, null, 0, 0);
        e = assertThrows(WeightsException.class, () -> new TrainingLoop(sgd, new Sgd(0.1), bigger,
                new Rng(1)).resume(c));
        assertTrue(e.getMessage().contains("batch 10, the model now has batch 20"),
                e.getMessage());

        TrainingLoop fewer = new TrainingLoop(sgd, new Sgd(0.1), t, new Rng(1)).resume(c);
        e = assertThrows(WeightsException.class, () -> fewer.train(blobs(20, 1), null));
        assertTrue(e.getMessage().contains("30 training samples, the data now has 20"),
                e.getMessage());
    }

    @Test
    void aWeightsFileIsNotACheckpointButACheckpointLoadsAsWeights() {
        TrainSpec t = new TrainSpec(2, 10, true, null, 0, 0);
        LinearTestModel m = model("adam", Map.of("lr", 0.1), t);
        Path file = dir.resolve("w.ckpt.safetensors");
        run(m, blobs(30, 1), null, file, 0, TrainingListener.NONE);
        Path weights = dir.resolve("w.safetensors");
        Weights.save(m, weights, Map.of());
        WeightsException e = assertThrows(WeightsException.class,
                () -> Checkpoint.read(weights));
        assertTrue(e.getMessage().contains("is not a checkpoint"), e.getMessage());

        LinearTestModel loaded = model("adam", Map.of("lr", 0.1), t);
        Weights.load(loaded, file);
        assertArrayEquals(m.params(), loaded.params());
        Safetensors.Contents c = Safetensors.read(file);
        assertNotNull(c.tensor("nnc.ckpt.optimizer.1"), "Adam's second moments");
        assertEquals(m.params().length, c.tensor("nnc.ckpt.optimizer.0").size());
    }

    /**
     * A child JVM writes a large checkpoint over and over; it is killed while a write is in
     * progress (its temporary file exists). The checkpoint left under the name is whole: it reads,
     * and every value in it is the iteration number of one complete write.
     */
    @Test
    void aWriterKilledMidWriteLeavesThePreviousCheckpointLoadable() throws Exception {
        Path file = dir.resolve("big.ckpt.safetensors");
        String cp = Path.of(Checkpoint.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI()) + java.io.File.pathSeparator + Path.of(CheckpointTest.class
                .getProtectionDomain().getCodeSource().getLocation().toURI());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int round = 0; round < 3; round++) {
            Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", cp,
                    CheckpointWriterMain.class.getName(), file.toString())
                    .redirectErrorStream(true).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                boolean midWrite = false;
                while (!midWrite && System.nanoTime() < deadline && p.isAlive()) {
                    midWrite = Files.exists(file) && temporaries(file).size() > 0
                            && Files.size(temporaries(file).get(0)) > 1 << 20;
                    if (!midWrite) {
                        Thread.sleep(1);
                    }
                }
                assertTrue(midWrite, "the writer was seen mid-write");
            } finally {
                p.destroyForcibly();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            }
            assertFalse(temporaries(file).isEmpty(), "the killed write left its temporary file");
            Safetensors.Contents c = Safetensors.read(file);
            float[] data = c.tensor("payload").data();
            assertEquals(CheckpointWriterMain.FLOATS, data.length);
            float it = Float.parseFloat(c.metadata().get("iteration"));
            assertEquals(it, data[0]);
            assertEquals(it, data[data.length - 1]);
            assertEquals(it, data[data.length / 2]);
            for (Path tmp : temporaries(file)) {
                Files.delete(tmp);
            }
        }
    }

    private static List<Path> temporaries(Path file) throws IOException {
        try (Stream<Path> s = Files.list(file.getParent())) {
            return new ArrayList<>(s.filter(q -> q.getFileName().toString().startsWith(
                    "." + file.getFileName()) && q.toString().endsWith(".tmp")).toList());
        }
    }
}
